"""The desk's pages: sources, a source's text with what was read, the review queue."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from abide.audit.models import AuditEntry
from abide.registry.ingestion import ingest_file, make_extractor
from abide.registry.jobs import MAX_SOURCE_BYTES, queue_ingest
from abide.registry.models import (
    Category,
    Commitment,
    Party,
    ReviewState,
    Source,
    Statement,
)
from abide.registry.services import DocumentIn, StatementIn, ingest_document
from abide.registry.tests.desk import TINY, run_worker

EDITORS = ["analyst", "head", "administrator"]
OTHERS = ["observer", "partner"]
HOSTILE = 'Intro. <script>alert("x")</script> & "Azerbaijan will open the road," he said. End.'


@pytest.fixture
def ingested(starter_registry, analyst) -> Source:
    result = ingest_file(
        TINY, actor=analyst, extractor=make_extractor(), published=dt.date(2024, 3, 3)
    )
    return result.source


@pytest.fixture
def hostile(starter_registry, analyst) -> Source:
    start = HOSTILE.index('"Azerbaijan')
    end = HOSTILE.index(" he said") - 1
    result = ingest_document(
        DocumentIn(
            kind="statement",
            title="<b>Hostile</b> title",
            text=HOSTILE,
            language="en",
            statements=(StatementIn(start=start, end=end, mode="verbatim"),),
        ),
        actor=analyst,
    )
    return result.source


def client_for(request: pytest.FixtureRequest, role: str | None) -> Client:
    client = Client()
    if role:
        client.force_login(request.getfixturevalue(role))
    return client


def proposed(source: Source) -> list[Commitment]:
    return list(
        Commitment.objects.filter(
            statements__source=source, review_state=ReviewState.PROPOSED
        ).order_by("pk")
    )


# --- who may use the desk ------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, *OTHERS])
def test_the_desk_sends_the_public_to_sign_in_and_refuses_observers_and_partners(
    request, ingested, role
):
    client = client_for(request, role)
    refused = 403 if role else 302
    commitment = proposed(ingested)[0]
    pages = [
        reverse("registry:sources"),
        reverse("registry:source", args=[ingested.pk]),
        reverse("registry:review"),
        reverse("registry:job", args=["5b1f6a7e-7e0c-4a52-9c53-2f9e1a1f1a1f"]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == refused, url
        if role is None:
            assert response["Location"].startswith("/accounts/login/?next="), url
    posts = [
        (reverse("registry:sources"), {"text": "Some words."}),
        (reverse("registry:select", args=[ingested.pk]), {"start": 0, "end": 5}),
        (reverse("registry:confirm", args=[commitment.pk]), {}),
        (reverse("registry:reject", args=[commitment.pk]), {f"r{commitment.pk}-reason": "no"}),
        (reverse("registry:edit", args=[commitment.pk]), {}),
        (reverse("registry:merge", args=[commitment.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == refused, url
    assert DBTaskResult.objects.count() == 0
    commitment.refresh_from_db()
    assert commitment.review_state == ReviewState.PROPOSED


@pytest.mark.parametrize("role", EDITORS)
def test_analysts_the_head_of_mission_and_administrators_use_the_desk(request, ingested, role):
    client = client_for(request, role)
    job = queue_ingest(actor=request.getfixturevalue(role), text="Some words to read.")
    for url in [
        reverse("registry:sources"),
        reverse("registry:source", args=[ingested.pk]),
        reverse("registry:review"),
        reverse("registry:job", args=[job.id]),
    ]:
        assert client.get(url).status_code == 200, url
    home = client.get("/").content.decode()
    assert f'href="{reverse("registry:sources")}"' in home
    assert f'href="{reverse("registry:review")}"' in home


@pytest.mark.parametrize("role", [None, *OTHERS])
def test_the_navigation_offers_the_desk_to_analysts_only(request, starter_registry, role):
    home = client_for(request, role).get("/").content.decode()
    assert f'href="{reverse("registry:sources")}"' not in home
    assert f'href="{reverse("registry:review")}"' not in home


# --- sources -------------------------------------------------------------------------------


def test_the_sources_are_listed_newest_first_filtered_and_paged(starter_registry, analyst, client):
    for day in range(1, 31):
        ingest_document(
            DocumentIn(
                kind="statement",
                title=f"Statement {day:02d}" + (" on the corridor" if day % 2 else ""),
                text=f"Text number {day}.",
                language="en" if day < 29 else "fr",
                publisher="Agency A" if day % 3 else "Agency B",
                published=dt.date(2023, 9, day),
            ),
            actor=analyst,
        )
    client.force_login(analyst)
    page = client.get(reverse("registry:sources")).content.decode()
    titles = re.findall(r">(Statement \d\d)", page)
    assert titles[:3] == ["Statement 30", "Statement 29", "Statement 28"] and len(titles) == 25
    assert "Page 1 of 2 (30 in all)" in page
    second = client.get(reverse("registry:sources") + "?page=2").content.decode()
    assert re.findall(r">(Statement \d\d)", second) == [
        f"Statement {d:02d}" for d in range(5, 0, -1)
    ]
    filtered = client.get(
        reverse("registry:sources"),
        {"q": "corridor", "publisher": "agency b", "since": "2023-09-05", "until": "2023-09-25"},
    ).content.decode()
    assert re.findall(r">(Statement \d\d)", filtered) == [
        "Statement 21",
        "Statement 15",
        "Statement 09",
    ]
    french = client.get(reverse("registry:sources"), {"language": "fr"}).content.decode()
    assert re.findall(r">(Statement \d\d)", french) == ["Statement 30", "Statement 29"]


def test_an_analyst_pastes_a_text_follows_its_job_and_opens_the_source(
    starter_registry, analyst, client, monkeypatch
):
    client.force_login(analyst)
    answer = client.post(
        reverse("registry:sources"),
        {"text": TINY.read_text(), "published": "2024-03-03", "publisher": "abide desk"},
    )
    assert answer.status_code == 302
    job_url = answer["Location"]
    waiting = client.get(job_url).content.decode()
    assert "waiting for the worker" in waiting and 'hx-trigger="every 1s"' in waiting
    fragment = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="job"') and "<html" not in fragment
    run_worker(monkeypatch)
    done = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    source = Source.objects.get()
    assert "hx-trigger" not in done and "stored" in done
    assert reverse("registry:source", args=[source.pk]) in done
    assert source.publisher == "abide desk" and source.ingested_by == analyst


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.docx", b"PK\x03\x04 binary", "abide reads .txt, .md and .html files"),
        ("notes.txt", b"", "The submitted file is empty."),
        ("notes.txt", b"x" * (MAX_SOURCE_BYTES + 1), "larger than"),
    ],
)
def test_a_bad_upload_on_the_page_is_answered_422_beside_the_field_and_nothing_is_queued(
    starter_registry, analyst, client, name, data, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(analyst)
    answer = client.post(
        reverse("registry:sources"), {"file": SimpleUploadedFile(name, data), "text": ""}
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    field = page[page.index('for="id_file"') :]
    assert message in field[: field.index("</div>")]
    assert DBTaskResult.objects.count() == 0 and Source.objects.count() == 0


def test_the_source_page_escapes_the_text_and_its_segments_carry_offsets_into_it(
    hostile, analyst, client
):
    client.force_login(analyst)
    page = client.get(reverse("registry:source", args=[hostile.pk])).content.decode()
    assert "<script>alert" not in page and "<b>Hostile</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    text = page[page.index('id="source-text"') :]
    text = text[: text.index("</div>")]
    pieces = re.findall(
        r'<span data-start="(\d+)" data-end="(\d+)"([^>]*)>(.*?)</span>', text, re.S
    )
    rebuilt = ""
    for start, end, _attributes, escaped in pieces:
        words = html.unescape(escaped)
        assert hostile.text[int(start) : int(end)] == words
        rebuilt += words
    assert rebuilt == hostile.text
    quoted = [html.unescape(p[3]) for p in pieces if 'class="quote"' in p[2]]
    assert quoted == ['"Azerbaijan will open the road,']


def test_the_source_page_shows_each_proposed_commitment_with_its_parts(ingested, analyst, client):
    client.force_login(analyst)
    page = client.get(reverse("registry:source", args=[ingested.pk])).content.decode()
    for commitment in proposed(ingested):
        block = page[page.index(f'id="commitment-{commitment.pk}"') :]
        block = block[: block.index("</article>")]
        assert commitment.category.name_en in block
        assert "Obligor" in block and commitment.obligor_label() in block and "Confidence" in block
        assert "Demanded by" in block and "Deadline" in block and "Condition" in block
    assert 'class="quote"' in page and "commitment" in page


# --- adding what the reading missed, from a selection ------------------------------------------


def test_a_selection_becomes_a_statement_with_its_span(hostile, analyst, client):
    client.force_login(analyst)
    start = hostile.text.index("Intro")
    answer = client.post(
        reverse("registry:select", args=[hostile.pk]),
        {"what": "statement", "start": start, "end": start + 6, "mode": "paraphrase"},
    )
    assert answer.status_code == 302, answer.context["selection"].errors
    added = Statement.objects.filter(source=hostile).order_by("-pk").first()
    assert (added.start, added.end, added.text) == (start, start + 6, "Intro.")
    assert AuditEntry.objects.filter(action="create", object_id=str(added.pk)).exists()


def test_a_selection_becomes_a_proposed_commitment_resting_on_its_words(hostile, analyst, client):
    client.force_login(analyst)
    start = hostile.text.index("Azerbaijan will")
    end = hostile.text.index(" the road") + len(" the road")
    category = Category.objects.get(slug="freedom_of_movement")
    answer = client.post(
        reverse("registry:select", args=[hostile.pk]),
        {
            "what": "commitment",
            "start": start,
            "end": end,
            "mode": "verbatim",
            "party": Party.objects.get(slug="azerbaijan").pk,
            "kind": "pledge",
            "category": category.pk,
        },
    )
    assert answer.status_code == 302, answer.context["selection"].errors
    commitment = Commitment.objects.get(category=category)
    (statement,) = commitment.statements.all()
    assert statement.text == "Azerbaijan will open the road" == commitment.text
    assert commitment.review_state == ReviewState.PROPOSED
    assert commitment.obligor_party.slug == "azerbaijan"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": 5, "end": 500}, "start"),
        ({"start": 6, "end": 7}, "start"),  # a blank
        ({"start": 0, "end": 6, "category": ""}, "category"),
    ],
)
def test_a_bad_selection_is_answered_422_and_stores_nothing(hostile, analyst, client, data, field):
    client.force_login(analyst)
    before = Statement.objects.count()
    category = Category.objects.get(slug="freedom_of_movement").pk
    payload = {"what": "commitment", "mode": "verbatim", "kind": "pledge", "category": category}
    answer = client.post(reverse("registry:select", args=[hostile.pk]), {**payload, **data})
    assert answer.status_code == 422
    assert answer.context["selection"].errors[field]
    assert Statement.objects.count() == before and not Commitment.objects.exists()


# --- the review queue --------------------------------------------------------------------------


def test_the_queue_lists_proposed_commitments_oldest_first_and_filters_them(
    ingested, analyst, client
):
    client.force_login(analyst)
    rows = proposed(ingested)
    page = client.get(reverse("registry:review")).content.decode()
    found = [int(n) for n in re.findall(r'id="review-(\d+)"', page)]
    assert found == [c.pk for c in rows]
    only = client.get(
        reverse("registry:review"), {"category": "humanitarian_access", "party": "azerbaijan"}
    ).content.decode()
    assert [int(n) for n in re.findall(r'id="review-(\d+)"', only)] == [
        c.pk for c in rows if c.category.slug == "humanitarian_access"
    ]
    pledges = client.get(reverse("registry:review"), {"kind": "pledge", "source": ingested.pk})
    assert [int(n) for n in re.findall(r'id="review-(\d+)"', pledges.content.decode())] == [
        c.pk for c in rows if c.kind == "pledge"
    ]
    elsewhere = client.get(reverse("registry:review"), {"source": ingested.pk + 1})
    assert not re.findall(r'id="review-(\d+)"', elsewhere.content.decode())
    sure = client.get(reverse("registry:review"), {"confidence": "1"}).content.decode()
    assert len(re.findall(r'id="review-(\d+)"', sure)) == sum(1 for c in rows if c.confidence >= 1)


def test_confirming_in_place_answers_the_row_and_the_commitment_reaches_the_tracker(
    ingested, analyst, client
):
    client.force_login(analyst)
    commitment = proposed(ingested)[0]
    answer = client.post(
        reverse("registry:confirm", args=[commitment.pk]), headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    assert f'id="review-{commitment.pk}"' in answer.content.decode()
    commitment.refresh_from_db()
    assert commitment.review_state == ReviewState.CONFIRMED and commitment.reviewed_by == analyst
    assert commitment.pk in [c.pk for c in Commitment.objects.filter(review_state="confirmed")]
    assert Client().get(reverse("compliance:commitment", args=[commitment.pk])).status_code == 200


def test_correcting_a_commitment_confirms_it_with_the_corrections(ingested, analyst, client):
    client.force_login(analyst)
    commitment = proposed(ingested)[0]
    other = Category.objects.exclude(pk=commitment.category_id).first()
    prefix = f"c{commitment.pk}-"
    answer = client.post(
        reverse("registry:edit", args=[commitment.pk]),
        {
            prefix + "obligor_party": commitment.obligor_party_id,
            prefix + "category": other.pk,
            prefix + "text": "let convoys pass",
            prefix + "scope_area": "Lachin corridor",
            prefix + "deadline": "2024-04-01",
        },
    )
    assert answer.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.category, commitment.text, commitment.scope_area) == (
        other,
        "let convoys pass",
        "Lachin corridor",
    )
    assert commitment.review_state == ReviewState.CONFIRMED


def test_a_rejection_without_a_reason_is_answered_422_beside_the_reason(ingested, analyst, client):
    client.force_login(analyst)
    commitment = proposed(ingested)[0]
    answer = client.post(
        reverse("registry:reject", args=[commitment.pk]),
        {f"r{commitment.pk}-reason": ""},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "errorlist" in page and f'id="review-{commitment.pk}"' in page
    commitment.refresh_from_db()
    assert commitment.review_state == ReviewState.PROPOSED
    answer = client.post(
        reverse("registry:reject", args=[commitment.pk]),
        {f"r{commitment.pk}-reason": "Lavrov asked; nobody promised."},
    )
    assert answer.status_code == 302
    commitment.refresh_from_db()
    assert commitment.review_state == ReviewState.REJECTED
    assert commitment.review_note == "Lavrov asked; nobody promised."


def test_merging_a_duplicate_from_the_queue(ingested, analyst, client):
    client.force_login(analyst)
    first, second = proposed(ingested)[:2]
    duplicate = Commitment.objects.create(
        kind=first.kind,
        category=first.category,
        text=first.text,
        obligor_party=first.obligor_party,
        demanded_by_person=first.demanded_by_person,
        demanded_by_party=first.demanded_by_party,
    )
    duplicate.statements.set(second.statements.all())
    page = client.get(reverse("registry:review")).content.decode()
    row = page[page.index(f'id="review-{duplicate.pk}"') :]
    assert f"#{first.pk} " in row[: row.index("</article>")]  # offered as what it repeats
    answer = client.post(
        reverse("registry:merge", args=[duplicate.pk]),
        {f"m{duplicate.pk}-keep": first.pk, f"m{duplicate.pk}-reason": "The same demand."},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    duplicate.refresh_from_db()
    assert duplicate.merged_into == first and duplicate.review_state == ReviewState.REJECTED
    assert set(first.statements.all()) >= set(second.statements.all())
    bad = client.post(
        reverse("registry:merge", args=[second.pk]),
        {f"m{second.pk}-keep": second.pk, f"m{second.pk}-reason": "x"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and "into itself" in bad.content.decode()
