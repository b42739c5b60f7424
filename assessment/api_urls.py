"""/api/assessment/: months, rankings and a unit's scorecards (read-only)."""

from django.urls import path

from . import api

urlpatterns = [
    path("months/", api.month_list, name="assessment-months"),
    path("rankings/", api.ranking, name="assessment-ranking"),
    path("units/<str:code>/scorecards/", api.unit_scorecards, name="assessment-unit-scorecards"),
]
