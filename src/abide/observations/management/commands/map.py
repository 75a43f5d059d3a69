import datetime as dt
import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from abide.accounts.services import system_user
from abide.observations.mapcells import rebuild_map_cells


class Command(BaseCommand):
    help = (
        "The map's summary table (counts per cell, category and day): "
        "`abide map rebuild` counts it again from every observation."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("action", choices=["rebuild"], help=_("what to do: rebuild"))

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()

        def progress(month: dt.date, rows: int) -> None:
            self.stderr.write(
                _("%(month)s: %(rows)s rows so far")
                % {"month": month.strftime("%Y-%m"), "rows": f"{rows:,}"}
            )

        try:
            rows = rebuild_map_cells(actor=system_user(), progress=progress)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("map cells rebuilt: %(rows)s rows in %(seconds).1f s")
            % {"rows": f"{rows:,}", "seconds": time.perf_counter() - started}
        )
