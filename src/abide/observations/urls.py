"""The observations app's pages: reporting, corrections, patrols, and the service worker."""

from django.urls import path

from abide.observations.views import offline, patrols, reporting

app_name = "observations"
urlpatterns = [
    path("observations/new/", reporting.new_observation, name="new"),
    path("observations/mine/", reporting.mine, name="mine"),
    path("observations/<int:pk>/received/", reporting.received, name="received"),
    path("observations/<int:pk>/edit/", reporting.edit, name="edit"),
    path("patrols/new/", patrols.new_patrol, name="patrol-new"),
    # Served from the root so that its scope is the whole site.
    path("sw.js", offline.service_worker, name="sw"),
]
