import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from abide.audit.services import verify_log
from abide.core.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `abide backup` into an empty data directory and database."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.description = (
            "Check every file of the backup against its manifest, then restore the database "
            "and the files into ABIDE_DATA_DIR, which must be empty (or hold only the secret "
            "key abide makes at start), and into the database of DATABASE_URL, which must "
            "have no tables (PostgreSQL: a new database). Then verify the audit chain. "
            "Nothing is put in place if a file does not match its hash."
        )
        parser.add_argument("file", metavar="FILE", help="the backup file")

    def handle(self, *args: object, **options: object) -> None:
        try:
            result = restore_backup(Path(str(options["file"])))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the {result.engine} database and {result.files} files")
        check = verify_log()
        if not check.ok:
            self.stderr.write(f"audit log BROKEN after restoring: {check.problem}")
            sys.exit(1)
        if (check.entries, check.head_hash) != (result.audit_entries, result.audit_head):
            self.stderr.write(
                f"the restored audit chain ends at #{check.entries} {check.head_hash}, but the "
                f"backup's manifest says #{result.audit_entries} {result.audit_head}"
            )
            sys.exit(1)
        self.stdout.write(f"audit log intact: {check.entries} entries, head {check.head_hash}")
