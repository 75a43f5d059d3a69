"""Figures, dates, names and people's words in the reader's language, for the renderers.

Numbers and dates follow the language's conventions as Babel (CLDR) gives them; names come
from a document's ``Names``; text a person wrote keeps its own language, with a label saying
which, and the translation a person entered in the reader's language where there is one.

    number(1234, "ru")          # '1 234'
    signed(-3, "en")            # '-3'
    date("2023-09-27", "tr")    # '27 Eylül 2023'
    reading_time(text, "en")    # '2 minute read'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache

from babel import Locale, dates, numbers
from django.utils.translation import gettext, ngettext, override

#: Words read in a minute, for the reading time (a common figure for reading on a screen).
WORDS_PER_MINUTE = 200

_WORD = re.compile(r"\w+")
_RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


@cache
def locale(language: str) -> Locale:
    """Babel's locale for a language code; English for a code it does not know."""
    try:
        return Locale.parse(language or "en")
    except (ValueError, LookupError):
        return Locale.parse("en")


def direction(language: str) -> str:
    """``"rtl"`` for languages written right to left, else ``"ltr"``."""
    return "rtl" if (language or "").split("-")[0] in _RTL_LANGUAGES else "ltr"


def number(value: int | float, language: str) -> str:
    """A number with the language's digits and separators."""
    return numbers.format_decimal(value, locale=locale(language), numbering_system="default")


def percent(value: float, language: str) -> str:
    """A share (0.25) as the language writes a percentage ("25%", "%25", "25 %")."""
    return numbers.format_percent(value, locale=locale(language), numbering_system="default")


def signed(value: int, language: str) -> str:
    """A change with its sign: "+3", "-2" in the language's signs, and "0" for no change."""
    loc = locale(language)
    if value > 0:
        return numbers.get_plus_sign_symbol(loc) + number(value, language)
    if value < 0:
        return numbers.get_minus_sign_symbol(loc) + number(-value, language)
    return number(0, language)


def _date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def date(value: str | dt.date | None, language: str, *, form: str = "long") -> str:
    """A day as the language writes it ("27 September 2023"); "" for none."""
    if not value:
        return ""
    return dates.format_date(_date(value), form, locale=locale(language))


def datetime(value: str | dt.datetime | None, language: str) -> str:
    """A moment, in UTC, as the language writes a day and a time to the minute; "" for
    none."""
    if not value:
        return ""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    loc = locale(language)
    day = dates.format_date(moment.date(), "medium", locale=loc)
    time = dates.format_time(moment, "short", tzinfo=dt.UTC, locale=loc)
    # The language's way of joining a day and a time ("{1}, {0}", "{1} {0}", ...).
    joined = str(loc.datetime_formats["medium"]).replace("{1}", day).replace("{0}", time)
    return f"{joined} UTC"


def interval(start: str, end: str, language: str) -> str:
    """The days from ``start`` to ``end`` (both included) as the language writes a span:
    "Sep 25 – Oct 1, 2023"; one day alone as that day."""
    first, last = _date(start), _date(end)
    if first == last:
        return date(first, language)
    return dates.format_interval(first, last, "yMMMd", locale=locale(language))


def name(names: dict[str, str] | None, language: str) -> str:
    """The name in the language, English standing in for a missing one."""
    if not names:
        return ""
    return names.get(language) or names.get("en") or next(iter(names.values()), "")


def language_name(code: str, language: str) -> str:
    """The name of the language ``code`` in ``language`` ("Armenian", "الأرمنية")."""
    try:
        found = Locale.parse(code).get_display_name(locale(language))
    except (ValueError, LookupError):
        return code
    return found or code


@dataclass(frozen=True)
class Shown:
    """Words a person wrote, as shown to a reader: the original with its language, a label
    where that is not the reader's language, and the reader's translation where entered."""

    text: str
    language: str
    direction: str
    label: str  # "written in Armenian", or "" in the reader's own language
    translation: str  # "" where none was entered
    translation_label: str  # "translation", or ""


def shown(written: dict | None, language: str) -> Shown | None:
    """How ``written`` (a document's ``Written``) is shown to a reader of ``language``."""
    if not written or not written.get("text"):
        return None
    original = written.get("language") or ""
    with override(language):
        if original and original != language:
            label = gettext("written in %(language)s") % {
                "language": language_name(original, language)
            }
        elif not original:
            label = gettext("language not known")
        else:
            label = ""
        translation = ""
        if original != language:
            translation = (written.get("translations") or {}).get(language, "")
        return Shown(
            text=written["text"],
            language=original,
            direction=direction(original),
            label=label,
            translation=translation,
            translation_label=gettext("translation") if translation else "",
        )


def word_count(text: str) -> int:
    """The words of a text, in any script."""
    return len(_WORD.findall(text))


def reading_minutes(text: str) -> int:
    """Minutes to read the text, at least one."""
    return max(1, math.ceil(word_count(text) / WORDS_PER_MINUTE))


def reading_time(text: str, language: str) -> str:
    """"2 minute read", in the language, for the text's words."""
    minutes = reading_minutes(text)
    with override(language):
        return ngettext("%(count)s minute read", "%(count)s minute read", minutes) % {
            "count": number(minutes, language)
        }
