"""The mission's forms for reports: each validates web input for one service."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from abide.reports.models import REPORT_LANGUAGES, ReportPeriodKind
from abide.reports.spec import ReportSpec, parse_spec

KIND_CHOICES = [
    *ReportPeriodKind.choices,
    ("dossier", gettext_lazy("commitment dossier")),
]


class NewReportForm(forms.Form):
    """What a new report covers: a period of a kind (and a scope), or one commitment."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of report"), choices=KIND_CHOICES)
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "A day (2023-09-27), an ISO week (2023-W39), a month (2023-09) or from/to "
            "(2023-09-20/2023-09-30)."
        ),
    )
    scope = forms.CharField(
        label=gettext_lazy("Scope"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "Empty for the whole mission, or comma-separated: country:AM, area:Syunik, "
            "commitment:12."
        ),
    )
    commitment = forms.IntegerField(
        label=gettext_lazy("Commitment (for a dossier)"), required=False, min_value=1
    )

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind is None:
            return data
        if kind == "dossier":
            if not data.get("commitment"):
                self.add_error("commitment", _("A dossier is about one commitment: give its id."))
                return data
            period, commitment = None, data["commitment"]
        else:
            if not data.get("period"):
                self.add_error("period", _("Give the period the report covers."))
                return data
            period, commitment = data["period"], None
        try:
            spec = parse_spec(
                period,
                scope=data.get("scope", ""),
                commitment=commitment,
                today=timezone.localdate(),
            )
        except ValueError as exc:
            # The spec's error names the part at fault ("period", "scope" or "commitment").
            field = getattr(exc, "field", "commitment" if kind == "dossier" else "period")
            self.add_error(
                field if field in self.fields else None, getattr(exc, "message", str(exc))
            )
            return data
        if kind != "dossier" and spec.period_kind != kind:
            self.add_error(
                "period",
                _("%(period)s is not a period of the kind chosen (%(kind)s).")
                % {"period": period, "kind": ReportPeriodKind(kind).label},
            )
            return data
        data["spec"] = spec
        return data

    @property
    def spec(self) -> ReportSpec:
        return self.cleaned_data["spec"]


class IncidentsForm(forms.Form):
    """The notable incidents, chosen among the observations of the report's period."""

    observations = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Notable incidents"),
        coerce=int,
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observations"].choices = choices


class SummaryForm(forms.Form):
    """The summary in one language: as written, or a translation of the original."""

    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=[(code, code) for code in REPORT_LANGUAGES]
    )
    text = forms.CharField(label=gettext_lazy("Summary"), widget=forms.Textarea(attrs={"rows": 5}))
    is_original = forms.TypedChoiceField(
        label=gettext_lazy("These words are"),
        choices=[("1", gettext_lazy("as written")), ("0", gettext_lazy("a translation"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language_info

        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"]) for code in REPORT_LANGUAGES
        ]


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What this version corrects"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
