"""Catching up after an import: the links and statuses of the new observations, proposed and
assessed at once, are those that proposing links commitment by commitment and assessing every
stored period again give; an import queues it for the worker, and the tracker says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from abide.audit.models import AuditEntry
from abide.compliance import catchup
from abide.compliance.assessment import assess
from abide.compliance.catchup import catch_up, catch_up_run, observations_of_run
from abide.compliance.linking import linkable_commitments, propose_links, set_scope
from abide.compliance.models import Assessment, Link
from abide.compliance.periods import Period, period_of, periods_between
from abide.compliance.tasks import catching_up
from abide.compliance.tests.test_linking import observe, pledge
from abide.observations.importer import import_file
from abide.observations.models import ImportRun, Observation
from abide.registry.models import Category, Commitment, Party, ReviewState
from abide.registry.tests.desk import run_worker
from abide.testing import shared_path

pytestmark = pytest.mark.usefixtures("starter_registry")

SYRIA = ("data", "events", "ucdp", "knapply_ged191_syria_16566rows.csv")
NOTICE = b"Statuses are being brought up to date"


def _state() -> tuple[set, dict]:
    links = set(
        Link.objects.values_list(
            "commitment_id", "observation_id", "state", "bearing", "obligor_role"
        )
    )
    statuses = {}
    for assessment in Assessment.objects.prefetch_related("observations"):
        statuses[assessment.commitment_id, assessment.period_kind, assessment.period_start] = (
            assessment.computed_status,
            assessment.coverage_patrols,
            assessment.coverage_observations,
            assessment.coverage_public_observations,
            frozenset(o.pk for o in assessment.observations.all()),
        )
    return links, statuses


def _old_path(actor) -> None:
    """Today's way: links proposed commitment by commitment, every stored period assessed."""
    for commitment in linkable_commitments():
        propose_links(commitment, actor=actor)
    by_period: dict[Period, list[int]] = {}
    for commitment_id, kind, start, end in Assessment.objects.values_list(
        "commitment_id", "period_kind", "period_start", "period_end"
    ):
        by_period.setdefault(Period(kind, start, end), []).append(commitment_id)
    for period, ids in by_period.items():
        commitments = Commitment.objects.filter(pk__in=ids).select_related("category")
        assess(commitments, [period], actor=actor)


def _both_ways(ids: list[int], actor) -> tuple[tuple, tuple, object]:
    """The state after the old path (rolled back), and after the catch-up of ``ids``."""
    with transaction.atomic():
        _old_path(actor)
        old = _state()
        transaction.set_rollback(True)
    done = catch_up(ids, actor=actor)
    return old, _state(), done


def _assessed(
    commitments: list[Commitment],
    first: dt.date,
    last: dt.date,
    actor,
    kinds: tuple[str, ...] = ("day", "week", "month"),
) -> None:
    periods = [p for kind in kinds for p in periods_between(kind, first, last)]
    assess(commitments, periods, actor=actor)


@pytest.mark.parametrize("known_places", [100_000, 1])
def test_the_catch_up_gives_the_links_and_statuses_of_proposing_them_one_by_one(
    analyst, monkeypatch, known_places
):
    """A small case that always runs: scopes by country, area, circle and polygon, open and
    closed windows, observations naming the obligor, another party or no one; the same
    whether the candidates of each place are kept or worked out again for every row."""
    monkeypatch.setattr(catchup, "KNOWN_PLACES", known_places)
    pledge()  # Azerbaijan's territory, from 26 September 2023, no deadline
    by_area = pledge(deadline=dt.date(2023, 10, 8))
    set_scope(by_area, actor=analyst, admin_areas=["Khojaly"])
    by_circle = pledge(date_made=None, deadline=dt.date(2023, 10, 20))
    set_scope(
        by_circle,
        actor=analyst,
        places=[{"name": "Stepanakert", "latitude": 39.82, "longitude": 46.75, "radius_km": 15}],
    )
    by_polygon = pledge(obligor="armenia")
    square = [[45.0, 40.0], [46.0, 40.0], [46.0, 41.0], [45.0, 41.0], [45.0, 40.0]]
    set_scope(by_polygon, actor=analyst, polygon={"type": "Polygon", "coordinates": [square]})
    pledge(text="not confirmed", review_state=ReviewState.PROPOSED)
    everyone = list(linkable_commitments().select_related("category"))
    observe(day=dt.date(2023, 9, 28))  # before: linked by the old way already
    for commitment in everyone:
        propose_links(commitment, actor=analyst)
    _assessed(everyone, dt.date(2023, 9, 25), dt.date(2023, 10, 22), analyst)
    new = [
        observe(day=dt.date(2023, 10, 2)),
        observe(day=dt.date(2023, 10, 3), admin1="Khojaly", latitude=39.9, longitude=46.8),
        observe(
            day=dt.date(2023, 10, 4),
            actors=("armenia",),
            country="AM",
            latitude=40.5,
            longitude=45.5,
        ),
        observe(day=dt.date(2023, 10, 5), actors=(), direction="supports"),
        observe(day=dt.date(2023, 10, 6), actors=("armenia",)),
        observe(day=dt.date(2023, 10, 12), country="", latitude=39.83, longitude=46.76),
        observe(day=dt.date(2023, 10, 25)),  # after every assessed period
        observe(day=dt.date(2023, 9, 1)),  # before the pledges
        observe(day=dt.date(2023, 10, 9), country="AM", latitude=41.5, longitude=44.8),
    ]
    linked_before = Link.objects.count()
    old, now, done = _both_ways([o.pk for o in new], analyst)
    assert now == old
    assert done.links == len(now[0]) - linked_before > 0
    assert done.observations == len(new)
    assert done.assessments > 0
    entry = AuditEntry.objects.filter(action="propose links").latest("seq")
    assert entry.actor == analyst and len(entry.touched) == done.links


