import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from abide.core.keyfiles import KeyFileError, write_secret
from abide.observations.evidence import evidence_key, reseal
from abide.observations.models import Evidence
from abide.observations.sealing import new_key


class Command(BaseCommand):
    help = "Evidence files at rest: make the key that seals restricted evidence, and seal."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        keygen = sub.add_parser(
            "keygen",
            help="make a key for ABIDE_EVIDENCE_KEY",
            description="Make a random 256-bit key for sealing the evidence of restricted "
            "observations, in base64. With --key FILE it is written to FILE (mode 0600, "
            "outside the data directory, never overwriting a file) for ABIDE_EVIDENCE_KEY_FILE; "
            "otherwise it is printed for ABIDE_EVIDENCE_KEY. Keep a copy apart from the "
            "backups: without it the sealed files cannot be read.",
        )
        keygen.add_argument("--key", metavar="FILE", help="write the key to this file")
        sub.add_parser(
            "seal",
            help="put every evidence file in the form its observations need",
            description="Seal the files of restricted observations that are stored plain (those "
            "stored before a key was set, or restored from a backup) and unseal those of "
            "observations no longer restricted. Safe to run again; needs the key.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "keygen":
            key = new_key()
            if not options.get("key"):
                self.stdout.write(key)
                return
            path = Path(str(options["key"]))
            try:
                write_secret(path, (key + "\n").encode("ascii"), "the evidence key")
            except KeyFileError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"evidence key written to {path.resolve()}")
            return
        if evidence_key() is None:
            raise CommandError("no key is set: set ABIDE_EVIDENCE_KEY or ABIDE_EVIDENCE_KEY_FILE")
        counts: dict[str, int] = {}
        shas = Evidence.objects.order_by().values_list("sha256", flat=True).distinct()
        for sha256 in shas:
            done = reseal(sha256) or "unchanged"
            counts[done] = counts.get(done, 0) + 1
        summary = ", ".join(f"{count} {what}" for what, count in sorted(counts.items()))
        self.stdout.write(f"evidence files: {summary or 'none'}")
