"""The mission's dashboard and the home page's public figures: each equal to the database's
counts, the public version counting published material only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone

from abide.compliance.models import Assessment, Link, LinkState, Retraction, RetractionState
from abide.compliance.periods import parse_period
from abide.compliance.tests.test_linking import observe, pledge
from abide.compliance.tests.test_queues import retraction_of
from abide.observations.models import Observation, Sensitivity, Status
from abide.registry.models import Commitment, ReviewState
from abide.web import charts

pytestmark = pytest.mark.usefixtures("starter_registry")

WEEK = "2023-W40"  # 2 to 8 October 2023; the week before: 25 September to 1 October
ROLES = ("observer", "partner", "analyst", "head", "administrator")
READERS = {"analyst", "head", "administrator"}


@pytest.fixture
def mission(analyst):
    """Observations in the week and the one before, of several categories, directions,
    sensitivities and statuses; assessments of the week; items in every queue."""
    made = [
        observe(day=dt.date(2023, 10, 2)),
        observe(day=dt.date(2023, 10, 3), subtype="convoy_passed", actors=()),
        observe(day=dt.date(2023, 10, 8)),
        observe(day=dt.date(2023, 9, 27)),
        observe(day=dt.date(2023, 10, 9)),  # the week after: counted nowhere
    ]
    restricted = observe(day=dt.date(2023, 10, 4))
    public = observe(day=dt.date(2023, 10, 5))
    public_before = observe(day=dt.date(2023, 9, 28), subtype="convoy_passed", actors=())
    Observation.objects.filter(pk=restricted.pk).update(
        sensitivity=Sensitivity.RESTRICTED, status=Status.VERIFIED
    )
    Observation.objects.filter(pk__in=[public.pk, public_before.pk]).update(
        sensitivity=Sensitivity.PUBLIC, status=Status.CORROBORATED
    )
    Observation.objects.filter(pk=made[0].pk).update(sensitivity=Sensitivity.PUBLIC)  # reported
    confirmed = pledge()
    proposed = pledge(obligor="armenia", review_state=ReviewState.PROPOSED)
    period = parse_period(WEEK)
    for commitment, status in ((confirmed, "violated"), (proposed, "upheld")):
        assessment = Assessment.objects.create(
            commitment=commitment,
            period_kind="week",
            period_start=period.start,
            period_end=period.end,
            computed_status=status,
            rules_version=1,
            computed_at=timezone.now(),
        )
        # Decided by a published observation: the public sees the verdict (see as_seen_by).
        assessment.observations.add(public)
    Link.objects.create(
        commitment=confirmed,
        observation=made[0],
        state=LinkState.CANDIDATE,
        bearing="undercuts",
        obligor_role="involved",
    )
    retraction_of(confirmed)
    return confirmed, proposed


def figures(html: str) -> dict[tuple[str, str], tuple[int, int]]:
    rows = re.findall(
        r'data-category="([a-z_]+)" data-direction="([a-z]+)">.*?<td class="now">(\d+)</td>'
        r'<td class="before">(\d+)</td>',
        html,
    )
    return {(c, d): (int(now), int(before)) for c, d, now, before in rows}


def statuses(html: str) -> dict[str, int]:
    found = re.findall(r'data-status="([a-z_]+)">.*?<td class="count">(\d+)</td>', html)
    return {status: int(count) for status, count in found}


def expected(observations) -> dict[tuple[str, str], tuple[int, int]]:
    """The counts per category and direction, by the ORM, in the week and the one before."""
    period = parse_period(WEEK)
    before = parse_period("2023-W39")
    counts = {}
    for slug, direction in {
        (o.category.slug, o.direction) for o in observations.select_related("category")
    }:
        rows = observations.filter(category__slug=slug, direction=direction)
        now = rows.filter(
            observed_start__gte=period.start_time, observed_start__lt=period.end_time
        ).count()
        then = rows.filter(
            observed_start__gte=before.start_time, observed_start__lt=before.end_time
        ).count()
        if now or then:
            counts[(slug, direction)] = (now, then)
    return counts


def nonzero(found: dict) -> dict:
    return {key: value for key, value in found.items() if value != (0, 0)}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_refused_the_dashboard(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/dashboard/").status_code == (200 if role in READERS else 403)


def test_the_public_is_sent_to_log_in_from_the_dashboard(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_the_dashboard_figures_equal_the_databases_counts(client, analyst, mission):
    client.force_login(analyst)
    html = client.get("/dashboard/", {"period": WEEK}).content.decode()
    assert nonzero(figures(html)) == expected(Observation.objects.all())
    assert nonzero(figures(html))[("cessation_of_hostilities", "undercuts")] == (4, 1)
    period = parse_period(WEEK)
    stored = Assessment.objects.filter(period_kind="week", period_start=period.start)
    found = statuses(html)
    assert found["violated"] == stored.filter(computed_status="violated").count() == 1
    assert found["upheld"] == stored.filter(computed_status="upheld").count() == 1
    assert sum(found.values()) == stored.count()
    queues = dict(re.findall(r'data-queue="([a-z]+)">.*?<td class="count">(\d+)</td>', html))
    assert queues == {
        "commitments": str(Commitment.objects.filter(review_state="proposed").count()),
        "observations": str(Observation.objects.filter(status="reported").count()),
        "links": str(Link.objects.filter(state="candidate").count()),
        "retractions": str(Retraction.objects.filter(state=RetractionState.PROPOSED).count()),
    }
    oldest = Observation.objects.filter(status="reported").order_by("reported_at").first()
    assert oldest.reported_at.strftime("%Y-%m-%d %H:%M") in html
    assert '<svg class="chart comparison"' in html and "<title>Observations per category" in html


def test_a_month_and_a_day_are_compared_with_the_period_before(client, head, mission):
    client.force_login(head)
    month = figures(client.get("/dashboard/", {"period": "2023-10"}).content.decode())
    october = Observation.objects.filter(observed_start__month=10, observed_start__year=2023)
    september = Observation.objects.filter(observed_start__month=9, observed_start__year=2023)
    assert (
        month[("cessation_of_hostilities", "undercuts")]
        == (
            october.filter(direction="undercuts").count(),
            september.filter(direction="undercuts").count(),
        )
        == (5, 1)
    )
    day = figures(client.get("/dashboard/", {"period": "2023-10-02"}).content.decode())
    assert day[("cessation_of_hostilities", "undercuts")] == (1, 0)


def test_a_period_that_is_not_one_is_refused_naming_the_field(client, analyst):
    client.force_login(analyst)
    response = client.get("/dashboard/", {"period": "last week"})
    assert response.status_code == 422
    assert "period: &#x27;last week&#x27; is not a period" in response.content.decode()


def test_the_home_page_counts_published_material_only(client, analyst, mission):
    public = Observation.objects.filter(
        sensitivity=Sensitivity.PUBLIC, status__in=(Status.CORROBORATED, Status.VERIFIED)
    )
    for user in (None, analyst):  # the same public figures, whoever is signed in
        if user:
            client.force_login(user)
        html = client.get("/", {"period": WEEK}).content.decode()
        assert nonzero(figures(html)) == expected(public)
        assert nonzero(figures(html)) == {
            ("cessation_of_hostilities", "undercuts"): (1, 0),
            ("humanitarian_access", "supports"): (0, 1),
        }
        # The assessment of the proposed commitment is not counted; the confirmed one's is.
        assert statuses(html)["violated"] == 1 and statuses(html)["upheld"] == 0
        assert 'data-queue="' not in html


def test_the_charts_are_accessible_and_read_right_to_left():
    groups = [charts.BarGroup("Shelling <b>", 3, 5)]
    left = charts.comparison_bars(groups, title="T", current_label="now", previous_label="then")
    assert "<title>T</title>" in left and "Shelling &lt;b&gt;, now: 3" in left
    assert 'direction="rtl"' not in left and "<script" not in left
    right = charts.comparison_bars(
        groups, title="T", current_label="now", previous_label="then", rtl=True
    )
    assert 'direction="rtl"' in right
    # The longest bar starts at the right edge when read right to left.
    assert re.search(r'class="bar-previous" x="0\.0" y="[0-9.]+" width="316\.0"', left)
    widths = re.findall(r'class="bar-previous" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"', right)
    x, width = map(float, widths[-1])
    assert x + width == pytest.approx(charts.WIDTH)
    bars = charts.status_bars([charts.Bar("violated", "violated", 2)], title="S", rtl=True)
    assert 'class="status-violated"' in bars and ">\u20682\u2069</text>" in bars
