import argparse
import datetime as dt

from django_tasks_db.management.commands import db_worker

from abide.observations import partitions


class Command(db_worker.Command):
    help = (
        "Run the background worker: take queued jobs (sources to ingest, links and statuses to "
        "bring up to date after an import) from the database and run them, one at a time, "
        "until stopped (Ctrl-C or SIGTERM finishes the current job). On PostgreSQL it first "
        "creates the observations' partitions of this month and the months ahead, and does so "
        "again daily."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        super().add_arguments(parser)
        # Reloading on code changes is for development; abide's worker never reloads by default.
        parser.set_defaults(reload=False)

    def handle(self, *args: object, **options: object) -> None:
        if partitions.is_partitioned():
            partitions.create_months_ahead()
            partitions.schedule_months_ahead(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        super().handle(*args, **options)
