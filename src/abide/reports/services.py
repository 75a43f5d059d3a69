"""The reports' workflow (stand-in until the workflow's services are merged)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from abide.accounts.models import User
from abide.audit.services import record_change
from abide.reports import access
from abide.reports.models import NotableIncident, Report, ReportState, ReportSummary
from abide.reports.spec import ReportSpec


def create_report(spec: ReportSpec, *, actor: User) -> Report:
    if not access.can_draft_reports(actor):
        raise PermissionDenied("only analysts and the head of mission draft reports")
    with transaction.atomic():
        report = Report.objects.create(
            kind=spec.kind,
            period_kind=spec.period_kind,
            period_start=spec.start,
            period_end=spec.end,
            scope={
                "countries": list(spec.countries),
                "areas": list(spec.areas),
                "commitments": list(spec.commitments),
            },
            commitment_id=spec.commitment,
            created_by=actor,
        )
        record_change(report, actor=actor, action="report.create")
    return report


def set_incidents(report: Report, observation_ids: list[int], *, actor: User) -> None:
    if not access.can_draft_reports(actor):
        raise PermissionDenied("only analysts and the head of mission edit reports")
    if report.state != ReportState.DRAFT:
        raise ValidationError({"incidents": ["only a draft can be edited"]})
    with transaction.atomic():
        report.incidents.all().delete()
        for position, pk in enumerate(observation_ids):
            NotableIncident.objects.create(report=report, observation_id=pk, position=position)
        record_change(report, actor=actor, action="report.incidents")


def set_summary(
    report: Report, language: str, text: str, *, is_original: bool, actor: User
) -> None:
    if not access.can_draft_reports(actor):
        raise PermissionDenied("only analysts and the head of mission edit reports")
    if report.state != ReportState.DRAFT:
        raise ValidationError({"summary": ["only a draft can be edited"]})
    with transaction.atomic():
        ReportSummary.objects.update_or_create(
            report=report, language=language, defaults={"text": text, "is_original": is_original}
        )
        record_change(report, actor=actor, action="report.summary")


def approve_report(report: Report, *, actor: User) -> None:
    if not access.can_approve_reports(actor):
        raise PermissionDenied("only the head of mission approves reports")
    if report.state != ReportState.DRAFT:
        raise ValidationError({"state": ["only a draft can be approved"]})
    report.state, report.approved_by, report.approved_at = (
        ReportState.APPROVED,
        actor,
        timezone.now(),
    )
    report.save()
    record_change(report, actor=actor, action="report.approve")


def publish_report(report: Report, *, actor: User) -> None:
    from abide.reports.building import document_for

    if not access.can_publish_reports(actor):
        raise PermissionDenied("only the head of mission publishes reports")
    if report.state != ReportState.APPROVED:
        raise ValidationError({"state": ["only an approved report can be published"]})
    report.snapshot = {tier: document_for(report, tier) for tier in ("internal", "public")}
    report.state, report.published_by, report.published_at = (
        ReportState.PUBLISHED,
        actor,
        timezone.now(),
    )
    report.save()
    record_change(report, actor=actor, action="report.publish")


def correct_report(report: Report, *, actor: User, note: str) -> Report:
    if not access.can_draft_reports(actor):
        raise PermissionDenied("only analysts and the head of mission correct reports")
    if report.state != ReportState.PUBLISHED:
        raise ValidationError({"state": ["only a published report is corrected"]})
    if not note.strip():
        raise ValidationError({"note": ["say what the correction corrects"]})
    new = Report.objects.create(
        kind=report.kind,
        period_kind=report.period_kind,
        period_start=report.period_start,
        period_end=report.period_end,
        scope=report.scope,
        commitment=report.commitment,
        version=report.version + 1,
        corrects=report,
        correction_note=note,
        created_by=actor,
    )
    record_change(new, actor=actor, action="report.correct")
    return new
