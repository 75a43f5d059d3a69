"""The observations' pages: reporting, corrections, patrols and the service worker; the list
and its downloads, the observation page with its actions and evidence, the map with its data,
and the analysts' review queue."""

from django.urls import path, re_path

from abide.observations import review_views
from abide.observations.views import actions, evidence, maps, offline, patrols, reading, reporting

app_name = "observations"
urlpatterns = [
    path("observations/new/", reporting.new_observation, name="new"),
    path("observations/mine/", reporting.mine, name="mine"),
    path("observations/<int:pk>/received/", reporting.received, name="received"),
    path("observations/<int:pk>/edit/", reporting.edit, name="edit"),
    path("patrols/new/", patrols.new_patrol, name="patrol-new"),
    # Served from the root so that its scope is the whole site.
    path("sw.js", offline.service_worker, name="sw"),
    path("observations/", reading.observation_list, name="list"),
    re_path(r"^observations/download\.(?P<format>csv|geojson)$", reading.download, name="download"),
    path("observations/<int:pk>/", reading.observation_detail, name="detail"),
    path("observations/<int:pk>/status", actions.change_status, name="status"),
    path("observations/<int:pk>/grade", actions.grade_observation, name="grade"),
    path("observations/<int:pk>/event/link", actions.link_event, name="event-link"),
    path("observations/<int:pk>/event/unlink", actions.unlink_event, name="event-unlink"),
    path("observations/<int:pk>/comments", actions.comment, name="comment"),
    re_path(
        r"^observations/(?P<pk>[0-9]+)/evidence/(?P<key>[0-9a-fA-F]{64}|[0-9]+)$",
        evidence.evidence_file,
        name="evidence",
    ),
    re_path(
        r"^observations/(?P<pk>[0-9]+)/evidence/(?P<key>[0-9a-fA-F]{64}|[0-9]+)/thumbnail$",
        evidence.evidence_thumbnail,
        name="thumbnail",
    ),
    path("map/", maps.observation_map, name="map"),
    path("map/data", maps.observation_map_data, name="map-data"),
    # The analysts' review queue.
    path("review/observations/", review_views.review, name="review"),
    path("review/observations/decide", review_views.decide_several, name="decide-several"),
    path("review/observations/<int:pk>/", review_views.one, name="review-one"),
    path("review/observations/<int:pk>/nearby", review_views.nearby, name="nearby"),
    path("review/observations/<int:pk>/decide", review_views.decide, name="decide"),
    path("review/observations/<int:pk>/event", review_views.link_event, name="link-event"),
]
