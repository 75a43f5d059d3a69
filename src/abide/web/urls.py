from django.urls import path

from abide.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("commitments/", views.commitments, name="commitments"),
    path("tracker/", views.tracker, name="tracker"),
    path("tracker/<int:pk>/", views.commitment, name="commitment"),
    path("parties/", views.parties, name="parties"),
    path("healthz", views.healthz, name="healthz"),
]
