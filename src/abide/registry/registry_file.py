"""Reading and checking a registry file (YAML or JSON) into plain data, before anything is stored.

The format is the one of ``abide/registry/data/starter_registry.yaml``::

    parties:
      - id: azerbaijan
        kind: state
        names: {en: Azerbaijan, ar: ..., hy: ..., ru: ..., tr: ...}
        aliases: [Baku, Azerbaijani]
        parent: null
    persons:
      - id: ilham-aliyev
        names: {en: Ilham Aliyev, ...}
        aliases: [Aliyev]
        roles: [{title: President, party: azerbaijan, from: 2003-10-31, to: null}]
    categories:            # optional: corrects names or descriptions of existing categories
      - id: other
        name: {...}
        description: {...}
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from abide.registry.languages import LANGUAGES, normalise_alias

PARTY_KINDS = (
    "state",
    "de_facto_authority",
    "armed_force",
    "international_organisation",
    "ngo",
    "other",
)
CATEGORY_IDS = (
    "cessation_of_hostilities",
    "humanitarian_access",
    "freedom_of_movement",
    "protection_of_civilians",
    "rights_and_property",
    "amnesty_and_detention",
    "monitoring_access",
    "peace_process",
    "other",
)
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


class RegistryFileError(ValueError):
    """A registry file that cannot be loaded; ``problems`` name the file, entry and field.

    A plain error (this module is read by the extraction library, which imports no Django);
    the registry's services turn it into a ``ValidationError`` (``services.read_registry``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PartyEntry:
    id: str
    kind: str
    names: dict[str, str]
    aliases: tuple[str, ...]
    parent: str | None


@dataclass(frozen=True)
class RoleEntry:
    title: str
    party: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class PersonEntry:
    id: str
    names: dict[str, str]
    aliases: tuple[str, ...]
    roles: tuple[RoleEntry, ...]


@dataclass(frozen=True)
class CategoryEntry:
    id: str
    names: dict[str, str]
    descriptions: dict[str, str]


@dataclass
class RegistryData:
    path: str
    parties: list[PartyEntry] = field(default_factory=list)
    persons: list[PersonEntry] = field(default_factory=list)
    categories: list[CategoryEntry] = field(default_factory=list)


