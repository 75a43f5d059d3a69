"""Errors as one line of text, for commands and files: what and where."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def describe(error: ValidationError | PermissionDenied) -> str:
    """``field: message`` for each problem of a ValidationError, joined by "; "; a message
    that already says where it is (``...: field 'aliases': ...``) is kept as it is."""
    if isinstance(error, PermissionDenied):
        return str(error) or _("permission denied")
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        for message in messages:
            where = name == NON_FIELD_ERRORS or f"field '{name}'" in message
            parts.append(message if where else f"{name}: {message}")
    return "; ".join(parts)
