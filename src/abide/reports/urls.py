from django.urls import path
from django.views.decorators.http import require_safe

from abide.reports import views
from abide.reports.feeds import ReportFeed

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/feed/<str:lang>/", require_safe(ReportFeed()), name="feed"),
    path("reports/drafts/", views.drafts, name="drafts"),
    path("reports/<int:pk>/", views.report_default, name="report-default"),
    path("reports/<int:pk>/draft/", views.draft, name="draft"),
    path("reports/<int:pk>/draft/incidents/", views.choose_incidents, name="incidents"),
    path("reports/<int:pk>/draft/summary/", views.write_summary, name="summary"),
    path("reports/<int:pk>/draft/approve/", views.approve, name="approve"),
    path("reports/<int:pk>/draft/publish/", views.publish, name="publish"),
    path("reports/<int:pk>/draft/correct/", views.correct, name="correct"),
    path("reports/<int:pk>/<str:lang>/", views.report_page, name="report"),
    path("reports/<int:pk>/<str:lang>/pdf/", views.report_pdf, name="pdf"),
    path("reports/<int:pk>/<str:lang>/json/", views.report_json, name="json"),
]
