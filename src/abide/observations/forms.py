"""The forms of the reporting, correction and patrol pages. They parse what a reporter typed
into the arguments of one service (``report_with_files``, ``correct_observation``,
``record_patrol``), which checks the role, validates and audits; a service's ValidationError
names a field, and ``add_service_errors`` puts each message beside that field."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import AnyUser
from abide.observations.access import get_recent_patrols_for
from abide.observations.models import (
    Attribution,
    Direction,
    Observation,
    Patrol,
    PlacePrecision,
    PublicPrecision,
    Sensitivity,
    SubType,
    TimePrecision,
)
from abide.observations.reporting import ActorIn
from abide.registry.models import Category, Party

#: Free text in any of the mission's languages, Arabic included: the browser finds its direction.
_TEXT = {"dir": "auto"}
#: How many alleged actors a report names at most.
ACTOR_ROWS = 3
#: The languages a narrative may be written in: abide's own, and those of the region.
NARRATIVE_LANGUAGES = [
    *settings.LANGUAGES,
    ("az", _("Azerbaijani")),
    ("ka", _("Georgian")),
    ("fa", _("Persian")),
    ("fr", _("French")),
    ("uk", _("Ukrainian")),
]
#: Where a service names a field that the form calls otherwise.
_FIELD_OF = {
    "actors": "actor_1",
    "file": "files",
    "observed_end": "observed_start",
    "members": "team",
}
_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=_LOCAL_FORMAT)


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [] if data in (None, "") else [super().clean(data, initial)]


class ServiceForm(forms.Form):
    """A form whose service's errors are shown beside the fields they name."""

    required_css_class = "required"

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            name = _FIELD_OF.get(name, name)
            shown = name in self.fields and not self.fields[name].widget.is_hidden
            self.add_error(name if shown else None, errors)

    def error_data(self) -> dict[str, list[str]]:
        """The errors by field as JSON sends them ("__all__" for those of no field)."""
        return {name: [str(m) for m in errors] for name, errors in self.errors.items()}


class _LocalTime(ServiceForm):
    """Times typed in the device's local time: ``utc_offset`` (minutes east of UTC, set by the
    page's script) says which; without it, the server's time zone."""

    utc_offset = forms.IntegerField(
        required=False, min_value=-14 * 60, max_value=14 * 60, widget=forms.HiddenInput
    )
    client_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def _in_local_time(self, value: dt.datetime | None) -> dt.datetime | None:
        offset = self.cleaned_data.get("utc_offset")
        if value is None or offset is None:
            return value
        wall_clock = timezone.make_naive(value)
        return wall_clock.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))


def _subtype_choices() -> list:
    groups: dict[Category, list[tuple[str, str]]] = {}
    for subtype in SubType.objects.select_related("category"):
        groups.setdefault(subtype.category, []).append((subtype.slug, subtype.name))
    return [("", _("(none)")), *((category.name, rows) for category, rows in groups.items())]


def subtype_data() -> list[dict[str, str]]:
    """Each sub-type's category and usual direction, for the page's script."""
    return [
        {"slug": s.slug, "category": s.category.slug, "direction": s.default_direction}
        for s in SubType.objects.select_related("category")
    ]


