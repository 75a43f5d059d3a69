"""What the public readers of bench/serve ask for: a few pages of each of the three lists, with
filters, sorts and languages, as readers of the tracker and the API do (40 distinct requests).

Each entry is (path, query, language): the path names the group the answer is counted under.
"""

from __future__ import annotations

PATHS = ("/api/commitments", "/api/observations", "/tracker/")

#: (path, query string, Accept-Language)
READS: tuple[tuple[str, str, str], ...] = (
    # the commitments through the API: pages, sorts, filters
    ("/api/commitments", "", "en"),
    ("/api/commitments", "page=2", "en"),
    ("/api/commitments", "page=3", "en"),
    ("/api/commitments", "page=10", "en"),
    ("/api/commitments", "sort=deadline", "en"),
    ("/api/commitments", "sort=deadline&order=desc", "en"),
    ("/api/commitments", "sort=status", "ar"),
    ("/api/commitments", "sort=id&page=2", "en"),
    ("/api/commitments", "party=syria", "ru"),
    ("/api/commitments", "category=cessation_of_hostilities&page_size=50", "en"),
    ("/api/commitments", "status=not_yet&page=3", "en"),
    ("/api/commitments", "", "ar"),
    ("/api/commitments", "page_size=100&page=5", "tr"),
    # the observations through the API: pages, filters
    ("/api/observations", "", "en"),
    ("/api/observations", "limit=20", "en"),
    ("/api/observations", "limit=50", "ar"),
    ("/api/observations", "since=2018-01-01&until=2018-12-31", "en"),
    ("/api/observations", "since=2019-06-01", "en"),
    ("/api/observations", "area=Aleppo Governorate", "en"),
    ("/api/observations", "area=Idlib Governorate&limit=50", "ru"),
    ("/api/observations", "country=SY", "en"),
    ("/api/observations", "category=cessation_of_hostilities", "en"),
    ("/api/observations", "status=verified", "hy"),
    ("/api/observations", "until=2016-06-30", "en"),
    ("/api/observations", "", "tr"),
    # the tracker's page: pages, sorts, filters and languages
    ("/tracker/", "", "en"),
    ("/tracker/", "", "ar"),
    ("/tracker/", "", "ru"),
    ("/tracker/", "", "tr"),
    ("/tracker/", "", "hy"),
    ("/tracker/", "page=2", "en"),
    ("/tracker/", "page=3", "en"),
    ("/tracker/", "page=2", "ar"),
    ("/tracker/", "sort=deadline", "en"),
    ("/tracker/", "sort=status", "en"),
    ("/tracker/", "sort=obligor&order=desc", "ru"),
    ("/tracker/", "party=syria", "en"),
    ("/tracker/", "status=not_yet&page=2", "en"),
    ("/tracker/", "category=cessation_of_hostilities&page=4", "ar"),
    ("/tracker/", "kind=pledge&sort=category", "en"),
)


def url(path: str, query: str) -> str:
    return f"{path}?{query.replace(' ', '+')}" if query else path
