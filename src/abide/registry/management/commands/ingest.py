import argparse
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from abide.core.commands import ActorCommand
from abide.extraction import ModelError
from abide.registry.access import require_registry_editor
from abide.registry.ingestion import (
    Outcome,
    check_source_url,
    files_in,
    ingest_files,
    make_extractor,
)
from abide.registry.management.commands.extract import iso_date


def http_url(value: str) -> str:
    """An http(s) URL for ``--url``; anything else is a usage error naming the value."""
    try:
        return check_source_url(value)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message_dict["url"][0]) from exc


class Command(ActorCommand):
    help = (
        "Ingest documents: extract their statements and commitments and store them, each file "
        "in one transaction, as proposals for review. The same text twice is stored once."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="FILE|DIR",
            help="files, or folders whose .txt/.md/.html files are ingested",
        )
        parser.add_argument(
            "--published",
            type=iso_date,
            metavar="DATE",
            help="publication date (YYYY-MM-DD) when the file does not say",
        )
        parser.add_argument("--publisher", default="", help="who published the documents")
        parser.add_argument(
            "--url", type=http_url, default="", help="where the document was published (http(s))"
        )
        super().add_arguments(parser)

    def handle(self, *args: object, **options: object) -> None:
        actor = self.actor(options)
        # Refused before the model loads; ingest_files checks again.
        require_registry_editor(actor, _("ingest documents"))
        paths = files_in(options["paths"])
        if not paths:
            raise CommandError("no readable files (.txt, .md, .html) in the paths given")
        try:
            extractor = make_extractor()
        except ModelError as exc:
            raise CommandError(str(exc)) from exc
        counts = dict.fromkeys(
            ("ingested", "already", "failed", "statements", "commitments", "walk_backs"), 0
        )
        total = len(paths)
        done = 0

        def progress(outcome: Outcome) -> None:
            nonlocal done
            done += 1
            if total > 1:
                # Progress goes to stderr, as `abide extract` does: stdout stays the results.
                self.stderr.write(f"[{done}/{total}] {outcome.path}")
                self.stderr.flush()
            if outcome.error:
                counts["failed"] += 1
                self.stderr.write(f"{outcome.path}: {outcome.error}")
                return
            result = outcome.result
            if result.created:
                counts["ingested"] += 1
                counts["statements"] += result.statements
                counts["commitments"] += result.commitments
                counts["walk_backs"] += result.walk_backs
                state = "ingested"
                if result.source.extraction == "not_extracted":
                    state = f"stored, not extracted (language {result.source.language})"
            else:
                counts["already"] += 1
                state = "already ingested"
            self.stdout.write(
                f"{outcome.path}: {state} ({result.statements} statements, "
                f"{result.commitments} proposed commitments, {result.walk_backs} walk-backs)"
            )
            self.stdout.flush()

        for _outcome in ingest_files(
            paths,
            actor=actor,
            extractor=extractor,
            published=options["published"],
            publisher=str(options["publisher"]),
            url=str(options["url"]),
            progress=progress,
        ):
            pass
        self.stdout.write(
            f"{counts['ingested']} ingested ({counts['statements']} statements, "
            f"{counts['commitments']} proposed commitments, {counts['walk_backs']} walk-backs), "
            f"{counts['already']} already "
            f"ingested, {counts['failed']} failed"
        )
        if counts["failed"]:
            sys.exit(1)
