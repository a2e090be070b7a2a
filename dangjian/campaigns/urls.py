from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("titles/", views.title_list, name="titles"),
    path("titles/export/", views.titles_export, name="titles_export"),
    path("titles/<int:pk>/", views.title_detail, name="title"),
    path("applications/<int:aid>/", views.application_detail, name="application"),
    path("applications/<int:aid>/<str:stage>/", views.application_stage, name="application_stage"),
    path("objections/<int:oid>/answer/", views.objection_answer, name="objection_answer"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/sample/", views.campaign_sample, name="sample"),
    path("<int:pk>/kinds/", views.campaign_kinds, name="kinds"),
    path("<int:pk>/chosen/", views.campaign_chosen, name="chosen"),
    path("<int:pk>/revisit-targets/", views.campaign_revisit_targets, name="revisit_targets"),
    path("<int:pk>/grant/", views.campaign_grant, name="grant"),
    path("<int:pk>/grant/<int:gid>/revoke/", views.campaign_revoke, name="revoke"),
    path("<int:pk>/close/", views.campaign_close, name="close"),
    path("<int:pk>/targets/<int:tid>/finding/", views.finding_new, name="finding_new"),
    path("<int:pk>/targets/<int:tid>/score/", views.score_sheet, name="score"),
    path("<int:pk>/findings/<int:fid>/to-item/", views.finding_to_item, name="to_item"),
    path("<int:pk>/findings/<int:fid>/revisit/", views.finding_revisit, name="revisit"),
    path("<int:pk>/report/", views.campaign_report, name="report"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:pk>/ranking/", views.campaign_ranking, name="ranking"),
    path("<int:pk>/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("<int:pk>/apply/", views.application_new, name="apply"),
]
