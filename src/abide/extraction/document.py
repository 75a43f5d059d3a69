"""Reading a document: plain text, Markdown with YAML front matter, or HTML.

Finds the title, the dateline, the body without page furniture, the language and the reading
time. The publication date comes from the context (``published``) or the front matter.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import yaml

from abide.extraction.types import Dateline, Document

DATA = Path(__file__).resolve().parent / "data"
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# Emphasis may run over a line break, never over a paragraph's end.
_MD_EMPHASIS = re.compile(
    r"(\*\*|__)((?:(?!\n\s*\n).)+?)\1|(?<![\w*])\*(?!\s)((?:(?!\n\s*\n).)+?)(?<!\s)\*(?!\w)",
    re.S,
)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_LIST = re.compile(r"^\s{0,3}(?:[-*+]|\d+\.)\s+", re.M)


class DocumentError(ValueError):
    """A file that cannot be read as a document; the message says why."""


@cache
def _patterns() -> tuple[list[re.Pattern], list[re.Pattern]]:
    data = yaml.safe_load((DATA / "document.yaml").read_text(encoding="utf-8"))
    furniture = [re.compile(rf"^(?:{p})$", re.I) for p in data["furniture"]]
    datelines = [re.compile(p) for p in data["datelines"]]
    return furniture, datelines


def read_file(path: str | Path, *, published: dt.date | None = None) -> Document:
    """Read ``path``; raise ``DocumentError`` for a binary, empty or undecodable file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read it: {exc.strerror}") from exc
    if not raw.strip():
        raise DocumentError("the file is empty")
    if b"\x00" in raw[:8192]:
        raise DocumentError("a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text (undecodable byte at offset {exc.start})") from exc
    kind = (
        "html"
        if path.suffix.lower() in {".html", ".htm"}
        else ("markdown" if path.suffix.lower() in {".md", ".markdown"} else "text")
    )
    document = read_text(text, published=published, kind=kind)
    document.metadata.setdefault("file", path.name)
    return document


def read_text(text: str, *, published: dt.date | None = None, kind: str = "auto") -> Document:
    """Read a document's text; ``kind`` is text, markdown, html or auto."""
    if kind == "auto":
        head = text.lstrip()[:500].lower()
        kind = (
            "html"
            if head.startswith(("<!doctype html", "<html"))
            else ("markdown" if text.startswith("---") else "text")
        )
    if kind == "html":
        return _read_html(text, published)
    metadata: dict = {}
    title = ""
    match = _FRONT_MATTER.match(text) if kind == "markdown" else None
    if match:
        try:
            metadata = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise DocumentError(f"invalid YAML front matter: {exc}") from exc
        if not isinstance(metadata, dict):
            metadata = {}
        text = text[match.end() :]
        title = str(metadata.get("title") or "").strip()
        published = published or _as_date(metadata.get("date"))
    if kind == "markdown":
        text = _unmark(text)
    paragraphs = _paragraphs(text)
    if not title and len(paragraphs) > 1 and _looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
    return _document(title, paragraphs, published, metadata)


def _read_html(html: str, published: dt.date | None) -> Document:
    import trafilatura

    body = (
        trafilatura.extract(
            html, include_comments=False, include_tables=False, favor_precision=True
        )
        or ""
    )
    meta = trafilatura.extract_metadata(html)
    title = (meta.title if meta and meta.title else "").strip()
    published = published or _as_date(meta.date if meta else None)
    metadata = {"url": meta.url} if meta and meta.url else {}
    if not body.strip():
        raise DocumentError("no main text found in the HTML")
    return _document(title, _paragraphs(body), published, metadata)


def _document(
    title: str, paragraphs: list[str], published: dt.date | None, metadata: dict
) -> Document:
    furniture, _ = _patterns()
    paragraphs = [p for p in paragraphs if not any(f.match(p) for f in furniture)]
    body = "\n\n".join(paragraphs)
    if not body.strip():
        raise DocumentError("no text left once page furniture is removed")
    document = Document(
        title=title,
        body=body,
        language=detect_language(body),
        published=published,
        metadata=metadata,
        url=str(metadata.get("source_url") or metadata.get("url") or ""),
    )
    document.dateline = find_dateline(body, published)
    return document


def _unmark(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    text = _MD_LIST.sub("", text)
    text = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    return _MD_ESCAPE.sub(r"\1", text)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines, each with its wrapped lines joined."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    blocks = re.split(r"\n\s*\n", text)
    paragraphs = []
    for block in blocks:
        joined = " ".join(line.strip() for line in block.split("\n") if line.strip())
        joined = re.sub(r"[ \t]{2,}", " ", joined).strip()
        if joined:
            paragraphs.append(joined)
    return paragraphs


def _looks_like_title(line: str) -> bool:
    return (
        len(line) <= 250 and not line.rstrip().endswith((".", ":", ";", ",")) and "\n" not in line
    )


def find_dateline(body: str, published: dt.date | None) -> Dateline | None:
    """The news agency's dateline at the start of the body, if any."""
    _, patterns = _patterns()
    head = body[:200]
    for pattern in patterns:
        match = pattern.match(head)
        if not match:
            continue
        month = MONTHS.get(match.group("month").lower().rstrip("."))
        if month is None:
            continue
        day = int(match.group("day"))
        year = (
            int(match.group("year"))
            if match.group("year")
            else (published.year if published else None)
        )
        if published and year and not match.group("year") and month > published.month + 1:
            year -= 1  # a December dateline published in January
        try:
            date = dt.date(year, month, day) if year else None
        except ValueError:
            continue
        place = match.group("place").strip()
        agency = (match.group("agency") or "").strip()
        return Dateline(
            place=place.title() if place.isupper() else place,
            month=month,
            day=day,
            agency=agency,
            date=date,
        )
    return None


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    data = yaml.safe_load((DATA / "document.yaml").read_text(encoding="utf-8"))
    identifier.set_languages(data["languages"])
    return identifier


def detect_language(text: str) -> str:
    """The language of ``text`` (ISO 639-1), detected from its first few thousand characters,
    among the languages of the region and of diplomacy (``data/document.yaml``)."""
    sample = text[:4000]
    if not any(ch.isalpha() for ch in sample):
        return "und"
    language, _ = _identifier().classify(sample)
    return language


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
