"""The gazetteer as it was before its index files: every index built in this process's memory.

What the index files are compared with (see ``test_index_file.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

from abide.geo.gazetteer import Gazetteer, PlaceIndex, build_index

_BUILT: dict[tuple[int, int | None], PlaceIndex] = {}


def memory_index(min_population: int, supplementing: int | None = None) -> PlaceIndex:
    """The in-memory index of ``cities{min_population}.json`` (less the cities of
    ``cities{supplementing}.json``), built once per test process."""
    key = (min_population, supplementing)
    if key not in _BUILT:
        exclude = memory_index(supplementing).city_ids if supplementing else frozenset()
        _BUILT[key] = build_index(min_population, exclude=exclude)
    return _BUILT[key]


class InMemoryGazetteer(Gazetteer):
    """A :class:`Gazetteer` that looks up in memory rather than in the index files."""

    def _indexes(self) -> Iterator[PlaceIndex]:  # type: ignore[override]
        yield memory_index(self.min_population)
        if self.fallback_population is not None:
            yield memory_index(self.fallback_population, supplementing=self.min_population)
