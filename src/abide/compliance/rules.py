"""The rules of assessment per category (``data/rules.yaml``), read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.yaml"

#: The tests of a rule, in the order they are tried.
TESTS = ("violated", "at_risk", "fulfilled", "upheld")
_STATUSES = {"reported", "corroborated", "verified", "disputed", "refuted"}
_OBLIGOR = {"perpetrator", "involved", "not_named"}
_LINKS = {"candidate", "confirmed"}


class RulesError(ValueError):
    pass


@dataclass(frozen=True)
class Match:
    bearing: str
    statuses: frozenset[str]
    obligor: frozenset[str]

    def __call__(self, bearing: str, status: str, obligor_role: str) -> bool:
        return bearing == self.bearing and status in self.statuses and obligor_role in self.obligor


@dataclass(frozen=True)
class Coverage:
    minimum: int
    patrols: bool
    #: Category identifiers, or None for any.
    observations: frozenset[str] | None


@dataclass(frozen=True)
class Rule:
    category: str
    links: frozenset[str]
    tests: dict[str, Match]
    coverage: Coverage


@dataclass(frozen=True)
class Rules:
    version: int
    by_category: dict[str, Rule]

    def for_category(self, slug: str) -> Rule:
        try:
            return self.by_category[slug]
        except KeyError:
            raise RulesError(f"no rule for the category {slug!r}") from None


def _match(where: str, data: object) -> Match:
    if not isinstance(data, dict) or data.get("bearing") not in ("supports", "undercuts"):
        raise RulesError(f"{where}: needs a bearing, supports or undercuts")
    statuses = frozenset(data.get("status", []))
    obligor = frozenset(data.get("obligor", sorted(_OBLIGOR)))
    if not statuses or statuses - _STATUSES:
        raise RulesError(f"{where}: status must list some of {', '.join(sorted(_STATUSES))}")
    if obligor - _OBLIGOR:
        raise RulesError(f"{where}: obligor must list some of {', '.join(sorted(_OBLIGOR))}")
    return Match(data["bearing"], statuses, obligor)


def _coverage(where: str, data: dict) -> Coverage:
    minimum = data.get("minimum", 1)
    observations = data.get("observations", "any")
    if not isinstance(minimum, int) or minimum < 0:
        raise RulesError(f"{where}.minimum: a whole number of 0 or more")
    if observations != "any" and not isinstance(observations, list):
        raise RulesError(f"{where}.observations: 'any' or a list of categories")
    return Coverage(
        minimum,
        bool(data.get("patrols", True)),
        None if observations == "any" else frozenset(observations),
    )


def parse_rules(data: object, source: str = "rules") -> Rules:
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        raise RulesError(f"{source}: needs a version and categories")
    version = data.get("version")
    if not isinstance(version, int):
        raise RulesError(f"{source}: version: a whole number")
    defaults = data.get("defaults", {})
    rules = {}
    for slug, entry in data["categories"].items():
        where = f"{source}: categories.{slug}"
        links = frozenset(entry.get("links", defaults.get("links", ["confirmed"])))
        if not links or links - _LINKS:
            raise RulesError(f"{where}.links: some of candidate, confirmed")
        tests = {test: _match(f"{where}.{test}", entry[test]) for test in TESTS if test in entry}
        unknown = set(entry) - {*TESTS, "links", "coverage"}
        if unknown:
            raise RulesError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        coverage = _coverage(
            f"{where}.coverage", {**defaults.get("coverage", {}), **entry.get("coverage", {})}
        )
        rules[slug] = Rule(slug, links, tests, coverage)
    return Rules(version, rules)


@cache
def current_rules() -> Rules:
    return parse_rules(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")), str(RULES_FILE))
