"""`abide import pax`: PA-X peace agreements as sources and proposed pledges."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import yaml

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.cli import main
from abide.registry.models import Commitment, CommitmentKind, ReviewState, Source, SourceKind
from abide.registry.pax import PAX_MAPPING, REQUIRED, PaxImportFailed, import_pax
from abide.testing import shared_path

pytestmark = pytest.mark.usefixtures("starter_registry")

BISHKEK = "990"  # "Ceasefire Agreement Signed in Bishkek", 11 May 1994
KARABAKH = "Azerbaijan-Nagorno Karabakh: Process"


def pax_file() -> Path:
    return shared_path("data", "agreements", "PA-X_pax_all_agreements_data_manurubo.csv")


def extract(tmp_path: Path, keep, name: str = "pax_extract.csv") -> Path:
    """The real file's header and the rows for which ``keep(row)`` holds, as a new file."""
    with pax_file().open(encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if keep(row)]
        header = reader.fieldnames
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        writer = csv.DictWriter(target, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def agreements() -> int:
    return Source.objects.filter(kind=SourceKind.AGREEMENT, metadata__dataset="pa-x").count()


def pledges(agt_id: str, category: str) -> list[Commitment]:
    return list(
        Commitment.objects.filter(
            statements__source__metadata__AgtId=agt_id, category__slug=category
        )
        .select_related("obligor_party")
        .distinct()
    )


def test_it_imports_every_agreement_and_a_second_import_changes_nothing(analyst):
    summary = import_pax(pax_file(), actor=analyst)
    assert (summary.rows, summary.created, summary.rejected) == (1868, 1868, 0)
    assert agreements() == 1868
    made = Commitment.objects.count()
    assert made == sum(summary.commitments.values()) > 0
    assert summary.commitments["cessation_of_hostilities"] > 0
    audit = AuditEntry.objects.filter(action="import", object_type="registry.source")
    assert audit.count() == 10  # 1,868 agreements in batches of 200
    entries = AuditEntry.objects.count()

    again = import_pax(pax_file(), actor=analyst)

    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 1868, 0)
    assert agreements() == 1868
    assert Commitment.objects.count() == made
    assert AuditEntry.objects.count() == entries
    assert verify_log().ok


def test_the_bishkek_ceasefire_gives_three_pledges_scoped_to_armenia_and_azerbaijan(
    tmp_path, analyst
):
    path = extract(tmp_path, lambda row: row["PPName"] == KARABAKH)
    summary = import_pax(path, actor=analyst)
    assert summary.created == 24

    source = Source.objects.get(metadata__AgtId=BISHKEK)
    assert source.title == "Ceasefire Agreement Signed in Bishkek"
    assert source.published == dt.date(1994, 5, 11)
    assert source.metadata["PPName"] == KARABAKH
    assert source.metadata["provisions"]["CeProv"] == 1
    ceasefire = pledges(BISHKEK, "cessation_of_hostilities")
    assert sorted(c.obligor_party.slug for c in ceasefire) == [
        "armenia",
        "azerbaijan",
        "nagorno-karabakh-authorities",
    ]
    for pledge in ceasefire:
        assert pledge.kind == CommitmentKind.PLEDGE
        assert pledge.review_state == ReviewState.PROPOSED
        assert pledge.date_made == dt.date(1994, 5, 11)
        assert set(pledge.scope_area.split(", ")) == {"Armenia", "Azerbaijan"}
        assert "ceasefire" in pledge.text
        (statement,) = pledge.statements.all()
        assert statement.source == source
        assert statement.text == pledge.text


def test_parties_that_match_no_registry_party_are_reported_once_each(tmp_path, analyst, capsys):
    path = extract(tmp_path, lambda row: row["PPName"] == KARABAKH or "Abkhazia" in row["Con"])

    assert main(["import", "pax", str(path), "--as", analyst.username]) == 0

    captured = capsys.readouterr()
    # "Georgia/Russia/(Abkhazia)": Georgia and Russia are registry parties, Abkhazia is not.
    assert captured.err.count("no party matches 'Abkhazia'") == 1
    assert "no party matches 'Abkhazia' (51 agreements)" in captured.err
    assert "no party matches 'Georgia'" not in captured.err
    assert "no party matches 'Nagorno-Karabakh'" not in captured.err
    assert not Commitment.objects.filter(obligor_party__slug__icontains="abkhaz").exists()
    assert "0 rejected" in captured.out
    assert "created" in captured.out and "commitments proposed" in captured.out


