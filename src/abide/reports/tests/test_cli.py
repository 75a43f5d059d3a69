"""`abide report`: build a report's JSON, take a report through its workflow, and clear
errors on standard error for every bad argument."""

from __future__ import annotations

import json

import pytest

from abide.audit.models import AuditEntry
from abide.cli import main
from abide.observations.models import Observation
from abide.reports.jsonout import schema_errors
from abide.reports.models import Report


def test_report_build_writes_the_founding_weeks_json(demo_assessed, tmp_path, capsys):
    output = tmp_path / "week.json"
    code = main(
        [
            "report", "build", "--period", "2023-W39", "--lang", "hy", "--format", "json",
            "--tier", "internal", "--output", str(output),
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "building 2023-W39 (internal, hy)" in captured.err
    data = json.loads(output.read_text(encoding="utf-8"))
    assert schema_errors(data) == []
    assert (data["language"], data["tier"], data["period"]["label"]) == (
        "hy",
        "internal",
        "2023-W39",
    )
    in_week = Observation.objects.filter(
        observed_start__date__gte="2023-09-25", observed_start__date__lte="2023-10-01"
    )
    totals = sum(f["current"] for f in data["figures"] if f["subtype"] is None)
    assert totals == in_week.count()


def test_report_build_is_public_unless_asked_and_takes_a_scope_and_a_dossier(
    demo_assessed, tmp_path, capsys
):
    from abide.registry.models import Commitment

    output = tmp_path / "am.json"
    args = ["--lang", "en", "--format", "json", "--output", str(output)]
    assert main(["report", "build", "--period", "2023-09", "--scope", "country:AM", *args]) == 0
    data = json.loads(output.read_text(encoding="utf-8"))
    assert (data["tier"], data["scope"]["countries"]) == ("public", ["AM"])
    pledge = Commitment.objects.get(text="Azerbaijan would take no further military action")
    assert main(["report", "build", "--commitment", str(pledge.pk), *args]) == 0
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["kind"] == "dossier"
    assert data["dossier"]["commitment"]["id"] == pledge.pk


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2023-W77"], "--period: '2023-W77' is not a period"),
        (["--period", "2023-W39", "--scope", "land:AM"], "--scope: 'land:AM' is not a part"),
        (["--commitment", "999999"], "--commitment: no commitment numbered 999999"),
        (["--period", "2023-W39", "--lang", "fr"], "argument --lang: invalid choice: 'fr'"),
        (["--period", "2023-W39", "--format", "docx"], "argument --format: invalid choice"),
        (["--period", "2023-W39", "--tier", "secret"], "argument --tier: invalid choice"),
        (
            ["--period", "2023-W39", "--output", "/nonexistent-folder/week.json"],
            "--output: the folder /nonexistent-folder does not exist",
        ),
        (["--period", "2023-W39", "--output", "/tmp"], "--output: /tmp is a folder, not a file"),
    ],
)
def test_report_build_names_each_bad_argument_on_stderr(
    starter_registry, tmp_path, capsys, args, message
):
    defaults = {"--lang": "en", "--format": "json", "--output": str(tmp_path / "out.json")}
    for name, value in defaults.items():
        if name not in args:
            args = [*args, name, value]
    with pytest.raises(SystemExit) as exited:
        code = main(["report", "build", *args])
        raise SystemExit(code)
    assert exited.value.code not in (0, None)
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_report_build_refuses_an_unwritable_output(starter_registry, tmp_path, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code = main(
            [
                "report", "build", "--period", "2023-W39", "--lang", "en", "--format", "json",
                "--output", str(folder / "week.json"),
            ]
        )  # fmt: skip
    finally:
        folder.chmod(0o700)
    err = capsys.readouterr().err
    if code == 0:  # running as root: every folder is writable
        pytest.skip("permissions are not enforced for this user")
    assert code == 1
    assert "--output:" in err and "cannot be written" in err


def test_report_draft_approve_publish_and_list_act_as_the_named_user(
    starter_registry, analyst, head, capsys
):
    assert main(["report", "draft", "--period", "2023-W39", "--as", analyst.username]) == 0
    report = Report.objects.get()
    assert main(["report", "approve", str(report.pk), "--as", analyst.username]) == 1
    assert "only the head of mission approves reports" in capsys.readouterr().err
    assert main(["report", "publish", str(report.pk), "--as", head.username]) == 1
    assert "only a report the head of mission approved is published" in capsys.readouterr().err
    assert main(["report", "approve", str(report.pk), "--as", head.username]) == 0
    assert main(["report", "publish", str(report.pk), "--as", head.username]) == 0
    report.refresh_from_db()
    assert report.state == "published" and report.published_by == head
    actions = AuditEntry.objects.filter(object_type="reports.report", object_id=str(report.pk))
    assert list(actions.order_by("seq").values_list("action", "actor_name")) == [
        ("create", analyst.username),
        ("approve", head.username),
        ("publish", head.username),
    ]
    capsys.readouterr()
    assert main(["report", "list"]) == 0
    assert f"{report.pk}\tpublished\tv1\tperiod\t2023-09-25..2023-10-02" in capsys.readouterr().out
    assert main(["report", "publish", "999999", "--as", head.username]) == 1
    assert "no report numbered 999999" in capsys.readouterr().err


def test_report_build_of_a_published_report_gives_it_as_published(
    starter_registry, analyst, head, tmp_path, capsys
):
    import datetime as dt

    from abide.reports.services import approve_report, create_report, publish_report
    from abide.reports.spec import parse_spec

    report = create_report(parse_spec("2023-W39", today=dt.date(2024, 1, 1)), actor=analyst)
    approve_report(report, actor=head)
    publish_report(report, actor=head)
    output = tmp_path / "published.json"
    assert main(
        ["report", "build", "--report", str(report.pk), "--lang", "ar", "--format", "json",
         "--output", str(output)]
    ) == 0  # fmt: skip
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["report"]["state"] == "published"
    assert data["generated_at"] == report.snapshot["public"]["generated_at"]