class ReportForm(_LocalTime):
    """An observation as a reporter gives it; the fields of ``report_observation``."""

    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    place_name = forms.CharField(
        label=_("Place name"),
        required=False,
        max_length=200,
        help_text=_("A town or village; with a point, the place it is near."),
        widget=forms.TextInput(attrs={**_TEXT, "list": "place-suggestions", "autocomplete": "off"}),
    )
    place_precision = forms.ChoiceField(
        label=_("How precise is the place"),
        required=False,
        choices=[("", _("(from what is given)")), *PlacePrecision.choices],
    )
    observed_start = forms.DateTimeField(label=_("When"), widget=_LocalDateTimeInput())
    time_precision = forms.ChoiceField(
        label=_("How precise is the time"), choices=TimePrecision.choices
    )
    category = forms.ChoiceField(label=_("Category"))
    subtype = forms.ChoiceField(label=_("Sub-type"), required=False)
    direction = forms.ChoiceField(
        label=_("What it says of compliance"),
        required=False,
        choices=[("", _("(usual for the sub-type)")), *Direction.choices],
    )
    casualties_low = forms.IntegerField(label=_("Low"), required=False, min_value=0)
    casualties_best = forms.IntegerField(label=_("Best estimate"), required=False, min_value=0)
    casualties_high = forms.IntegerField(label=_("High"), required=False, min_value=0)
    casualties_civilian = forms.IntegerField(label=_("Civilian"), required=False, min_value=0)
    casualties_combatant = forms.IntegerField(label=_("Combatant"), required=False, min_value=0)
    casualties_unknown = forms.IntegerField(label=_("Status unknown"), required=False, min_value=0)
    narrative = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 5})
    )
    language = forms.ChoiceField(label=_("Language of the narrative"), choices=NARRATIVE_LANGUAGES)
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"), choices=Sensitivity.choices, initial=Sensitivity.INTERNAL
    )
    public_precision = forms.ChoiceField(
        label=_("Place shown outside the mission"),
        choices=PublicPrecision.choices,
        initial=PublicPrecision.KM10,
    )
    patrol = forms.ModelChoiceField(
        label=_("Patrol"), required=False, queryset=Patrol.objects.none(), empty_label=_("(none)")
    )
    files = MultipleFileField(
        label=_("Photos and other files"),
        required=False,
        help_text=_("Photos, video, sound, PDF or text; several at once."),
    )

    numeric_fields = (
        "casualties_low",
        "casualties_best",
        "casualties_high",
        "casualties_civilian",
        "casualties_combatant",
        "casualties_unknown",
    )

    def __init__(
        self, *args: Any, user: AnyUser, patrols: QuerySet[Patrol] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = BLANK_CHOICE_DASH + [
            (c.slug, c.name) for c in Category.objects.all()
        ]
        self.fields["subtype"].choices = _subtype_choices()
        self.fields["patrol"].queryset = (
            patrols if patrols is not None else get_recent_patrols_for(user)
        )
        parties = Party.objects.order_by("name_en")
        attributions = Attribution.choices
        for row in range(1, ACTOR_ROWS + 1):
            self.fields[f"actor_{row}"] = forms.ModelChoiceField(
                label=_("Alleged actor"),
                required=False,
                queryset=parties,
                to_field_name="slug",
                empty_label=_("(none)"),
            )
            self.fields[f"attribution_{row}"] = forms.ChoiceField(
                label=_("How sure"), choices=attributions, initial=Attribution.ALLEGED
            )
            self.fields[f"actor_{row}"].label_from_instance = lambda party: party.name
        if "language" not in self.initial and not self.is_bound:
            from django.utils.translation import get_language

            self.initial["language"] = (get_language() or "en").split("-")[0]

    def actor_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"actor_{r}"], self[f"attribution_{r}"]) for r in range(1, ACTOR_ROWS + 1)]

    def report_arguments(self) -> dict[str, Any]:
        """The cleaned values as the reporting service takes them."""
        data = self.cleaned_data
        actors = [
            ActorIn(name=party.name_en, party=party, attribution=data[f"attribution_{r}"])
            for r in range(1, ACTOR_ROWS + 1)
            if (party := data.get(f"actor_{r}")) is not None
        ]
        arguments = {
            "category": data["category"],
            "subtype": data["subtype"] or None,
            "direction": data["direction"] or None,
            "observed_start": self._in_local_time(data["observed_start"]),
            "time_precision": data["time_precision"],
            "place_name": data["place_name"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "place_precision": data["place_precision"] or None,
            "actors": actors,
            **{name: data[name] for name in self.numeric_fields},
            "narrative": data["narrative"],
            "language": data["language"],
            "sensitivity": data["sensitivity"],
            "public_precision": data["public_precision"],
            "patrol": data["patrol"],
        }
        if "client_key" in self.fields:
            arguments["client_key"] = data["client_key"]
        return arguments


class CorrectionForm(ReportForm):
    """The report as its reporter corrects it: the same fields, without files or a key."""

    def __init__(self, *args: Any, observation: Observation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", initial_of(observation))
        patrols = get_recent_patrols_for(kwargs["user"])
        if observation.patrol_id is not None:
            patrols = patrols | Patrol.objects.filter(pk=observation.patrol_id)
        super().__init__(*args, patrols=patrols.distinct(), **kwargs)
        del self.fields["files"]
        del self.fields["client_key"]

    def report_arguments(self) -> dict[str, Any]:
        arguments = super().report_arguments()
        arguments["observed_end"] = None  # the end follows from the (corrected) precision
        return arguments


def initial_of(observation: Observation) -> dict[str, Any]:
    """A stored observation as the correction form shows it."""
    initial: dict[str, Any] = {
        name: getattr(observation, name)
        for name in (
            "latitude",
            "longitude",
            "place_name",
            "time_precision",
            "direction",
            "narrative",
            "language",
            "sensitivity",
            "public_precision",
            *ReportForm.numeric_fields,
        )
    }
    initial["place_precision"] = observation.place_precision
    initial["observed_start"] = timezone.localtime(observation.observed_start).replace(tzinfo=None)
    initial["utc_offset"] = 0
    initial["category"] = observation.category.slug
    initial["subtype"] = observation.subtype.slug if observation.subtype_id else ""
    initial["patrol"] = observation.patrol_id
    for row, actor in enumerate(observation.actors.select_related("party")[:ACTOR_ROWS], 1):
        if actor.party is not None:
            initial[f"actor_{row}"] = actor.party.slug
            initial[f"attribution_{row}"] = actor.attribution
    return initial


def _geojson(value: str, label: str) -> dict | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        geometry = json.loads(value)
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("%(field)s is not valid GeoJSON: %(problem)s") % {"field": label, "problem": error}
        ) from error
    if not isinstance(geometry, dict):
        raise ValidationError(_("%(field)s must be a GeoJSON geometry") % {"field": label})
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    return geometry


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class PatrolForm(_LocalTime):
    """A patrol as its team records it; the fields of ``record_patrol``."""

    team = forms.CharField(label=_("Team"), max_length=120, widget=forms.TextInput(attrs=_TEXT))
    started_at = forms.DateTimeField(label=_("Started"), widget=_LocalDateTimeInput())
    ended_at = forms.DateTimeField(label=_("Ended"), widget=_LocalDateTimeInput())
    area_places = forms.CharField(
        label=_("Places visited"),
        required=False,
        help_text=_("One name a line."),
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
    )
    area_admin = forms.CharField(
        label=_("Administrative areas covered"),
        required=False,
        help_text=_("One name a line."),
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
    )
    route = forms.CharField(
        label=_("Route"),
        required=False,
        help_text=_("Drawn on the map as a line (GeoJSON LineString)."),
        widget=forms.Textarea(attrs={"rows": 2, "class": "geojson"}),
    )
    area_polygon = forms.CharField(
        label=_("Area"),
        required=False,
        help_text=_("Drawn on the map as a shape (GeoJSON Polygon)."),
        widget=forms.Textarea(attrs={"rows": 2, "class": "geojson"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        help_text=_("Say so when the patrol saw nothing: that counts too."),
        widget=forms.Textarea(attrs={**_TEXT, "rows": 4}),
    )

    def clean_route(self) -> dict | None:
        return _geojson(self.cleaned_data["route"], _("Route"))

    def clean_area_polygon(self) -> dict | None:
        return _geojson(self.cleaned_data["area_polygon"], _("Area"))

    def patrol_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "team": data["team"],
            "started_at": self._in_local_time(data["started_at"]),
            "ended_at": self._in_local_time(data["ended_at"]),
            "area_places": _lines(data["area_places"]),
            "area_admin": _lines(data["area_admin"]),
            "route": data["route"],
            "area_polygon": data["area_polygon"],
            "notes": data["notes"],
            "client_key": data["client_key"],
        }
