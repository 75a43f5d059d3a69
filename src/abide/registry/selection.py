"""Adding what the extractor missed, from words an analyst selected in a source."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from abide.accounts.access import can_edit_registry
from abide.accounts.models import User
from abide.registry.models import Category, Commitment, Party, Source, Statement
from abide.registry.services import add_commitment, add_statement


def _check_span(source: Source, start: int, end: int) -> None:
    if not 0 <= start < end <= len(source.text):
        raise ValidationError(
            {
                "start": _(
                    "The selection %(start)d–%(end)d lies outside the source's text of "
                    "%(length)d characters."
                )
                % {"start": start, "end": end, "length": len(source.text)}
            }
        )
    if not source.text[start:end].strip():
        raise ValidationError({"start": _("The selection holds no words.")})


@transaction.atomic
def add_statement_from_selection(
    source: Source,
    *,
    actor: User,
    start: int,
    end: int,
    mode: str,
    speaker_party: Party | None = None,
) -> Statement:
    """A statement of ``source`` on the selected characters ``start``–``end`` of its text."""
    if not can_edit_registry(actor):
        raise PermissionDenied(_("Only the mission's analysts add statements."))
    _check_span(source, start, end)
    try:
        return add_statement(
            source, actor=actor, start=start, end=end, mode=mode, speaker_party=speaker_party
        )
    except ValidationError as exc:
        raise _on_field(exc, "mode") from exc


@transaction.atomic
def add_commitment_from_selection(
    source: Source,
    *,
    actor: User,
    start: int,
    end: int,
    mode: str,
    kind: str,
    category: Category,
    obligor_party: Party | None = None,
    text: str = "",
) -> Commitment:
    """A proposed commitment resting on a new statement of the selected characters; its text
    is the selected words unless another is given."""
    statement = add_statement_from_selection(
        source, actor=actor, start=start, end=end, mode=mode, speaker_party=obligor_party
    )
    try:
        return add_commitment(
            [statement],
            actor=actor,
            kind=kind,
            category=category,
            text=(text.strip() or source.text[start:end])[:2000],
            obligor_party=obligor_party,
            date_made=source.published,
        )
    except ValidationError as exc:
        raise _on_field(exc, "kind") from exc


def _on_field(exc: ValidationError, field: str) -> ValidationError:
    """A service's error as is when it names its fields, else shown beside ``field``."""
    if hasattr(exc, "error_dict"):
        return exc
    return ValidationError({field: exc.messages})
