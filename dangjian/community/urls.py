from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("org/<int:pk>/", views.org_page, name="org"),
    path("org/<int:pk>/reporting.xlsx", views.reporting_xlsx, name="reporting_xlsx"),
    path("me/", views.me, name="me"),
    path("me/request/", views.me_request, name="me_request"),
    path("me/record/", views.me_record, name="me_record"),
    path("me/end/", views.me_end, name="me_end"),
]
