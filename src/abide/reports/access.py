"""Who may draft, approve, publish and read reports."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from abide.accounts.access import AnyUser, is_mission_reader
from abide.accounts.models import Role
from abide.reports.models import Report, ReportState


def can_draft_reports(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ANALYST, Role.HEAD_OF_MISSION))


def can_approve_reports(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.HEAD_OF_MISSION))


def can_publish_reports(user: AnyUser) -> bool:
    return can_approve_reports(user)


def get_reports_for(user: AnyUser) -> QuerySet[Report]:
    if can_draft_reports(user):
        return Report.objects.all()
    return Report.objects.filter(state=ReportState.PUBLISHED)


def get_report_for(user: AnyUser, pk: int) -> Report:
    try:
        return get_reports_for(user).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404("no such report") from None


def tier_for(user: AnyUser) -> str:
    return "internal" if is_mission_reader(user) else "public"
