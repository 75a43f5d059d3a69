"""A report document made by hand, shaped exactly as ``abide.reports.document`` says, for the
renderers' tests: names in five languages, a quote written in Armenian with an English
translation, an Arabic narrative, casualties, a walk-back, a map and a trend."""

from __future__ import annotations

import copy

from abide.reports.document import SCHEMA_VERSION, Document

AZERBAIJAN = {
    "en": "Azerbaijan",
    "ar": "أذربيجان",
    "hy": "Ադրբեջան",
    "ru": "Азербайджан",
    "tr": "Azerbaycan",
}
ARMENIA = {
    "en": "Armenia",
    "ar": "أرمينيا",
    "hy": "Հայաստան",
    "ru": "Армения",
    "tr": "Ermenistan",
}
ALIYEV = {
    "en": "Ilham Aliyev",
    "ar": "إلهام علييف",
    "hy": "Իլհամ Ալիև",
    "ru": "Ильхам Алиев",
    "tr": "İlham Aliyev",
}
BLINKEN = {"en": "Antony Blinken", "ar": "أنتوني بلينكن", "hy": "Էնթոնի Բլինքեն",
           "ru": "Энтони Блинкен", "tr": "Antony Blinken"}
MILLER = {"en": "Matthew Miller", "ar": "ماثيو ميلر", "hy": "Մեթյու Միլլեր",
          "ru": "Мэттью Миллер", "tr": "Matthew Miller"}
ARMENPRESS = {"en": "Armenpress", "ar": "أرمنبرس", "hy": "Արմենպրես",
              "ru": "Арменпресс", "tr": "Armenpress"}
CEASEFIRE = {"en": "Ceasefire", "ar": "وقف إطلاق النار", "hy": "Հրադադար",
             "ru": "Прекращение огня", "tr": "Ateşkes"}
SHELLING = {"en": "Shelling", "ar": "قصف", "hy": "Հրետակոծություն",
            "ru": "Обстрел", "tr": "Bombardıman"}
MOVEMENT = {"en": "Freedom of movement", "ar": "حرية التنقل", "hy": "Տեղաշարժի ազատություն",
            "ru": "Свобода передвижения", "tr": "Hareket serbestliği"}
CONVOY_BLOCKED = {"en": "Convoy blocked", "ar": "قافلة محتجزة", "hy": "Շարասյունը արգելափակված",
                  "ru": "Колонна заблокирована", "tr": "Konvoy engellendi"}

#: The Armenian words of the quote and the English translation entered for them.
QUOTE_HY = "Մենք կպահպանենք հրադադարը և կապահովենք մարդկանց անվտանգությունը։"
QUOTE_EN = "We will keep the ceasefire and ensure the safety of the people."
NARRATIVE_AR = "سُمع إطلاق نار كثيف قرب القرية لمدة ساعتين."
SUMMARY_EN = (
    "The week saw 1,234 observations of shelling, more than the week before, and the "
    "humanitarian corridor stayed closed for the fifth day."
)

#: The figures the tests look for in every rendering.
SHELLING_NOW, SHELLING_BEFORE = 1234, 1180
MOVEMENT_NOW, MOVEMENT_BEFORE = 37, 52
CASUALTIES_BEST = 14


def _named(slug: str, names: dict[str, str]) -> dict:
    return {"slug": slug, "names": dict(names)}


def _period(kind: str, label: str, start: str, end: str) -> dict:
    return {"kind": kind, "label": label, "start": start, "end": end}


def _commitment() -> dict:
    return {
        "id": 12,
        "url": "/tracker/12/",
        "kind": "pledge",
        "obligor": _named("azerbaijan", AZERBAIJAN),
        "demanded_by": None,
        "category": _named("ceasefire", CEASEFIRE),
        "text": {"text": QUOTE_HY, "language": "hy", "translations": {"en": QUOTE_EN}},
        "date_made": "2023-09-20",
        "deadline": None,
        "status": "violated",
        "previous_status": "at_risk",
        "changed": True,
        "statements": [
            {
                "quote": {"text": QUOTE_HY, "language": "hy", "translations": {"en": QUOTE_EN}},
                "date": "2023-09-20",
                "source": {
                    "title": "Aliyev told Blinken",
                    "url": "https://armenpress.am/eng/news/1120000.html",
                    "published": "2023-09-27",
                    "publisher": "Armenpress",
                },
                "chain": [
                    {"relation": "told", "who": dict(ALIYEV), "to": dict(BLINKEN)},
                    {"relation": "reported", "who": dict(MILLER)},
                    {"relation": "published", "who": dict(ARMENPRESS)},
                ],
            }
        ],
        "walk_backs": [
            {
                "kind": "conditions",
                "date": "2023-09-26",
                "quote": {
                    "text": "We will observe it only if the other side withdraws first.",
                    "language": "en",
                    "translations": {},
                },
            }
        ],
        "open_days": None,
    }


def _demand() -> dict:
    return {
        "id": 13,
        "url": "/tracker/13/",
        "kind": "demand",
        "obligor": _named("azerbaijan", AZERBAIJAN),
        "demanded_by": _named("armenia", ARMENIA),
        "category": _named("freedom_of_movement", MOVEMENT),
        "text": {"text": "Open the Lachin corridor.", "language": "en", "translations": {}},
        "date_made": "2023-09-01",
        "deadline": "2023-09-15",
        "status": "overdue",
        "previous_status": "overdue",
        "changed": False,
        "statements": [],
        "walk_backs": [],
        "open_days": 30,
    }


