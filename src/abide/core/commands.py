"""What abide's commands share: acting as a named user, and refusals as one line."""

from __future__ import annotations

import argparse

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from abide.accounts.models import User
from abide.accounts.services import system_user
from abide.core.errors import describe


class ActorCommand(BaseCommand):
    """A command whose changes are audited as the work of ``--as USER`` (or the system account).

    The services check that user's role; a refusal ends the command with one line on standard
    error and the exit status 1, never a traceback."""

    def execute(self, *args: object, **options: object) -> str | None:
        try:
            return super().execute(*args, **options)
        except PermissionDenied as exc:
            raise CommandError(describe(exc)) from exc

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="USER",
            help="act as this user (default: the system account, ABIDE_SYSTEM_USER)",
        )

    def actor(self, options: dict) -> User:
        username = options.get("actor")
        if not username:
            return system_user()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active user named {username!r}")
        return user
