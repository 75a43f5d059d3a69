"""Web forms of the analyst's desk; each feeds one registry service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from abide.registry.jobs import MAX_SOURCE_BYTES
from abide.registry.models import Category, CommitmentKind, Mode, Party


class SourceForm(forms.Form):
    file = forms.FileField(
        label=_("File (.txt, .md, .html)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.html,.htm"}),
        help_text=_("At most %(kib)d KiB.") % {"kib": MAX_SOURCE_BYTES // 1024},
    )
    text = forms.CharField(
        label=_("or paste the text or HTML"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    published = forms.DateField(
        label=_("Published"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=200)
    url = forms.URLField(label=_("URL"), required=False, max_length=1000, assume_scheme="https")


class SourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Title contains"), required=False)
    publisher = forms.CharField(label=_("Publisher"), required=False)
    language = forms.CharField(label=_("Language"), required=False, max_length=12)
    since = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReviewFilterForm(forms.Form):
    source = forms.IntegerField(label=_("Source (number)"), required=False, min_value=1)
    party = forms.ModelChoiceField(
        label=_("Party"), queryset=Party.objects.all(), required=False, to_field_name="slug"
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, to_field_name="slug"
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *CommitmentKind.choices], required=False
    )
    confidence = forms.FloatField(
        label=_("Confidence at least"), required=False, min_value=0, max_value=1
    )


class EditCommitmentForm(forms.Form):
    obligor_party = forms.ModelChoiceField(
        label=_("Obligor"), queryset=Party.objects.all(), required=False
    )
    demanded_by_party = forms.ModelChoiceField(
        label=_("Demanded by"), queryset=Party.objects.all(), required=False
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    text = forms.CharField(
        label=_("What is promised or demanded"), widget=forms.Textarea(attrs={"rows": 3})
    )
    scope_area = forms.CharField(label=_("Area"), required=False, max_length=300)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    condition = forms.CharField(
        label=_("Condition"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.TextInput)


class MergeForm(ReasonForm):
    keep = forms.IntegerField(label=_("The commitment it repeats (number)"), min_value=1)


class SelectionForm(forms.Form):
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    what = forms.ChoiceField(
        label=_("Add"),
        choices=[("statement", _("a statement")), ("commitment", _("a commitment"))],
        initial="commitment",
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.PARAPHRASE)
    party = forms.ModelChoiceField(
        label=_("Speaker and obligor"), queryset=Party.objects.all(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CommitmentKind.choices,
        initial=CommitmentKind.PLEDGE,
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    text = forms.CharField(
        label=_("What is promised (the selection if empty)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