def _incident() -> dict:
    return {
        "observation": 501,
        "url": "/observations/501/",
        "start": "2023-09-27T14:05:00+00:00",
        "end": "2023-09-27T16:05:00+00:00",
        "category": _named("ceasefire", CEASEFIRE),
        "subtype": _named("shelling", SHELLING),
        "place": {
            "name": "Sotk",
            "admin1": "Gegharkunik",
            "country": "AM",
            "latitude": 40.2,
            "longitude": 45.9,
            "precision": "10km",
        },
        "narrative": {"text": NARRATIVE_AR, "language": "ar", "translations": {}},
    }


def sample_document(*, tier: str = "internal", dossier: bool = False) -> Document:
    """A week's report (or, with ``dossier``, a commitment's dossier) of one tier."""
    observations = "/observations/?category=ceasefire&start=2023-09-25&end=2023-10-02"
    document: Document = {
        "schema": SCHEMA_VERSION,
        "tier": tier,
        "kind": "dossier" if dossier else "period",
        "report": {
            "id": 7,
            "version": 2,
            "state": "published",
            "corrects": {"id": 6, "note": "The count of shelling was 1,243; it is 1,234."},
            "published_at": "2023-10-02T09:00:00+00:00",
        },
        "generated_at": "2023-10-02T08:30:00+00:00",
        "period": _period("week", "2023-W39", "2023-09-25", "2023-10-01"),
        "previous_period": _period("week", "2023-W38", "2023-09-18", "2023-09-24"),
        "scope": {"countries": ["AM", "AZ"], "areas": [], "commitments": []},
        "summaries": [
            {"text": SUMMARY_EN, "language": "en", "translations": {}},
        ],
        "figures": [
            {
                "category": _named("ceasefire", CEASEFIRE),
                "subtype": None,
                "current": SHELLING_NOW + 3,
                "previous": SHELLING_BEFORE + 9,
                "change": SHELLING_NOW + 3 - SHELLING_BEFORE - 9,
                "casualties": {"low": 9, "best": CASUALTIES_BEST, "high": 21},
                "observations_url": observations,
            },
            {
                "category": _named("ceasefire", CEASEFIRE),
                "subtype": _named("shelling", SHELLING),
                "current": SHELLING_NOW,
                "previous": SHELLING_BEFORE,
                "change": SHELLING_NOW - SHELLING_BEFORE,
                "casualties": {"low": 9, "best": CASUALTIES_BEST, "high": 21},
                "observations_url": observations + "&subtype=shelling",
            },
            {
                "category": _named("freedom_of_movement", MOVEMENT),
                "subtype": _named("convoy_blocked", CONVOY_BLOCKED),
                "direction": "undercuts",
                "current": MOVEMENT_NOW,
                "previous": MOVEMENT_BEFORE,
                "change": MOVEMENT_NOW - MOVEMENT_BEFORE,
                "observations_url": "/observations/?category=freedom_of_movement"
                "&subtype=convoy_blocked&start=2023-09-25&end=2023-10-02",
            },
        ],
        "casualties": {
            "current": {"low": 9, "best": CASUALTIES_BEST, "high": 21},
            "previous": {"low": 2, "best": 3, "high": 5},
        },
        "commitments": [_commitment(), _demand()],
        "open_demands": [
            {
                "commitment": 13,
                "obligor": _named("azerbaijan", AZERBAIJAN),
                "demanded_by": _named("armenia", ARMENIA),
                "category": _named("freedom_of_movement", MOVEMENT),
                "text": {"text": "Open the Lachin corridor.", "language": "en",
                         "translations": {}},
                "since": "2023-09-01",
                "age_days": 30,
            }
        ],
        "incidents": [_incident()],
        "map": {
            "points": [
                {"latitude": 40.2, "longitude": 45.9, "category": "ceasefire"},
                {"latitude": 39.8, "longitude": 46.7, "category": "ceasefire"},
                {"latitude": 39.6, "longitude": 46.5, "category": "freedom_of_movement"},
            ],
            "bbox": [45.9, 39.6, 46.7, 40.2],
        },
        "trend": [
            {
                "label": f"2023-W{week}",
                "start": start,
                "counts": {"ceasefire": 900 + 50 * i, "freedom_of_movement": 60 - 3 * i},
            }
            for i, (week, start) in enumerate(
                zip(
                    range(32, 40),
                    ("2023-08-07", "2023-08-14", "2023-08-21", "2023-08-28", "2023-09-04",
                     "2023-09-11", "2023-09-18", "2023-09-25"),
                    strict=True,
                )
            )
        ],
        "coverage": {
            "areas": [
                {"country": "AM", "admin1": "Gegharkunik", "patrols": 12, "observations": 40},
                {"country": "AM", "admin1": "Syunik", "patrols": 0, "observations": 0},
            ],
            "not_assessable": [14],
        },
    }
    if dossier:
        commitment = _commitment()
        document["dossier"] = {
            "commitment": commitment,
            "history": [
                {"period": "2023-W38", "start": "2023-09-18", "status": "at_risk"},
                {"period": "2023-W39", "start": "2023-09-25", "status": "violated"},
            ],
            "evidence": [_incident()],
            "retractions": [
                {
                    "kind": "conditions",
                    "state": "confirmed",
                    "date": "2023-09-26",
                    "quote": {
                        "text": "We will observe it only if the other side withdraws first.",
                        "language": "en",
                        "translations": {},
                    },
                    "reason": "Puts a condition on the ceasefire.",
                }
            ],
            "lifecycle": {"superseded_by": None, "superseded_on": None,
                          "expires_on": "2024-09-20"},
        }
    return copy.deepcopy(document)
