"""The extractor's lexicons, loaded from ``data/lexicon.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.yaml"


@dataclass(frozen=True)
class Lexicon:
    """Every word list of ``lexicon.yaml`` is an attribute (a frozenset of lower-case words);
    the structured entries are typed fields."""

    both_sides: tuple[str, ...]
    publishers: dict[str, str]
    categories: dict[str, tuple[str, ...]]
    #: term → category, for single-word terms and multi-word phrases (lower case).
    term_index: dict[str, str]
    words: dict[str, frozenset[str]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> frozenset[str]:
        try:
            return self.__dict__["words"][name]
        except KeyError:
            raise AttributeError(f"lexicon.yaml has no word list {name!r}") from None


@cache
def load_lexicon(path: str | Path = LEXICON_FILE) -> Lexicon:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    categories = {
        name: tuple(str(t).lower() for t in terms or [])
        for name, terms in raw["categories"].items()
    }
    index: dict[str, str] = {}
    for name, terms in categories.items():
        for term in terms:
            index.setdefault(term, name)
    words = {
        key: frozenset(str(w).lower() for w in value)
        for key, value in raw.items()
        if isinstance(value, list) and key != "both_sides"
    }
    return Lexicon(
        both_sides=tuple(str(p).lower() for p in raw.get("both_sides") or []),
        publishers={str(k): str(v) for k, v in (raw.get("publishers") or {}).items()},
        categories=categories,
        term_index=index,
        words=words,
    )
