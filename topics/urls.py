from django.urls import path

from . import views

app_name = "topics"

urlpatterns = [
    path("", views.topic_list, name="list"),
    path("new/", views.new_topic, name="new"),
    path("<int:topic_id>/", views.topic_detail, name="detail"),
    path("<int:topic_id>/start/", views.start, name="start"),
    path("<int:topic_id>/report/", views.report, name="report"),
    path("<int:topic_id>/close/", views.close, name="close"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("photos/<int:photo_id>/thumbnail/", views.photo, {"thumbnail": True}, name="thumbnail"),
]