def write_rows(path: Path, rows: list[dict]) -> Path:
    variables = [p["variable"] for p in yaml.safe_load(PAX_MAPPING.read_text())["provisions"]]
    header = [*REQUIRED, *variables]
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, header, restval="0")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(agt_id: str, date: str, **values: str) -> dict:
    base = {
        "AgtId": agt_id,
        "Ver": "1",
        "Agt": f"Agreement {agt_id}",
        "Dat": date,
        "Con": "Armenia/Azerbaijan",
        "PPName": KARABAKH,
        "Part": "Minister of Defence of Azerbaijan\nMinister of Defence of Armenia",
        "ThrdPart": "",
        "Loc1ISO": "AZE",
        "Loc2ISO": "ARM",
        "CeProv": "1",
    }
    base.update(values)
    return base


def test_bad_rows_are_reported_with_file_line_and_column_and_not_stored(tmp_path, analyst, capsys):
    path = write_rows(
        tmp_path / "bad.csv",
        [
            row("9001", "1994-05-11"),  # lines 2-3 (the parties span two lines)
            row("9002", "1994-13-45"),  # lines 4-5
            row("", "1994-05-12"),  # lines 6-7
            row("9004", "1994-05-13", CeProv="7"),  # lines 8-9
        ],
    )

    assert main(["import", "pax", str(path), "--as", analyst.username]) == 1

    err = capsys.readouterr().err
    assert f"{path}:4: Dat: not a date (YYYY-MM-DD): '1994-13-45'" in err
    assert f"{path}:6: AgtId: missing" in err
    assert f"{path}:8: CeProv: not a provision value (0 to 3): '7'" in err
    assert [source.metadata["AgtId"] for source in Source.objects.all()] == ["9001"]
    assert Commitment.objects.count() == 2  # Azerbaijan's and Armenia's ceasefire pledges


def test_a_file_of_another_layout_is_refused_naming_the_missing_columns(tmp_path, analyst):
    path = tmp_path / "other.csv"
    path.write_text("AgtId,Agt,Dat,Part\n1,An agreement,2000-01-01,Someone\n", encoding="utf-8")

    with pytest.raises(PaxImportFailed) as failure:
        import_pax(path, actor=analyst)

    message = str(failure.value)
    assert message.startswith(f"{path}:1: header: not a PA-X layout: missing columns Con, PP,")
    assert "CeProv" in message and "Loc1ISO" in message
    assert not Source.objects.exists()


def test_the_mapping_file_decides_which_commitments_are_made(tmp_path, analyst):
    path = extract(tmp_path, lambda row: row["AgtId"] == BISHKEK)
    mapping = yaml.safe_load(PAX_MAPPING.read_text(encoding="utf-8"))
    mapping["provisions"] = [p for p in mapping["provisions"] if p["variable"] != "CeProv"]
    mapping["provisions"].append(
        {"variable": "ImSrc", "category": "other", "text": "To say where the text comes from."}
    )
    edited = tmp_path / "mapping.yaml"
    edited.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")

    summary = import_pax(path, actor=analyst, mapping=edited)

    assert summary.created == 1
    assert pledges(BISHKEK, "cessation_of_hostilities") == []
    assert len(pledges(BISHKEK, "other")) == 3
    assert "CeProv" not in Source.objects.get().metadata["provisions"]

    # Back to the shipped mapping: the agreement is updated, its pledges made afresh.
    again = import_pax(path, actor=analyst)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 0)
    assert len(pledges(BISHKEK, "cessation_of_hostilities")) == 3
    assert pledges(BISHKEK, "other") == []
