from django.contrib import admin
from django.urls import include, path

from projections import views as projection_views

# Under /api/ every error is a problem+json, elsewhere Django's page (api.middleware).
handler400 = "api.middleware.bad_request"
handler403 = "api.middleware.permission_denied"
handler404 = "api.middleware.page_not_found"
handler500 = "api.middleware.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # Operations (docs/architecture.md, Projections): no login; see projections.views for who may
    # reach /metrics.
    path("metrics", projection_views.metrics, name="metrics"),
    path("health/live", projection_views.health_live, name="health-live"),
    path("health/ready", projection_views.health_ready, name="health-ready"),
    path("", include("web.urls")),
]
