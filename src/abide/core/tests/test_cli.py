"""The `abide` command: help for everything, clear errors, init and demo."""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import subprocess
import sys

import pytest

from abide.accounts.models import Role, User
from abide.audit.services import verify_log
from abide.cli import abide_commands, main
from abide.compliance.models import Assessment
from abide.observations.models import Observation, Patrol
from abide.registry.models import Commitment, Party, Source
from abide.reports.models import Report

EXPECTED = {
    "init",
    "serve",
    "demo",
    "registry",
    "audit",
    "version",
    "extract",
    "ingest",
    "eval",
    "import",
    "export",
    "assess",
    "worker",
    "report",
}


def run_abide(*args: str, env: dict | None = None, data_dir=None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    if data_dir is not None:
        environment["ABIDE_DATA_DIR"] = str(data_dir)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "abide.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_abide_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert EXPECTED <= set(abide_commands())
    for name in abide_commands():
        assert f"  {name}" in out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_command_has_help_text(name, capsys):
    assert abide_commands()[name], f"{name} has no help"
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert "usage:" in out and len(out.splitlines()) > 3


def test_every_subcommand_has_help_text(capsys):
    for args in (
        ["registry", "load", "--help"],
        ["audit", "verify", "--help"],
        ["eval", "extraction", "--help"],
        ["report", "build", "--help"],
        ["report", "publish", "--help"],
    ):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert "usage:" in out and args[1] in out


def test_version_prints_abide_django_and_python(capsys):
    assert main(["version"]) == 0
    assert capsys.readouterr().out.startswith("abide 0.")


def test_an_unknown_command_fails_on_stderr(capsys):
    assert main(["frobnicate"]) == 1
    assert "Unknown command: 'frobnicate'" in capsys.readouterr().err


def test_init_creates_an_administrator_without_questions(db, monkeypatch, capsys):
    monkeypatch.setenv("ABIDE_ADMIN_PASSWORD", "a long admin password")
    assert main(["init", "--admin-username", "boss", "--admin-email", "boss@example.org"]) == 0
    boss = User.objects.get(username="boss")
    assert boss.role == Role.ADMINISTRATOR and boss.is_superuser and boss.is_staff
    assert boss.check_password("a long admin password")
    assert Party.objects.filter(slug="azerbaijan").exists()
    assert "abide is ready" in capsys.readouterr().out
    assert verify_log().ok


def test_init_refuses_an_administrator_without_a_password(db, monkeypatch, capsys):
    monkeypatch.delenv("ABIDE_ADMIN_PASSWORD", raising=False)
    assert main(["init", "--admin-username", "boss"]) == 1
    assert "needs a password" in capsys.readouterr().err
    assert not User.objects.filter(username="boss").exists()


def test_init_fails_clearly_where_the_gazetteer_index_cannot_be_written(
    db, monkeypatch, tmp_path, capsys
):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("ABIDE_CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    assert main(["init"]) == 1
    err = capsys.readouterr().err
    assert "cannot build the gazetteer index" in err and "ABIDE_CACHE_DIR" in err


def test_version_names_the_gazetteer_index(capsys):
    assert main(["version"]) == 0
    assert "gazetteer index: " in capsys.readouterr().out


def assert_signs_in_with_the_printed_secret(username: str, password: str, secret: str) -> None:
    """A person's authenticator app, given the printed secret, makes a code that lets them in."""
    from django.test import Client
    from django_otp.oath import totp

    client = Client()
    client.post("/accounts/login/", {"username": username, "password": password})
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    code = str(totp(key)).zfill(6)
    response = client.post("/accounts/second-factor/", {"code": code, "next": "/tracker/"})
    assert response["Location"] == "/tracker/"
    assert client.get("/tracker/").status_code == 200


def test_demo_loads_the_registry_and_demo_and_prints_how_to_log_in(db, capsys):
    assert main(["demo", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "log in at http://127.0.0.1:8000/accounts/login/" in out
    assert "  observer   Observer" in out and "  partner    Partner" in out
    assert "is for the staff: admin, head, analyst" in out
    assert "password (all demo accounts):" in out
    password = out.split("password (all demo accounts):")[1].split()[0]
    assert User.objects.get(username="analyst").check_password(password)
    secrets = dict(re.findall(r"^  (\w+) +secret ([A-Z2-7 ]+)$", out, re.MULTILINE))
    assert set(secrets) == {"admin", "head", "analyst"}
    assert "otpauth://totp/abide%3Aanalyst?secret=" in out
    assert_signs_in_with_the_printed_secret("analyst", password, secrets["analyst"])
    assert Source.objects.count() >= 2 and Commitment.objects.count() >= 8
    assert "recorded 3 demo observations" in out
    assert Patrol.objects.count() == 2
    convoy = Observation.objects.get(client_key="demo-observation-1")
    assert (convoy.status, convoy.direction, convoy.patrol.team) == (
        "corroborated",
        "supports",
        "Demo team Alpha",
    )
    assert convoy.country == "AM" and convoy.latitude is not None
    report = Report.objects.get()  # the founding week's report, published
    assert (report.state, report.period_kind, report.period_start) == (
        "published",
        "week",
        dt.date(2023, 9, 25),
    )
    assert report.snapshot["public"]["summaries"][0]["text"].startswith("The week of")
    assert main(["demo", "--no-serve"]) == 0  # a second run changes nothing
    second = capsys.readouterr().out
    assert "already ingested" in second and "recorded 0 demo observations" in second
    assert f"  analyst    secret {secrets['analyst']}" in second  # the same device
    assert Observation.objects.count() == 3 and Patrol.objects.count() == 2
    assert "demo periods already assessed" in second
    assert f"report {report.pk} of 2023-W39 already published" in second
    assert Report.objects.count() == 1
    tracked = Assessment.objects.filter(period_kind="week", period_start=dt.date(2023, 9, 25))
    assert tracked.count() == Commitment.objects.filter(review_state="confirmed").count()
    assert main(["audit", "verify"]) == 0


def test_a_command_acting_as_an_unknown_user_fails(db, capsys):
    assert main(["registry", "load", "--as", "nobody"]) == 1
    assert "--as: no active user named 'nobody'" in capsys.readouterr().err
