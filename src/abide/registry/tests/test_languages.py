"""Every party and category is named in all five languages."""

from __future__ import annotations

import pytest

from abide.registry.languages import TRANSLATED, normalise_alias
from abide.registry.models import Category, Party, Person
from abide.registry.registry_file import CATEGORY_IDS


def _untranslated(objects, fields=("name",)) -> list[str]:
    missing = []
    for obj in objects:
        for field in fields:
            english = getattr(obj, f"{field}_en")
            for lang in TRANSLATED:
                value = getattr(obj, f"{field}_{lang}")
                if not value.strip() or value.strip() == english.strip():
                    missing.append(f"{obj} {field}_{lang}={value!r}")
    return missing


def test_the_nine_categories_exist_with_the_identifiers_of_the_gold_format(db):
    assert list(Category.objects.values_list("slug", flat=True)) == list(CATEGORY_IDS)


def test_every_category_has_its_name_and_description_in_ar_hy_ru_tr(db):
    assert _untranslated(Category.objects.all(), ("name", "description")) == []


def test_every_party_of_the_starter_registry_is_named_in_ar_hy_ru_tr(starter_registry):
    assert Party.objects.count() >= 15
    assert _untranslated(Party.objects.all()) == []


def test_every_person_of_the_starter_registry_is_named_in_ar_hy_ru_tr(starter_registry):
    assert _untranslated(Person.objects.all()) == []


def test_the_untranslated_check_catches_a_name_equal_to_the_english_one(starter_registry):
    party = Party.objects.first()
    party.name_tr = party.name_en
    assert _untranslated([party])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Türkiye", "turkiye"),
        ("  the  Azerbaijani   side ", "the azerbaijani side"),
        ("Xankəndi", "xankəndi"),
        ("Azerbaijan’s", "azerbaijan's"),
    ],
)
def test_aliases_compare_without_case_accents_or_extra_spaces(a, b):
    assert normalise_alias(a) == normalise_alias(b)
