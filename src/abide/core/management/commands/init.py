import argparse
import os

from django.core.management.base import BaseCommand, CommandError

from abide.core.bootstrap import initialise
from abide.env import envstr
from abide.geo.index_file import IndexFileError


class Command(BaseCommand):
    help = (
        "Set up abide: create the data directory and database, apply migrations, load the "
        "starter registry and, if asked, create an administrator account. Safe to run again."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--admin-username",
            default=os.environ.get("ABIDE_ADMIN_USERNAME", ""),
            help="create (or update) this administrator (env ABIDE_ADMIN_USERNAME)",
        )
        parser.add_argument(
            "--admin-email",
            default=os.environ.get("ABIDE_ADMIN_EMAIL", ""),
            help="the administrator's e-mail (env ABIDE_ADMIN_EMAIL)",
        )
        parser.add_argument(
            "--admin-password-file",
            default="",
            help="read the administrator's password from this file "
            "(or env ABIDE_ADMIN_PASSWORD / ABIDE_ADMIN_PASSWORD_FILE)",
        )

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["admin_username"]).strip()
        password = ""
        if options["admin_password_file"]:
            try:
                with open(str(options["admin_password_file"]), encoding="utf-8") as handle:
                    password = handle.read().strip()
            except OSError as exc:
                raise CommandError(
                    f"--admin-password-file: cannot read {options['admin_password_file']}: "
                    f"{exc.strerror}"
                ) from exc
        else:
            password = envstr("ABIDE_ADMIN_PASSWORD")
        if username and not password:
            raise CommandError(
                "--admin-username needs a password: give --admin-password-file or set "
                "ABIDE_ADMIN_PASSWORD"
            )
        try:
            result = initialise(
                admin_username=username,
                admin_password=password,
                admin_email=str(options["admin_email"]),
                progress=lambda message: self.stdout.write(f"· {message}"),
            )
        except IndexFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"starter registry: {result.registry}")
        if result.admin:
            self.stdout.write(f"administrator: {result.admin.username}")
        self.stdout.write(self.style.SUCCESS(f"abide is ready in {result.data_dir}"))
