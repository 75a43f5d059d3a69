"""The workflow of a report: drafted (built, then edited by an analyst: notable incidents and
a summary in one or more languages) → approved by the head of mission → published. Each step
is one function here, checking the actor's role and audited in its transaction.

A published report never changes: its documents of both tiers are stored at publication
(``Report.snapshot``) and every function here refuses to touch it. A correction is a new
draft version that says what it corrects.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.models import User
from abide.audit.services import record_change, snapshot
from abide.observations.models import Observation
from abide.reports.access import can_approve_reports, can_draft_reports, can_publish_reports
from abide.reports.building import build_document
from abide.reports.models import (
    REPORT_LANGUAGES,
    NotableIncident,
    Report,
    ReportKind,
    ReportState,
    ReportSummary,
)
from abide.reports.spec import ReportSpec, spec_to_scope
from abide.reports.tiers import TIERS


def _require_drafter(actor: User) -> None:
    if not can_draft_reports(actor):
        raise PermissionDenied(_("only analysts and the head of mission draft reports"))


def _locked(report: Report) -> Report:
    """The report's row, locked for the change, as stored now."""
    return Report.objects.select_for_update().get(pk=report.pk)


def _require_editable(report: Report) -> None:
    if report.state == ReportState.PUBLISHED:
        raise ValidationError(
            {
                "state": _(
                    "report %(id)s is published and never changes: correct it with a new "
                    "version instead"
                )
                % {"id": report.pk}
            }
        )


def _back_to_draft(report: Report) -> None:
    """A change after approval sends the report back to the head of mission."""
    if report.state == ReportState.APPROVED:
        report.state = ReportState.DRAFT
        report.approved_by = None
        report.approved_at = None
        report.save(update_fields=["state", "approved_by", "approved_at"])


def _copy_fields(report: Report, target: Report) -> None:
    for name in ("pk", "state", "approved_by_id", "approved_at", "version", "snapshot"):
        setattr(target, name, getattr(report, name))


def create_report(spec: ReportSpec, *, actor: User) -> Report:
    """A new draft covering ``spec`` (see :func:`abide.reports.spec.parse_spec`)."""
    _require_drafter(actor)
    with transaction.atomic():
        report = Report.objects.create(
            kind=spec.kind,
            period_kind=spec.period_kind,
            period_start=spec.start,
            period_end=spec.end,
            scope=spec_to_scope(spec),
            commitment_id=spec.commitment if spec.kind == ReportKind.DOSSIER else None,
            created_by=actor,
        )
        record_change(report, actor=actor, action="create")
    return report


def set_incidents(report: Report, observation_ids: Iterable[int], *, actor: User) -> Report:
    """The notable incidents, in the order given (replacing the ones chosen before)."""
    _require_drafter(actor)
    ids: list[int] = []
    for value in observation_ids:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {"incidents": _("%(value)r is not the number of an observation") % {"value": value}}
            ) from None
        if pk not in ids:
            ids.append(pk)
    known = set(Observation.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(pk) for pk in ids if pk not in known]
    if missing:
        raise ValidationError(
            {"incidents": _("no observation numbered %(ids)s") % {"ids": ", ".join(missing)}}
        )
    with transaction.atomic():
        stored = _locked(report)
        _require_editable(stored)
        before_row = snapshot(stored)
        before = list(stored.incidents.values_list("observation_id", flat=True))
        stored.incidents.all().delete()
        NotableIncident.objects.bulk_create(
            NotableIncident(report=stored, observation_id=pk, position=position)
            for position, pk in enumerate(ids)
        )
        _back_to_draft(stored)
        record_change(
            stored,
            actor=actor,
            action="set incidents",
            before=before_row,
            detail={"before": before, "after": ids},
        )
    _copy_fields(stored, report)
    return report


def set_summary(
    report: Report, language: str, text: str, *, is_original: bool, actor: User
) -> Report:
    """The summary in ``language``: as written (``is_original``) or a person's translation of
    it. Empty text removes that language's summary."""
    _require_drafter(actor)
    if language not in REPORT_LANGUAGES:
        raise ValidationError(
            {
                "language": _("unknown language %(value)r (choose from %(choices)s)")
                % {"value": language, "choices": ", ".join(REPORT_LANGUAGES)}
            }
        )
    text = (text or "").strip()
    with transaction.atomic():
        stored = _locked(report)
        _require_editable(stored)
        before_row = snapshot(stored)
        summary = ReportSummary.objects.filter(report=stored, language=language).first()
        before = {"text": summary.text, "is_original": summary.is_original} if summary else None
        if not text:
            if summary is not None:
                summary.delete()
        elif summary is None:
            ReportSummary.objects.create(
                report=stored, language=language, text=text, is_original=is_original
            )
        else:
            summary.text = text
            summary.is_original = is_original
            summary.save()
        _back_to_draft(stored)
        record_change(
            stored,
            actor=actor,
            action="set summary",
            before=before_row,
            detail={
                "language": language,
                "before": before,
                "after": {"text": text, "is_original": is_original} if text else None,
            },
        )
    _copy_fields(stored, report)
    return report


