"""Scoring extraction output against gold files, as the gold format's scoring rules prescribe.

A gold file (``NAME.gold.json``) records what a careful analyst extracts from one text; a
prediction is an object in the same format, with any further fields ignored. Three things are
scored per document and micro-averaged over documents:

- **commitments**, as a set of ``(kind, obligor, category)`` triples; a predicted triple equal
  to an optional gold triple counts neither way;
- **quotes**, as ``(speaker, text)`` pairs matched one to one, greedily by token overlap: a match
  needs the same speaker and at least 80% of the gold text's tokens;
- **datelines**, a point each for place, month, day and agency, on documents whose gold has a
  dateline; a dateline predicted where the gold has none is a *false dateline*.

Party and person names are compared through the registry (:class:`NameMatcher`); places through
an optional gazetteer (:class:`PlaceMatcher`). Nothing here needs Django.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from abide.extraction.registry import RegistrySnapshot, normalise, short_name
from abide.registry.registry_file import CATEGORY_IDS

CATEGORIES = frozenset(CATEGORY_IDS)
KINDS = frozenset({"pledge", "demand"})
UNSPECIFIED = "unspecified"
QUOTE_THRESHOLD = Fraction(4, 5)  # share of the gold quote's tokens a prediction must contain
DATELINE_FIELDS = ("place", "month", "day", "agency")


class GoldError(ValueError):
    """A gold file that cannot be scored against; the message names the file and the field."""

    def __init__(self, path: str | Path, field_name: str, problem: str) -> None:
        super().__init__(f"{path}: {field_name}: {problem}")
        self.path = str(path)
        self.field = field_name
        self.problem = problem


# -- counts ------------------------------------------------------------------------------------


@dataclass
class PRF:
    """True positives, false positives and false negatives, with the measures they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        found = self.tp + self.fp
        return self.tp / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.tp + self.fn
        return self.tp / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, int | float]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class DocumentScore:
    name: str
    commitments: PRF
    quotes: PRF
    dateline_points: int
    dateline_total: int
    false_dateline: bool
    missed: list[str] = field(default_factory=list)  # gold items not found, readable
    spurious: list[str] = field(default_factory=list)  # predicted items not in the gold

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "commitments": self.commitments.as_dict(),
            "quotes": self.quotes.as_dict(),
            "dateline": {"points": self.dateline_points, "total": self.dateline_total},
            "false_dateline": self.false_dateline,
            "missed": list(self.missed),
            "spurious": list(self.spurious),
        }


@dataclass
class Report:
    documents: list[DocumentScore]
    commitments: PRF  # micro-averaged: the documents' counts summed
    quotes: PRF
    dateline_accuracy: float | None  # points / total over documents with a gold dateline
    false_datelines: int

    @classmethod
    def of(cls, documents: Iterable[DocumentScore]) -> Report:
        documents = list(documents)
        points = sum(d.dateline_points for d in documents)
        total = sum(d.dateline_total for d in documents)
        return cls(
            documents=documents,
            commitments=sum((d.commitments for d in documents), PRF()),
            quotes=sum((d.quotes for d in documents), PRF()),
            dateline_accuracy=points / total if total else None,
            false_datelines=sum(d.false_dateline for d in documents),
        )

    def as_dict(self) -> dict[str, Any]:
        accuracy = self.dateline_accuracy
        return {
            "documents": [d.as_dict() for d in self.documents],
            "total": {
                "documents": len(self.documents),
                "commitments": self.commitments.as_dict(),
                "quotes": self.quotes.as_dict(),
                "dateline_accuracy": None if accuracy is None else round(accuracy, 4),
                "dateline_points": sum(d.dateline_points for d in self.documents),
                "dateline_total": sum(d.dateline_total for d in self.documents),
                "false_datelines": self.false_datelines,
            },
        }

    def table(self) -> str:
        """One row per document and a final ``micro`` row, in fixed-width columns."""
        width = min(NAME_WIDTH, max([len("document"), *(len(d.name) for d in self.documents)]))
        header = (
            f"{'document':<{width}}  {'commitments':^29}  {'quotes':^29}  {'dateline':>8}\n"
            f"{'':<{width}}  {_PRF_HEADER}  {_PRF_HEADER}  {'pts/tot':>8}"
        )
        rows = [header, "-" * len(header.splitlines()[-1])]
        for doc in self.documents:
            dateline = f"{doc.dateline_points}/{doc.dateline_total}"
            if doc.false_dateline:
                dateline += "!"
            name = doc.name if len(doc.name) <= width else doc.name[: width - 1] + "…"
            rows.append(
                f"{name:<{width}}  {_prf_cells(doc.commitments)}  {_prf_cells(doc.quotes)}"
                f"  {dateline:>8}"
            )
        rows.append(rows[1])
        points = sum(d.dateline_points for d in self.documents)
        total = sum(d.dateline_total for d in self.documents)
        rows.append(
            f"{'micro':<{width}}  {_prf_cells(self.commitments)}  {_prf_cells(self.quotes)}"
            f"  {f'{points}/{total}':>8}"
        )
        accuracy = "n/a" if self.dateline_accuracy is None else f"{self.dateline_accuracy:.4f}"
        rows.append(f"dateline accuracy {accuracy}; false datelines {self.false_datelines}")
        return "\n".join(rows)


