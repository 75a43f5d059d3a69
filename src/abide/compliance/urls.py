"""The commitments list, the tracker and the commitment page with its review forms."""

from django.urls import path

from abide.compliance import queues, views

app_name = "compliance"
urlpatterns = [
    path("commitments/", views.commitments, name="commitments"),
    path("tracker/", views.tracker, name="tracker"),
    path("tracker/<int:pk>/", views.commitment, name="commitment"),
    # The review forms of the commitment page (POST only; each calls one service).
    path(
        "tracker/<int:pk>/links/<int:link_id>/confirm",
        views.confirm_candidate,
        name="confirm-link",
    ),
    path("tracker/<int:pk>/links/<int:link_id>/reject", views.reject_candidate, name="reject-link"),
    path("tracker/<int:pk>/links/add", views.link_observation, name="add-link"),
    path("tracker/<int:pk>/scope", views.scope, name="scope"),
    path(
        "tracker/<int:pk>/assessments/<int:assessment_id>/sign-off",
        views.sign_off_assessment,
        name="sign-off",
    ),
    path(
        "tracker/<int:pk>/assessments/<int:assessment_id>/override",
        views.override_assessment,
        name="override",
    ),
    path("tracker/<int:pk>/retractions", views.retraction, name="retraction"),
    path(
        "tracker/<int:pk>/retractions/<int:retraction_id>/confirm",
        views.confirm_proposed_retraction,
        name="confirm-retraction",
    ),
    path(
        "tracker/<int:pk>/retractions/<int:retraction_id>/dismiss",
        views.dismiss_proposed_retraction,
        name="dismiss-retraction",
    ),
    path("tracker/<int:pk>/supersede", views.superseded, name="supersede"),
    path("tracker/<int:pk>/expiry", views.expiry, name="expiry"),
    # The analysts' queues across commitments (compliance/queues.py).
    path("review/links/", queues.link_queue, name="link-queue"),
    path("review/links/decide", queues.decide_several_links, name="decide-links"),
    path(
        "review/links/<int:pk>/<str:decision>",
        queues.decide_link,
        name="decide-link",
    ),
    path("review/retractions/", queues.retraction_queue, name="retraction-queue"),
    path(
        "review/retractions/decide",
        queues.decide_several_retractions,
        name="decide-retractions",
    ),
    path(
        "review/retractions/<int:pk>/<str:decision>",
        queues.decide_retraction,
        name="decide-retraction",
    ),
]
