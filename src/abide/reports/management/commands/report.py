import argparse
import os
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from abide.core.commands import ActorCommand
from abide.core.errors import describe
from abide.core.files import write_atomically
from abide.reports.models import REPORT_LANGUAGES, Report, ReportState
from abide.reports.spec import ReportSpec, SpecError, parse_spec

FORMATS = ("html", "pdf", "json")


def _write(path: str, content: str | bytes) -> None:
    """``content`` at ``path``, complete or not at all (written aside, then renamed over it)."""
    write_atomically(Path(path), content.encode("utf-8") if isinstance(content, str) else content)


def _check_writable(path: str) -> None:
    if path == "-":
        return
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise CommandError(f"--output: {path} is a folder, not a file")
    if not parent.is_dir():
        raise CommandError(f"--output: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CommandError(f"--output: {path} cannot be written (permission denied)")


class Command(ActorCommand):
    help = (
        "Mission reports. `abide report build --period 2023-W39 --lang en --format json "
        "--output FILE` writes a report; `draft`, `approve ID` and `publish ID` take a report "
        "through its workflow; `list` lists them."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        build = sub.add_parser(
            "build",
            help="write a report (HTML, PDF or JSON) for a period or a commitment",
            description="Build a report from the database now and write it to FILE. Give a "
            "period (2023-W39, 2023-09, 2023-09-27 or 2023-09-20/2023-09-30), or a commitment "
            "for its dossier, or a stored report's number.",
        )
        self._spec_arguments(build)
        build.add_argument("--report", type=int, metavar="ID", help="a stored report instead")
        build.add_argument("--lang", required=True, choices=REPORT_LANGUAGES, help="language")
        build.add_argument("--format", required=True, choices=FORMATS, help="html, pdf or json")
        build.add_argument(
            "--tier",
            choices=("internal", "public"),
            default="public",
            help="public (the default: redacted as published) or internal (everything)",
        )
        build.add_argument(
            "--output", required=True, metavar="FILE", help="the file to write (- for stdout)"
        )
        draft = sub.add_parser(
            "draft", help="store a new draft report", description="Store a new draft report."
        )
        self._spec_arguments(draft)
        super().add_arguments(draft)
        for action, text in (
            ("approve", "approve a draft (the head of mission)"),
            ("publish", "publish an approved report (the head of mission)"),
        ):
            command = sub.add_parser(action, help=text, description=text[0].upper() + text[1:])
            command.add_argument("id", type=int, metavar="ID", help="the report's number")
            super().add_arguments(command)
        listing = sub.add_parser("list", help="list the reports", description="List the reports.")
        listing.add_argument("--state", choices=ReportState.values, help="only in this state")

    def _spec_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--period", metavar="PERIOD", help="2023-W39, 2023-09, 2023-09-27 or FROM/TO"
        )
        parser.add_argument(
            "--scope",
            default="",
            metavar="SCOPE",
            help="country:AM,country:AZ,area:Syunik,commitment:12 (default: the whole mission)",
        )
        parser.add_argument(
            "--commitment", type=int, metavar="ID", help="a commitment's dossier (its whole life)"
        )

    def _spec(self, options: dict) -> ReportSpec:

        try:
            return parse_spec(
                options.get("period"),
                scope=options.get("scope") or "",
                commitment=options.get("commitment"),
                today=timezone.now().date(),
            )
        except SpecError as exc:
            raise CommandError(f"--{exc.field}: {exc.message}") from exc

    def _report(self, pk: int) -> Report:
        report = Report.objects.filter(pk=pk).first()
        if report is None:
            raise CommandError(f"no report numbered {pk}")
        return report

    def handle(self, *args: object, **options: object) -> None:
        action = options["action"]
        try:
            getattr(self, f"handle_{action}")(options)
        except ValidationError as exc:
            raise CommandError(describe(exc)) from exc

    def handle_build(self, options: dict) -> None:
        from abide.reports.building import build_document, document_for

        _check_writable(options["output"])
        language, output_format, tier = options["lang"], options["format"], options["tier"]
        if options.get("report"):
            if options.get("period") or options.get("commitment") or options.get("scope"):
                raise CommandError("--report: give a stored report or a period, not both")
            report = self._report(options["report"])
            self.stderr.write(f"building report {report.pk} ({tier}, {language})")
            document = document_for(report, tier)
        else:
            spec = self._spec(options)
            what = f"commitment {spec.commitment}" if spec.commitment else options["period"]
            self.stderr.write(f"building {what} ({tier}, {language})")
            document = build_document(spec, tier=tier)
        self.stderr.write(
            f"{len(document['figures'])} figures, {len(document['commitments'])} commitments; "
            f"rendering {output_format}"
        )
        if output_format == "json":
            from abide.reports.jsonout import render_json

            content: str | bytes = render_json(document, language)
        elif output_format == "html":
            try:
                from abide.reports.html import render_html
            except ImportError as exc:
                raise CommandError(f"--format html: the HTML renderer is missing ({exc})") from exc
            content = render_html(document, language)
        else:
            try:
                from abide.reports.pdf import render_pdf
            except ImportError as exc:
                raise CommandError(f"--format pdf: the PDF renderer is missing ({exc})") from exc
            content = render_pdf(document, language)
        if options["output"] == "-":
            if isinstance(content, bytes):
                sys.stdout.buffer.write(content)
            else:
                self.stdout.write(content, ending="")
            return
        try:
            _write(options["output"], content)
        except OSError as exc:
            raise CommandError(f"--output: {options['output']}: {exc.strerror or exc}") from exc
        self.stderr.write(f"wrote {options['output']}")

    def handle_draft(self, options: dict) -> None:
        from abide.reports.services import create_report

        report = create_report(self._spec(options), actor=self.actor(options))
        self.stdout.write(f"report {report.pk}: draft ({report})")

    def handle_approve(self, options: dict) -> None:
        from abide.reports.services import approve_report

        report = approve_report(self._report(options["id"]), actor=self.actor(options))
        self.stdout.write(f"report {report.pk}: approved")

    def handle_publish(self, options: dict) -> None:
        from abide.reports.services import publish_report

        report = self._report(options["id"])
        self.stderr.write(f"publishing report {report.pk}: building both tiers")
        report = publish_report(report, actor=self.actor(options))
        self.stdout.write(f"report {report.pk}: published at {report.published_at:%Y-%m-%d %H:%M}")

    def handle_list(self, options: dict) -> None:
        reports = Report.objects.order_by("-period_start", "-id")
        if options.get("state"):
            reports = reports.filter(state=options["state"])
        for report in reports:
            scope = ",".join(
                f"{key[:-1] if key != 'countries' else 'country'}:{value}"
                for key, values in (report.scope or {}).items()
                for value in values
            )
            self.stdout.write(
                f"{report.pk}\t{report.state}\tv{report.version}\t{report.kind}\t"
                f"{report.period_start}..{report.period_end}\t{scope or '-'}"
            )
