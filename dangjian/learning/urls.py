from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="new"),
    path("<int:pk>/", views.programme_detail, name="programme"),
    path("<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<int:pk>/link/", views.programme_link, name="link"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("hours/", views.hours, name="hours"),
    path("targets/", views.target, name="target"),
]
