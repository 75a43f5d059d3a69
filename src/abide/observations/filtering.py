"""Which observations a request asks for: one form for its parameters, one function that
narrows a queryset by them.

    form = ObservationFilterForm(request.GET, user=request.user)
    if form.is_valid():
        observations = form.observations   # lazy: page it in SQL (slice, or a keyset)

The form starts from what the user may see (:func:`~abide.observations.access.
get_observations_for`) and reports a bad value under the parameter's name. For users who
see places only as published (partners, the public), ``bbox`` and ``area`` match the place
as they see it: the point rounded to its public precision, and only the area names that
precision shows, so that a filter cannot find out more than the answer would show.
:func:`filter_observations` is the same narrowing for code (the exports use it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from abide.accounts.access import AnyUser
from abide.observations.access import get_observations_for, sees_exact_places
from abide.observations.models import (
    PUBLIC_DECIMALS,
    PUBLIC_HIDDEN_NAMES,
    Direction,
    Observation,
    ObservationActor,
    Sensitivity,
    Status,
    SubType,
)
from abide.registry.models import Category, Party

#: The parameters, in the order they are documented.
PARAMETERS = (
    "since",
    "until",
    "category",
    "subtype",
    "status",
    "direction",
    "party",
    "dataset",
    "country",
    "area",
    "patrol",
    "bbox",
    "sensitivity",
)


class FilterError(ValueError):
    """A filter value that selects nothing because it names nothing; ``field`` says which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class BBox:
    """A box of longitudes and latitudes; ``west > east`` crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """``west,south,east,north`` in decimal degrees (the order of GeoJSON and WMS)."""
        parts = [part.strip() for part in str(text).split(",")]
        if len(parts) != 4:
            raise ValueError(
                _("bbox must be four numbers west,south,east,north, not %(value)r")
                % {"value": text}
            )
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise ValueError(
                _("bbox must be four numbers west,south,east,north, not %(value)r")
                % {"value": text}
            ) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise ValueError(_("bbox must be finite numbers"))
        if not (-180.0 <= west <= 180.0 and -180.0 <= east <= 180.0):
            raise ValueError(_("bbox: the longitudes must be within -180..180"))
        if not (-90.0 <= south <= 90.0 and -90.0 <= north <= 90.0):
            raise ValueError(_("bbox: the latitudes must be within -90..90"))
        if south > north:
            raise ValueError(
                _("bbox: the south edge %(south)s is north of the north edge %(north)s")
                % {"south": south, "north": north}
            )
        return cls(west, south, east, north)

    def q(self, decimals: int | None = None) -> Q:
        """Observations whose point, rounded to ``decimals`` places (as recorded: None), lies
        in the box: the box's edges moved in to the grid, then out by half a cell."""
        south, north = _rounded_range(self.south, self.north, decimals)
        query = Q(latitude__gte=south, latitude__lt=north)
        if self.west <= self.east:
            west, east = _rounded_range(self.west, self.east, decimals)
            return query & Q(longitude__gte=west, longitude__lt=east)
        west, _east = _rounded_range(self.west, 180.0, decimals)
        _west, east = _rounded_range(-180.0, self.east, decimals)
        return query & (Q(longitude__gte=west) | Q(longitude__lt=east))


def _rounded_range(low: float, high: float, decimals: int | None) -> tuple[float, float]:
    """The values ``x`` with ``low <= round(x, decimals) <= high``, as ``[start, end)``."""
    if decimals is None:
        return low, math.nextafter(high, math.inf)
    cell = 10.0**-decimals
    first = _on_grid(low / cell, math.ceil)
    last = _on_grid(high / cell, math.floor)
    return first * cell - cell / 2, last * cell + cell / 2


def _on_grid(cells: float, towards: Any) -> int:
    """``cells`` as a whole number: itself when it is one but for rounding, else moved by
    ``towards`` (``math.ceil`` or ``math.floor``)."""
    nearest = round(cells)
    return nearest if abs(cells - nearest) < 1e-6 else towards(cells)


