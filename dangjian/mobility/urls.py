from django.urls import path

from . import views

app_name = "mobility"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("org/<int:pk>/", views.branch, name="branch"),
    path("org/<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("outflow/<int:pk>/", views.outflow, name="outflow"),
    path("outflow/<int:pk>/edit/", views.outflow_edit, name="outflow_edit"),
    path("inflow/<int:pk>/leave/", views.inflow_leave, name="inflow_leave"),
    path("me/", views.my_outflow, name="me"),
]
