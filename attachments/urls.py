from django.urls import path

from . import views

app_name = "attachments"

urlpatterns = [
    path("attachments/<int:pk>/", views.attachment_file, name="file"),
    path("attachments/<int:pk>/thumbnail/", views.attachment_file, {"thumbnail": True}, name="thumbnail"),
]
