"""Excel import and export URLs, included by members/urls.py under the "members" namespace."""

from django.urls import path

from . import views as io_views

urlpatterns = [
    path("import/", io_views.member_import, name="import"),
    path("import/template/", io_views.member_template, name="import_template"),
    path("export/", io_views.member_export, name="export"),
]