def _at(observation: Observation, start: dt.datetime, end: dt.datetime) -> Observation:
    Observation.objects.filter(pk=observation.pk).update(observed_start=start, observed_end=end)
    return observation


@pytest.mark.parametrize("zone", ["UTC", "Asia/Yerevan", "America/New_York"])
def test_the_catch_up_reads_a_commitments_time_by_its_utc_days_as_linking_does(analyst, zone):
    """The window runs from the start of the day the commitment was made to the end of its
    deadline, in UTC, whatever the current time zone: an observation a minute either side of
    either end is linked or not as ``propose_links`` links it."""
    commitment = pledge(date_made=dt.date(2023, 9, 26), deadline=dt.date(2023, 10, 8))
    utc = dt.UTC
    edges = {
        # ends a minute before the window opens
        "before": (
            dt.datetime(2023, 9, 25, 22, 0, tzinfo=utc),
            dt.datetime(2023, 9, 25, 23, 59, tzinfo=utc),
        ),
        # ends in the window's first minute
        "opening": (
            dt.datetime(2023, 9, 25, 22, 0, tzinfo=utc),
            dt.datetime(2023, 9, 26, 0, 0, tzinfo=utc),
        ),
        # begins in the window's last minute
        "closing": (
            dt.datetime(2023, 10, 8, 23, 59, tzinfo=utc),
            dt.datetime(2023, 10, 9, 2, 0, tzinfo=utc),
        ),
        # begins a minute after the window closes
        "after": (
            dt.datetime(2023, 10, 9, 0, 0, tzinfo=utc),
            dt.datetime(2023, 10, 9, 2, 0, tzinfo=utc),
        ),
    }
    made = {name: _at(observe(), *times) for name, times in edges.items()}
    with timezone.override(zone):
        old, now, done = _both_ways([o.pk for o in made.values()], analyst)
    assert now == old
    linked = {o for c, o, *_ in now[0] if c == commitment.pk}
    assert linked == {made["opening"].pk, made["closing"].pk}
    assert done.links == 2


def test_the_audit_entry_of_proposed_links_names_exactly_the_links_it_wrote(analyst):
    """The links' keys are taken before they are written: the entry names those rows, and
    keys of links deleted earlier are never given again."""
    commitment = pledge()
    earlier = catch_up([observe(day=dt.date(2023, 10, 1)).pk], actor=analyst)
    assert earlier.links == 1
    removed = Link.objects.get(commitment=commitment)
    Link.objects.filter(pk=removed.pk).delete()
    new = [observe(day=dt.date(2023, 10, 2)).pk, observe(day=dt.date(2023, 10, 3)).pk]
    done = catch_up(new, actor=analyst)
    entry = AuditEntry.objects.filter(action="propose links").latest("seq")
    written = set(Link.objects.filter(observation_id__in=new).values_list("pk", flat=True))
    assert done.links == 2 and len(written) == 2
    assert {int(item["id"]) for item in entry.touched} == written
    assert min(written) > removed.pk
    assert set(Link.objects.filter(pk__in=written).values_list("state", flat=True)) == {"candidate"}


def test_running_the_catch_up_twice_changes_nothing_more(analyst):
    commitment = pledge()
    _assessed([commitment], dt.date(2023, 9, 25), dt.date(2023, 10, 8), analyst)
    new = [observe(day=dt.date(2023, 10, 2)), observe(day=dt.date(2023, 10, 3))]
    first = catch_up([o.pk for o in new], actor=analyst)
    before = _state()
    second = catch_up([o.pk for o in new], actor=analyst)
    assert first.links == 2 and second.links == 0
    assert _state() == before


