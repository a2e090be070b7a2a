from django.urls import path

from . import import_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/new-child/", views.org_new_child, name="new_child"),
    path("<int:pk>/move/", views.org_move_view, name="move"),
    path("<int:pk>/term/", views.term_new, name="term_new"),
    path("<int:pk>/post/", views.post_new, name="post_new"),
    path("import/", import_views.org_import, name="import"),
    path("import/template/", import_views.org_template, name="import_template"),
]
