"""Extraction errors by kind: why each missed and each spurious item of a document was wrong.

The scorer (:mod:`abide.extraction.scoring`) counts a commitment as right or wrong by its
``(kind, obligor, category)`` triple. Here every **spurious** prediction (a triple in no gold
entry) and every **missed** gold entry (a required triple no prediction found) of one document
gets exactly one kind, so that the counts of each side add up to the scorer's false positives
and false negatives. Two entries are *near* when their evidence overlaps: some piece of the
one's evidence and some piece of the other's share at least half of the words of the shorter
piece (words as :func:`quote_tokens` gives them). A gold entry without evidence is near
everything of the document.

Commitments, decided in this order:

``false_party`` (spurious only)
    The prediction's obligor, or its ``by`` or ``by_party``, is a name the registry does not
    know and the gold of the document never names as a party or a person (obligor, ``by``,
    ``by_party``, a quote's speaker or party): a place or a phrase proposed as a party.
``wrong_party`` / ``wrong_category`` / ``wrong_kind``
    A spurious prediction and a missed gold entry that are near each other and differ in the
    obligor only (same kind and category), in the category only (same kind and obligor), or
    in the kind only. They are paired one to one, nearest first; both sides count. A spurious
    prediction near an *optional* gold entry that differs from it in one of the three counts
    the same way (spurious side only).
``split_merged``
    A spurious prediction near a gold entry that another prediction found or was paired with
    (one gold entry read as several: split); a missed gold entry near a prediction that found,
    or was paired with, another gold entry (several gold entries read as one: merged).
``misread``
    Near something of the other side but none of the above (two of kind, obligor and category
    wrong, or the near item taken already).
``false_cue`` (spurious only) / ``missed_cue`` (missed only)
    Nothing of the other side near it: a commitment read where the text makes none, or a
    commitment the extractor did not see at all.

Quotes: a missed gold quote and a spurious predicted quote whose texts match by the scoring
rule (the prediction holds 80% of the gold quote's words) but whose speakers differ are a
``wrong_speaker`` pair (one to one, best overlap first); the other missed quotes are
``missed``, the other spurious ones ``spurious``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from abide.extraction.registry import normalise
from abide.extraction.scoring import (
    QUOTE_THRESHOLD,
    UNSPECIFIED,
    NameMatcher,
    Triple,
    evidence_of,
    match_commitments,
    match_quotes,
    quote_label,
    quote_overlap,
    quote_tokens,
)

#: Commitment error kinds, in the order of the table.
COMMITMENT_KINDS = (
    "false_party",
    "wrong_party",
    "wrong_category",
    "wrong_kind",
    "split_merged",
    "misread",
    "false_cue",
    "missed_cue",
)
#: Quote error kinds, in the order of the table.
QUOTE_KINDS = ("wrong_speaker", "spurious", "missed")
NEAR = Fraction(1, 2)  # share of the shorter evidence's words two pieces must share


@dataclass(frozen=True)
class ErrorItem:
    """One wrong item: ``what`` is commitment or quote, ``side`` spurious (predicted) or
    missed (gold); ``near`` is the item of the other side it was judged against, if any."""

    document: str
    what: str
    side: str
    kind: str
    item: str
    near: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "document": self.document,
            "what": self.what,
            "side": self.side,
            "kind": self.kind,
            "item": self.item,
            "near": self.near,
        }


def _words(evidence: Iterable[str]) -> list[Counter[str]]:
    return [Counter(quote_tokens(e)) for e in evidence]


def _near(a: list[Counter[str]], b: list[Counter[str]]) -> Fraction:
    """How near two pieces of evidence are: the best share of the shorter piece's words the
    two share (1 when one side has no evidence)."""
    if not a or not b:
        return Fraction(1)
    best = Fraction(0)
    for x in a:
        for y in b:
            shorter = min(x.total(), y.total())
            if shorter:
                best = max(best, Fraction((x & y).total(), shorter))
    return best


def _one_difference(p: Triple, g: Triple, names: NameMatcher) -> str | None:
    same_kind = p.kind == g.kind
    same_category = p.category == g.category
    same_party = names.same_party(p.obligor, g.obligor)
    if same_kind and same_category and not same_party:
        return "wrong_party"
    if same_kind and same_party and not same_category:
        return "wrong_category"
    if same_party and same_category and not same_kind:
        return "wrong_kind"
    return None


def _named_in_gold(gold: dict[str, Any]) -> list[str]:
    names = []
    for entry in gold.get("commitments") or []:
        names += [entry.get("obligor"), entry.get("by"), entry.get("by_party")]
    for quote in gold.get("quotes") or []:
        names += [quote.get("speaker"), quote.get("party")]
    return [str(n) for n in names if n and str(n).strip()]


def _falsely_proposed(name: str | None, gold_names: list[str], names: NameMatcher) -> bool:
    """``name`` is unknown to the registry and the gold names no party or person so."""
    if not name or not name.strip() or normalise(name) == UNSPECIFIED:
        return False
    registry = names.registry
    if registry is not None and (
        registry.party_for(name) is not None or registry.person_for(name) is not None
    ):
        return False
    if any(names.same_party(name, known) or names.same_person(name, known) for known in gold_names):
        return False
    # "X and Y" (a joint by_party) is false only if one of its parts is.
    parts = [p.strip() for p in name.replace(" and ", ",").split(",") if p.strip()]
    if len(parts) > 1:
        return any(_falsely_proposed(p, gold_names, names) for p in parts)
    return True


def commitment_errors(
    gold: dict[str, Any],
    prediction: dict[str, Any],
    *,
    names: NameMatcher,
    document: str = "",
) -> list[ErrorItem]:
    """Every spurious and every missed commitment of one document, with its kind."""
    match = match_commitments(gold, prediction, names)
    gold_triples = [Triple.of(g) for g in match.gold]
    gold_words = [_words(evidence_of(g)) for g in match.gold]
    pred_words = [_words(evidence) for _, evidence in match.predicted]
    kinds: dict[tuple[str, int], tuple[str, str | None]] = {}  # (side, index) → (kind, near)

    # The names each prediction proposes (obligor, by, by_party), by triple.
    proposals: dict[int, list[str | None]] = {p: [] for p in range(len(match.predicted))}
    for entry in prediction.get("commitments") or []:
        triple = Triple.of(entry)
        for p, (t, _) in enumerate(match.predicted):
            if triple.same(t, names):
                proposals[p] += [entry.get("obligor"), entry.get("by"), entry.get("by_party")]
                break
    gold_names = _named_in_gold(gold)
    for p in match.spurious:
        false = next((n for n in proposals[p] if _falsely_proposed(n, gold_names, names)), None)
        if false is not None:
            kinds[("spurious", p)] = ("false_party", false)

    # One difference, near: paired one to one with missed entries, nearest first.
    candidates = []
    for p in match.spurious:
        if ("spurious", p) in kinds:
            continue
        for g in match.missed:
            kind = _one_difference(match.predicted[p][0], gold_triples[g], names)
            nearness = _near(pred_words[p], gold_words[g])
            if kind is not None and nearness >= NEAR:
                candidates.append((-nearness, COMMITMENT_KINDS.index(kind), p, g, kind))
    partner: dict[int, int] = dict(match.matched)  # predicted → gold it found or was paired with
    for _, _, p, g, kind in sorted(candidates):
        if ("spurious", p) in kinds or ("missed", g) in kinds:
            continue
        kinds[("spurious", p)] = (kind, str(gold_triples[g]))
        kinds[("missed", g)] = (kind, str(match.predicted[p][0]))
        partner[p] = g
    optional = [g for g, entry in enumerate(match.gold) if entry.get("optional", False)]
    for p in match.spurious:
        if ("spurious", p) in kinds:
            continue
        for g in optional:
            kind = _one_difference(match.predicted[p][0], gold_triples[g], names)
            if kind is not None and _near(pred_words[p], gold_words[g]) >= NEAR:
                kinds[("spurious", p)] = (kind, str(gold_triples[g]) + " (optional)")
                break

    # Split and merged: near an item already accounted for by another.
    for p in match.spurious:
        if ("spurious", p) in kinds:
            continue
        for other, g in partner.items():
            if other != p and _near(pred_words[p], gold_words[g]) >= NEAR:
                kinds[("spurious", p)] = ("split_merged", str(gold_triples[g]))
                break
    for g in match.missed:
        if ("missed", g) in kinds:
            continue
        for p, other in partner.items():
            if other != g and _near(pred_words[p], gold_words[g]) >= NEAR:
                kinds[("missed", g)] = ("split_merged", str(match.predicted[p][0]))
                break

    # Near something, or nothing.
    for p in match.spurious:
        if ("spurious", p) not in kinds:
            near = next(
                (g for g in range(len(match.gold)) if _near(pred_words[p], gold_words[g]) >= NEAR),
                None,
            )
            kinds[("spurious", p)] = (
                ("misread", str(gold_triples[near])) if near is not None else ("false_cue", None)
            )
    for g in match.missed:
        if ("missed", g) not in kinds:
            near = next(
                (
                    p
                    for p in range(len(match.predicted))
                    if _near(pred_words[p], gold_words[g]) >= NEAR
                ),
                None,
            )
            kinds[("missed", g)] = (
                ("misread", str(match.predicted[near][0]))
                if near is not None
                else ("missed_cue", None)
            )

    items = []
    for side, index, label in [
        *(("spurious", p, str(match.predicted[p][0])) for p in match.spurious),
        *(("missed", g, str(gold_triples[g])) for g in match.missed),
    ]:
        kind, near = kinds[(side, index)]
        items.append(ErrorItem(document, "commitment", side, kind, label, near))
    return items


def quote_errors(
    gold: dict[str, Any],
    prediction: dict[str, Any],
    *,
    names: NameMatcher,
    document: str = "",
) -> list[ErrorItem]:
    """Every missed and every spurious quote of one document: wrong speaker, missed, spurious."""
    gold_quotes = gold.get("quotes") or []
    predicted = prediction.get("quotes") or []
    pairs = match_quotes(gold, prediction, names)
    missed = [g for g in range(len(gold_quotes)) if g not in pairs]
    found = set(pairs.values())
    spurious = [p for p in range(len(predicted)) if p not in found]
    candidates = []
    for g in missed:
        for p in spurious:
            overlap, tightness = quote_overlap(
                gold_quotes[g].get("text") or "", predicted[p].get("text") or ""
            )
            if overlap and overlap >= QUOTE_THRESHOLD:
                candidates.append((-overlap, -tightness, g, p))
    speaker: dict[int, int] = {}
    for _, _, g, p in sorted(candidates):
        if g not in speaker and p not in speaker.values():
            speaker[g] = p
    items = []
    for p in spurious:
        g = next((g for g, q in speaker.items() if q == p), None)
        items.append(
            ErrorItem(
                document,
                "quote",
                "spurious",
                "spurious" if g is None else "wrong_speaker",
                quote_label(predicted[p]),
                None if g is None else quote_label(gold_quotes[g]),
            )
        )
    for g in missed:
        p = speaker.get(g)
        items.append(
            ErrorItem(
                document,
                "quote",
                "missed",
                "missed" if p is None else "wrong_speaker",
                quote_label(gold_quotes[g]),
                None if p is None else quote_label(predicted[p]),
            )
        )
    return items


def document_errors(
    gold: dict[str, Any],
    prediction: dict[str, Any],
    *,
    names: NameMatcher,
    document: str = "",
) -> list[ErrorItem]:
    """The commitment and quote errors of one document."""
    return commitment_errors(gold, prediction, names=names, document=document) + quote_errors(
        gold, prediction, names=names, document=document
    )


def error_counts(items: Iterable[ErrorItem]) -> dict[str, dict[str, dict[str, int]]]:
    """``{"commitments": {kind: {"spurious": n, "missed": n}}, "quotes": {...}}``, every kind
    present (zero where none)."""
    counts = {
        "commitments": {k: {"spurious": 0, "missed": 0} for k in COMMITMENT_KINDS},
        "quotes": {k: {"spurious": 0, "missed": 0} for k in QUOTE_KINDS},
    }
    for item in items:
        group = "commitments" if item.what == "commitment" else "quotes"
        counts[group][item.kind][item.side] += 1
    return counts


LABELS = {
    "false_party": "false party",
    "wrong_party": "wrong party",
    "wrong_category": "wrong category",
    "wrong_kind": "wrong kind",
    "split_merged": "split/merged",
    "misread": "misread",
    "false_cue": "false cue",
    "missed_cue": "missed cue",
    "wrong_speaker": "wrong speaker",
    "spurious": "spurious",
    "missed": "missed",
}
_ONE_SIDED = {
    "false_party": "missed",
    "false_cue": "missed",
    "missed_cue": "spurious",
    "spurious": "missed",
    "missed": "spurious",
}


def error_table(items: Iterable[ErrorItem]) -> str:
    """The counts by kind, spurious (false positives) and missed (false negatives) side by
    side, with totals; ``-`` where a kind cannot occur on that side."""
    counts = error_counts(items)
    rows = [f"{'errors by kind':<18} {'spurious':>8} {'missed':>8}"]
    for group, kinds in counts.items():
        rows.append(group)
        for kind, sides in kinds.items():
            cells = [
                "-" if _ONE_SIDED.get(kind) == side else str(sides[side])
                for side in ("spurious", "missed")
            ]
            rows.append(f"  {LABELS[kind]:<16} {cells[0]:>8} {cells[1]:>8}")
        total_s = sum(s["spurious"] for s in kinds.values())
        total_m = sum(s["missed"] for s in kinds.values())
        rows.append(f"  {'total':<16} {total_s:>8} {total_m:>8}")
    return "\n".join(rows)


def classify(
    pairs: Iterable[tuple[str, dict[str, Any], dict[str, Any]]], *, names: NameMatcher
) -> list[ErrorItem]:
    """The errors of ``(name, gold, prediction)`` triples, document by document."""
    items: list[ErrorItem] = []
    for name, gold, prediction in pairs:
        items += document_errors(gold, prediction, names=names, document=name)
    return items


def errors_as_dict(items: Iterable[ErrorItem]) -> dict[str, Any]:
    """The ``errors`` object of ``abide eval extraction --json --errors``."""
    items = list(items)
    return {"counts": error_counts(items), "items": [item.as_dict() for item in items]}
