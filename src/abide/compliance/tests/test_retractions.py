"""Flagging a later statement of the obligor that walks a pledge back."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from abide.audit.models import AuditEntry
from abide.compliance.retractions import flag_retraction
from abide.compliance.tests.test_linking import pledge
from abide.registry.models import Party, Person, Source, Statement

pytestmark = pytest.mark.usefixtures("starter_registry")

TEXT = "The President said Azerbaijan would not accept any observer mission on its territory."


def later_statement(*, speaker: str = "ilham-aliyev", spoken: dt.date = dt.date(2023, 10, 5)):
    source = Source.objects.create(
        kind="news_article",
        title="A later interview",
        published=spoken,
        language="en",
        text=TEXT,
        sha256=hashlib.sha256(f"{TEXT}{speaker}{spoken}".encode()).hexdigest(),
    )
    return Statement.objects.create(
        source=source,
        start=0,
        end=len(TEXT),
        speaker_person=Person.objects.get(slug=speaker),
        date_spoken=spoken,
        mode="paraphrase",
    )


def test_the_obligors_later_refusal_is_flagged_on_the_pledge_and_audited(analyst):
    promise = pledge(category="monitoring_access", text="accept an observer mission")
    statement = later_statement()
    retraction = flag_retraction(
        promise, statement, kind="refuses", actor=analyst, reason="He rules the mission out."
    )
    assert list(promise.retractions.all()) == [retraction]
    assert retraction.get_kind_display() == "refuses what it promised"
    assert AuditEntry.objects.filter(object_type="compliance.retraction").count() == 1


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("demand", "commitment", "only a pledge"),
        ("earlier", "statement", "made before the pledge"),
        ("someone else", "statement", "not the obligor's"),
        ("bad kind", "kind", "unknown kind"),
        ("no reason", "reason", "say why"),
    ],
)
def test_a_flag_that_does_not_hold_is_refused_naming_the_field(analyst, case, field, message):
    promise = pledge(kind="demand" if case == "demand" else "pledge")
    statement = later_statement(
        spoken=dt.date(2023, 9, 1) if case == "earlier" else dt.date(2023, 10, 5),
        speaker="nikol-pashinyan" if case == "someone else" else "ilham-aliyev",
    )
    with pytest.raises(ValidationError) as refused:
        flag_retraction(
            promise,
            statement,
            kind="backpedals" if case == "bad kind" else "conditions",
            actor=analyst,
            reason="" if case == "no reason" else "see the interview",
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not promise.retractions.exists()


def test_only_the_registrys_editors_flag_retractions(observer):
    with pytest.raises(PermissionDenied):
        flag_retraction(pledge(), later_statement(), kind="denies", actor=observer, reason="x")
    assert Party.objects.filter(slug="azerbaijan").exists()


def test_a_retraction_shows_on_the_commitment_page_and_in_the_api(analyst, client):
    promise = pledge(category="monitoring_access", text="accept an observer mission")
    flag_retraction(promise, later_statement(), kind="refuses", actor=analyst, reason="No mission.")
    page = client.get(f"/tracker/{promise.pk}/").content.decode()
    assert "Walked back" in page and "would not accept any observer mission" in page
    (item,) = client.get(f"/api/commitments/{promise.pk}").json()["retractions"]
    assert (item["kind"], item["date_spoken"]) == ("refuses", "2023-10-05")
