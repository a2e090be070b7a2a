from django.urls import path

from dangjian.core.ratelimit import limit_posts

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", limit_posts("login", views.LoginView.as_view()), name="login"),
    path("login/code/", limit_posts("login", views.login_code), name="login_code"),
    path("login/enrol/", views.login_enrol, name="login_enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("security/", views.security, name="security"),
]
