"""Each registry service checks the actor's role itself: analysts, the head of mission and
administrators change the registry; observers, partners and the public are refused with
PermissionDenied, and nothing is stored or audited."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.cli import main
from abide.registry.files import STARTER_REGISTRY
from abide.registry.ingestion import ingest_files
from abide.registry.models import (
    Category,
    Commitment,
    CommitmentKind,
    Party,
    ReviewState,
    Source,
    Statement,
)
from abide.registry.pax import import_pax
from abide.registry.services import (
    add_commitment,
    add_statement,
    confirm_commitment,
    edit_commitment,
    ingest_document,
    link_demand_to_pledge,
    load_registry,
    read_registry,
    reject_commitment,
    reopen_commitment,
)
from abide.registry.tests.test_services import _document
from abide.testing import shared_path

pytestmark = pytest.mark.usefixtures("starter_registry")

ALLOWED = ("analyst", "head", "administrator")
REFUSED = ("observer", "partner", "anonymous")


def actor_for(request: pytest.FixtureRequest, role: str):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


@pytest.fixture
def stored(analyst) -> dict:
    """A source with a statement, a proposed pledge and a proposed demand, ingested by an
    analyst."""
    source = ingest_document(_document(), actor=analyst).source
    return {
        "source": source,
        "statement": Statement.objects.filter(source=source).order_by("start").first(),
        "pledge": Commitment.objects.get(kind=CommitmentKind.PLEDGE),
        "demand": Commitment.objects.get(kind=CommitmentKind.DEMAND),
    }


def _snapshot() -> tuple:
    """What a refused call must leave unchanged."""
    return (
        AuditEntry.objects.count(),
        Source.objects.count(),
        Statement.objects.count(),
        list(
            Commitment.objects.order_by("pk").values_list(
                "pk", "review_state", "text", "answered_by_id"
            )
        ),
        list(Party.objects.order_by("pk").values_list("pk", "name_en")),
    )


def _renamed_registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.yaml"
    path.write_text(
        "parties:\n  - id: demo-force\n    kind: armed_force\n    names: {en: Demo Force}\n",
        encoding="utf-8",
    )
    return path


def _bishkek_file(tmp_path: Path) -> Path:
    """The Bishkek ceasefire's row of the real PA-X file, as a file of its own."""
    pax = shared_path("data", "agreements", "PA-X_pax_all_agreements_data_manurubo.csv")
    with pax.open(encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if row["AgtId"] == "990"]
        header = reader.fieldnames
    path = tmp_path / "bishkek.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        writer = csv.DictWriter(target, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


#: Each registry service, called as ``actor`` on what the ``stored`` fixture made.
SERVICES: dict[str, Callable] = {
    "ingest_document": lambda actor, stored, tmp_path: ingest_document(
        _document("Yerevan said it would open the road. Moscow urged it to."), actor=actor
    ),
    "confirm_commitment": lambda actor, stored, tmp_path: confirm_commitment(
        stored["pledge"], actor=actor
    ),
    "reject_commitment": lambda actor, stored, tmp_path: reject_commitment(
        stored["pledge"], actor=actor, reason="a duplicate"
    ),
    "edit_commitment": lambda actor, stored, tmp_path: edit_commitment(
        stored["pledge"], actor=actor, text="No military action at all."
    ),
    "add_statement": lambda actor, stored, tmp_path: add_statement(
        stored["source"], actor=actor, start=0, end=4, mode="paraphrase"
    ),
    "add_commitment": lambda actor, stored, tmp_path: add_commitment(
        [stored["statement"]],
        actor=actor,
        kind="pledge",
        category=Category.objects.get(slug="other"),
        text="Keep talking.",
        obligor_party=Party.objects.get(slug="azerbaijan"),
    ),
    "link_demand_to_pledge": lambda actor, stored, tmp_path: link_demand_to_pledge(
        stored["demand"], stored["pledge"], actor=actor
    ),
    "load_registry": lambda actor, stored, tmp_path: load_registry(
        read_registry(_renamed_registry(tmp_path)), actor=actor
    ),
    "import_pax": lambda actor, stored, tmp_path: import_pax(_bishkek_file(tmp_path), actor=actor),
}


@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_observers_partners_and_the_public_are_refused_and_nothing_is_stored(
    request, stored, tmp_path, service, role
):
    actor = actor_for(request, role)
    before = _snapshot()
    with pytest.raises(PermissionDenied, match="only analysts, the head of mission and"):
        SERVICES[service](actor, stored, tmp_path)
    assert _snapshot() == before
    assert verify_log().ok


@pytest.mark.parametrize("role", ALLOWED)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_analysts_the_head_and_administrators_may_change_the_registry(
    request, stored, tmp_path, service, role
):
    actor = actor_for(request, role)
    before = AuditEntry.objects.count()
    SERVICES[service](actor, stored, tmp_path)
    assert AuditEntry.objects.count() > before
    assert AuditEntry.objects.order_by("-seq").first().actor == actor
    assert verify_log().ok


