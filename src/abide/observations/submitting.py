"""A report and its files, stored together or not at all (the reporting page sends both)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction

from abide.accounts.models import User
from abide.observations.evidence import store_evidence
from abide.observations.models import Evidence, Observation
from abide.observations.reporting import report_observation


def report_with_files(
    *, actor: User, files: Iterable[tuple[str, BinaryIO]] = (), **report: Any
) -> tuple[Observation, bool, list[Evidence]]:
    """Report an observation (:func:`report_observation`'s arguments) with its evidence files
    (``(name, file)`` pairs) in one transaction; ``(observation, created, evidence)``.

    A file the evidence checks refuse refuses the whole report: a ValidationError naming
    ``files``, and nothing stored. A submission retried with the same ``client_key`` returns
    the stored observation, and its files are not stored on it twice.
    """
    with transaction.atomic():
        observation, created = report_observation(actor=actor, **report)
        stored = []
        for name, fileobj in files:
            try:
                evidence, _ = store_evidence(observation, fileobj, name=name, actor=actor)
            except ValidationError as error:
                messages = error.message_dict.get("file") if hasattr(error, "error_dict") else None
                raise ValidationError({"files": messages or error.messages}) from error
            stored.append(evidence)
    return observation, created, stored
