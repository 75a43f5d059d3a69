import argparse
import sys

from django.core.management.base import BaseCommand

from abide.audit.services import verify_log


class Command(BaseCommand):
    help = "Work with the audit log. `abide audit verify` checks the whole hash chain."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "verify",
            help="walk the chain; exit 1 at the first broken link",
            description="Walk the audit chain from its first entry, recomputing every hash, and "
            "compare each audited object with its last audited state. Exits 0 when "
            "all is intact, 1 naming the first problem.",
        )

    def handle(self, *args: object, **options: object) -> None:
        result = verify_log()
        if not result.ok:
            self.stderr.write(f"audit log BROKEN: {result.problem}")
            sys.exit(1)
        self.stdout.write(
            f"audit log intact: {result.entries} entries, {result.objects} audited objects, "
            f"head {result.head_hash}"
        )
