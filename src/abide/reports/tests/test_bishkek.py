"""The 1994 Bishkek ceasefire against ACLED's May 2020: the month's report on the real data."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser

from abide.observations.access import get_observations_for
from abide.observations.filtering import observations_for_request
from abide.observations.models import Observation
from abide.reports.building import build_document
from abide.reports.jsonout import render_json, schema_errors
from abide.reports.spec import parse_spec

pytestmark = [pytest.mark.usefixtures("starter_registry"), pytest.mark.slow]

MAY = (dt.datetime(2020, 5, 1, tzinfo=dt.UTC), dt.datetime(2020, 6, 1, tzinfo=dt.UTC))
APRIL = (dt.datetime(2020, 4, 1, tzinfo=dt.UTC), MAY[0])


@pytest.mark.parametrize("tier", ["internal", "public"])
def test_may_2020_in_armenia_and_azerbaijan_counts_what_the_database_holds(bishkek, analyst, tier):
    ids = ",".join(f"commitment:{c.pk}" for c in bishkek.values())
    spec = parse_spec("2020-05", scope=f"country:AZ,{ids}", today=dt.date(2024, 1, 1))
    document = build_document(spec, tier=tier)
    reader = AnonymousUser() if tier == "public" else analyst
    visible = get_observations_for(reader).filter(country="AZ")
    in_may = visible.filter(observed_start__gte=MAY[0], observed_start__lt=MAY[1])
    # Imported rows are reported, not yet corroborated: the public sees none of them.
    assert in_may.exists() == (tier == "internal")
    for figure in document["figures"]:
        filters = {"category__slug": figure["category"]["slug"]}
        if figure["subtype"]:
            filters["subtype__slug"] = figure["subtype"]["slug"]
        now = visible.filter(observed_start__gte=MAY[0], observed_start__lt=MAY[1], **filters)
        before = visible.filter(
            observed_start__gte=APRIL[0], observed_start__lt=APRIL[1], **filters
        )
        assert figure["current"] == now.count()
        assert figure["previous"] == before.count()
        query = dict(parse_qsl(urlsplit(figure["observations_url"]).query))
        assert observations_for_request(reader, query).count() == figure["current"]
    statuses = {entry["id"]: entry["status"] for entry in document["commitments"]}
    assert statuses == {c.pk: "at_risk" for c in bishkek.values()}
    assert schema_errors(json.loads(render_json(document, "ru"))) == []
    assert Observation.objects.filter(dataset="acled").exists()
