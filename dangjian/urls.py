from django.urls import include, path

from dangjian.api import api

urlpatterns = [
    path("", include("dangjian.home.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("worklists/", include("dangjian.worklists.urls")),
    path("api/", api.urls),
    path("administration/", include("dangjian.administration.urls")),
]
