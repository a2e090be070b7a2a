from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("snapshots/", views.snapshot_list, name="snapshots"),
    path("snapshots/take/", views.snapshot_take, name="snapshot_take"),
    path("<int:pk>/", views.org_dashboard, name="org"),
    path("<int:pk>/screen/", views.screen, name="screen"),
    path("<int:pk>/sources/", views.sources, name="sources"),
    path("<int:pk>/trends/", views.trends, name="trends"),
    path("<int:pk>/compare/<int:snapshot_id>/", views.compare, name="compare"),
    path("<int:pk>/tables/", views.table_list, name="tables"),
    path("<int:pk>/tables.xlsx", views.table_xlsx, name="tables_xlsx"),
]
