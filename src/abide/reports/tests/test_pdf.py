"""The report as a PDF in every language, read back with poppler's pdftotext: its figures and
headings, "Page N of M" at the foot of each page, its reading time, Arabic shaped and right
to left (in the text and in the SVG chart), each first page saved as a PNG to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import arabic_reshaper
import pytest
from django.utils.translation import gettext, override

from abide.compliance.models import AssessmentStatus
from abide.reports import formatting
from abide.reports.html import reading_text, render
from abide.reports.models import REPORT_LANGUAGES
from abide.reports.pdf import render_pdf
from abide.reports.tests import documents
from abide.reports.tests.documents import sample_document

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="poppler-utils (pdftotext, pdftoppm) is not installed: run scripts/install-browser",
)

#: Where the first pages are saved for people to look at (``build/`` is not versioned).
ARTIFACTS = Path(__file__).resolve().parents[4] / "build" / "test-artifacts" / "reports"
#: The bidirectional marks pdftotext puts around right-to-left runs.
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_rendered: dict[tuple[str, bool], tuple[Path, str]] = {}


def _pdf(language: str, tmp_path_factory, *, dossier: bool = False) -> tuple[Path, str]:
    """The PDF of the sample document in the language, and its text (made once per run)."""
    key = (language, dossier)
    if key not in _rendered:
        folder = tmp_path_factory.mktemp(f"pdf-{language}")
        path = folder / ("dossier.pdf" if dossier else "report.pdf")
        path.write_bytes(render_pdf(sample_document(dossier=dossier), language))
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            check=True, capture_output=True, text=True,
        ).stdout
        _rendered[key] = (path, _MARKS.sub("", text))
    return _rendered[key]


def _words(text: str) -> str:
    """The text with runs of white space as one space (pdftotext breaks lines anywhere)."""
    return re.sub(r"\s+", " ", text)


_HARAKAT = re.compile("[\u064b-\u0652]")
_LAM_ALEF = re.compile("ل([اأإآ])")


def _as_read(expected: str) -> str:
    """What pdftotext gives back for words of the page: it reads Arabic's lam-alef ligature
    as its two letters in reverse order ("لا" as "ال") and a vowel mark apart from its letter;
    the page itself draws them right (see the saved pictures)."""
    return _LAM_ALEF.sub(r"\1ل", _HARAKAT.sub("", expected))


def _holds(text: str, expected: str, language: str) -> bool:
    """Whether the PDF's text holds the words. In Arabic, pdftotext orders the runs of a line
    that mixes directions its own way and may break a word at a vowel mark: there, each word
    is looked for, spaces aside."""
    found = _HARAKAT.sub("", _words(text))
    wanted = _as_read(_words(expected))
    if wanted in found:
        return True
    if language != "ar":
        return False
    compact = found.replace(" ", "")
    # Words only: punctuation beside a right-to-left word comes out on its other side.
    return all(word in compact for word in re.findall(r"\w+", wanted))


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_the_pdf_holds_the_figures_and_the_headings_in_the_language(language, tmp_path_factory):
    path, text = _pdf(language, tmp_path_factory)
    assert path.read_bytes().startswith(b"%PDF-")
    flat = _words(text)
    for value in (documents.SHELLING_NOW, documents.SHELLING_BEFORE, documents.MOVEMENT_NOW,
                  documents.MOVEMENT_BEFORE, documents.CASUALTIES_BEST):
        assert _holds(text, formatting.number(value, language), language)
    change = formatting.signed(documents.SHELLING_NOW - documents.SHELLING_BEFORE, language)
    assert _holds(text, change.strip("\u200e"), language)
    with override(language):
        for heading in ("Headline figures", "Commitments", "Unanswered demands", "Map",
                        "Trend", "Coverage", "Notable incidents"):
            assert _holds(flat, gettext(heading), language), heading
        assert _holds(flat, str(AssessmentStatus.VIOLATED.label), language)
    # The Armenian quote, in Armenian, whatever the language of the page.
    assert documents.QUOTE_HY.split()[0] in text


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_every_page_has_its_number_in_the_footer_and_the_title_at_its_head(
    language, tmp_path_factory
):
    _path, text = _pdf(language, tmp_path_factory)
    pages = text.count("\f")
    assert pages >= 2
    with override(language):
        footer = gettext("Page %(page)s of %(pages)s")
    for page in range(1, pages + 1):
        assert _holds(text, footer % {"page": page, "pages": pages}, language)
    # The running head: the report's title at the top of every page.
    with override(language):
        title = gettext("Weekly report: %(period)s") % {
            "period": formatting.interval("2023-09-25", "2023-10-01", language)
        }
    for page in text.split("\f")[:pages]:
        assert _holds(page.split("\n\n")[0], title, language), page[:200]


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_the_pdf_states_its_reading_time(language, tmp_path_factory):
    _path, text = _pdf(language, tmp_path_factory)
    body = render(sample_document(), language, page=False, for_print=True)
    with override(language):
        assert _holds(text, formatting.reading_time(reading_text(body), language), language)


def test_arabic_is_right_to_left_and_shaped_in_the_text_and_in_the_chart(tmp_path_factory):
    path, text = _pdf("ar", tmp_path_factory)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    assert "Noto-Sans-Arabic" in fonts
    # The page's Arabic reads back in logical order (shaped and laid out right to left by
    # pango), never reversed as letters drawn one by one would be.
    for word in ("أذربيجان", "قصف", "ملخص", "منشور"):
        assert word in text, word
        assert word[::-1] not in text
    # The chart's words were drawn as joined forms in visual order: they read back as the
    # legend, in logical order once the joined forms are folded to letters.
    # (The page's table reads back with its lam-alef reversed, "إطالق"; the chart's joined
    # forms fold back to "إطلاق": this is the chart's legend.)
    assert arabic_reshaper.reshape("وقف إطلاق النار") in text
    assert "وقف إطلاق النار" in unicodedata.normalize("NFKC", text)
    assert "وقف إطلاق النار" not in text


def test_armenian_is_drawn_with_noto_sans_armenian(tmp_path_factory):
    path, text = _pdf("hy", tmp_path_factory)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    assert "Noto-Sans-Armenian" in fonts
    assert formatting.name(documents.AZERBAIJAN, "hy") in text


def test_a_dossier_renders_as_a_pdf(tmp_path_factory):
    _path, text = _pdf("ru", tmp_path_factory, dossier=True)
    with override("ru"):
        assert _holds(text, gettext("Status history"), "ru")
    assert "2023-W38" in text


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_each_pdfs_first_page_is_saved_as_a_picture(language, tmp_path_factory):
    path, _text = _pdf(language, tmp_path_factory)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"report-{language}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-singlefile", str(path), str(target)], check=True
    )
    picture = target.with_suffix(".png")
    assert picture.read_bytes().startswith(b"\x89PNG")
