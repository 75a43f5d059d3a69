"""What the observations API takes and gives: ``ThingIn`` for bodies, ``ThingOut`` for answers.

The names of the fields are the reporting service's (``report_observation``), so that a
client's payload is the service's arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class ActorIn(Schema):
    party: str | None = Field(None, description="the registry party's identifier (slug)")
    name: str = Field("", description="the name as reported (the party's name if not given)")
    attribution: str = Field("alleged", description="confirmed, alleged or suspected")


class ObservationIn(Schema):
    category: str = Field(description="the category's identifier, e.g. cessation_of_hostilities")
    subtype: str | None = Field(None, description="the sub-type's identifier, e.g. shelling")
    observed_start: dt.datetime = Field(description="ISO 8601 with a time zone")
    observed_end: dt.datetime | None = Field(
        None, description="default: the end of the period that time_precision gives"
    )
    time_precision: str = Field(description="exact, day, week, month or year")
    latitude: float | None = None
    longitude: float | None = None
    place_precision: str | None = Field(
        None, description="exact, near, admin2, admin1 or country (default: from the place)"
    )
    place_name: str = Field("", description="a named place; alone, it gives the point")
    direction: str | None = Field(
        None, description="undercuts, supports or neutral (default: the sub-type's)"
    )
    actors: list[ActorIn] = []
    casualties_low: int | None = None
    casualties_best: int | None = None
    casualties_high: int | None = None
    casualties_civilian: int | None = None
    casualties_combatant: int | None = None
    casualties_unknown: int | None = None
    narrative: str = ""
    language: str = "en"
    sensitivity: str = Field(description="public, internal or restricted")
    public_precision: str = Field(description="exact, 1km, 10km, 100km or hidden")
    patrol: int | None = Field(None, description="the id of the patrol it was seen on")
    client_key: str | None = Field(
        None, description="chosen by the client: the same key again returns the stored report"
    )


class ActorOut(Schema):
    party: str | None
    name: str
    attribution: str


class ObservationOut(Schema):
    id: int
    observed_start: dt.datetime
    observed_end: dt.datetime
    time_precision: str
    reported_at: dt.datetime
    latitude: float | None
    longitude: float | None
    place_precision: str
    public_precision: str
    country: str
    admin1: str
    admin2: str
    place_name: str
    geonameid: int | None
    category: str
    subtype: str | None
    direction: str
    actors: list[ActorOut]
    casualties_low: int | None
    casualties_best: int | None
    casualties_high: int | None
    casualties_civilian: int | None
    casualties_combatant: int | None
    casualties_unknown: int | None
    narrative: str
    language: str
    sensitivity: str
    status: str
    reliability: str | None
    credibility: int | None
    reporter_kind: str
    reported_by: str | None
    client_key: str | None
    patrol: int | None
    event: int | None
    dataset: str
    dataset_version: str
    original_id: str | None
    place_shown_as: str = Field(description="recorded, or published (coarsened)")


class EvidenceOut(Schema):
    id: int
    sha256: str
    media_type: str
    size: int
    original_name: str
    uploaded_at: dt.datetime
    width: int | None
    height: int | None
    exif: dict[str, Any]
    gps: dict[str, float] | None


class StepOut(Schema):
    from_status: str
    to_status: str
    at: dt.datetime
    by: str | None
    reason: str


class ObservationDetailOut(ObservationOut):
    evidence: list[EvidenceOut]
    verification: list[StepOut]


class ObservationPage(Schema):
    items: list[ObservationOut]
    next_cursor: str | None = Field(
        description="pass as cursor for the next page; null on the last page"
    )


class TransitionIn(Schema):
    to: str = Field(description="corroborated, verified, disputed or refuted")
    reason: str


class GradeIn(Schema):
    reliability: str | None = Field(None, description="the source: A to F")
    credibility: int | None = Field(None, description="the information: 1 to 6")
    reason: str = ""


class StatusOut(Schema):
    id: int
    status: str
    reliability: str | None
    credibility: int | None


class PatrolIn(Schema):
    team: str
    started_at: dt.datetime
    ended_at: dt.datetime
    members: list[str] = Field([], description="user names")
    area_admin: list[str] = Field([], description="administrative areas covered")
    area_places: list[str] = Field([], description="named places visited")
    area_polygon: dict[str, Any] | None = Field(None, description="a GeoJSON Polygon")
    route: dict[str, Any] | None = Field(None, description="a GeoJSON LineString")
    notes: str = ""


class PatrolOut(Schema):
    id: int
    team: str
    started_at: dt.datetime
    ended_at: dt.datetime
    members: list[str]
    area_admin: list[str]
    area_places: list[str]
    area_polygon: dict[str, Any] | None
    route: dict[str, Any] | None
    footprint: list[list[Any]]
    notes: str


class PlaceOut(Schema):
    name: str
    label: str
    country_code: str
    admin1: str
    latitude: float
    longitude: float
