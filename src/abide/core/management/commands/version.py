import platform

import django
from django.core.management.base import BaseCommand

import abide
from abide.extraction.learned import describe_model
from abide.geo.index_file import cache_directory, gazetteer_files_ready


class Command(BaseCommand):
    help = (
        "Print abide's version, those of Python and Django, the trained sentence model, "
        "and where the gazetteer's index is."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(
            f"abide {abide.__version__} (Python {platform.python_version()}, "
            f"Django {django.get_version()})"
        )
        state = "ready" if gazetteer_files_ready() else "not built yet: `abide init` builds it"
        self.stdout.write(describe_model())
        self.stdout.write(f"gazetteer index: {cache_directory()} ({state})")
