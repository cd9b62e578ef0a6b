"""The correction UI's pages; each module lists its own URLs."""

from django.urls import path
from django.views.generic import RedirectView

from graph import views as explore
from web import accounts, dashboard, history, operations, pages, review, uploads

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="projects", permanent=False), name="home"),
    *accounts.urlpatterns,
    *pages.urlpatterns,
    *uploads.urlpatterns,
    *review.urlpatterns,
    *history.urlpatterns,
    *dashboard.urlpatterns,
    *operations.urlpatterns,
    *explore.urlpatterns,
]
