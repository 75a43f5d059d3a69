"""``{% audit_trail obj %}``: who changed an object, when, and what changed, for those who may
read the audit log (``accounts.access.can_read_audit_log``: the head of mission and the
administrators); nothing at all for anyone else."""

from __future__ import annotations

from django import template
from django.db import models

from abide.accounts.access import can_read_audit_log
from abide.audit.chain import object_type
from abide.audit.models import AuditEntry

register = template.Library()

#: The most entries shown, newest first.
LIMIT = 100


def trail_for(obj: models.Model, limit: int = LIMIT) -> list[AuditEntry]:
    """The audit entries of ``obj`` itself, newest first."""
    return list(
        AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-seq")[:limit]
    )


@register.inclusion_tag("audit/_trail.html", takes_context=True)
def audit_trail(context: template.Context, obj: models.Model) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or user is None or not can_read_audit_log(user):
        return {"shown": False}
    entries = trail_for(obj)
    return {
        "shown": True,
        "entries": [
            {
                "entry": entry,
                "changes": [
                    (name, values[0], values[1]) for name, values in sorted(entry.changes.items())
                ],
                "reason": (entry.detail or {}).get("reason", ""),
            }
            for entry in entries
        ],
        "limit": LIMIT,
        "full": len(entries) == LIMIT,
    }
