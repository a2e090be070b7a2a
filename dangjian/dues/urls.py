from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("org/<int:pk>/", views.branch, name="branch"),
    path("org/<int:pk>/month/", views.month, name="month"),
    path("org/<int:pk>/arrears/", views.arrears, name="arrears"),
    path("org/<int:pk>/public/", views.publication, name="publication"),
    path("org/<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("member/<int:pk>/", views.member, name="member"),
    path("member/<int:pk>/certificate.docx", views.certificate, name="certificate"),
    path("me/", views.my_dues, name="me"),
    path("import/", views.base_import, name="import"),
    path("import/template/", views.base_template, name="import_template"),
]
