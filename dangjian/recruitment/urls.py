from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
    path("export/", views.pipeline_export, name="export"),
    path("new/", views.case_new, name="new"),
    path("import/", views.case_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/record.docx", views.case_record_docx, name="record_docx"),
]
