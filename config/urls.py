from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from config.api_errors import api_not_found
from core import ops_views
from hotline import urls as hotline_urls
from hotline import views as hotline_views

urlpatterns = [
    path("", hotline_views.home, name="home"),
    path("", include(hotline_urls)),
    path("", include("attachments.urls")),
    path("rankings/", include("assessment.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("topics/", include("topics.urls")),
    path("screen/", include("bigscreen.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("hotline.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/assessment/", include("assessment.api_urls")),
    path("api/knowledge/", include("knowledge.api_urls")),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"))),  # pages without the icon link (admin)
    path("healthz", ops_views.healthz, name="healthz"),
    path("metrics", ops_views.metrics_view, name="metrics"),
    re_path(r"^api/", api_not_found),  # last: an unknown API address answers in JSON
]

handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
