import argparse

from django_tasks_db.management.commands import db_worker


class Command(db_worker.Command):
    help = (
        "Run the background worker: take queued jobs (sources to ingest, links and statuses to "
        "bring up to date after an import) from the database and run them, one at a time, "
        "until stopped (Ctrl-C or SIGTERM finishes the current job)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        super().add_arguments(parser)
        # Reloading on code changes is for development; abide's worker never reloads by default.
        parser.set_defaults(reload=False)
