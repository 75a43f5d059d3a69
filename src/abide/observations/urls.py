"""The observations' pages: reporting, corrections, patrols and the service worker; the
analysts' review queue."""

from django.urls import path

from abide.observations import review_views
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
    path("review/observations/", review_views.review, name="review"),
    path("review/observations/decide", review_views.decide_several, name="decide-several"),
    path("review/observations/<int:pk>/", review_views.one, name="review-one"),
    path("review/observations/<int:pk>/nearby", review_views.nearby, name="nearby"),
    path("review/observations/<int:pk>/decide", review_views.decide, name="decide"),
    path("review/observations/<int:pk>/event", review_views.link_event, name="link-event"),
]
