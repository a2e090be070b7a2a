from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/confirm/", views.notice_confirm, name="confirm"),
    path("<int:pk>/file/", views.notice_file, name="file"),
]
