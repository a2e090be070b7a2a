from django.urls import path

from . import views

app_name = "appraisal"

urlpatterns = [
    path("", views.index, name="index"),
    path("reviews/start/", views.review_start, name="review_start"),
    path("reviews/export.xlsx", views.review_export, name="review_export"),
    path("reviews/<str:pk>/", views.review, name="review"),
    path("reviews/<str:pk>/update/", views.review_update, name="review_update"),
    path("reviews/<str:pk>/advance/", views.review_advance, name="review_advance"),
    path("reviews/<str:pk>/ballot/", views.ballot, name="ballot"),
    path("people/<str:pk>/", views.person_update, name="person"),
    path("people/<str:pk>/disposal/", views.disposal_create, name="disposal"),
    path("people/<str:pk>/appeal/", views.appeal_file, name="appeal"),
    path("appeals/<str:pk>/answer/", views.appeal_answer, name="appeal_answer"),
    path("disposals/<str:pk>/done/", views.disposal_done, name="disposal_done"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<str:pk>/", views.round_detail, name="round"),
    path("rounds/<str:pk>/export.xlsx", views.round_export, name="round_export"),
    path("rounds/<str:pk>/voting/", views.round_voting, name="round_voting"),
    path("rounds/<str:pk>/ballot/", views.round_ballot, name="round_ballot"),
    path("entries/<str:pk>/", views.entry_detail, name="entry"),
    path("entries/<str:pk>/report/", views.entry_report, name="entry_report"),
    path("problems/<str:pk>/item/", views.problem_item, name="problem_item"),
    path("points/", views.points, name="points"),
    path("points/claim/", views.points_claim, name="points_claim"),
    path("points/export.xlsx", views.points_export, name="points_export"),
    path("points/ranking/", views.ranking, name="ranking"),
    path("points/rules/", views.points_rules, name="rules"),
    path("points/<str:pk>/decide/", views.points_decide, name="points_decide"),
    path("points/<str:pk>/evidence/", views.points_evidence, name="points_evidence"),
    path("me/", views.me, name="me"),
]
