"""Stand-in for the HTML renderer."""

from __future__ import annotations

from django.utils.html import escape


def render_html(document: dict, language: str, *, request: object = None, page: bool = True) -> str:
    body = "".join(f"<p>{escape(s['text'])}</p>" for s in document["summaries"])
    return f"<article class='report'><h2>{escape(document['period']['label'])}</h2>{body}</article>"
