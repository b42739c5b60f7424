"""helpdesk at the site root, as its install docs allow, so its API is /api/tickets/ like ours."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
