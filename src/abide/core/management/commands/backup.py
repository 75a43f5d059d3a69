import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from abide.core.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and the stored files to one file, while the server runs."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.description = (
            "Write a consistent snapshot of the database (SQLite's online backup API, or "
            "pg_dump for PostgreSQL) and of the data directory's files (evidence as stored, "
            "sealed files staying sealed) to one .tar.gz file with a manifest of SHA-256 "
            "hashes. Safe while the server runs. `abide restore FILE` restores it."
        )
        parser.add_argument(
            "--output",
            metavar="DIR_OR_FILE",
            required=True,
            help="the backup file to write, or a directory to write "
            "abide-backup-<time>.tar.gz into (outside the data directory; never overwritten)",
        )

    def handle(self, *args: object, **options: object) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        try:
            result = make_backup(Path(str(options["output"])), progress=self._progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for sha in result.missing:
            self.stderr.write(f"warning: the evidence file {sha} is missing from the store")
        self.stdout.write(
            f"backup written to {result.path}: {result.engine} database, audit chain of "
            f"{result.audit_entries} entries (head {result.audit_head}), {result.files} files, "
            f"{result.size:,} bytes"
        )

    def _progress(self, message: str) -> None:
        if self.verbosity > 1:
            self.stdout.write(message)
