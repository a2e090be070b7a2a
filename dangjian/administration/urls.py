from django.urls import path

from . import views

app_name = "administration"
urlpatterns = [
    path("", views.index, name="index"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:pk>/", views.account_detail, name="account"),
    path("accounts/<int:pk>/active/", views.account_active, name="account_active"),
    path("accounts/<int:pk>/password/", views.account_password, name="account_password"),
    path("accounts/<int:pk>/tokens/revoke/", views.account_token_revoke, name="account_token_revoke"),
    path("security/", views.security, name="security"),
    path("security/users/<int:pk>/", views.security_user, name="security_user"),
    path("security/positions/<int:pk>/revoke/", views.position_revoke, name="position_revoke"),
    path("security/duties/<int:pk>/revoke/", views.duty_revoke, name="duty_revoke"),
    path("audit/", views.audit, name="audit"),
    path("audit/export/", views.audit_export, name="audit_export"),
]
