"""The analyst's desk: sources and the review queue of proposed commitments."""

from django.urls import path

from abide.registry.views import review, sources

app_name = "registry"
urlpatterns = [
    path("sources/", sources.sources, name="sources"),
    path("sources/jobs/<uuid:job_id>/", sources.job, name="job"),
    path("sources/<int:pk>/", sources.source, name="source"),
    path("sources/<int:pk>/select", sources.select, name="select"),
    path("review/commitments/", review.queue, name="review"),
    path("review/commitments/<int:pk>/confirm", review.confirm, name="confirm"),
    path("review/commitments/<int:pk>/edit", review.edit, name="edit"),
    path("review/commitments/<int:pk>/reject", review.reject, name="reject"),
    path("review/commitments/<int:pk>/merge", review.merge, name="merge"),
]
