"""The database's registry as plain data, for the extraction library."""

from __future__ import annotations

from abide.extraction.registry import PartyData, PersonData, RegistrySnapshot, RoleData
from abide.registry.models import Party, Person


def registry_snapshot() -> RegistrySnapshot:
    """Every party and person with their aliases, names in all languages and dated roles."""
    parties = {}
    for party in Party.objects.prefetch_related("aliases").select_related("parent"):
        names = [getattr(party, f"name_{lang}") for lang in ("ar", "hy", "ru", "tr")]
        aliases = tuple(a.alias for a in party.aliases.all()) + tuple(n for n in names if n)
        parties[party.slug] = PartyData(
            party.slug,
            party.name_en,
            party.kind,
            aliases,
            party.parent.slug if party.parent else None,
        )
    persons = {}
    for person in Person.objects.prefetch_related("aliases", "roles__party"):
        names = [getattr(person, f"name_{lang}") for lang in ("ar", "hy", "ru", "tr")]
        aliases = tuple(a.alias for a in person.aliases.all()) + tuple(n for n in names if n)
        roles = tuple(
            RoleData(role.title, role.party.slug, role.start, role.end)
            for role in person.roles.all()
        )
        persons[person.slug] = PersonData(person.slug, person.name_en, aliases, roles)
    return RegistrySnapshot(parties=parties, persons=persons)
