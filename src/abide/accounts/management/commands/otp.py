"""`abide otp reset USER`: remove a user's second factor (a lost phone)."""

from __future__ import annotations

import argparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from abide.accounts.models import User
from abide.accounts.second_factor import reset_second_factor
from abide.core.commands import ActorCommand


class Command(ActorCommand):
    help = (
        "Manage the second factor of signing in. `reset USER` removes the user's authenticator "
        "app (a lost phone): they set up a new one at their next sign-in. Administrators only."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        reset = actions.add_parser("reset", help="remove USER's second factor")
        reset.add_argument("user", metavar="USER", help="the user who lost their device")
        ActorCommand.add_arguments(self, reset)

    def handle(self, *args: object, **options: object) -> None:
        actor = self.actor(options)
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"USER: no user named {options['user']!r}")
        try:
            count = reset_second_factor(user, actor=actor)
        except PermissionDenied as exc:
            raise CommandError(f"--as: {exc}") from None
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items())
            ) from None
        self.stdout.write(
            f"second factor of {user.username} reset ({count} device(s) removed); "
            "they set up a new one at their next sign-in"
        )
