"""Checks shared by the observation services: collected field errors, roles, reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

#: The longest comment or reason accepted, in characters.
MAX_TEXT = 20_000


class _Errors:
    """Problems with the input, by field; raised together as one ValidationError."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def required_reason(reason: str, field: str = "reason") -> str:
    """The reason given, trimmed; a ValidationError naming ``field`` if there is none."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({field: _("a reason is required")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {field: _("the reason is longer than %(max)d characters") % {"max": MAX_TEXT}}
        )
    return text


def _aware(value: Any, field: str, errors: _Errors) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        errors.add(field, _("%(field)s must be a date and time") % {"field": field})
        return None
    if timezone.is_naive(value):
        errors.add(field, _("%(field)s must include a time zone") % {"field": field})
        return None
    return value


def _choice(value: Any, choices: type, field: str, errors: _Errors) -> Any:
    if value not in choices.values:
        allowed = ", ".join(str(v) for v in choices.values)
        errors.add(
            field,
            _("%(field)s: %(value)r is not one of %(allowed)s")
            % {"field": field, "value": value, "allowed": allowed},
        )
        return None
    return value


def _sync(target: Any, source: Any, *fields: str) -> None:
    """Copy ``fields`` of the locked, changed row to the caller's instance."""
    for field in fields:
        setattr(target, field, getattr(source, field))
