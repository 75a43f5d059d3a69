"""A report document as a PDF in one language, drawn by WeasyPrint from the report's page.

The page's fonts are Debian's Noto (``fonts-noto-core``): Noto Sans Arabic and Noto Sans
Armenian first for those languages, the others behind them for names and quotes in other
scripts. Every page has the report's title at its head and "Page N of M" at its foot, in the
language and its font; the map and the trend chart are inline SVG, their Arabic words given
in visual order because WeasyPrint draws SVG text a letter at a time.
"""

from __future__ import annotations

from abide.reports.html import render


def render_pdf(document: dict, language: str) -> bytes:
    """The PDF of the report in ``language``."""
    # Imported here: WeasyPrint loads Pango when imported, and the site (its pages, the HTML
    # and JSON of reports) runs without it; only drawing a PDF needs it.
    from weasyprint import HTML

    page = render(document, language, page=True, for_print=True)
    return HTML(string=page, base_url="/").write_pdf()