def _start_of(day: dt.date) -> dt.datetime:
    if isinstance(day, dt.datetime):
        return day if timezone.is_aware(day) else timezone.make_aware(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _coarse_bbox(bbox: BBox) -> Q:
    """The observations whose point *as published* lies in the box (hidden ones never)."""
    query = Q(pk__in=[])
    for precision, decimals in PUBLIC_DECIMALS.items():
        query |= Q(public_precision=precision) & bbox.q(decimals)
    return query


def _coarse_area(area: str) -> Q:
    """The observations whose area *as published* is ``area`` (first- or second-level)."""
    query = Q(pk__in=[])
    for precision, hidden in PUBLIC_HIDDEN_NAMES.items():
        shown = Q(pk__in=[])
        if "admin1" not in hidden:
            shown |= Q(admin1=area)
        if "admin2" not in hidden:
            shown |= Q(admin2=area)
        query |= Q(public_precision=precision) & shown
    return query


def filter_observations(
    queryset: QuerySet[Observation],
    *,
    category: str | None = None,
    subtype: str | None = None,
    country: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    status: str | None = None,
    dataset: str | None = None,
    sensitivity: str | None = None,
    direction: str | None = None,
    party: str | None = None,
    area: str | None = None,
    patrol: int | None = None,
    bbox: BBox | str | None = None,
    viewer: AnyUser | None = None,
) -> QuerySet[Observation]:
    """``queryset`` narrowed to the observations matching every filter given.

    ``since`` and ``until`` are days, both included, of the start of the observation (in the
    current time zone). A category, sub-type or party is given by its identifier (slug); an
    unknown one, or any other value that cannot match, raises :class:`FilterError` (a
    ``ValueError``). ``area`` is a first- or second-level area as stored; ``bbox`` a
    :class:`BBox` or its text ``west,south,east,north``. With a ``viewer`` who sees places only
    as published, ``bbox`` and ``area`` match the published place (their own reports as
    recorded).
    """
    if category:
        found = Category.objects.filter(slug=category).first()
        if found is None:
            known = ", ".join(Category.objects.order_by("position").values_list("slug", flat=True))
            raise FilterError(
                "category",
                _("unknown category %(slug)r (known: %(known)s)")
                % {"slug": category, "known": known},
            )
        queryset = queryset.filter(category=found)
    if subtype:
        kind = SubType.objects.select_related("category").filter(slug=subtype).first()
        if kind is None:
            raise FilterError(
                "subtype",
                _("unknown sub-type %(slug)r (see the sub-types of each category)")
                % {"slug": subtype},
            )
        if category and kind.category.slug != category:
            raise FilterError(
                "subtype",
                _("sub-type %(slug)r belongs to category %(category)r, not %(given)r")
                % {"slug": subtype, "category": kind.category.slug, "given": category},
            )
        queryset = queryset.filter(subtype=kind)
    if country:
        code = country.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise FilterError(
                "country",
                _("%(value)r is not a two-letter country code (ISO 3166-1)") % {"value": country},
            )
        queryset = queryset.filter(country=code)
    if since is not None:
        queryset = queryset.filter(observed_start__gte=_start_of(since))
    if until is not None:
        if since is not None and until < since:
            raise FilterError(
                "until",
                _("%(until)s is before the start date %(since)s")
                % {"until": until.isoformat(), "since": since.isoformat()},
            )
        queryset = queryset.filter(observed_start__lt=_start_of(until + dt.timedelta(days=1)))
    for field, value, choices in (
        ("status", status, Status),
        ("sensitivity", sensitivity, Sensitivity),
        ("direction", direction, Direction),
    ):
        if value:
            if value not in choices.values:
                raise FilterError(
                    field,
                    _("unknown value %(value)r (choose from %(choices)s)")
                    % {"value": value, "choices": ", ".join(choices.values)},
                )
            queryset = queryset.filter(**{field: value})
    if dataset:
        queryset = queryset.filter(dataset=dataset)
    if party:
        found_party = Party.objects.filter(slug=party).first()
        if found_party is None:
            raise FilterError("party", _("unknown party %(slug)r") % {"slug": party})
        queryset = queryset.filter(
            Exists(ObservationActor.objects.filter(observation=OuterRef("pk"), party=found_party))
        )
    if patrol is not None:
        queryset = queryset.filter(patrol_id=patrol)
    coarse = viewer is not None and not sees_exact_places(viewer)
    own = Q(reported_by=viewer) if coarse and viewer.is_authenticated else Q(pk__in=[])
    if area:
        exact_area = Q(admin1=area) | Q(admin2=area)
        queryset = queryset.filter(
            ((own & exact_area) | _coarse_area(area)) if coarse else exact_area
        )
    if bbox:
        if isinstance(bbox, str):
            try:
                bbox = BBox.parse(bbox)
            except ValueError as exc:
                raise FilterError("bbox", str(exc)) from None
        queryset = queryset.filter(((own & bbox.q()) | _coarse_bbox(bbox)) if coarse else bbox.q())
    return queryset


class ObservationFilterForm(forms.Form):
    """The parameters of a list of observations, each checked and named in its errors.

    After ``is_valid()``, :attr:`observations` is the lazy, filtered queryset of what the user
    may see, in the model's order (latest observed first).
    """

    since = forms.DateField(required=False, label=gettext_lazy("since"), input_formats=["%Y-%m-%d"])
    until = forms.DateField(required=False, label=gettext_lazy("until"), input_formats=["%Y-%m-%d"])
    category = forms.CharField(required=False, max_length=60, label=gettext_lazy("category"))
    subtype = forms.CharField(required=False, max_length=60, label=gettext_lazy("sub-type"))
    status = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *Status.choices],
        label=gettext_lazy("verification"),
    )
    direction = forms.ChoiceField(
        required=False, choices=[("", "—"), *Direction.choices], label=gettext_lazy("direction")
    )
    party = forms.CharField(required=False, max_length=80, label=gettext_lazy("party"))
    dataset = forms.CharField(required=False, max_length=40, label=gettext_lazy("data set"))
    country = forms.CharField(required=False, max_length=2, label=gettext_lazy("country"))
    area = forms.CharField(required=False, max_length=120, label=gettext_lazy("area"))
    patrol = forms.IntegerField(required=False, min_value=1, label=gettext_lazy("patrol"))
    bbox = forms.CharField(
        required=False,
        max_length=200,
        label=gettext_lazy("map box"),
        help_text=gettext_lazy("west,south,east,north in decimal degrees"),
    )
    sensitivity = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *Sensitivity.choices],
        label=gettext_lazy("sensitivity"),
    )

    def __init__(self, data: Any = None, *, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        self.observations: QuerySet[Observation] = Observation.objects.none()

    def clean_country(self) -> str:
        code = (self.cleaned_data.get("country") or "").strip().upper()
        if code and (len(code) != 2 or not code.isalpha()):
            raise ValidationError(
                _("%(value)r is not a two-letter country code (ISO 3166-1)") % {"value": code}
            )
        return code

    def clean_bbox(self) -> BBox | None:
        text = (self.cleaned_data.get("bbox") or "").strip()
        if not text:
            return None
        try:
            return BBox.parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        filters = {name: cleaned.get(name) or None for name in PARAMETERS}
        filters["patrol"] = cleaned.get("patrol")
        try:
            self.observations = filter_observations(
                get_observations_for(self.user), viewer=self.user, **filters
            )
        except FilterError as exc:
            self.add_error(exc.field, str(exc))
        return cleaned


def observations_for_request(user: AnyUser, params: Any) -> QuerySet[Observation]:
    """What ``user`` may see, narrowed by the request's ``params`` (a QueryDict or a dict);
    a ValidationError naming each bad parameter."""
    form = ObservationFilterForm(params, user=user)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    return form.observations
