"""Background work of the registry, run by `abide worker` (django-tasks' database backend)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django_tasks import task

from abide.accounts.models import User
from abide.registry.ingestion import IngestError, ingest_text, make_extractor


@task()
def ingest_source(
    *,
    text: str,
    name: str,
    published: str | None,
    publisher: str,
    url: str,
    actor_id: int,
) -> dict:
    """Extract and store one text as `abide ingest` does; the result says what was stored
    (its counts and source) or why nothing was (``errors``)."""
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    outcome: dict = {
        "source": None,
        "created": False,
        "statements": 0,
        "commitments": 0,
        "walk_backs": 0,
        "errors": [],
    }
    if actor is None:
        outcome["errors"].append(f"no active user with id {actor_id}")
        return outcome
    try:
        result = ingest_text(
            text,
            name=name,
            actor=actor,
            extractor=make_extractor(),
            published=dt.date.fromisoformat(published) if published else None,
            publisher=publisher,
            url=url,
        )
    except IngestError as exc:
        outcome["errors"].append(exc.reason)
        return outcome
    except PermissionDenied as exc:
        outcome["errors"].append(str(exc) or "not allowed")
        return outcome
    outcome.update(
        source=result.source.pk,
        created=result.created,
        statements=result.statements,
        commitments=result.commitments,
        walk_backs=result.walk_backs,
    )
    return outcome
