"""The filters of the observations list, the map and the downloads: one form, read from the
query string, applied to what the reader may see."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import AnyUser
from abide.observations.access import get_observations_for, sees_exact_places
from abide.observations.exporting import FilterError, filter_observations
from abide.observations.mapdata import Box
from abide.observations.models import (
    Direction,
    Observation,
    ObservationActor,
    PublicPrecision,
    Status,
)
from abide.observations.public_place import in_public_box
from abide.registry.models import Category

_ALL = [("", _("All"))]


class ObservationFilterForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    subtype = forms.CharField(label=_("Sub-type"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("Verification"), required=False)
    direction = forms.ChoiceField(label=_("Direction"), required=False)
    party = forms.CharField(label=_("Actor"), required=False, max_length=100)
    dataset = forms.CharField(label=_("Data set"), required=False, max_length=40)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    area = forms.CharField(label=_("Area"), required=False, max_length=120)
    patrol = forms.IntegerField(label=_("Patrol"), required=False, min_value=1)
    bbox = forms.CharField(
        label=_("Box (west,south,east,north)"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _ALL + [
            (category.slug, category.name) for category in Category.objects.order_by("position")
        ]
        self.fields["status"].choices = _ALL + Status.choices
        self.fields["direction"].choices = _ALL + Direction.choices

    def clean_bbox(self) -> Box | None:
        text = self.cleaned_data["bbox"]
        if not text:
            return None
        try:
            return Box.parse(text)
        except ValidationError as error:
            raise ValidationError(error.message_dict["bbox"]) from None

    def apply(self, user: AnyUser, queryset: QuerySet[Observation]) -> QuerySet[Observation]:
        """``queryset`` narrowed to the valid form's filters. For a reader outside the mission
        the place filters (box and area) apply to the place as it is shown to them."""
        data = self.cleaned_data
        try:
            queryset = filter_observations(
                queryset,
                category=data["category"] or None,
                subtype=data["subtype"] or None,
                country=data["country"] or None,
                since=data["since"],
                until=data["until"],
                status=data["status"] or None,
                dataset=data["dataset"] or None,
                direction=data["direction"] or None,
            )
        except FilterError as error:
            self.add_error(error.field, str(error))
            return queryset.none()
        if data["party"]:
            queryset = queryset.filter(
                Exists(
                    ObservationActor.objects.filter(
                        observation=OuterRef("pk"), party__slug=data["party"]
                    )
                )
            )
        if data["patrol"]:
            queryset = queryset.filter(patrol_id=data["patrol"])
        exact = sees_exact_places(user)
        if data["area"]:
            area = data["area"]
            if exact:
                queryset = queryset.filter(Q(admin1__iexact=area) | Q(admin2__iexact=area))
            else:  # only the area names the reader is shown
                shows_admin2 = [p for p in PublicPrecision.values if p not in ("100km", "hidden")]
                queryset = queryset.filter(
                    Q(admin1__iexact=area, public_precision__in=PublicPrecision.values[:-1])
                    | Q(admin2__iexact=area, public_precision__in=shows_admin2)
                )
        if data["bbox"] is not None:
            box = data["bbox"]
            if exact:
                queryset = queryset.filter(box.q("latitude", "longitude"))
            else:
                queryset = in_public_box(queryset, box)
        return queryset


def filtered_observations(
    user: AnyUser, query: dict
) -> tuple[ObservationFilterForm, QuerySet[Observation]]:
    """The form read from ``query`` and the observations ``user`` may see that match it (none
    while the form has errors)."""
    form = ObservationFilterForm(query)
    visible = get_observations_for(user)
    if not form.is_valid():
        return form, visible.none()
    return form, form.apply(user, visible)
