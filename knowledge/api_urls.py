"""/api/knowledge/: articles and their review workflow."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("articles", api.ArticleViewSet, basename="kb-article")

urlpatterns = [path("", include(router.urls))]
