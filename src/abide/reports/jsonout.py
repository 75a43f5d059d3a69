"""The report as JSON for partners, in the documented schema (``data/report.schema.json``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from abide.reports.document import Document
from abide.reports.models import REPORT_LANGUAGES

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "report.schema.json"


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_errors(data: dict) -> list[str]:
    """What in ``data`` breaks the schema, each as ``where: what`` (none when it is valid)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]


def render_json(document: Document, language: str) -> str:
    """The document as JSON text, saying the language it was asked for in (names come in every
    language, the words people wrote in their own). A ValueError for an unknown language."""
    if language not in REPORT_LANGUAGES:
        raise ValueError(
            _("unknown language %(value)r (choose from %(choices)s)")
            % {"value": language, "choices": ", ".join(REPORT_LANGUAGES)}
        )
    data = {"schema": document["schema"], "language": language}
    data.update((key, value) for key, value in document.items() if key != "schema")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
