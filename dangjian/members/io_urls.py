"""Excel import and export URLs, included by members/urls.py under the "members" namespace."""

from django.urls import path

from . import io_views

urlpatterns = [
    path("import/", io_views.import_page, name="import"),
    path("import/template/", io_views.member_template, name="import_template"),
    path("import/org-template/", io_views.org_template, name="org_import_template"),
    path("export/", io_views.member_export, name="export"),
]
