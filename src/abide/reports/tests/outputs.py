"""Reading what the report site serves, for the end-to-end tests: the PDF's text (pdftotext),
words compared across the ways PDFs spell them, and every public output of a report."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.test import Client

from abide.reports.models import REPORT_LANGUAGES, Report

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
#: Where the test run leaves screenshots of the pages and the PDFs' first pages.
ARTIFACTS = Path(__file__).resolve().parents[4] / "build" / "test-artifacts" / "reports"

needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="needs pdftotext (Debian's poppler-utils)"
)

_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u2063\u00ad]")
#: A PDF draws lam-alef as one glyph, whose text comes out in either order.
_LAM_ALEF = [("لإ", "إل", "\x01"), ("لأ", "أل", "\x02"), ("لآ", "آل", "\x03"), ("لا", "ال", "\x04")]


def normal(text: str) -> str:
    """``text`` as compared: NFKC (Arabic presentation forms to letters), no bidi controls,
    lam-alef in one spelling, single spaces."""
    text = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFKC", text))
    for first, second, token in _LAM_ALEF:
        text = text.replace(first, token).replace(second, token)
    return " ".join(text.split())


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    command = [PDFTOTEXT, *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"]
    done = subprocess.run(command, input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def holds_words(text: str, phrase: str) -> bool:
    """Every word of ``phrase`` is in ``text`` (a right-to-left line may come out of a PDF in
    another order of its words)."""
    haystack = normal(text)
    # Words only: punctuation beside a right-to-left word may come out on its other side.
    return all(word in haystack for word in re.findall(r"\w+", normal(phrase)))


def first_page_png(data: bytes, target: Path) -> None:
    """The PDF's first page as a PNG, for people to look at."""
    if PDFTOPPM is None:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-", str(stem)],
        input=data,
        check=True,
        capture_output=True,
    )


def public_outputs(client: Client, report: Report) -> dict[str, str]:
    """Everything the site and the API serve the public about ``report``, as text: the list,
    each language's page, PDF (its text), JSON, API document and feed, and the API's list and
    metadata."""
    outputs: dict[str, str] = {}

    def get(path: str) -> bytes:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.content

    outputs["/reports/"] = get("/reports/").decode()
    outputs["/api/reports"] = get("/api/reports").decode()
    outputs[f"/api/reports/{report.pk}"] = get(f"/api/reports/{report.pk}").decode()
    for language in REPORT_LANGUAGES:
        base = f"/reports/{report.pk}/{language}/"
        outputs[base] = get(base).decode()
        outputs[f"{base}json/"] = get(f"{base}json/").decode()
        pdf = get(f"{base}pdf/")
        outputs[f"{base}pdf/"] = pdf_text(pdf) + "\n" + pdf_text(pdf, layout=True)
        outputs[f"/api/reports/{report.pk}/{language}"] = get(
            f"/api/reports/{report.pk}/{language}"
        ).decode()
        outputs[f"/reports/feed/{language}/"] = get(f"/reports/feed/{language}/").decode()
    return outputs
