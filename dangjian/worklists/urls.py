from django.urls import path

from . import decompose_views, views

app_name = "worklists"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("stats/", views.item_stats, name="stats"),
    path("export/", views.item_export, name="export"),
    path("new/", views.item_new, name="new"),
    path("decompose/", decompose_views.decompose_page, name="decompose"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/progress/", views.item_progress, name="progress"),
    path("<int:pk>/evidence/", views.item_evidence, name="evidence"),
    path("<int:pk>/do/<str:transition>/", views.item_transition, name="transition"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
]
