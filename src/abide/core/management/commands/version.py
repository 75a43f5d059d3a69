import platform

import django
from django.core.management.base import BaseCommand

import abide


class Command(BaseCommand):
    help = "Print abide's version, and those of Python and Django."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(
            f"abide {abide.__version__} (Python {platform.python_version()}, "
            f"Django {django.get_version()})"
        )
