"""Reports in the admin: every field read-only; approval and publication only through the
actions, which call the services as the signed-in user."""

from __future__ import annotations

import datetime as dt

from abide.audit.models import AuditEntry
from abide.reports.services import create_report
from abide.reports.spec import parse_spec


def test_the_admin_shows_a_report_read_only_and_acts_only_through_the_services(
    client, starter_registry, analyst, head
):
    report = create_report(parse_spec("2023-W39", today=dt.date(2024, 1, 1)), actor=analyst)
    client.force_login(analyst)
    page = client.get(f"/admin/reports/report/{report.pk}/change/")
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    client.post(f"/admin/reports/report/{report.pk}/change/", {"state": "published"})
    assert client.get("/admin/reports/report/add/").status_code == 403
    report.refresh_from_db()
    assert report.state == "draft"
    changelist = "/admin/reports/report/"
    client.post(changelist, {"action": "approve_selected", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.state == "draft"  # an analyst does not approve
    client.force_login(head)
    client.post(changelist, {"action": "approve_selected", "_selected_action": [report.pk]})
    client.post(changelist, {"action": "publish_selected", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.state == "published"
    assert set(report.snapshot) == {"internal", "public"}
    assert list(
        AuditEntry.objects.filter(object_type="reports.report", object_id=str(report.pk))
        .order_by("seq")
        .values_list("action", "actor_name")
    ) == [("create", analyst.username), ("approve", head.username), ("publish", head.username)]
