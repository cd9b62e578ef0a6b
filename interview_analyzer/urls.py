from django.contrib import admin
from django.urls import include, path

from projections import views as projection_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    # Operations (SPEC 7): no login; see projections.views for who may reach /metrics.
    path("metrics", projection_views.metrics, name="metrics"),
    path("health/live", projection_views.health_live, name="health-live"),
    path("health/ready", projection_views.health_ready, name="health-ready"),
    path("", include("web.urls")),
]