def _rows(source: Path, target: Path, first: int, count: int) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    # Records may hold line breaks inside quotes: cut on whole records with the csv module.
    import csv
    import io

    reader = csv.reader(io.StringIO("".join(lines)))
    header = next(reader)
    records = [row for _, row in zip(range(first + count), reader, strict=False)][first:]
    with target.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(records)
    return target


def test_on_real_data_the_catch_up_of_an_import_run_gives_the_same_as_the_old_way(
    analyst, tmp_path
):
    source = shared_path(*SYRIA)
    import_file(_rows(source, tmp_path / "ucdp_ged191_a.csv", 0, 1500), "ucdp", actor=analyst)
    span = Observation.objects.aggregate(first=Min("observed_start"), last=Max("observed_start"))
    areas = sorted(set(Observation.objects.exclude(admin1="").values_list("admin1", flat=True)))
    syria = Party.objects.get(slug="syria")
    category = Category.objects.get(slug="cessation_of_hostilities")
    made = span["first"].date()
    commitments = []
    for number, area in enumerate(areas[:8]):
        commitment = Commitment.objects.create(
            kind="pledge",
            obligor_party=syria,
            category=category,
            text=f"Syria ceases hostilities in {area}",
            scope_area=area,
            date_made=made + dt.timedelta(days=3 * number),
            deadline=made + dt.timedelta(days=9 * number + 150),
            review_state=ReviewState.CONFIRMED,
        )
        set_scope(commitment, actor=analyst, admin_areas=[area])
        commitments.append(commitment)
    commitments.append(pledge(obligor="syria", text="Syria ceases hostilities", date_made=made))
    for commitment in commitments:
        propose_links(commitment, actor=analyst)
    _assessed(commitments, made, made + dt.timedelta(days=180), analyst, ("week", "month"))
    import_file(_rows(source, tmp_path / "ucdp_ged191_b.csv", 1500, 1500), "ucdp", actor=analyst)
    run = ImportRun.objects.latest("started_at")
    ids = observations_of_run(run)
    assert len(ids) == run.created > 0
    old, now, done = _both_ways(ids, analyst)
    assert now == old
    assert done.links > 0 and done.assessments > 0


def test_an_import_queues_the_catch_up_the_worker_runs_it_and_the_tracker_says_so_meanwhile(
    analyst, client, monkeypatch, tmp_path, capsys
):
    commitment = pledge(obligor="syria", text="Syria ceases hostilities", date_made=None)
    week = period_of("week", dt.date(2016, 1, 4))
    assess([commitment], [week], actor=analyst)
    path = _rows(shared_path(*SYRIA), tmp_path / "ucdp_ged191_c.csv", 0, 300)
    assert client.get("/tracker/").content.count(NOTICE) == 0
    call_command("import", "ucdp", str(path), "--as", analyst.username)
    assert "queued for `abide worker`" in capsys.readouterr().out
    assert catching_up() and Link.objects.count() == 0
    assert client.get("/tracker/").content.count(NOTICE) == 1  # the public sees it too
    run_worker(monkeypatch)
    # (on PostgreSQL the worker also schedules the next day's partitions: another job)
    job = DBTaskResult.objects.get(task_path__endswith=".catch_up_import")
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value["links"] == Link.objects.count() > 0
    assert job.return_value["errors"] == []
    assert not catching_up()
    assert client.get("/tracker/").content.count(NOTICE) == 0
    assessment = Assessment.objects.get(commitment=commitment, period_start=week.start)
    assert assessment.observations.exists()


def test_import_with_assess_now_catches_up_at_once_and_a_dry_run_queues_nothing(
    analyst, tmp_path, capsys
):
    pledge(obligor="syria", text="Syria ceases hostilities", date_made=None)
    path = _rows(shared_path(*SYRIA), tmp_path / "ucdp_ged191_d.csv", 0, 200)
    call_command("import", "ucdp", str(path), "--as", analyst.username, "--dry-run")
    assert DBTaskResult.objects.count() == 0 and "queued" not in capsys.readouterr().out
    call_command("import", "ucdp", str(path), "--as", analyst.username, "--assess-now")
    out = capsys.readouterr().out
    assert f"{Link.objects.count()} links proposed" in out and Link.objects.exists()
    assert DBTaskResult.objects.count() == 0


def test_the_catch_up_of_a_run_is_for_those_who_assess(analyst, observer, tmp_path):
    from django.core.exceptions import PermissionDenied

    path = _rows(shared_path(*SYRIA), tmp_path / "ucdp_ged191_e.csv", 0, 20)
    import_file(path, "ucdp", actor=analyst)
    with pytest.raises(PermissionDenied):
        catch_up_run(ImportRun.objects.get(), actor=observer)
