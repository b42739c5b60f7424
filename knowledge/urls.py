from django.urls import path

from . import stats_views, transfer_views, views

app_name = "knowledge"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.article_new, name="new"),
    path("review/", views.review_queue, name="review"),
    path("stats/", stats_views.stats_page, name="stats"),
    path("transfer/", transfer_views.transfer_page, name="transfer"),
    path("export.xlsx", transfer_views.export_xlsx, name="export"),
    path("intake/suggest/", views.intake_suggestions_json, name="intake_suggest"),
    path("<int:pk>/", views.article_detail, name="article"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/<slug:action>/", views.article_action, name="action"),
]
