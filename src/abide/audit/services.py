"""Appending to the audit log and verifying it. Every audited action goes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from abide.audit.chain import GENESIS_HASH, diff, entry_hash, object_type, snapshot
from abide.audit.models import AuditEntry, AuditHead

__all__ = ["VerifyResult", "record_batch", "record_change", "snapshot", "verify_log"]


def _payload(entry: AuditEntry) -> dict:
    """The fields that the entry's hash covers."""
    return {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(),
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "touched": entry.touched,
        "detail": entry.detail,
    }


def _append(entry: AuditEntry) -> AuditEntry:
    """Append ``entry`` after the current head, holding the head's row lock (serialises writers)."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry.seq = head.seq + 1
        entry.created_at = timezone.now()
        entry.prev_hash = head.hash
        entry.hash = entry_hash(head.hash, _payload(entry))
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def _actor_fields(actor: models.Model) -> dict:
    return {"actor": actor, "actor_name": actor.get_username()}


def record_change(
    obj: models.Model,
    *,
    actor: models.Model,
    action: str,
    before: dict | None = None,
    related: Iterable[models.Model] = (),
    detail: dict | None = None,
) -> AuditEntry:
    """Audit one action on ``obj`` (and on ``related`` objects it carried along).

    ``before`` is ``snapshot(obj)`` taken before the change (None for a creation). For
    ``action="delete"`` call this before deleting: the object is recorded as gone.
    """
    deleted = action == "delete"
    after = None if deleted else snapshot(obj)
    touched = [{"type": object_type(obj), "id": str(obj.pk), "state": after}]
    touched += [
        {"type": object_type(other), "id": str(other.pk), "state": snapshot(other)}
        for other in related
    ]
    return _append(
        AuditEntry(
            **_actor_fields(actor),
            action=action,
            object_type=object_type(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            changes=diff(before, after),
            touched=touched,
            detail=detail or {},
        )
    )


def record_batch(
    *,
    actor: models.Model,
    action: str,
    model: type[models.Model],
    ids: Iterable[object],
    detail: dict | None = None,
) -> AuditEntry:
    """Audit a bulk operation (an import batch) with one entry naming every row it touched."""
    label = model._meta.label_lower
    touched = [{"type": label, "id": str(pk)} for pk in ids]
    return _append(
        AuditEntry(
            **_actor_fields(actor),
            action=action,
            object_type=label,
            object_repr=f"{len(touched)} {model._meta.verbose_name_plural}",
            touched=touched,
            detail=detail or {},
        )
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    objects: int
    head_hash: str
    problem: str = ""


def verify_log() -> VerifyResult:
    """Walk the chain from the first entry; report the first broken link, or confirm it."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    states: dict[tuple[str, str], tuple[int, dict | None]] = {}

    def broken(problem: str) -> VerifyResult:
        return VerifyResult(False, count, len(states), prev_hash, problem)

    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq > expected_seq:
            return broken(
                f"entry #{expected_seq} is missing: the chain jumps from #{expected_seq - 1} "
                f"to #{entry.seq} (an entry was deleted)"
            )
        if entry.seq < expected_seq:
            return broken(f"entry #{entry.seq} appears out of order after #{expected_seq - 1}")
        if entry.prev_hash != prev_hash:
            return broken(
                f"entry #{entry.seq} does not follow entry #{entry.seq - 1}: its previous-hash "
                "does not match (an entry was inserted, replaced or removed before it)"
            )
        if entry_hash(entry.prev_hash, _payload(entry)) != entry.hash:
            return broken(f"entry #{entry.seq} was altered: its content does not match its hash")
        for item in entry.touched:
            if "state" in item:
                states[(item["type"], item["id"])] = (entry.seq, item["state"])
        prev_hash, expected_seq, count = entry.hash, entry.seq + 1, count + 1

    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (count, prev_hash):
        return broken(
            f"the chain ends at entry #{count} but its head records entry #{head_seq}: "
            "entries were removed from the end, or the head was altered"
        )
    problem = _first_state_mismatch(states)
    if problem:
        return broken(problem)
    return VerifyResult(True, count, len(states), prev_hash)


def _first_state_mismatch(states: dict[tuple[str, str], tuple[int, dict | None]]) -> str:
    """Compare each audited object with its last audited state."""
    by_type: dict[str, dict[str, tuple[int, dict | None]]] = {}
    for (label, pk), value in states.items():
        by_type.setdefault(label, {})[pk] = value
    for label in sorted(by_type):
        try:
            model = apps.get_model(label)
        except LookupError:
            return f"the log names an unknown kind of object: {label}"
        expected = by_type[label]
        pk_field = model._meta.pk
        current = model._default_manager.in_bulk([pk_field.to_python(pk) for pk in expected])
        current = {str(pk): obj for pk, obj in current.items()}
        for pk in sorted(expected, key=lambda k: expected[k][0]):
            seq, state = expected[pk]
            obj = current.get(pk)
            if state is None:
                if obj is not None:
                    return f"{label} {pk} exists, but entry #{seq} recorded its deletion"
                continue
            if obj is None:
                return f"{label} {pk} is gone, but no audited action deleted it (last: #{seq})"
            now = snapshot(obj)
            changed = diff(state, now)
            if changed:
                field = next(iter(changed))
                return (
                    f"{label} {pk} ({obj}) differs from its last audited state (entry #{seq}): "
                    f"field {field!r} is {changed[field][1]!r}, the log says {changed[field][0]!r}"
                )
    return ""
