"""The correction UI's pages; each module lists its own URLs."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from graph import views as explore
from web import dashboard, history, operations, pages, review, uploads

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="projects", permanent=False), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *pages.urlpatterns,
    *uploads.urlpatterns,
    *review.urlpatterns,
    *history.urlpatterns,
    *dashboard.urlpatterns,
    *operations.urlpatterns,
    *explore.urlpatterns,
]