def read_registry_file(
    path: str | Path,
    *,
    known_parties: set[str] = frozenset(),
    alias_owners: dict[str, str] | None = None,
) -> RegistryData:
    """Parse and check ``path``; raise ``RegistryFileError`` listing every problem found.

    ``known_parties`` are party ids already stored (a role or parent may name them);
    ``alias_owners`` maps stored normalised party aliases to their party's id, so that an alias
    already held by another party is refused.
    """
    path = Path(path)
    raw = _parse(path)
    checker = _Checker(str(path))
    data = RegistryData(path=str(path))
    if not isinstance(raw, dict):
        raise RegistryFileError(
            [f"{path}: the top level must be a mapping with 'parties', 'persons'"]
        )
    for key in raw:
        if key not in {"parties", "persons", "categories"}:
            checker.problem(
                f"{path}: unknown section {key!r} (expected parties, persons, categories)"
            )
    data.parties = checker.parties(_as_list(raw.get("parties"), "parties", checker))
    party_ids = {p.id for p in data.parties} | set(known_parties)
    checker.parents(data.parties, set(known_parties))
    checker.party_aliases(data.parties, alias_owners or {})
    data.persons = checker.persons(_as_list(raw.get("persons"), "persons", checker), party_ids)
    data.categories = checker.categories(_as_list(raw.get("categories"), "categories", checker))
    if checker.problems:
        raise RegistryFileError(checker.problems)
    return data


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: a bad date is reported by field, like any other value."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RegistryFileError([f"{path}: no such file"]) from exc
    except UnicodeDecodeError as exc:
        raise RegistryFileError([f"{path}: not UTF-8 text (byte {exc.start})"]) from exc
    except OSError as exc:
        raise RegistryFileError([f"{path}: cannot read it: {exc.strerror}"]) from exc
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise RegistryFileError(
                [f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"]
            ) from exc
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        reason = getattr(exc, "problem", None) or str(exc)
        raise RegistryFileError([f"{where}: invalid YAML: {reason}"]) from exc


def _as_list(value: Any, section: str, checker: _Checker) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        checker.problem(f"{checker.path}: {section}: must be a list")
        return []
    return value


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def at(self, section: str, index: int, entry: Any) -> str:
        ident = entry.get("id") if isinstance(entry, dict) else None
        label = f" (id {ident!r})" if ident else ""
        return f"{self.path}: {section}[{index}]{label}"

    def _id(self, where: str, entry: dict, seen: set[str]) -> str | None:
        ident = entry.get("id")
        if not isinstance(ident, str) or not _SLUG.match(ident):
            self.problem(f"{where}: field 'id': {ident!r} is not an identifier (a-z, 0-9, '-')")
            return None
        if ident in seen:
            self.problem(f"{where}: field 'id': {ident!r} appears twice")
            return None
        seen.add(ident)
        return ident

    def _names(self, where: str, value: Any, field_name: str, *, required: bool = True) -> dict:
        if not isinstance(value, dict):
            self.problem(f"{where}: field '{field_name}': must be a mapping of language to text")
            return {}
        names: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.problem(
                    f"{where}: field '{field_name}.{lang}': {lang!r} is not a language code "
                    f"(use {', '.join(LANGUAGES)})"
                )
            elif not isinstance(text, str) or not text.strip():
                self.problem(f"{where}: field '{field_name}.{lang}': must be non-empty text")
            else:
                names[lang] = text.strip()
        if required and "en" not in names and "en" not in value:
            self.problem(f"{where}: field '{field_name}.en': the English name is required")
        return names

    def _aliases(self, where: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
            self.problem(f"{where}: field 'aliases': must be a list of non-empty texts")
            return ()
        return tuple(a.strip() for a in value)

    def _date(self, where: str, value: Any, field_name: str) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(f"{where}: field '{field_name}': {value!r} is not a date (YYYY-MM-DD)")
        return None

    def _mapping(self, where: str, entry: Any) -> bool:
        if not isinstance(entry, dict):
            self.problem(f"{where}: must be a mapping")
            return False
        return True

    def parties(self, entries: list) -> list[PartyEntry]:
        seen: set[str] = set()
        result = []
        for index, entry in enumerate(entries):
            where = self.at("parties", index, entry)
            if not self._mapping(where, entry):
                continue
            self._unknown_fields(where, entry, {"id", "kind", "names", "aliases", "parent"})
            ident = self._id(where, entry, seen)
            kind = entry.get("kind")
            if kind not in PARTY_KINDS:
                self.problem(
                    f"{where}: field 'kind': {kind!r} is not one of {', '.join(PARTY_KINDS)}"
                )
            names = self._names(where, entry.get("names"), "names")
            aliases = self._aliases(where, entry.get("aliases"))
            parent = entry.get("parent")
            if ident and kind in PARTY_KINDS:
                result.append(PartyEntry(ident, kind, names, aliases, parent))
        return result

    def parents(self, parties: list[PartyEntry], known: set[str]) -> None:
        earlier: set[str] = set(known)
        for index, party in enumerate(parties):
            if party.parent is not None and party.parent not in earlier:
                self.problem(
                    f"{self.path}: parties[{index}] (id {party.id!r}): field 'parent': "
                    f"unknown party {party.parent!r} (a parent must be listed before its parts)"
                )
            earlier.add(party.id)

    def party_aliases(self, parties: list[PartyEntry], stored: dict[str, str]) -> None:
        owners = dict(stored)
        for index, party in enumerate(parties):
            for alias in (party.names.get("en", ""), *party.aliases):
                key = normalise_alias(alias)
                if not key:
                    continue
                owner = owners.get(key)
                if owner is not None and owner != party.id:
                    self.problem(
                        f"{self.path}: parties[{index}] (id {party.id!r}): field 'aliases': "
                        f"{alias!r} already names party {owner!r}"
                    )
                owners.setdefault(key, party.id)

    def persons(self, entries: list, party_ids: set[str]) -> list[PersonEntry]:
        seen: set[str] = set()
        alias_owner: dict[str, str] = {}
        result = []
        for index, entry in enumerate(entries):
            where = self.at("persons", index, entry)
            if not self._mapping(where, entry):
                continue
            self._unknown_fields(where, entry, {"id", "names", "aliases", "roles"})
            ident = self._id(where, entry, seen)
            names = self._names(where, entry.get("names"), "names")
            aliases = self._aliases(where, entry.get("aliases"))
            for alias in aliases:
                owner = alias_owner.setdefault(normalise_alias(alias), ident or "")
                if owner != ident:
                    self.problem(
                        f"{where}: field 'aliases': {alias!r} already names person {owner!r}"
                    )
            roles = []
            raw_roles = entry.get("roles") or []
            if not isinstance(raw_roles, list):
                self.problem(f"{where}: field 'roles': must be a list")
                raw_roles = []
            for r_index, role in enumerate(raw_roles):
                r_where = f"{where}: roles[{r_index}]"
                if not self._mapping(r_where, role):
                    continue
                self._unknown_fields(r_where, role, {"title", "party", "from", "to"})
                title, party = role.get("title"), role.get("party")
                if not isinstance(title, str) or not title.strip():
                    self.problem(f"{r_where}: field 'title': must be non-empty text")
                if party not in party_ids:
                    self.problem(f"{r_where}: field 'party': unknown party {party!r}")
                start = self._date(r_where, role.get("from"), "from")
                end = self._date(r_where, role.get("to"), "to")
                if start and end and end < start:
                    self.problem(f"{r_where}: field 'to': {end} is before 'from' {start}")
                if isinstance(title, str) and party in party_ids:
                    roles.append(RoleEntry(title.strip(), party, start, end))
            if ident:
                result.append(PersonEntry(ident, names, aliases, tuple(roles)))
        return result

    def categories(self, entries: list) -> list[CategoryEntry]:
        seen: set[str] = set()
        result = []
        for index, entry in enumerate(entries):
            where = self.at("categories", index, entry)
            if not self._mapping(where, entry):
                continue
            self._unknown_fields(where, entry, {"id", "name", "description"})
            ident = entry.get("id")
            if ident not in CATEGORY_IDS:
                self.problem(
                    f"{where}: field 'id': unknown category {ident!r} "
                    f"(one of {', '.join(CATEGORY_IDS)})"
                )
                continue
            if ident in seen:
                self.problem(f"{where}: field 'id': {ident!r} appears twice")
                continue
            seen.add(ident)
            names = self._names(where, entry.get("name") or {}, "name", required=False)
            descriptions = self._names(
                where, entry.get("description") or {}, "description", required=False
            )
            result.append(CategoryEntry(ident, names, descriptions))
        return result

    def _unknown_fields(self, where: str, entry: dict, allowed: set[str]) -> None:
        for key in entry:
            if key not in allowed:
                self.problem(
                    f"{where}: field {key!r}: unknown field (expected {', '.join(sorted(allowed))})"
                )
