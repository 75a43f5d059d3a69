"""The observations' pages: the analysts' review queue."""

from django.urls import path

from abide.observations import review_views

app_name = "observations"
urlpatterns = [
    path("review/observations/", review_views.review, name="review"),
    path("review/observations/decide", review_views.decide_several, name="decide-several"),
    path("review/observations/<int:pk>/", review_views.one, name="review-one"),
    path("review/observations/<int:pk>/nearby", review_views.nearby, name="nearby"),
    path("review/observations/<int:pk>/decide", review_views.decide, name="decide"),
    path("review/observations/<int:pk>/event", review_views.link_event, name="link-event"),
]
