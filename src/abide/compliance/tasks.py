"""Background work of compliance, run by `abide worker` (django-tasks' database backend):
bringing links and statuses up to date after an import."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from abide.accounts.models import User
from abide.compliance.access import can_assess
from abide.compliance.catchup import catch_up_run
from abide.observations.models import ImportRun

#: A job still marked running after this long is taken for one whose worker died.
STALE = dt.timedelta(hours=12)


@task()
def catch_up_import(*, run_id: int, actor_id: int) -> dict:
    """Propose the links of an import run's observations and assess again what they bear on
    (``compliance.catchup``); the result counts what was done."""
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    run = ImportRun.objects.filter(pk=run_id).first()
    if actor is None or run is None:
        missing = f"no active user with id {actor_id}" if actor is None else f"no run {run_id}"
        return {"errors": [missing]}
    return {**catch_up_run(run, actor=actor).as_dict(), "run": run_id, "errors": []}


def queue_catch_up(run: ImportRun, *, actor: User) -> str:
    """Queue the catch-up of an import run for the worker; the job's id."""
    if not can_assess(actor):
        raise PermissionDenied(_("only analysts and the head of mission assess commitments"))
    return str(catch_up_import.enqueue(run_id=run.pk, actor_id=actor.pk).id)


def pending_catch_ups(now: dt.datetime | None = None) -> QuerySet[DBTaskResult]:
    """The catch-ups queued or running at ``now`` (a running one not yet taken for dead)."""
    now = now or timezone.now()
    return DBTaskResult.objects.filter(task_path=catch_up_import.module_path).filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - STALE)
    )


def catching_up() -> bool:
    """Whether statuses are being brought up to date: a catch-up queued or running."""
    return pending_catch_ups().exists()