NAME_WIDTH = 48  # document names are cut to this many characters in the table
_PRF_HEADER = f"{'P':>6} {'R':>6} {'F1':>6} {'tp/fp/fn':>8}"


def _prf_cells(prf: PRF) -> str:
    counts = f"{prf.tp}/{prf.fp}/{prf.fn}"
    return f"{prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} {counts:>8}"


# -- names and places ----------------------------------------------------------------------------


class PlaceMatcher(Protocol):
    def same_place(self, a: str, b: str) -> bool: ...


class NameMatcher:
    """Compares party and person names through the registry, or as written without one."""

    def __init__(self, registry: RegistrySnapshot | None = None) -> None:
        self.registry = registry

    def same_party(self, a: str, b: str) -> bool:
        """Both names resolve to the same registry party, or else read the same written down
        (case and accents aside). ``unspecified`` equals only itself."""
        key_a, key_b = normalise(a or ""), normalise(b or "")
        if UNSPECIFIED in (key_a, key_b):
            return key_a == key_b
        if self.registry is not None:
            party_a, party_b = self.registry.party_for(a), self.registry.party_for(b)
            if party_a is not None and party_b is not None:
                return party_a.id == party_b.id
        return key_a == key_b

    def same_person(self, a: str | None, b: str | None) -> bool:
        """The full names agree without middle names and initials, or the registry resolves
        both to the same person. A missing name matches nobody."""
        if not a or not b or not a.strip() or not b.strip():
            return False
        if short_name(a) == short_name(b):
            return True
        if self.registry is not None:
            person_a, person_b = self.registry.person_for(a), self.registry.person_for(b)
            return person_a is not None and person_b is not None and person_a.id == person_b.id
        return False


class _WrittenPlaces:
    def same_place(self, a: str, b: str) -> bool:
        return normalise(a) == normalise(b)


# -- loading -------------------------------------------------------------------------------------


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a ``NAME.gold.json``; ``text_path`` is added: the text's absolute path."""
    path = Path(path)
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GoldError(path, "(file)", f"cannot be read: {error.strerror or error}") from error
    except json.JSONDecodeError as error:
        raise GoldError(
            path, "(JSON)", f"not valid JSON: {error.msg} at line {error.lineno}"
        ) from error
    if not isinstance(gold, dict):
        raise GoldError(path, "(top level)", "must be a JSON object")

    text = gold.get("text")
    if not isinstance(text, str) or not text.strip():
        raise GoldError(path, "text", "missing: the path of the plain-text document is required")
    text_path = (path.resolve().parent / text).resolve()
    if not text_path.is_file():
        raise GoldError(path, "text", f"the text file {text_path} does not exist")

    dateline = gold.get("dateline")
    if dateline is not None and not isinstance(dateline, dict):
        raise GoldError(path, "dateline", "must be an object or null")

    quotes = gold.get("quotes", [])
    if not isinstance(quotes, list):
        raise GoldError(path, "quotes", "must be a list")
    for index, quote in enumerate(quotes):
        if not isinstance(quote, dict) or not isinstance(quote.get("text"), str):
            raise GoldError(path, f"quotes[{index}].text", "every quote needs a text")

    commitments = gold.get("commitments", [])
    if not isinstance(commitments, list):
        raise GoldError(path, "commitments", "must be a list")
    for index, commitment in enumerate(commitments):
        where = f"commitments[{index}]"
        if not isinstance(commitment, dict):
            raise GoldError(path, where, "must be an object")
        if commitment.get("kind") not in KINDS:
            raise GoldError(
                path, f"{where}.kind", f"{commitment.get('kind')!r} is not pledge or demand"
            )
        if commitment.get("category") not in CATEGORIES:
            raise GoldError(
                path,
                f"{where}.category",
                f"{commitment.get('category')!r} is not one of {', '.join(sorted(CATEGORIES))}",
            )
        obligor = commitment.get("obligor")
        if not isinstance(obligor, str) or not obligor.strip():
            raise GoldError(path, f"{where}.obligor", "missing (use 'unspecified')")
        if not isinstance(commitment.get("optional", False), bool):
            raise GoldError(path, f"{where}.optional", "must be true or false")

    return {**gold, "text_path": str(text_path)}


