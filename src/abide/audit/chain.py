"""Plain functions behind the hash chain: canonical payloads, hashes and object snapshots."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any

from django.db import models

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return hashlib.sha256(bytes(value)).hexdigest()
    return value


def canonical(payload: dict) -> str:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def entry_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(payload)).encode("utf-8")).hexdigest()


def object_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def snapshot(obj: models.Model) -> dict:
    """The audited state of ``obj``: its concrete fields, its many-to-many ids and any extras.

    A model may leave fields out with ``audit_exclude`` and add derived state (its aliases,
    say) with an ``audit_extra()`` method.
    """
    exclude = set(getattr(obj, "audit_exclude", ()))
    state: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.attname in exclude:
            continue
        state[field.attname] = _jsonable(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.name not in exclude:
                state[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    extra = getattr(obj, "audit_extra", None)
    if extra is not None:
        state.update({key: _jsonable(value) for key, value in extra().items()})
    return json.loads(canonical(state))


def diff(before: dict | None, after: dict | None) -> dict:
    """``{field: [before, after]}`` for every field whose value differs."""
    before = before or {}
    after = after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
