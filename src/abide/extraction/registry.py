"""The registry as plain data, so that extraction needs no database.

``abide extract`` builds it from the starter registry file; ``abide ingest`` from the database
(``abide.registry.snapshot``). Names are resolved case- and accent-insensitively.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from abide.registry.languages import normalise_alias as normalise
from abide.registry.registry_file import read_registry_file

_INITIAL = re.compile(r"^[A-Z]\.?$")


def short_name(name: str) -> str:
    """A full name without middle names and initials: "Antony J. Blinken" → "antony blinken"."""
    parts = [p for p in name.replace(",", " ").split() if not _INITIAL.match(p)]
    if len(parts) > 2:
        parts = [parts[0], parts[-1]]
    return normalise(" ".join(parts))


@dataclass(frozen=True)
class PartyData:
    id: str
    name: str
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class RoleData:
    title: str
    party: str
    start: dt.date | None = None
    end: dt.date | None = None

    def active_on(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PersonData:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[RoleData, ...] = ()


@dataclass
class RegistrySnapshot:
    parties: dict[str, PartyData] = field(default_factory=dict)
    persons: dict[str, PersonData] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._party_index: dict[str, str] = {}
        for party in self.parties.values():
            for name in (party.name, party.id, *party.aliases):
                self._party_index.setdefault(normalise(name), party.id)
        self._person_index: dict[str, str] = {}
        for person in self.persons.values():
            for name in (person.name, *person.aliases):
                self._person_index.setdefault(normalise(name), person.id)
                self._person_index.setdefault(short_name(name), person.id)
        # Surnames only where the registry lists them as aliases: "Kim Jong Un" must not make
        # "UN" a person, nor "Abdullah II" every "Phase II".

    # -- construction --------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path) -> RegistrySnapshot:
        """Read a registry file in the format of ``starter_registry.yaml``; a file that is not
        one raises ``RegistryFileError`` naming every problem (file, entry and field)."""
        read_registry_file(path)  # checked as `abide registry load` checks it
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
        snapshot = cls.__new__(cls)
        snapshot.parties = {}
        snapshot.persons = {}
        for entry in raw.get("parties") or []:
            names = entry.get("names") or {}
            aliases = tuple(entry.get("aliases") or ()) + tuple(
                v for k, v in names.items() if k != "en"
            )
            snapshot.parties[entry["id"]] = PartyData(
                entry["id"],
                names.get("en", entry["id"]),
                entry.get("kind", "other"),
                aliases,
                None if entry.get("parent") in (None, "null", "") else entry.get("parent"),
            )
        for entry in raw.get("persons") or []:
            names = entry.get("names") or {}
            roles = tuple(
                RoleData(
                    role["title"], role["party"], _date(role.get("from")), _date(role.get("to"))
                )
                for role in entry.get("roles") or []
            )
            aliases = tuple(entry.get("aliases") or ()) + tuple(
                v for k, v in names.items() if k != "en"
            )
            snapshot.persons[entry["id"]] = PersonData(
                entry["id"], names.get("en", entry["id"]), aliases, roles
            )
        snapshot.__post_init__()
        return snapshot

    # -- resolution ----------------------------------------------------------------------

    def party_for(self, text: str) -> PartyData | None:
        """The party a name, alias or adjective denotes ("Baku", "the Azerbaijani side")."""
        full = normalise(text).strip(" ,;:")
        for key in dict.fromkeys((full, full.strip("."))):
            for candidate in _variants(key):
                if candidate in self._party_index:
                    return self.parties[self._party_index[candidate]]
        return None

    def person_for(self, text: str) -> PersonData | None:
        key = normalise(text).strip(" .,;:")
        for candidate in (key, short_name(text), _strip_honorific(key)):
            if candidate in self._person_index:
                return self.persons[self._person_index[candidate]]
        return None

    def party_of(self, person: PersonData, on: dt.date | None) -> PartyData | None:
        for role in person.roles:
            if role.active_on(on):
                return self.parties.get(role.party)
        if person.roles:  # out of office then: their best-known affiliation
            return self.parties.get(person.roles[-1].party)
        return None

    def holder(self, title: str, party: str | None, on: dt.date | None) -> PersonData | None:
        """Who held ``title`` (for ``party``, if given) on ``on``: a title may be shortened
        ("the Secretary" for "Secretary of State")."""
        wanted = normalise(title)
        best: tuple[int, PersonData] | None = None
        for person in self.persons.values():
            for role in person.roles:
                if party is not None and role.party != party:
                    continue
                if not role.active_on(on):
                    continue
                have = normalise(role.title)
                score = (
                    3
                    if have == wanted
                    else 2
                    if have.startswith(wanted + " ")
                    else (1 if wanted in have.split() and len(wanted) > 3 else 0)
                )
                if score and (best is None or score > best[0]):
                    best = (score, person)
        return best[1] if best else None


def _variants(key: str) -> list[str]:
    variants = [key]
    for prefix in ("the ",):
        if key.startswith(prefix):
            variants.append(key[len(prefix) :])
    for suffix in ("'s", "s'"):
        if key.endswith(suffix):
            variants.append(key[: -len(suffix)])
    for suffix in (" side", " government", " authorities", " forces"):
        for variant in list(variants):
            if variant.endswith(suffix):
                variants.append(variant[: -len(suffix)])
    return variants


def _strip_honorific(key: str) -> str:
    for honorific in ("mr. ", "mrs. ", "ms. ", "dr. ", "mr ", "ms ", "h.e. "):
        if key.startswith(honorific):
            return key[len(honorific) :]
    return key


def _date(value: object) -> dt.date | None:
    if value in (None, "", "null", "~"):
        return None
    return dt.date.fromisoformat(str(value))
