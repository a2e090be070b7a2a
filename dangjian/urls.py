from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from dangjian.api import api, not_found
from dangjian.core.shortcuts import import_error_report

urlpatterns = [
    path("", include("dangjian.home.urls")),
    # Browsers ask for /favicon.ico whatever the page says; the icon is a static file like the rest.
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("accounts/", include("dangjian.accounts.urls")),
    path("import-errors.xlsx", import_error_report, name="import_error_report"),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("worklists/", include("dangjian.worklists.urls")),
    path("assessment/", include("dangjian.assessment.urls")),
    path("appraisal/", include("dangjian.appraisal.urls")),
    path("dashboard/", include("dangjian.dashboard.urls")),
    path("twonew/", include("dangjian.twonew.urls")),
    path("learning/", include("dangjian.learning.urls")),
    path("notices/", include("dangjian.notices.urls")),
    path("recruitment/", include("dangjian.recruitment.urls")),
    path("campaigns/", include("dangjian.campaigns.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("mobility/", include("dangjian.mobility.urls")),
    path("community/", include("dangjian.community.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("inbox/", include("dangjian.inbox.urls")),
    path("api/", api.urls),
    re_path(r"^api/", not_found),  # after the API's own routes: what they do not match
    path("administration/", include("dangjian.administration.urls")),
]
