"""The review forms of the commitment page: they parse what an analyst or the head of mission
typed, and the one service behind each (in ``abide.compliance``) checks the role, validates
and audits. A service's ValidationError names a field; ``add_service_errors`` puts each
message beside that field.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from abide.compliance.models import AssessmentStatus, Bearing, ObligorRole, RetractionKind
from abide.registry.models import Commitment, Statement

#: Free text in any of the mission's languages, Arabic included: the browser finds its direction.
_TEXT = {"dir": "auto"}


def _reason(label: str = _("Reason")) -> forms.CharField:
    """Text the service requires: it says so beside the field when it is missing (the browser
    asks for it first, where it can)."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2, "required": True}),
    )


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


class ReviewForm(forms.Form):
    """A form of the commitment page; ``key`` keeps the ids of its fields apart from those of
    the page's other forms (a page may hold one per candidate link or per assessment)."""

    template_name = "compliance/_review_fields.html"

    def __init__(self, *args: object, key: str, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"id_{key}_%s")
        super().__init__(*args, **kwargs)
        self.key = key

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's messages beside the fields it named (any other on top)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


class ConfirmLinkForm(ReviewForm):
    bearing = forms.ChoiceField(label=_("How it bears"), choices=Bearing.choices, required=False)
    obligor_role = forms.ChoiceField(
        label=_("The obligor is"), choices=ObligorRole.choices, required=False
    )
    reason = _reason()

    def clean_bearing(self) -> str | None:
        return self.cleaned_data["bearing"] or None

    def clean_obligor_role(self) -> str | None:
        return self.cleaned_data["obligor_role"] or None


class RejectLinkForm(ReviewForm):
    reason = _reason()


class ReopenLinkForm(ReviewForm):
    """Take back the decision on a confirmed or rejected link, saying why."""

    reason = _reason()


class AddLinkForm(ReviewForm):
    observation = forms.IntegerField(label=_("Observation number"), min_value=1)
    # No default: the analyst says how, each time.
    bearing = forms.ChoiceField(
        label=_("How it bears"), choices=BLANK_CHOICE_DASH + Bearing.choices
    )
    obligor_role = forms.ChoiceField(
        label=_("The obligor is"), choices=BLANK_CHOICE_DASH + ObligorRole.choices
    )
    reason = _reason()


class ScopeForm(ReviewForm):
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("Names or ISO codes, separated by commas."),
        widget=forms.TextInput(attrs=_TEXT),
    )
    admin_areas = forms.CharField(
        label=_("Administrative areas"),
        required=False,
        help_text=_("Names as the observations give them, separated by commas."),
        widget=forms.TextInput(attrs=_TEXT),
    )
    population = forms.CharField(
        label=_("Population"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_TEXT),
    )

    def clean_countries(self) -> list[str]:
        return _names(self.cleaned_data["countries"])

    def clean_admin_areas(self) -> list[str]:
        return _names(self.cleaned_data["admin_areas"])


class SignOffForm(ReviewForm):
    """Nothing to type: the button says it all."""


class OverrideForm(ReviewForm):
    status = forms.ChoiceField(label=_("Status"), choices=AssessmentStatus.choices)
    justification = _reason(_("Justification"))


class StatementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Statement) -> str:
        speaker = obj.speaker_person or obj.speaker_party or "—"
        day = obj.date_spoken.isoformat() if obj.date_spoken else "—"
        text = obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"
        return f"{day} · {speaker} · “{text}”"


class RetractionForm(ReviewForm):
    statement = StatementChoiceField(label=_("Statement"), queryset=Statement.objects.none())
    kind = forms.ChoiceField(
        label=_("How it walks the pledge back"), choices=RetractionKind.choices
    )
    reason = _reason()

    def __init__(self, *args: object, statements: QuerySet[Statement], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"].queryset = statements


class ConfirmRetractionForm(ReviewForm):
    """Confirm a retraction abide proposed, correcting how it walks the pledge back."""

    kind = forms.ChoiceField(
        label=_("How it walks the pledge back"), choices=RetractionKind.choices
    )
    reason = _reason()


class DismissRetractionForm(ReviewForm):
    reason = _reason()


class CommitmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Commitment) -> str:
        day = obj.date_made.isoformat() if obj.date_made else "—"
        text = obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"
        return f"{day} · {text}"


class SupersedeForm(ReviewForm):
    superseded_by = CommitmentChoiceField(
        label=_("Superseded by"), queryset=Commitment.objects.none()
    )
    reason = _reason()

    def __init__(self, *args: object, commitments: QuerySet[Commitment], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["superseded_by"].queryset = commitments


class ExpiryForm(ReviewForm):
    expires_on = forms.DateField(
        label=_("Last day it binds"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = _reason()


def obligor_statements(commitment: Commitment, visible: QuerySet[Statement]) -> QuerySet:
    """Statements that may walk ``commitment`` back: its obligor's (said by the party or one of
    its people), other than those it rests on; the latest first."""
    obligor = commitment.obligor_party_id
    if obligor is None:
        return visible.none()
    return (
        visible.filter(Q(speaker_party_id=obligor) | Q(speaker_person__roles__party_id=obligor))
        .exclude(commitments=commitment)
        .select_related("source", "speaker_person", "speaker_party")
        .distinct()
        .order_by("-date_spoken", "-pk")
    )