@pytest.mark.parametrize("role", REFUSED)
def test_reopening_a_commitment_is_refused_to_others_too(request, stored, analyst, role):
    confirm_commitment(stored["pledge"], actor=analyst)
    actor = actor_for(request, role)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        reopen_commitment(stored["pledge"], actor=actor, reason="again")
    assert _snapshot() == before


@pytest.mark.parametrize("role", REFUSED)
def test_ingesting_files_is_refused_before_any_file_is_read(request, tmp_path, role):
    missing = tmp_path / "not-even-there.txt"
    with pytest.raises(PermissionDenied):
        list(ingest_files([missing], actor=actor_for(request, role), extractor=None))
    assert not Source.objects.exists()


def test_a_commitment_is_decided_once_and_reopened_with_a_reason(stored, analyst, head):
    pledge = stored["pledge"]
    confirm_commitment(pledge, actor=analyst, note="On the record.")
    with pytest.raises(ValidationError) as again:
        confirm_commitment(pledge, actor=head)
    assert again.value.message_dict == {
        "review_state": ["this commitment is already confirmed: reopen it before deciding again"]
    }
    with pytest.raises(ValidationError, match="already confirmed"):
        reject_commitment(pledge, actor=head, reason="Misread.")
    with pytest.raises(ValidationError) as no_reason:
        reopen_commitment(pledge, actor=head, reason=" ")
    assert set(no_reason.value.message_dict) == {"reason"}

    reopen_commitment(pledge, actor=head, reason="The quote is a paraphrase; check it.")
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.PROPOSED and pledge.reviewed_by == head
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "review:proposed" and entry.actor == head
    assert entry.changes["review_state"] == ["confirmed", "proposed"]
    with pytest.raises(ValidationError, match="not decided yet"):
        reopen_commitment(pledge, actor=head, reason="Again.")

    reject_commitment(pledge, actor=head, reason="Misread.")
    pledge.refresh_from_db()
    assert pledge.review_state == ReviewState.REJECTED
    with pytest.raises(ValidationError, match="already rejected: reopen it"):
        reject_commitment(pledge, actor=analyst, reason="Still misread.")
    assert verify_log().ok


def test_bad_input_names_its_field(stored, analyst):
    with pytest.raises(ValidationError) as edit:
        edit_commitment(stored["pledge"], actor=analyst, review_state="confirmed")
    assert list(edit.value.message_dict) == ["review_state"]
    with pytest.raises(ValidationError) as span:
        add_statement(stored["source"], actor=analyst, start=5, end=1, mode="paraphrase")
    assert list(span.value.message_dict) == ["start"]
    with pytest.raises(ValidationError) as mode:
        add_statement(stored["source"], actor=analyst, start=0, end=4, mode="sung")
    assert list(mode.value.message_dict) == ["mode"]
    with pytest.raises(ValidationError) as link:
        link_demand_to_pledge(stored["pledge"], stored["demand"], actor=analyst)
    assert list(link.value.message_dict) == ["answered_by"]
    with pytest.raises(ValidationError) as dates:
        edit_commitment(
            stored["pledge"],
            actor=analyst,
            date_made=dt.date(2024, 5, 1),
            deadline=dt.date(2024, 4, 1),
        )
    assert "deadline" in dates.value.message_dict


# --- the command line: a refusal is one line on standard error, and exit status 1 ----------


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_loading_a_registry_file_as_an_observer_is_refused_in_one_line(observer, capsys):
    before = _snapshot()
    assert main(["registry", "load", str(STARTER_REGISTRY), "--as", observer.username]) == 1
    captured = capsys.readouterr()
    line = _one_line(captured.err)
    assert f"{observer.username} may not load a registry file" in line
    assert captured.out == ""
    assert _snapshot() == before


def test_ingesting_as_a_partner_is_refused_in_one_line(partner, tmp_path, capsys):
    path = tmp_path / "statement.txt"
    path.write_text("Azerbaijan said it would take no further military action.\n")
    assert main(["ingest", str(path), "--as", partner.username]) == 1
    line = _one_line(capsys.readouterr().err)
    assert f"{partner.username} may not ingest documents" in line
    assert not Source.objects.exists()


def test_importing_pax_as_an_observer_is_refused_in_one_line(observer, tmp_path, capsys):
    path = tmp_path / "pax.csv"
    path.write_text("AgtId\n1\n", encoding="utf-8")
    assert main(["import", "pax", str(path), "--as", observer.username]) == 1
    line = _one_line(capsys.readouterr().err)
    assert f"{observer.username} may not import agreements" in line
    assert not Source.objects.exists()
