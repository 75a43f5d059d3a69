"""Agreement between two annotators of the corpus (see ../GUIDELINE.md, section 9).

Run from the repository root, with abide importable::

    .venv/bin/python eval/corpus/agreement.py [eval/corpus/gold eval/corpus/gold-second]

For every ``NAME.gold.json`` present in both folders, each file is scored against the
other with the gold scorer (``abide.extraction.scoring``): the file taken as gold keeps
its optional entries (neither right nor wrong when matched), the file taken as
prediction contributes only its required entries. It prints both directions and their
mean commitment and quote F1 — the ceiling for any extractor on these documents.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from abide.extraction.scoring import NameMatcher, Report, load_gold, score


def as_prediction(gold: dict[str, Any]) -> dict[str, Any]:
    required = [c for c in gold.get("commitments", []) if not c.get("optional", False)]
    return {**gold, "commitments": required}


def agreement(first: Path, second: Path) -> tuple[Report, Report]:
    """Score ``second`` against ``first`` and ``first`` against ``second``."""
    names = sorted(p.name for p in second.glob("*.gold.json") if (first / p.name).is_file())
    a = {n: load_gold(first / n) for n in names}
    b = {n: load_gold(second / n) for n in names}
    matcher = NameMatcher()
    one = score(((n, a[n], as_prediction(b[n])) for n in names), names=matcher)
    two = score(((n, b[n], as_prediction(a[n])) for n in names), names=matcher)
    return one, two


def main(argv: list[str]) -> None:
    first = Path(argv[1] if len(argv) > 1 else "eval/corpus/gold")
    second = Path(argv[2] if len(argv) > 2 else "eval/corpus/gold-second")
    one, two = agreement(first, second)
    print(f"second scored against first ({first}):")
    print(one.table())
    print(f"\nfirst scored against second ({second}):")
    print(two.table())
    c = (one.commitments.f1 + two.commitments.f1) / 2
    q = (one.quotes.f1 + two.quotes.f1) / 2
    print(f"\nagreement: commitments F1 {c:.3f}, quotes F1 {q:.3f}")


if __name__ == "__main__":
    main(sys.argv)
