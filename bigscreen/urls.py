from django.urls import path

from . import views

app_name = "bigscreen"

urlpatterns = [
    path("", views.screen, name="screen"),
    path("data.json", views.data, name="data"),
]