def load_predictions(path: str | Path) -> list[dict[str, Any]]:
    """Read predictions: a JSON list of objects, one object, or one object per line."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    return data if isinstance(data, list) else [data]


# -- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Triple:
    kind: str
    obligor: str
    category: str

    @classmethod
    def of(cls, commitment: dict[str, Any]) -> Triple:
        return cls(
            normalise(str(commitment.get("kind") or "")),
            str(commitment.get("obligor") or UNSPECIFIED),
            normalise(str(commitment.get("category") or "")),
        )

    def same(self, other: Triple, names: NameMatcher) -> bool:
        return (
            self.kind == other.kind
            and self.category == other.category
            and names.same_party(self.obligor, other.obligor)
        )

    def __str__(self) -> str:
        return f"commitment ({self.kind}, {self.obligor}, {self.category})"


@dataclass
class CommitmentMatch:
    """How one document's predicted triples met its gold entries: the pairs found, the
    predictions in no gold entry, the required gold entries no prediction found.

    Indices point into ``predicted`` (distinct triples, with every duplicate's evidence) and
    ``gold`` (the gold file's entries, in order)."""

    predicted: list[tuple[Triple, list[str]]]
    gold: list[dict[str, Any]]
    matched: dict[int, int]  # predicted index → gold index
    spurious: list[int]
    missed: list[int]


def evidence_of(commitment: dict[str, Any]) -> list[str]:
    evidence = commitment.get("evidence") or []
    if isinstance(evidence, str):
        return [evidence]
    return [str(e) for e in evidence if e]


def match_commitments(
    gold: dict[str, Any], prediction: dict[str, Any], names: NameMatcher
) -> CommitmentMatch:
    """Match predicted triples to gold triples by the scoring rules (see the module)."""
    gold_entries = [c for c in gold.get("commitments") or [] if isinstance(c, dict)]
    required: list[tuple[int, Triple]] = []
    for index, entry in enumerate(gold_entries):
        triple = Triple.of(entry)
        if not entry.get("optional", False) and not any(triple.same(t, names) for _, t in required):
            required.append((index, triple))
    optional = [Triple.of(c) for c in gold_entries if c.get("optional", False)]
    predicted: list[tuple[Triple, list[str]]] = []
    for entry in prediction.get("commitments") or []:
        triple = Triple.of(entry)
        same = next((p for p in predicted if triple.same(p[0], names)), None)
        if same is None:
            predicted.append((triple, evidence_of(entry)))
        else:
            same[1].extend(evidence_of(entry))

    matched: dict[int, int] = {}
    taken: set[int] = set()
    spurious: list[int] = []
    for p, (triple, _) in enumerate(predicted):
        index = next(
            (g for g, t in required if g not in taken and triple.same(t, names)),
            None,
        )
        if index is not None:
            taken.add(index)
            matched[p] = index
        elif not any(triple.same(o, names) for o in optional):
            spurious.append(p)
    missed = [g for g, _ in required if g not in taken]
    return CommitmentMatch(predicted, gold_entries, matched, spurious, missed)


def _score_commitments(
    gold: dict[str, Any], prediction: dict[str, Any], names: NameMatcher
) -> tuple[PRF, list[str], list[str]]:
    match = match_commitments(gold, prediction, names)
    spurious = [str(match.predicted[p][0]) for p in match.spurious]
    missed = [str(Triple.of(match.gold[g])) for g in match.missed]
    return PRF(len(match.matched), len(spurious), len(missed)), missed, spurious


def quote_tokens(text: str) -> list[str]:
    """Lower case, quotation marks and punctuation removed (dashes part words), white space
    collapsed, split into words."""
    chars = []
    for ch in text.casefold():
        category = unicodedata.category(ch)
        if category == "Pd":
            chars.append(" ")
        elif not category.startswith("P") and ch not in "`´":
            chars.append(ch)
    return "".join(chars).split()


def quote_label(quote: dict[str, Any]) -> str:
    return f"quote {quote.get('speaker') or '(no speaker)'}: “{quote.get('text') or ''}”"


def quote_overlap(gold_text: str, predicted_text: str) -> tuple[Fraction, Fraction]:
    """(share of the gold quote's words the prediction holds, share of the prediction's words
    that are the gold's); zero for an empty text."""
    wanted, found = Counter(quote_tokens(gold_text)), Counter(quote_tokens(predicted_text))
    if not wanted.total() or not found.total():
        return Fraction(0), Fraction(0)
    shared = (wanted & found).total()
    return Fraction(shared, wanted.total()), Fraction(shared, found.total())


def match_quotes(
    gold: dict[str, Any], prediction: dict[str, Any], names: NameMatcher
) -> dict[int, int]:
    """Gold quote index → predicted quote index, matched one to one by the scoring rules."""
    gold_quotes = gold.get("quotes") or []
    predicted = prediction.get("quotes") or []
    candidates = []
    for g, quote in enumerate(gold_quotes):
        for p, guess in enumerate(predicted):
            if not names.same_person(guess.get("speaker"), quote.get("speaker")):
                continue
            overlap, tightness = quote_overlap(quote.get("text") or "", guess.get("text") or "")
            if overlap and overlap >= QUOTE_THRESHOLD:
                candidates.append((-overlap, -tightness, g, p))
    pairs: dict[int, int] = {}
    for _, _, g, p in sorted(candidates):
        if g not in pairs and p not in pairs.values():
            pairs[g] = p
    return pairs


def _score_quotes(
    gold: dict[str, Any], prediction: dict[str, Any], names: NameMatcher
) -> tuple[PRF, list[str], list[str]]:
    gold_quotes = gold.get("quotes") or []
    predicted = prediction.get("quotes") or []
    pairs = match_quotes(gold, prediction, names)
    found = set(pairs.values())
    missed = [quote_label(q) for g, q in enumerate(gold_quotes) if g not in pairs]
    spurious = [quote_label(q) for p, q in enumerate(predicted) if p not in found]
    return PRF(len(pairs), len(spurious), len(missed)), missed, spurious


def _present(dateline: object) -> bool:
    return isinstance(dateline, dict) and any(v not in (None, "") for v in dateline.values())


def _score_dateline(
    gold: dict[str, Any], prediction: dict[str, Any], places: PlaceMatcher
) -> tuple[int, int, bool]:
    """(points, total, false dateline)."""
    wanted, found = gold.get("dateline"), prediction.get("dateline")
    if wanted is None:
        return 0, 0, _present(found)
    if not isinstance(found, dict):
        return 0, len(DATELINE_FIELDS), False
    points = 0
    for key in DATELINE_FIELDS:
        a, b = wanted.get(key), found.get(key)
        if key == "place" and a and b:
            points += places.same_place(str(a), str(b))
        elif key in ("month", "day"):
            points += _as_int(a) == _as_int(b)
        else:
            points += normalise(str(a or "")) == normalise(str(b or ""))
    return points, len(DATELINE_FIELDS), False


def _as_int(value: object) -> int | None:
    """A month or day, given as a number or as digits; anything else is no value."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def score_document(
    gold: dict[str, Any],
    prediction: dict[str, Any],
    *,
    names: NameMatcher,
    places: PlaceMatcher | None = None,
    name: str = "",
) -> DocumentScore:
    """Score one prediction against its gold; extra fields of the prediction are ignored."""
    commitments, missed_c, spurious_c = _score_commitments(gold, prediction, names)
    quotes, missed_q, spurious_q = _score_quotes(gold, prediction, names)
    points, total, false_dateline = _score_dateline(gold, prediction, places or _WrittenPlaces())
    return DocumentScore(
        name=name,
        commitments=commitments,
        quotes=quotes,
        dateline_points=points,
        dateline_total=total,
        false_dateline=false_dateline,
        missed=missed_c + missed_q,
        spurious=spurious_c + spurious_q,
    )


def score(
    pairs: Iterable[tuple[str, dict[str, Any], dict[str, Any]]],
    *,
    names: NameMatcher,
    places: PlaceMatcher | None = None,
) -> Report:
    """Score ``(name, gold, prediction)`` triples and micro-average over them."""
    return Report.of(
        score_document(gold, prediction, names=names, places=places, name=name)
        for name, gold, prediction in pairs
    )
