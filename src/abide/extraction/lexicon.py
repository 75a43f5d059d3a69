"""The extractor's lexicons, loaded from ``data/lexicon.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.yaml"


@dataclass(frozen=True)
class Lexicon:
    speech_verbs: frozenset[str]
    quote_verbs: frozenset[str]
    pledge_verbs: frozenset[str]
    pledge_nouns: frozenset[str]
    pledge_adjectives: frozenset[str]
    pledge_modals: frozenset[str]
    demand_verbs: frozenset[str]
    demand_nouns: frozenset[str]
    demand_adjectives: frozenset[str]
    demand_modals: frozenset[str]
    negators: frozenset[str]
    refusals: frozenset[str]
    conditions: frozenset[str]
    titles: frozenset[str]
    government_nouns: frozenset[str]
    both_sides: tuple[str, ...]
    publishers: dict[str, str]
    categories: dict[str, tuple[str, ...]]
    weak_terms: frozenset[str]
    circumstance_preps: frozenset[str]
    #: term → category, for single-word terms and multi-word phrases (lower case).
    term_index: dict[str, str] = field(default_factory=dict)


@cache
def load_lexicon(path: str | Path = LEXICON_FILE) -> Lexicon:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in raw.get(key) or [])

    categories = {
        name: tuple(str(t).lower() for t in terms or [])
        for name, terms in raw["categories"].items()
    }
    index: dict[str, str] = {}
    for name, terms in categories.items():
        for term in terms:
            index.setdefault(term, name)
    return Lexicon(
        speech_verbs=words("speech_verbs"),
        quote_verbs=words("quote_verbs"),
        pledge_verbs=words("pledge_verbs"),
        pledge_nouns=words("pledge_nouns"),
        pledge_adjectives=words("pledge_adjectives"),
        pledge_modals=words("pledge_modals"),
        demand_verbs=words("demand_verbs"),
        demand_nouns=words("demand_nouns"),
        demand_adjectives=words("demand_adjectives"),
        demand_modals=words("demand_modals"),
        negators=words("negators"), refusals=words("refusals"),
        conditions=words("conditions"),
        titles=words("titles"), government_nouns=words("government_nouns"),
        both_sides=tuple(str(p).lower() for p in raw.get("both_sides") or []),
        publishers={str(k): str(v) for k, v in (raw.get("publishers") or {}).items()},
        categories=categories,
        weak_terms=words("weak_terms"),
        circumstance_preps=words("circumstance_preps"),
        term_index=index,
    )
