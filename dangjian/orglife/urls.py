from django.urls import path

from . import views

app_name = "orglife"
urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("flags/", views.flags, name="flags"),
    path("flags/rescan/", views.flags_rescan, name="flags_rescan"),
    path("flags/<int:pk>/decide/", views.flag_decide, name="flag_decide"),
    path("org/<int:org_pk>/", views.org_year, name="org_year"),
    path("org/<int:org_pk>/<int:year>/<int:month>/", views.org_month, name="org_month"),
    path("org/<int:org_pk>/new/", views.meeting_new, name="meeting_new"),
    path("org/<int:org_pk>/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("org/<int:org_pk>/rules/", views.rule_settings, name="rules"),
    path("meeting/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meeting/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meeting/<int:pk>/attach/", views.attachment_upload, name="attachment_upload"),
    path("meeting/<int:pk>/record.docx", views.meeting_docx, name="meeting_docx"),
    path("attachment/<int:pk>/", views.attachment_download, name="attachment"),
]
