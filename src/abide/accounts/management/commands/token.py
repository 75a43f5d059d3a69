"""`abide token create|list|revoke`: API tokens for scripts."""

from __future__ import annotations

import argparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from abide.accounts.models import ApiToken, User
from abide.accounts.tokens import issue_token, revoke_token
from abide.core.commands import ActorCommand


class Command(ActorCommand):
    help = (
        "Issue, list and revoke API tokens, with which a script uses the API as a user "
        "(Authorization: Bearer KEY). The key is shown once, when issued."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="issue a token and print its key once")
        create.add_argument("user", metavar="USER", help="the user the script acts as")
        create.add_argument("--name", required=True, help="what the token is for")
        create.add_argument(
            "--days", type=int, help="valid for this many days (default: until revoked)"
        )
        listing = actions.add_parser("list", help="list tokens (never their keys)")
        listing.add_argument("user", metavar="USER", nargs="?", help="only this user's")
        revoke = actions.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("token", type=int, metavar="ID", help="the token's number, from list")
        for sub in (create, listing, revoke):
            ActorCommand.add_arguments(self, sub)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"USER: no user named {username!r}")
        return user

    def handle(self, *args: object, **options: object) -> None:
        actor = self.actor(options)
        try:
            if options["action"] == "create":
                token, key = issue_token(
                    self._user(options["user"]), options["name"], actor=actor, days=options["days"]
                )
                self.stderr.write(
                    f"token {token.pk} for {token.user.username} ({token.name}); "
                    "the key below is shown only now:"
                )
                self.stdout.write(key)
            elif options["action"] == "list":
                tokens = ApiToken.objects.select_related("user").order_by("pk")
                if options["user"]:
                    tokens = tokens.filter(user=self._user(options["user"]))
                for token in tokens:
                    state = "revoked" if token.revoked_at else "active"
                    expires = token.expires_at.date().isoformat() if token.expires_at else "never"
                    used = (
                        token.last_used_at.isoformat(timespec="minutes")
                        if token.last_used_at
                        else "never"
                    )
                    self.stdout.write(
                        f"{token.pk}\t{token.user.username}\t{token.prefix}…\t{token.name}\t"
                        f"{state}\texpires {expires}\tlast used {used}"
                    )
            else:
                token = ApiToken.objects.filter(pk=options["token"]).first()
                if token is None:
                    raise CommandError(f"ID: no token {options['token']}")
                revoke_token(token, actor=actor)
                self.stdout.write(f"token {token.pk} revoked")
        except PermissionDenied as exc:
            raise CommandError(f"--as: {exc}") from None
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items())
            ) from None
