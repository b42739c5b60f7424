"""/api/: token login, tickets and their lifecycle actions, whistles, extensions."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("tickets", api.TicketViewSet, basename="ticket")
router.register("whistles", api.WhistleViewSet, basename="whistle")
router.register("extensions", api.ExtensionViewSet, basename="extension")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
