"""The desk through the API: sources, jobs and the review of proposed commitments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from abide.accounts.tokens import issue_token
from abide.registry.ingestion import ingest_file, make_extractor
from abide.registry.models import Commitment, ReviewState, Source
from abide.registry.tests.desk import TINY, run_worker

ROLES = ["observer", "partner", "analyst", "head", "administrator"]
EDITORS = {"analyst", "head", "administrator"}


@pytest.fixture
def ingested(starter_registry, analyst) -> Source:
    return ingest_file(
        TINY, actor=analyst, extractor=make_extractor(), published=dt.date(2024, 3, 3)
    ).source


def api(request: pytest.FixtureRequest, role: str | None) -> Client:
    """A client calling as ``role`` with an API token (no token for the public)."""
    if role is None:
        return Client()
    user = request.getfixturevalue(role)
    _, key = issue_token(user, "desk test", actor=user)
    return Client(headers={"Authorization": f"Bearer {key}"})


def proposed(source: Source) -> list[Commitment]:
    return list(
        Commitment.objects.filter(statements__source=source, review_state="proposed").order_by("pk")
    )


@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_route_answers_each_role_as_it_may(request, ingested, role):
    client = api(request, role)
    commitment = proposed(ingested)[0]
    editor = role in EDITORS
    listed = client.get("/api/sources").json()
    # Staff see every source; everyone else only those a confirmed commitment rests on.
    assert listed["count"] == (1 if editor else 0)
    assert client.get(f"/api/sources/{ingested.pk}").status_code == (200 if editor else 404)
    refused = 401 if role is None else 403
    changes = [
        ("post", "/api/sources", {"text": "Some words."}),
        ("get", "/api/review/commitments", None),
        ("post", f"/api/commitments/{commitment.pk}/confirm", {}),
        ("post", f"/api/commitments/{commitment.pk}/reject", {"reason": "no"}),
        ("patch", f"/api/commitments/{commitment.pk}", {"text": "changed"}),
        ("post", f"/api/commitments/{commitment.pk}/merge", {"duplicate": 1, "reason": "x"}),
    ]
    if editor:
        return
    for method, url, body in changes:
        kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
        answer = getattr(client, method)(url, **kwargs)
        assert answer.status_code == refused, (method, url, answer.content)
    assert DBTaskResult.objects.count() == 0
    commitment.refresh_from_db()
    assert commitment.review_state == ReviewState.PROPOSED and commitment.text != "changed"


def test_a_bad_token_is_refused_with_401(ingested):
    client = Client(headers={"Authorization": "Bearer abide_not-a-key"})
    assert client.get("/api/sources").status_code == 401
    assert (
        client.post("/api/sources", {"text": "x"}, content_type="application/json").status_code
        == 401
    )


def test_a_source_is_posted_answered_202_with_its_job_and_followed_to_its_spans(
    request, starter_registry, monkeypatch
):
    client = api(request, "analyst")
    answer = client.post(
        "/api/sources",
        {"text": TINY.read_text(), "name": "tiny.txt", "published": "2024-03-03"},
        content_type="application/json",
    )
    assert answer.status_code == 202
    job = answer.json()
    assert job["status"] == "queued" and job["url"] == f"/api/jobs/{job['id']}"
    run_worker(monkeypatch)
    done = client.get(job["url"]).json()
    assert done["status"] == "done" and done["commitments"] >= 2 and done["errors"] == []
    detail = client.get(f"/api/sources/{done['source']}").json()
    assert detail["published"] == "2024-03-03"
    quote = next(s for s in detail["statements"] if s["mode"] == "verbatim")
    assert (
        detail["text"][quote["start"] : quote["end"]] == "We will keep our peacekeepers in place,"
    )
    assert len(detail["commitments"]) == done["commitments"]
    assert client.get("/api/jobs/5b1f6a7e-7e0c-4a52-9c53-2f9e1a1f1a1f").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x", "name": "a.pdf"}, "file"),
        ({"text": "words", "url": "ftp://example.org"}, "url"),
    ],
)
def test_a_bad_source_is_answered_422_naming_the_field(request, starter_registry, body, field):
    answer = api(request, "analyst").post("/api/sources", body, content_type="application/json")
    assert answer.status_code == 422
    assert field in answer.json()["detail"]
    assert DBTaskResult.objects.count() == 0


def test_the_review_queue_confirm_reject_patch_and_merge(request, ingested, analyst):
    client = api(request, "analyst")
    queue = client.get("/api/review/commitments").json()
    rows = proposed(ingested)
    assert [c["id"] for c in queue] == [c.pk for c in rows]
    only = client.get("/api/review/commitments", {"category": "humanitarian_access"}).json()
    assert {c["category"] for c in only} == {"humanitarian_access"}
    assert client.get("/api/review/commitments", {"kind": "promise"}).status_code == 422

    first, second, *rest = rows
    patched = client.patch(
        f"/api/commitments/{first.pk}",
        {"category": "cessation_of_hostilities", "deadline": "2024-04-01"},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["category"] == "cessation_of_hostilities"
    assert patched.json()["deadline"] == "2024-04-01"
    bad = client.patch(
        f"/api/commitments/{first.pk}", {"obligor": "atlantis"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "obligor" in bad.json()["detail"]

    confirmed = client.post(f"/api/commitments/{first.pk}/confirm", content_type="application/json")
    assert confirmed.status_code == 200 and confirmed.json()["review_state"] == "confirmed"
    no_reason = client.post(
        f"/api/commitments/{second.pk}/reject", {"reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    rejected = client.post(
        f"/api/commitments/{second.pk}/reject",
        {"reason": "nobody promised it"},
        content_type="application/json",
    )
    assert rejected.json()["review_state"] == "rejected"

    if rest:
        duplicate = rest[0]
        Commitment.objects.filter(pk=duplicate.pk).update(kind=first.kind, category=first.category)
        merged = client.post(
            f"/api/commitments/{first.pk}/merge",
            {"duplicate": duplicate.pk, "reason": "the same"},
            content_type="application/json",
        )
        assert merged.status_code == 200, merged.content
        assert set(merged.json()["statements"]) >= {
            s.pk for s in Commitment.objects.get(pk=first.pk).statements.all()
        }
        duplicate.refresh_from_db()
        assert duplicate.merged_into_id == first.pk
    itself = client.post(
        f"/api/commitments/{first.pk}/merge",
        {"duplicate": first.pk, "reason": "the same"},
        content_type="application/json",
    )
    assert itself.status_code == 422 and "duplicate" in itself.json()["detail"]
