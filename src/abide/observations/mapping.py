"""The data that maps imported rows onto observations: categories, precisions and actors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from abide.registry.languages import normalise_alias

MAPPINGS_FILE = Path(__file__).resolve().parent / "data" / "mappings.yaml"


@dataclass(frozen=True, slots=True)
class Kind:
    """What an imported row is: category, sub-type (identifiers) and direction."""

    category: str
    subtype: str | None
    direction: str


@cache
def mappings() -> dict:
    return yaml.safe_load(MAPPINGS_FILE.read_text(encoding="utf-8"))


def _kinds(table: dict) -> dict[str, Kind]:
    return {
        str(key).strip().lower(): Kind(value["category"], value.get("subtype"), value["direction"])
        for key, value in table.items()
    }


@cache
def ucdp_kinds() -> dict[str, Kind]:
    return _kinds(mappings()["ucdp"]["type_of_violence"])


@cache
def acled_kinds() -> dict[str, Kind]:
    return _kinds(mappings()["acled"]["event_types"])


@lru_cache(maxsize=1024)
def acled_kind(event_type: str, sub_event_type: str) -> Kind | None:
    """The kind of an ACLED event: its type and sub-type, else its type with any sub-type."""
    kinds = acled_kinds()
    event_type = event_type.strip().lower()
    return kinds.get(f"{event_type} / {sub_event_type.strip().lower()}") or kinds.get(
        f"{event_type} / *"
    )


def precisions(dataset: str, column: str) -> dict[str, str]:
    return {str(key): value for key, value in mappings()[dataset][column].items()}


class ActorMatcher:
    """Actor names as data sets write them, to registry parties (by identifier or alias).

    ``parties`` maps normalised names and aliases to party ids. Every distinct name is
    matched once; the names that match no party (and are not victims or crowds) are kept,
    with how often they occurred, for the import's report.
    """

    def __init__(self, parties: dict[str, int]) -> None:
        self.parties = parties
        data = mappings()
        self.patterns = [re.compile(p, re.IGNORECASE) for p in data["actor_patterns"]]
        self.not_parties = [re.compile(p, re.IGNORECASE) for p in data["not_parties"]]
        self._cache: dict[str, int | None] = {}
        self._bystanders: dict[str, bool] = {}
        #: Unmatched names in order of first appearance, with their number of occurrences.
        self.unmatched: dict[str, int] = {}

    def match(self, name: str) -> int | None:
        """The party id for ``name``, or None."""
        try:
            party = self._cache[name]
        except KeyError:
            party = self._cache[name] = self._match(name)
        if party is None and name in self.unmatched:
            self.unmatched[name] += 1
        return party

    def bystander(self, name: str) -> bool:
        """Whether ``name`` is of victims, crowds or the unknown rather than of an actor."""
        try:
            return self._bystanders[name]
        except KeyError:
            found = self._bystanders[name] = any(p.match(name) for p in self.not_parties)
            return found

    def _match(self, name: str) -> int | None:
        for pattern in self.patterns:
            found = pattern.match(name.strip())
            if found:
                party = self.parties.get(normalise_alias(found.group("name")))
                if party is not None:
                    return party
        if not self.bystander(name):
            self.unmatched[name] = 0
        return None
