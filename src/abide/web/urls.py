from django.urls import path

from abide.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("parties/", views.parties, name="parties"),
    path("healthz", views.healthz, name="healthz"),
]
