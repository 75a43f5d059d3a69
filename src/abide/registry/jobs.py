"""Queueing sources for ingestion and following the jobs that ingest them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from abide.accounts.access import AnyUser, can_edit_registry
from abide.accounts.models import User
from abide.registry.ingestion import READABLE_SUFFIXES
from abide.registry.tasks import ingest_source

#: The largest file or pasted text accepted for ingestion, in bytes.
MAX_SOURCE_BYTES = 2 * 1024 * 1024
_HTML = re.compile(r"<\s*(html|body|article|p|div|h[1-6]|br|section)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Job:
    """One queued ingestion: its state and, once done, what it stored."""

    id: str
    status: str  # queued, running, done, failed
    name: str
    enqueued_at: dt.datetime | None
    finished_at: dt.datetime | None
    source: int | None = None
    created: bool = False
    statements: int = 0
    commitments: int = 0
    walk_backs: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in {"done", "failed"}


def decode_upload(name: str, data: bytes) -> str:
    """The text of an uploaded file; ValidationError naming ``file`` when it is not one abide
    reads (type, size, empty, binary, not UTF-8)."""
    suffix = Path(name).suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise ValidationError(
            {
                "file": _("%(name)s: abide reads .txt, .md and .html files, not “%(suffix)s”.")
                % {"name": name, "suffix": suffix or _("no extension")}
            }
        )
    if len(data) > MAX_SOURCE_BYTES:
        raise ValidationError(
            {
                "file": _("%(name)s: the file is larger than %(limit)d KiB.")
                % {"name": name, "limit": MAX_SOURCE_BYTES // 1024}
            }
        )
    if not data.strip():
        raise ValidationError({"file": _("%(name)s: the file is empty.") % {"name": name}})
    if b"\x00" in data[:8192]:
        raise ValidationError({"file": _("%(name)s: a binary file, not text.") % {"name": name}})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {
                "file": _("%(name)s: not UTF-8 text (undecodable byte at offset %(offset)d).")
                % {"name": name, "offset": exc.start}
            }
        ) from exc


def queue_ingest(
    *,
    actor: User,
    text: str = "",
    file_name: str = "",
    file_data: bytes | None = None,
    published: dt.date | None = None,
    publisher: str = "",
    url: str = "",
) -> Job:
    """Queue a file (its name and bytes) or a pasted text or HTML for extraction and storage by
    the worker. Exactly one of the two; nothing is queued when anything is wrong."""
    if not can_edit_registry(actor):
        raise PermissionDenied(_("Only the mission's analysts add sources."))
    if file_data is not None and text.strip():
        raise ValidationError({"text": _("Upload a file or paste a text, not both.")})
    if file_data is not None:
        text = decode_upload(file_name or "upload", file_data)
        name = Path(file_name).name
    else:
        if not text.strip():
            raise ValidationError({"text": _("Paste a text or choose a file.")})
        if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
            raise ValidationError(
                {
                    "text": _("The text is larger than %(limit)d KiB.")
                    % {"limit": MAX_SOURCE_BYTES // 1024}
                }
            )
        if "\x00" in text:
            raise ValidationError({"text": _("The text contains binary data.")})
        name = "pasted.html" if _HTML.search(text[:5000]) else "pasted.txt"
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise ValidationError({"url": _("Enter an http or https address.")}) from exc
        if len(url) > 1000:
            raise ValidationError({"url": _("The address is longer than 1000 characters.")})
    if len(publisher) > 200:
        raise ValidationError({"publisher": _("At most 200 characters.")})
    result = ingest_source.enqueue(
        text=text,
        name=name,
        published=published.isoformat() if published else None,
        publisher=publisher.strip(),
        url=url.strip(),
        actor_id=actor.pk,
    )
    return _job(result)


def get_job_for(user: AnyUser, job_id: str) -> Job:
    """A queued ingestion, for the mission's analysts; PermissionDenied for anyone else,
    LookupError when there is no such job."""
    if not can_edit_registry(user):
        raise PermissionDenied(_("Only the mission's analysts follow ingestion jobs."))
    try:
        result = ingest_source.get_result(str(job_id))
    except (TaskResultDoesNotExist, ValueError) as exc:
        raise LookupError(job_id) from exc
    if result.task.name != ingest_source.name:
        raise LookupError(job_id)
    return _job(result)


def _job(result: object) -> Job:
    status = {
        TaskResultStatus.READY: "queued",
        TaskResultStatus.RUNNING: "running",
        TaskResultStatus.SUCCESSFUL: "done",
        TaskResultStatus.FAILED: "failed",
    }[result.status]
    common = {
        "id": str(result.id),
        "name": str(result.kwargs.get("name", "")),
        "enqueued_at": result.enqueued_at,
        "finished_at": result.finished_at,
    }
    if status == "failed":
        reason = result.errors[-1].exception_class_path if result.errors else "unknown"
        return Job(status=status, errors=[_("The job stopped: %s") % reason], **common)
    if status != "done":
        return Job(status=status, **common)
    value = result.return_value or {}
    errors = list(value.get("errors", []))
    return Job(
        status="failed" if errors else "done",
        source=value.get("source"),
        created=bool(value.get("created")),
        statements=int(value.get("statements", 0)),
        commitments=int(value.get("commitments", 0)),
        walk_backs=int(value.get("walk_backs", 0)),
        errors=errors,
        **common,
    )
