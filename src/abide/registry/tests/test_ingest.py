"""`abide ingest` and the registry's hand-editing services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.cli import main
from abide.registry.models import (
    Category,
    Commitment,
    Extraction,
    Party,
    ReviewState,
    Source,
    Statement,
)
from abide.registry.services import (
    LinkIn,
    add_commitment,
    add_statement,
    edit_commitment,
    find_party,
    find_person,
)

TINY = Path(__file__).resolve().parents[2] / "extraction" / "tests" / "data" / "tiny-readout.txt"


def test_ingesting_a_file_stores_source_statements_and_proposed_commitments_as_one_audit_entry(
    starter_registry, analyst, capsys
):
    before = AuditEntry.objects.count()
    assert (
        main(
            [
                "ingest",
                str(TINY),
                "--published",
                "2024-03-03",
                "--as",
                analyst.username,
                "--publisher",
                "abide desk",
            ]
        )
        == 0
    )
    assert "1 ingested" in capsys.readouterr().out
    source = Source.objects.get()
    assert source.extraction == Extraction.EXTRACTED and source.language == "en"
    assert (source.dateline_place, source.dateline_date, source.publisher) == (
        "Baku",
        dt.date(2024, 3, 3),
        "abide desk",
    )
    commitments = Commitment.objects.filter(statements__source=source).distinct()
    assert {(c.kind, c.obligor_party.slug, c.category.slug) for c in commitments} >= {
        ("demand", "azerbaijan", "cessation_of_hostilities"),
        ("demand", "azerbaijan", "humanitarian_access"),
    }
    assert all(c.review_state == ReviewState.PROPOSED for c in commitments)
    demand = commitments.get(category__slug="humanitarian_access")
    assert demand.demanded_by_person == find_person("Sergey Lavrov")
    quote = Statement.objects.get(source=source, mode="verbatim")
    assert quote.text == "We will keep our peacekeepers in place,"
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "ingest" and entry.actor == analyst
    assert verify_log().ok


def test_the_same_text_twice_is_reported_and_stores_nothing(starter_registry, capsys):
    assert main(["ingest", str(TINY)]) == 0
    count = (Source.objects.count(), Statement.objects.count(), AuditEntry.objects.count())
    assert main(["ingest", str(TINY)]) == 0
    assert "already ingested" in capsys.readouterr().out
    assert count == (Source.objects.count(), Statement.objects.count(), AuditEntry.objects.count())


def test_a_folder_goes_on_past_bad_files_and_the_exit_code_says_some_failed(
    starter_registry, tmp_path, capsys
):
    (tmp_path / "a-good.txt").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b-binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "c-empty.md").write_text("", encoding="utf-8")
    (tmp_path / "d-latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF-1.4")
    assert main(["ingest", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"{tmp_path / 'b-binary.txt'}: a binary file, not text" in captured.err
    assert f"{tmp_path / 'c-empty.md'}: the file is empty" in captured.err
    assert f"{tmp_path / 'd-latin1.txt'}: not UTF-8 text" in captured.err
    assert "1 ingested" in captured.out and "3 failed" in captured.out
    assert Source.objects.count() == 1


def test_a_folder_shows_its_progress_on_stderr_and_each_result_on_stdout(
    starter_registry, tmp_path, capsys
):
    text = TINY.read_text(encoding="utf-8")
    (tmp_path / "a-readout.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b-readout.md").write_text(text + "\nThe call ended at noon.\n", encoding="utf-8")
    (tmp_path / "c-empty.txt").write_text("", encoding="utf-8")
    assert main(["ingest", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    progress = [line for line in captured.err.splitlines() if line.startswith("[")]
    assert progress == [
        f"[1/3] {tmp_path / 'a-readout.txt'}",
        f"[2/3] {tmp_path / 'b-readout.md'}",
        f"[3/3] {tmp_path / 'c-empty.txt'}",
    ]
    assert "[" not in captured.out.split(":")[0]
    assert f"{tmp_path / 'a-readout.txt'}: ingested (" in captured.out
    assert f"{tmp_path / 'b-readout.md'}: ingested (" in captured.out
    assert "2 ingested" in captured.out and "1 failed" in captured.out


def test_a_single_file_shows_no_progress(starter_registry, capsys):
    assert main(["ingest", str(TINY)]) == 0
    captured = capsys.readouterr()
    assert "[1/1]" not in captured.err
    assert f"{TINY}: ingested (" in captured.out


def test_a_text_in_a_language_not_read_yet_is_stored_and_marked_not_extracted(
    starter_registry, tmp_path, capsys
):
    path = tmp_path / "ru.txt"
    path.write_text(
        "Стороны договорились о прекращении огня с полуночи и обмене пленными.", encoding="utf-8"
    )
    assert main(["ingest", str(path)]) == 0
    assert "not extracted (language ru)" in capsys.readouterr().out
    source = Source.objects.get()
    assert (source.language, source.extraction) == ("ru", Extraction.NOT_EXTRACTED)
    assert not source.statements.exists()


def test_ingestion_resolves_names_against_the_database_registry(
    starter_registry, tmp_path, analyst
):
    from abide.registry.registry_file import read_registry_file
    from abide.registry.services import load_registry

    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "parties:\n  - id: ruritania\n    kind: state\n    names: {en: Ruritania}\n"
        "    aliases: [Ruritanian]\n",
        encoding="utf-8",
    )
    load_registry(read_registry_file(extra), actor=analyst)
    text = tmp_path / "r.txt"
    text.write_text(
        "Blinken urged the Ruritanian government to release all detainees.", encoding="utf-8"
    )
    assert main(["ingest", str(text), "--published", "2023-05-01"]) == 0
    assert Commitment.objects.get().obligor_party == Party.objects.get(slug="ruritania")


def test_a_missing_path_and_an_unknown_actor_fail_clearly(starter_registry, capsys):
    assert main(["ingest", "/nonexistent/file.txt"]) == 1
    assert "/nonexistent/file.txt: cannot read it" in capsys.readouterr().err
    assert main(["ingest", str(TINY), "--as", "nobody"]) == 1
    assert "--as: no active user named 'nobody'" in capsys.readouterr().err


@pytest.fixture
def ingested(starter_registry, analyst):
    main(["ingest", str(TINY), "--published", "2024-03-03"])
    return Source.objects.get()


def test_an_analyst_edits_a_proposed_commitment_and_the_change_is_audited(ingested, analyst):
    commitment = Commitment.objects.filter(category__slug="humanitarian_access").get()
    edit_commitment(
        commitment,
        actor=analyst,
        text="Let aid convoys through.",
        scope_area="Karabakh",
        deadline=dt.date(2024, 4, 1),
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.actor == analyst and entry.changes["text"][1] == "Let aid convoys through."
    with pytest.raises(ValidationError, match="cannot edit review_state"):
        edit_commitment(commitment, actor=analyst, review_state="confirmed")
    with pytest.raises(ValidationError, match="deadline"):
        edit_commitment(commitment, actor=analyst, date_made=dt.date(2024, 5, 1))
    commitment.refresh_from_db()
    assert commitment.date_made != dt.date(2024, 5, 1)
    assert verify_log().ok


def test_a_statement_and_a_commitment_are_added_by_hand_from_a_span(ingested, analyst):
    start = ingested.text.index("Lavrov urged")
    end = ingested.text.index(".", start) + 1
    statement = add_statement(
        ingested,
        actor=analyst,
        start=start,
        end=end,
        mode="paraphrase",
        speaker_person=find_person("Sergey Lavrov"),
        speaker_party=find_party("Russia"),
        chain=(LinkIn("said", person=find_person("Sergey Lavrov")),),
    )
    assert statement.text.startswith("Lavrov urged Azerbaijan")
    commitment = add_commitment(
        [statement],
        actor=analyst,
        kind="demand",
        category=Category.objects.get(slug="other"),
        text="Keep the line of contact quiet.",
        obligor_party=find_party("Azerbaijan"),
        demanded_by_party=find_party("Russia"),
    )
    assert commitment.review_state == ReviewState.PROPOSED
    assert list(commitment.statements.all()) == [statement]
    with pytest.raises(ValidationError, match="outside the source's text"):
        add_statement(ingested, actor=analyst, start=0, end=10_000, mode="paraphrase")
    with pytest.raises(ValidationError, match="at least one statement"):
        add_commitment(
            [], actor=analyst, kind="pledge", category=Category.objects.get(slug="other"), text="x"
        )
    assert verify_log().ok
