from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="list"),
    path("<int:pk>/", views.follow, name="follow"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
