"""Extraction results in the prediction format of the gold files (FORMAT.md), with extras."""

from __future__ import annotations

from abide.extraction.types import Actor, Commitment, ExtractionResult, Link, Statement

THRESHOLD = 0.5


def _party_name(actor: Actor | None) -> str | None:
    if actor is None:
        return None
    return actor.party_name or (None if actor.person else actor.name)


def _link(link: Link) -> dict:
    return {
        "relation": link.relation,
        "who": link.actor.label,
        "to": link.to.label if link.to else None,
    }


def _statement(statement: Statement) -> dict:
    return {
        "start": statement.span.start,
        "end": statement.span.end,
        "mode": statement.mode,
        "speaker": statement.speaker.label if statement.speaker else None,
        "addressee": statement.addressee.label if statement.addressee else None,
        "date_spoken": statement.date_spoken.isoformat() if statement.date_spoken else None,
        "chain": [_link(link) for link in statement.chain],
    }


def _commitment(commitment: Commitment) -> dict:
    obligor = commitment.obligor
    by = commitment.demanded_by if commitment.kind == "demand" else obligor
    return {
        "kind": commitment.kind,
        "obligor": _party_name(obligor) or (obligor.label if obligor else "unspecified"),
        "obligor_person": obligor.person_name if obligor else None,
        "by": by.person_name if by and by.person_name else None,
        "by_party": _party_name(by) if commitment.kind == "demand" else None,
        "category": commitment.category,
        "evidence": [span.text for span in commitment.evidence],
        "spans": [[span.start, span.end] for span in commitment.evidence],
        "statements": list(commitment.statements),
        "confidence": commitment.confidence,
        "condition": commitment.condition or None,
        "scope": {
            "area": commitment.scope_area or None,
            "place": {
                "geonameid": commitment.scope_place.geonameid,
                "name": commitment.scope_place.name,
                "country": commitment.scope_place.country_code,
                "latitude": commitment.scope_place.latitude,
                "longitude": commitment.scope_place.longitude,
            }
            if commitment.scope_place
            else None,
            "population": commitment.scope_population or None,
        },
        "date_made": commitment.date_made.isoformat() if commitment.date_made else None,
        "deadline": commitment.deadline.isoformat() if commitment.deadline else None,
    }


def to_prediction(result: ExtractionResult, *, threshold: float = THRESHOLD) -> dict:
    document = result.document
    dateline = document.dateline
    return {
        "title": document.title or None,
        "language": document.language,
        "extracted": result.extracted,
        "published": document.published.isoformat() if document.published else None,
        "reading_minutes": document.reading_minutes,
        "dateline": {
            "place": dateline.place,
            "month": dateline.month,
            "day": dateline.day,
            "agency": dateline.agency or None,
        }
        if dateline
        else None,
        "quotes": [
            {
                "speaker": q.speaker.label if q.speaker else None,
                "party": _party_name(q.speaker) if q.speaker else None,
                "text": q.span.text,
                "span": [q.span.start, q.span.end],
                "cue": q.cue or None,
            }
            for q in result.quotes
        ],
        "commitments": [_commitment(c) for c in result.commitments if c.confidence >= threshold],
        "statements": [_statement(s) for s in result.statements],
        "walk_backs": [
            {
                "kind": w.kind,
                "party": _party_name(w.actor),
                "category": w.category,
                "text": w.text,
                "statement": w.statement,
                "confidence": w.confidence,
                "condition": w.condition or None,
            }
            for w in result.walk_backs
            if w.confidence >= threshold
        ],
        "proposals": [
            {"kind": p.kind, "name": p.name, "mentions": p.mentions} for p in result.proposals
        ],
    }
