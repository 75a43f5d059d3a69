"""`abide report build` and `abide report draft` killed with SIGKILL at random points: the
report file is whole or absent, every stored report comes with its audit entry, the audit
chain stays valid, and the re-run ends with exactly the expected file and reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from abide.audit.models import AuditEntry
from abide.core.tests.kills import assert_audit_log_intact, kill_at_random_points
from abide.reports.building import build_document
from abide.reports.models import Report
from abide.reports.pdf import render_pdf
from abide.reports.spec import parse_spec

TIMES = 20
WEEK = "2023-W39"


def assert_whole_pdf_or_absent(path: Path) -> None:
    if path.exists():
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), "a partial PDF"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_build_killed_at_random_points_leaves_the_whole_file_or_none(
    tmp_path, demo_assessed
):
    def command(round_: int) -> list[str]:
        target = tmp_path / f"round{round_}.pdf"
        return ["report", "build", "--period", WEEK, "--lang", "hy", "--format", "pdf",
                "--output", str(target)]  # fmt: skip

    def after_kill(round_: int) -> None:
        assert_whole_pdf_or_absent(tmp_path / f"round{round_}.pdf")
        assert_audit_log_intact()

    def after_rerun(round_: int) -> None:
        target = tmp_path / f"round{round_}.pdf"
        assert target.exists(), "the re-run wrote no report"
        assert_whole_pdf_or_absent(target)

    report = kill_at_random_points(
        command,
        times=TIMES,
        # The templates, fonts and WeasyPrint, loaded once before the children are forked.
        preload=lambda: render_pdf(
            build_document(parse_spec(WEEK, today=dt.date(2023, 10, 30)), tier="public"), "hy"
        ),
        after_kill=after_kill,
        after_rerun=after_rerun,
    )
    print(
        f"report build: {report.killed} killed mid-build, {report.finished_first} finished "
        f"first, window {report.window:.2f} s, seed {report.seed}"
    )
    assert report.rounds == TIMES
    assert report.killed >= TIMES // 2, "most kills should land inside the build"
    # Only whole files carry the report's name; a kill leaves at most a hidden ``.part``.
    for path in tmp_path.iterdir():
        assert path.suffix == ".pdf" or path.name.endswith(".part"), path.name


def assert_every_report_audited() -> set[int]:
    reports = set(Report.objects.values_list("id", flat=True))
    audited = {
        int(pk)
        for pk in AuditEntry.objects.filter(
            object_type="reports.report", action="create"
        ).values_list("object_id", flat=True)
    }
    assert reports == audited, f"reports without their entry: {reports - audited}"
    assert_audit_log_intact()
    return reports


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_draft_killed_at_random_points_stores_whole_audited_reports_only(
    demo_assessed, analyst
):
    before: dict[int, int] = {}

    def command(round_: int) -> list[str]:
        before.setdefault(round_, Report.objects.count())
        return ["report", "draft", "--period", WEEK, "--as", analyst.username]

    def after_rerun(round_: int) -> None:
        reports = assert_every_report_audited()
        # The killed run stored its report or nothing; the re-run stored exactly one more.
        assert len(reports) - before[round_] in {1, 2}
        latest = Report.objects.latest("id")
        assert (latest.state, latest.period_kind, str(latest.period_start)) == (
            "draft",
            "week",
            "2023-09-25",
        )

    report = kill_at_random_points(
        command,
        times=TIMES,
        after_kill=lambda round_: assert_every_report_audited(),
        after_rerun=after_rerun,
    )
    print(
        f"report draft: {report.killed} killed mid-run, {report.finished_first} finished first, "
        f"seed {report.seed}"
    )
    assert report.rounds == TIMES
