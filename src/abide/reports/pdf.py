"""Stand-in for the PDF renderer."""

from __future__ import annotations

from abide.reports.html import render_html


def render_pdf(document: dict, language: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(document, language)).write_pdf()
