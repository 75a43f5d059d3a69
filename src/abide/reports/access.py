"""Who may draft, approve, publish and read reports, and which tier each reader gets. Views,
API handlers, commands and services ask here only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from abide.accounts.access import AnyUser, is_mission_reader
from abide.accounts.models import Role
from abide.reports.models import Report, ReportState

#: Roles that draft reports (build them, choose incidents, write summaries, correct them).
DRAFTERS = (Role.ANALYST, Role.HEAD_OF_MISSION)


def _has_role(user: AnyUser, *roles: str) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


def can_draft_reports(user: AnyUser) -> bool:
    """The analysts and the head of mission."""
    return _has_role(user, *DRAFTERS)


def can_approve_reports(user: AnyUser) -> bool:
    """The head of mission."""
    return _has_role(user, Role.HEAD_OF_MISSION)


def can_publish_reports(user: AnyUser) -> bool:
    """The head of mission."""
    return _has_role(user, Role.HEAD_OF_MISSION)


def get_reports_for(user: AnyUser) -> QuerySet[Report]:
    """Every report for those who draft them; published ones for everyone else."""
    reports = Report.objects.select_related("commitment", "corrects")
    if can_draft_reports(user):
        return reports
    return reports.filter(state=ReportState.PUBLISHED)


def get_report_for(user: AnyUser, pk: int) -> Report:
    """One report the user may read; 404 otherwise (whether it exists or not)."""
    report = get_reports_for(user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("no such report"))
    return report


def tier_for(user: AnyUser) -> str:
    """ "internal" for the mission's readers (analysts, the head of mission, administrators);
    "public" for everyone else."""
    return "internal" if is_mission_reader(user) else "public"
