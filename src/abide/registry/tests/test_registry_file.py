"""`abide registry load`: the starter registry, and every kind of bad file."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest

from abide.accounts.services import system_user
from abide.audit.models import AuditEntry
from abide.cli import main
from abide.registry.files import STARTER_REGISTRY
from abide.registry.models import Party, PartyAlias, Person, Role
from abide.registry.services import find_party, holder_of

GOOD = """\
parties:
  - id: testland
    kind: state
    names: {en: Testland, ar: تستلاند, hy: Թեստլանդ, ru: Тестландия, tr: Testlandiya}
    aliases: [Testlandish, the Testland side]
persons:
  - id: tess-tester
    names: {en: Tess Tester, ar: تيس تستر, hy: Թես Թեսթեր, ru: Тесс Тестер, tr: Tess Testçi}
    aliases: [Tester]
    roles:
      - {title: President, party: testland, from: 2020-01-01, to: null}
"""


def write(tmp_path, text: str, name: str = "registry.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_starter_registry_loads_the_parties_and_people_of_the_region(starter_registry):
    for name in (
        "Armenia",
        "Azerbaijan",
        "Russia",
        "Türkiye",
        "Iran",
        "Georgia",
        "United States",
        "European Union",
        "OSCE",
        "United Nations",
        "ICRC",
    ):
        assert find_party(name) is not None, name
    for alias, slug in (
        ("Baku", "azerbaijan"),
        ("Azerbaijani", "azerbaijan"),
        ("the Azerbaijani side", "azerbaijan"),
        ("Yerevan", "armenia"),
        ("Turkey", find_party("Türkiye").slug),
        ("U.S.", find_party("US").slug),
    ):
        assert find_party(alias).slug == slug, alias
    for name in (
        "Ilham Aliyev",
        "Nikol Pashinyan",
        "Antony Blinken",
        "Matthew Miller",
        "Jake Sullivan",
    ):
        assert Person.objects.filter(name_en=name).exists(), name
    assert Party.objects.filter(kind="de_facto_authority").exists()
    assert Party.objects.filter(kind="armed_force", parent=find_party("Russia")).exists()


def test_the_azerbaijani_president_on_26_september_2023_is_ilham_aliyev(starter_registry):
    azerbaijan = find_party("the Azerbaijani side")
    assert holder_of("President", azerbaijan, dt.date(2023, 9, 26)).name_en == "Ilham Aliyev"
    united_states = find_party("U.S.")
    secretary = holder_of("Secretary of State", united_states, dt.date(2023, 9, 26))
    assert secretary.name_en == "Antony Blinken"
    assert holder_of("Secretary of State", united_states, dt.date(2019, 1, 1)) != secretary


def test_loading_the_starter_registry_twice_changes_nothing(starter_registry, capsys):
    counts = (
        Party.objects.count(),
        PartyAlias.objects.count(),
        Person.objects.count(),
        Role.objects.count(),
        AuditEntry.objects.count(),
    )
    assert main(["registry", "load", str(STARTER_REGISTRY)]) == 0
    assert "0 created, 0 changed" in capsys.readouterr().out
    assert counts == (
        Party.objects.count(),
        PartyAlias.objects.count(),
        Person.objects.count(),
        Role.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_good_file_loads_with_one_audit_entry_per_object_as_the_named_user(
    db, tmp_path, analyst, capsys
):
    path = write(tmp_path, GOOD)
    assert main(["registry", "load", str(path), "--as", analyst.username]) == 0
    assert "2 created" in capsys.readouterr().out
    entries = AuditEntry.objects.filter(actor=analyst, action="create")
    assert {e.object_type for e in entries} == {"registry.party", "registry.person"}
    assert find_party("Testlandish").slug == "testland"
    assert holder_of("president", find_party("testland"), dt.date(2023, 1, 1)).slug == "tess-tester"


def test_a_json_file_loads_too(db, tmp_path):
    import yaml

    path = tmp_path / "registry.json"
    path.write_text(json.dumps(yaml.safe_load(GOOD), default=str), encoding="utf-8")
    assert main(["registry", "load", str(path)]) == 0
    assert Person.objects.filter(slug="tess-tester").exists()


BAD_FILES = {
    "bad YAML": (
        "parties:\n  - id: x\n    names: {en: [unclosed\n",
        "registry.yaml:4:1: invalid YAML",
    ),
    "bad JSON": ('{"parties": [', "registry.json:1:14: invalid JSON"),
    "unknown category": (
        "categories:\n  - {id: ceasefires, name: {en: Ceasefires}}\n",
        "categories[0] (id 'ceasefires'): field 'id': unknown category 'ceasefires'",
    ),
    "unknown party in a role": (
        GOOD.replace("party: testland", "party: nowhere"),
        "persons[0] (id 'tess-tester'): roles[0]: field 'party': unknown party 'nowhere'",
    ),
    "duplicate alias": (
        GOOD.replace(
            "persons:",
            "  - id: otherland\n    kind: state\n    names: {en: Otherland}\n"
            "    aliases: [testlandish]\npersons:",
        ),
        "parties[1] (id 'otherland'): field 'aliases': 'testlandish' already names party "
        "'testland'",
    ),
    "invalid language code": (
        GOOD.replace("tr: Testlandiya", "xx: Testlandiya"),
        "parties[0] (id 'testland'): field 'names.xx': 'xx' is not a language code",
    ),
    "unknown kind": (
        GOOD.replace("kind: state", "kind: kingdom"),
        "parties[0] (id 'testland'): field 'kind': 'kingdom' is not one of",
    ),
    "bad date": (
        GOOD.replace("from: 2020-01-01", "from: 2020-13-45"),
        "roles[0]: field 'from': '2020-13-45' is not a date",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_naming_file_entry_and_field_and_stores_nothing(
    db, tmp_path, capsys, case
):
    text, expected = BAD_FILES[case]
    path = write(tmp_path, text, "registry.json" if case == "bad JSON" else "registry.yaml")
    system_user()
    before = (Party.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    assert main(["registry", "load", str(path)]) == 1
    captured = capsys.readouterr()
    assert expected in captured.err
    assert str(path) in captured.err
    assert "nothing was stored" in captured.err
    assert "Traceback" not in captured.err
    assert before == (Party.objects.count(), Person.objects.count(), AuditEntry.objects.count())


def test_a_missing_file_is_reported(db, tmp_path, capsys):
    assert main(["registry", "load", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml: no such file" in capsys.readouterr().err


def test_a_file_with_one_bad_entry_among_good_ones_stores_nothing(db, tmp_path, capsys):
    text = GOOD + "  - id: bad\n    names: {en: Bad}\n    roles: [{title: X, party: atlantis}]\n"
    assert main(["registry", "load", str(write(tmp_path, text))]) == 1
    assert not Party.objects.filter(slug="testland").exists()
    assert not Person.objects.filter(slug__in=["tess-tester", "bad"]).exists()
