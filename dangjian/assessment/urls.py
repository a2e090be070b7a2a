from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("new/", views.scheme_new, name="new"),
    path("scheme/<int:pk>/", views.scheme_detail, name="scheme"),
    path("scheme/<int:pk>/do/<str:what>/", views.scheme_action, name="scheme_action"),
    path("scheme/<int:pk>/publicity/", views.scheme_publicity, name="publicity"),
    path("scheme/<int:pk>/export/<str:layout>.xlsx", views.scheme_export, name="export"),
    path("grade/<int:pk>/", views.grade_detail, name="grade"),
    path("grade/<int:pk>/evidence/<int:indicator_pk>/", views.grade_evidence, name="evidence"),
    path("grade/<int:pk>/do/<str:what>/", views.grade_action, name="grade_action"),
    path("score/<int:pk>/file/", views.score_file, name="score_file"),
    path("candidate/<int:pk>/do/<str:what>/", views.candidate_action, name="candidate_action"),
]
