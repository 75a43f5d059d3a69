import argparse
import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from abide.core.files import atomic_output
from abide.observations.exporting import (
    FORMATS,
    FilterError,
    export_observations,
    filter_observations,
)
from abide.observations.models import Direction, Observation, Status


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("%(value)r is not a date (YYYY-MM-DD)") % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = (
        "Export data. `abide export observations --format csv|geojson` writes the observations "
        "(filtered by category, place, dates...) to standard output or a file."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("what", choices=["observations"], help="what to export: observations")
        parser.add_argument(
            "--format",
            required=True,
            choices=FORMATS,
            help="csv (one row per observation) or geojson (a FeatureCollection of points)",
        )
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="write to FILE (replaced only once complete) instead of standard output",
        )
        parser.add_argument("--category", metavar="SLUG", help="only this category")
        parser.add_argument("--subtype", metavar="SLUG", help="only this sub-type")
        parser.add_argument("--country", metavar="CC", help="only this country (ISO 3166-1 code)")
        parser.add_argument(
            "--since",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="only observations that started on or after this day",
        )
        parser.add_argument(
            "--until",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="only observations that started on or before this day",
        )
        parser.add_argument("--status", choices=Status.values, help="only this verification status")
        parser.add_argument(
            "--dataset", metavar="NAME", help="only rows imported from this data set"
        )
        parser.add_argument(
            "--direction", choices=Direction.values, help="only this direction of compliance"
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="only what everyone may see (public observations, corroborated or verified), "
            "with places coarsened to their public precision, as shown outside the mission",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            queryset = filter_observations(
                Observation.objects.order_by("observed_start", "id"),
                category=options["category"] or None,
                subtype=options["subtype"] or None,
                country=options["country"] or None,
                since=self.date(options, "since"),
                until=self.date(options, "until"),
                status=options["status"] or None,
                dataset=options["dataset"] or None,
                direction=options["direction"] or None,
            )
        except FilterError as exc:
            raise CommandError(f"--{exc.field}: {exc}") from exc
        fmt = str(options["format"])
        if fmt not in FORMATS:  # call_command passes keyword options unchecked
            raise CommandError(
                _("--format: choose from %(choices)s") % {"choices": ", ".join(FORMATS)}
            )
        public = bool(options["public"])
        if options["output"]:
            path = Path(str(options["output"]))
            if not path.parent.is_dir():
                raise CommandError(
                    _("--output: no folder %(folder)s to write into") % {"folder": path.parent}
                )
            try:
                with atomic_output(path) as out:
                    count = export_observations(queryset, out, format=fmt, public=public)
            except OSError as exc:
                raise CommandError(
                    _("--output: cannot write %(path)s: %(reason)s")
                    % {"path": path, "reason": exc.strerror or exc}
                ) from exc
            target = str(path)
        else:
            self.stdout.ending = ""  # the writers end their own lines
            count = export_observations(queryset, self.stdout, format=fmt, public=public)
            self.stdout.flush()
            target = _("standard output")
        self.stderr.write(
            ngettext(
                "exported %(count)d observation to %(target)s",
                "exported %(count)d observations to %(target)s",
                count,
            )
            % {"count": count, "target": target}
        )

    def date(self, options: dict, name: str) -> dt.date | None:
        """A date option: parsed by argparse on the command line, maybe a string from code."""
        value = options.get(name)
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return iso_date(str(value))
        except argparse.ArgumentTypeError as exc:
            raise CommandError(f"--{name}: {exc}") from exc
