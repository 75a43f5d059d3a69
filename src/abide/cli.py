"""The `abide` command: one entry point for everything a user does outside the web."""

from __future__ import annotations

import os
import sys

ABIDE_APPS = (
    "abide.core",
    "abide.registry",
    "abide.observations",
    "abide.compliance",
    "abide.reports",
    "abide.audit",
    "abide.accounts",
)


def _fail(message: str, code: int = 2) -> int:
    print(f"abide: error: {message}", file=sys.stderr)
    return code


def _database_hint() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "the SQLite database in ABIDE_DATA_DIR"
    if "@" in url:  # hide credentials
        scheme, rest = url.split("://", 1) if "://" in url else ("", url)
        url = f"{scheme}://…@{rest.rsplit('@', 1)[1]}"
    return f"DATABASE_URL={url}"


def abide_commands() -> dict[str, str]:
    """abide's own commands and the first line of their help."""
    from django.core.management import get_commands, load_command_class

    commands = {}
    for name, app in sorted(get_commands().items()):
        if app in ABIDE_APPS:
            command = load_command_class(app, name)
            commands[name] = (command.help or "").strip().split("\n")[0]
    return commands


def main_help() -> str:
    lines = [
        "usage: abide COMMAND [options]",
        "",
        "abide: monitoring commitments in armed conflict.",
        "",
        "commands:",
    ]
    commands = abide_commands()
    width = max(len(name) for name in commands)
    for name, text in commands.items():
        lines.append(f"  {name.ljust(width)}  {text}")
    lines += [
        "",
        "`abide COMMAND --help` explains a command. Django's own management commands",
        "(migrate, createsuperuser, shell, ...) are available too: `abide help --django`.",
        "Settings come from the environment: ABIDE_DATA_DIR, DATABASE_URL, ABIDE_SECRET_KEY,",
        "ABIDE_DEBUG, ABIDE_ALLOWED_HOSTS (see the README).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abide.settings")

    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import ManagementUtility, load_command_class
    from django.db.utils import OperationalError

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        return _fail(f"configuration: {exc}")

    if not argv or argv[0] in {"-h", "--help"} or argv == ["help"]:
        print(main_help())
        return 0
    if argv == ["help", "--django"]:
        argv = ["help"]
    if argv[0] in {"--version", "-V"}:
        argv = ["version"]
    try:
        if argv[0] == "version":  # Django's own utility would answer with Django's version
            load_command_class("abide.core", "version").run_from_argv(["abide", *argv])
        else:
            ManagementUtility(["abide", *argv]).execute()
    except SystemExit as exc:  # commands and argparse exit with their status
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except ImproperlyConfigured as exc:
        return _fail(f"configuration: {exc}")
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _fail(f"cannot use {_database_hint()}: {reason}")
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    return 0


if __name__ == "__main__":
    sys.exit(main())
