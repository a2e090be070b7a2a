from django.urls import include, path, re_path

from dangjian.api import api, not_found

urlpatterns = [
    path("", include("dangjian.home.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("worklists/", include("dangjian.worklists.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("inbox/", include("dangjian.inbox.urls")),
    path("api/", api.urls),
    re_path(r"^api/", not_found),  # after the API's own routes: what they do not match
    path("administration/", include("dangjian.administration.urls")),
]
