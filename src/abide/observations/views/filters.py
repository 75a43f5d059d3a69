"""The filters of the observations list, the map and the downloads, as a web form: the shared
:class:`~abide.observations.filtering.ObservationFilterForm` (the API's too) with widgets for
a page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from abide.accounts.access import AnyUser
from abide.observations.access import sees_exact_places
from abide.observations.filtering import ObservationFilterForm
from abide.observations.models import Observation
from abide.registry.models import Category

_ALL = [("", _("All"))]


class ObservationFilterPageForm(ObservationFilterForm):
    def __init__(self, data: Any = None, *, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(data, user=user, **kwargs)
        fields = self.fields
        for name in ("since", "until"):
            fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        fields["category"].widget = forms.Select(
            choices=_ALL
            + [(category.slug, category.name) for category in Category.objects.order_by("position")]
        )
        for name in ("status", "direction", "sensitivity"):
            fields[name].choices = _ALL + list(fields[name].choices)[1:]
        fields["bbox"].widget = forms.HiddenInput()
        if not sees_exact_places(user):
            del fields["sensitivity"]  # the public's and partners' lists: public ones only
        labels = {
            "since": _("From"),
            "until": _("Until"),
            "category": _("Category"),
            "subtype": _("Sub-type"),
            "status": _("Verification"),
            "direction": _("Direction"),
            "party": _("Actor (party)"),
            "dataset": _("Data set"),
            "country": _("Country"),
            "area": _("Area"),
            "patrol": _("Patrol"),
            "sensitivity": _("Sensitivity"),
        }
        for name, label in labels.items():
            if name in fields:
                fields[name].label = label


def filtered_observations(
    user: AnyUser, query: Any
) -> tuple[ObservationFilterPageForm, QuerySet[Observation]]:
    """The form read from ``query`` and the observations ``user`` may see that match it (none
    while the form has errors)."""
    form = ObservationFilterPageForm(query, user=user)
    if not form.is_valid():
        return form, Observation.objects.none()
    return form, form.observations
