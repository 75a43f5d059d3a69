import argparse
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from abide.core.commands import ActorCommand
from abide.core.errors import describe
from abide.observations.importer import (
    BATCH_SIZE,
    KINDS,
    SQLITE_BATCH_SIZE,
    ImportFailed,
    ImportSummary,
    import_file,
)
from abide.registry.pax import PaxImportFailed, PaxSummary, import_pax


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class Command(ActorCommand):
    help = (
        "Import event data (UCDP GED, ACLED, or a CSV or GeoJSON file with a column mapping) "
        "as observations, or PA-X peace agreements (pax) as sources and proposed pledges: "
        "in batches, each committed with its progress, so that an "
        "interrupted import resumes when run again; rows already imported are updated, "
        "never duplicated."
    )
    # Django's system checks (the URLs, and through them every API and the language
    # pipeline, loaded only to be checked) took about 2.7 s before each import; they are
    # `abide check`'s job, run at deployment and by the test suite.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("kind", choices=(*KINDS, "pax"), help="what the files hold")
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--mapping",
            type=Path,
            metavar="MAP",
            help="column mapping file (needed for csv; for pax, the provision mapping)",
        )
        parser.add_argument(
            "--dataset-version",
            dest="dataset_version",
            metavar="VERSION",
            help="the data set's version (default: from the file name, e.g. v23_1 -> 23.1)",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=None,
            help=f"rows per transaction (event files: {BATCH_SIZE} on PostgreSQL, "
            f"{SQLITE_BATCH_SIZE} on SQLite; PA-X files: {BATCH_SIZE})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="read and check everything, store nothing"
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="store nothing from a file that has any bad row",
        )
        parser.add_argument(
            "--assess-now",
            action="store_true",
            help="propose the new observations' links and assess again what they bear on "
            "here and now, rather than queueing it for `abide worker`",
        )
        super().add_arguments(parser)

    def handle(self, *args: object, **options: object) -> None:
        actor = self.actor(options)
        failed = 0
        for path in options["files"]:
            progress = _Progress(path, self.stderr)
            if options["kind"] == "pax":
                failed += self._import_pax(path, actor, options, progress)
                continue
            try:
                summary = import_file(
                    path,
                    options["kind"],
                    actor=actor,
                    mapping=options["mapping"],
                    version=options["dataset_version"],
                    batch_size=options["batch_size"],
                    dry_run=options["dry_run"],
                    strict=options["strict"],
                    on_problem=progress.problem,
                    on_progress=progress.update,
                )
            except ImportFailed as exc:
                progress.close()
                self.stderr.write(str(exc))
                failed += 1
                continue
            except KeyboardInterrupt:
                progress.close()
                self.stderr.write(
                    f"{path}: interrupted; the batches already committed are kept, and "
                    "importing the file again resumes after them"
                )
                sys.exit(130)
            progress.close()
            self._report(summary)
            if summary.broken:
                self.stderr.write(
                    f"{summary.broken}: the file breaks off; the {summary.rows} whole records "
                    "before the break were imported and the import run is marked failed"
                )
            failed += bool(summary.rejected or summary.broken)
            if summary.run is not None and (summary.created or summary.updated):
                self._catch_up(summary, actor, now=options["assess_now"])
        if failed:
            raise CommandError(
                f"{failed} of {len(options['files'])} files were not wholly imported"
            )

    def _catch_up(self, summary: ImportSummary, actor: object, *, now: bool) -> None:
        """Bring the links and statuses up to date after the file: here, or by the worker."""
        from abide.compliance.catchup import catch_up_run
        from abide.compliance.tasks import queue_catch_up
        from abide.observations.models import ImportRun

        run = ImportRun.objects.get(pk=summary.run)
        if now:
            done = catch_up_run(run, actor=actor)
            self.stdout.write(
                _(
                    "%(file)s: %(links)d links proposed, %(assessments)d assessments of "
                    "%(commitments)d commitments brought up to date"
                )
                % {"file": summary.file, **done.as_dict()}
            )
            return
        job = queue_catch_up(run, actor=actor)
        self.stdout.write(
            _(
                "%(file)s: proposing links and bringing statuses up to date is queued for "
                "`abide worker` (job %(job)s)"
            )
            % {"file": summary.file, "job": job}
        )

    def _import_pax(self, path: Path, actor: object, options: dict, progress: "_Progress") -> bool:
        """Import one PA-X file; True when it was not wholly imported."""
        try:
            summary = import_pax(
                path,
                actor=actor,
                mapping=options["mapping"],
                batch_size=options["batch_size"] or BATCH_SIZE,
                dry_run=options["dry_run"],
                strict=options["strict"],
                on_problem=progress.problem,
                on_progress=progress.update,
            )
        except PaxImportFailed as exc:
            progress.close()
            self.stderr.write(describe(exc))
            return True
        except KeyboardInterrupt:
            progress.close()
            self.stderr.write(
                _(
                    "%(path)s: interrupted; the batches already committed are kept, and "
                    "importing the file again skips them as unchanged"
                )
                % {"path": path}
            )
            sys.exit(130)
        progress.close()
        self._report_pax(summary)
        return bool(summary.rejected)

    def _report_pax(self, summary: PaxSummary) -> None:
        for name, agreements in sorted(summary.unmatched_parties.items()):
            self.stderr.write(
                _("%(file)s: no party matches %(name)r (%(count)d agreements)")
                % {"file": summary.file, "name": name, "count": agreements}
            )
        prefix = _("dry run, nothing stored: ") if summary.dry_run else ""
        made = ", ".join(f"{slug} {n}" for slug, n in sorted(summary.commitments.items()))
        self.stdout.write(
            _(
                "%(file)s: %(prefix)s%(dataset)s: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(rejected)d rejected (%(rows)d rows); "
                "%(commitments)d commitments proposed%(made)s; %(without)d agreements name no "
                "registry party"
            )
            % {
                "file": summary.file,
                "prefix": prefix,
                "dataset": summary.dataset,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "rejected": summary.rejected,
                "rows": summary.rows,
                "commitments": sum(summary.commitments.values()),
                "made": f" ({made})" if made else "",
                "without": summary.without_parties,
            }
        )

    def _report(self, summary: ImportSummary) -> None:
        for name, rows in summary.unmatched_actors.items():
            self.stderr.write(f"{summary.file}: no party matches actor {name!r} ({rows} rows)")
        prefix = "dry run, nothing stored: " if summary.dry_run else ""
        resumed = f", resumed after row {summary.resumed_after}" if summary.resumed_after else ""
        self.stdout.write(
            f"{summary.file}: {prefix}{summary.dataset}: {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.rejected} rejected ({summary.rows} rows{resumed})"
        )


class _Progress:
    """A bar on a terminal; elsewhere a line every tenth of the file."""

    def __init__(self, path: Path, stream: object) -> None:
        self.path = path
        self.stream = stream
        self.bar = None
        self.tenth = 0
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=None, unit="B", unit_scale=True, desc=path.name, file=sys.stderr, leave=False
            )

    def update(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.total = total
            self.bar.update(done - self.bar.n)
            return
        tenth = 10 * done // total if total else 10
        if tenth > self.tenth and tenth < 10:
            self.tenth = tenth
            self.stream.write(f"{self.path}: {tenth * 10}% read")

    def problem(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            self.stream.write(message)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
