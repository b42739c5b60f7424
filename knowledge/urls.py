from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("<int:pk>/", views.article_detail, name="article"),
]
