from django.urls import path

from . import views
from .io import urls as io_urls
from .selfservice import urls as self_urls

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_new, name="new"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/transfer/", views.member_transfer_view, name="transfer"),
    path("<int:pk>/reveal/", views.member_reveal, name="reveal"),
] + io_urls.urlpatterns + self_urls.urlpatterns