def approve_report(report: Report, *, actor: User) -> Report:
    """The head of mission approves a draft for publication."""
    if not can_approve_reports(actor):
        raise PermissionDenied(_("only the head of mission approves reports"))
    with transaction.atomic():
        stored = _locked(report)
        if stored.state != ReportState.DRAFT:
            raise ValidationError(
                {
                    "state": _("report %(id)s is %(state)s: only a draft is approved")
                    % {"id": stored.pk, "state": stored.get_state_display()}
                }
            )
        before = snapshot(stored)
        stored.state = ReportState.APPROVED
        stored.approved_by = actor
        stored.approved_at = timezone.now()
        stored.save(update_fields=["state", "approved_by", "approved_at"])
        record_change(stored, actor=actor, action="approve", before=before)
    _copy_fields(stored, report)
    return report


def publish_report(report: Report, *, actor: User) -> Report:
    """The head of mission publishes an approved report: its documents of both tiers are
    built once more and stored, and from then on it never changes."""
    if not can_publish_reports(actor):
        raise PermissionDenied(_("only the head of mission publishes reports"))
    from abide.reports.building import spec_of

    with transaction.atomic():
        stored = _locked(report)
        if stored.state != ReportState.APPROVED:
            raise ValidationError(
                {
                    "state": _(
                        "report %(id)s is %(state)s: only a report the head of mission "
                        "approved is published"
                    )
                    % {"id": stored.pk, "state": stored.get_state_display()}
                }
            )
        before = snapshot(stored)
        stored.state = ReportState.PUBLISHED
        stored.published_by = actor
        stored.published_at = timezone.now()
        spec = spec_of(stored)
        stored.snapshot = {tier: build_document(spec, tier=tier, report=stored) for tier in TIERS}
        stored.save(update_fields=["state", "published_by", "published_at", "snapshot"])
        record_change(stored, actor=actor, action="publish", before=before)
    _copy_fields(stored, report)
    report.published_by = stored.published_by
    report.published_at = stored.published_at
    return report


def correct_report(report: Report, *, actor: User, note: str) -> Report:
    """A new draft version of a published report, saying what it corrects (``note``); it
    starts with the summaries and incidents of the version it corrects."""
    _require_drafter(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"correction_note": _("say what the new version corrects")})
    with transaction.atomic():
        stored = _locked(report)
        if stored.state != ReportState.PUBLISHED:
            raise ValidationError(
                {
                    "state": _("report %(id)s is %(state)s, not published: change the draft itself")
                    % {"id": stored.pk, "state": stored.get_state_display()}
                }
            )
        first = stored
        while first.corrects_id:
            first = first.corrects
        version = _latest_version(first) + 1
        correction = Report.objects.create(
            kind=stored.kind,
            period_kind=stored.period_kind,
            period_start=stored.period_start,
            period_end=stored.period_end,
            scope=stored.scope,
            commitment=stored.commitment,
            version=version,
            corrects=stored,
            correction_note=note,
            created_by=actor,
        )
        ReportSummary.objects.bulk_create(
            ReportSummary(
                report=correction, language=s.language, text=s.text, is_original=s.is_original
            )
            for s in stored.summaries.all()
        )
        NotableIncident.objects.bulk_create(
            NotableIncident(report=correction, observation_id=i.observation_id, position=i.position)
            for i in stored.incidents.all()
        )
        record_change(correction, actor=actor, action="correct", detail={"corrects": stored.pk})
    return correction


def _latest_version(first: Report) -> int:
    """The highest version among ``first`` and every correction made of it, at any depth."""
    latest, frontier = first.version, [first.pk]
    while frontier:
        found = Report.objects.filter(corrects_id__in=frontier).values_list("pk", "version")
        frontier = [pk for pk, _version in found]
        latest = max([latest, *(version for _pk, version in found)])
    return latest
