"""Stand-in for the JSON renderer."""

from __future__ import annotations

import json


def render_json(document: dict, language: str) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
