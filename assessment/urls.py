from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.rankings, name="rankings"),
    path("export.xlsx", views.export_ranking, name="export"),
    path("overview/", views.overview, name="overview"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("appeals/", views.appeal_list, name="appeals"),
    path("appeals/new/", views.file_appeal, name="file_appeal"),
    path("appeals/<int:appeal_id>/rule/", views.rule_appeal, name="rule_appeal"),
    path("reviews/", views.reviews, name="reviews"),
    path("close/", views.month_close, name="month_close"),
]
