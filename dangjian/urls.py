from django.urls import include, path

from dangjian.api import api

urlpatterns = [
    path("", include("dangjian.core.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("worklists/", include("dangjian.worklists.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("inbox/", include("dangjian.inbox.urls")),
    path("api/", api.urls),
    path("administration/", include("dangjian.administration.urls")),
]
