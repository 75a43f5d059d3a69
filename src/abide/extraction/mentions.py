"""The registry parties a text names, by their own names or their people's: the candidates the
commitment ranker considers in each sentence."""

from __future__ import annotations

import datetime as dt
import re

from abide.extraction.registry import RegistrySnapshot, normalise

_WORD = re.compile(r"\w+")


class PartyNames:
    """Finds the registry's names as whole words in normalised text, the longest first where
    several begin at one word, left to right without overlap, by a table of names (one lookup
    per word and length, however many names the registry holds)."""

    def __init__(self, registry: RegistrySnapshot) -> None:
        self.registry = registry
        self.names: dict[str, tuple[str, str]] = {}
        for party in registry.parties.values():
            for name in (party.name, *party.aliases):
                self.names.setdefault(normalise(name), ("party", party.id))
        for person in registry.persons.values():
            for name in (person.name, *person.aliases):
                self.names.setdefault(normalise(name), ("person", person.id))
        self.names.pop("", None)
        self.longest = max((len(_WORD.findall(n)) for n in self.names), default=0)

    def matches(self, normalised: str) -> list[tuple[int, int, str]]:
        """Each name found in ``normalised`` (start, end, name)."""
        words = [(m.start(), m.end()) for m in _WORD.finditer(normalised)]
        found = []
        i = 0
        while i < len(words):
            match = self._longest_at(normalised, words, i)
            if match is None:
                i += 1
                continue
            found.append(match)
            while i < len(words) and words[i][0] < match[1]:
                i += 1
        return found

    def _longest_at(
        self, text: str, words: list[tuple[int, int]], i: int
    ) -> tuple[int, int, str] | None:
        start = words[i][0]
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            return None
        best = None
        for j in range(i, min(i + self.longest, len(words))):
            end = words[j][1]
            # a name may end in punctuation ("u.s."): the next character is then part of it
            for stop in (end, end + 1):
                if stop > len(text) or (stop == end + 1 and not _is_punctuation(text[end])):
                    continue
                if stop < len(text) and (text[stop].isalnum() or text[stop] == "_"):
                    continue
                candidate = text[start:stop]
                if candidate in self.names and (best is None or stop > best[1]):
                    best = (start, stop, candidate)
        return best

    def parties_in(self, text: str, on: dt.date | None) -> tuple[str, ...]:
        """The registry parties ``text`` names, itself or by one of its people (their party on
        the day ``on``), in order of first mention."""
        found: list[str] = []
        for _, _, name in self.matches(normalise(text)):
            kind, key = self.names[name]
            if kind == "person":
                party = self.registry.party_of(self.registry.persons[key], on)
                key = party.id if party is not None else ""
            if key and key not in found:
                found.append(key)
        return tuple(found)


def _is_punctuation(char: str) -> bool:
    return not char.isalnum() and not char.isspace() and char != "_"
