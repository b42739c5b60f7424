"""/api/: token login, tickets and their lifecycle actions, whistles, extensions, intake suggestions."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from core.token_api import TokenView

from . import api, suggest_api

router = SimpleRouter()
router.register("tickets", api.TicketViewSet, basename="ticket")
router.register("whistles", api.WhistleViewSet, basename="whistle")
router.register("extensions", api.ExtensionViewSet, basename="extension")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("suggestions/", suggest_api.SuggestionsView.as_view(), name="api-suggestions"),
    re_path(r"^tickets/(?P<pk>\d{1,18})/link-repeat/$", suggest_api.LinkRepeatView.as_view(),
            name="api-link-repeat"),
    path("", include(router.urls)),
]
