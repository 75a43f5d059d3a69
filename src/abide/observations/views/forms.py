"""The forms of the observation page: each parses what was typed for one service, which
checks the role, validates and audits (its ValidationError's messages go beside the fields
they name)."""

from __future__ import annotations

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from abide.compliance.forms import ReviewForm
from abide.observations.models import Credibility, Reliability, Status

_TEXT = {"dir": "auto"}


def _reason(label: str = _("Reason"), required: bool = True) -> forms.CharField:
    attrs = {**_TEXT, "rows": 2}
    if required:
        attrs["required"] = True
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs=attrs))


class TransitionForm(ReviewForm):
    to_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    reason = _reason()


class GradeForm(ReviewForm):
    reliability = forms.ChoiceField(
        label=_("Source reliability"),
        choices=BLANK_CHOICE_DASH + Reliability.choices,
        required=False,
    )
    credibility = forms.TypedChoiceField(
        label=_("Information credibility"),
        choices=BLANK_CHOICE_DASH + Credibility.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = _reason(_("Reason (optional)"), required=False)

    def clean_reliability(self) -> str | None:
        return self.cleaned_data["reliability"] or None


class LinkEventForm(ReviewForm):
    other = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = _reason()


class UnlinkEventForm(ReviewForm):
    reason = _reason()


class CommentForm(ReviewForm):
    text = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 3})
    )
