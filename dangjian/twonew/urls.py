from django.urls import path

from . import views

app_name = "twonew"
urlpatterns = [
    path("", views.entity_list, name="list"),
    path("export/", views.entity_export, name="export"),
    path("coverage/", views.coverage, name="coverage"),
    path("new/", views.entity_new, name="new"),
    path("import/", views.entity_import, name="import"),
    path("import/template/", views.entity_template, name="import_template"),
    path("<int:pk>/", views.entity_detail, name="detail"),
    path("<int:pk>/edit/", views.entity_edit, name="edit"),
    path("<int:pk>/confirm/<int:round_pk>/", views.entity_confirm, name="confirm"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("settings/", views.list_settings, name="settings"),
    path("centres/", views.centre_list, name="centres"),
    path("centres/new/", views.centre_new, name="centre_new"),
    path("centres/<int:pk>/edit/", views.centre_edit, name="centre_edit"),
    path("centres/<int:pk>/photos/", views.centre_photos, name="centre_photos"),
    path("centres/photos/<int:pk>/", views.centre_photo_file, name="centre_photo"),
    path("centres/photos/<int:pk>/remove/", views.centre_photo_remove, name="centre_photo_remove"),
]
