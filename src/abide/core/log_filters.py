"""Log filters: a refusal is one line in the log, not a traceback."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalsWithoutTraceback(logging.Filter):
    """Django logs a 403 (PermissionDenied) with the exception's traceback: a refusal is an
    expected answer, so its record keeps the one line ("Forbidden (…): /path") and drops the
    traceback. Other errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
