import argparse

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from abide.core.commands import ActorCommand
from abide.core.errors import describe
from abide.registry.files import STARTER_REGISTRY
from abide.registry.services import InvalidRegistryFile, load_registry, read_registry


class Command(ActorCommand):
    help = "Manage the registry of parties and people. `abide registry load FILE` loads a file."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser(
            "load",
            help="load parties, people and categories from a YAML or JSON registry file",
            description="Load a registry file. Nothing is stored if any entry is invalid. "
            f"Without FILE, loads the starter registry ({STARTER_REGISTRY.name}).",
        )
        load.add_argument("file", nargs="?", default=str(STARTER_REGISTRY), help="the file to load")
        super().add_arguments(load)

    def handle(self, *args: object, **options: object) -> None:
        actor = self.actor(options)
        try:
            data = read_registry(str(options["file"]))
            summary = load_registry(data, actor=actor)
        except InvalidRegistryFile as exc:
            raise CommandError(
                f"{len(exc.problems)} problem(s), nothing was stored:\n" + "\n".join(exc.problems)
            ) from exc
        except ValidationError as exc:
            raise CommandError(f"{describe(exc)}; nothing was stored") from exc
        self.stdout.write(f"{options['file']}: {summary}")
