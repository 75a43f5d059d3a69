import argparse
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from abide.extraction import DocumentError, Extractor, ModelError, RegistrySnapshot, read_file
from abide.extraction.error_kinds import classify, error_table, errors_as_dict
from abide.extraction.prediction import to_prediction
from abide.extraction.scoring import GoldError, NameMatcher, load_gold, score
from abide.geo.gazetteer import Gazetteer
from abide.registry.files import STARTER_REGISTRY


class Command(BaseCommand):
    help = "Measure quality. `abide eval extraction GOLD.json...` scores the extractor (FORMAT.md)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
        extraction = sub.add_parser(
            "extraction",
            help="score the extractor against gold files",
            description="Run the extractor on the text of each gold file (its path is relative "
            "to the gold file) and print per-document and micro-averaged precision, "
            "recall and F1 for commitments and quotes, and dateline accuracy. A "
            "directory stands for every *.gold.json file in it.",
        )
        extraction.add_argument("gold", nargs="+", metavar="GOLD", help="gold files or folders")
        extraction.add_argument("--json", action="store_true", help="print the report as JSON")
        extraction.add_argument(
            "--registry",
            default=str(STARTER_REGISTRY),
            metavar="FILE",
            help="registry file for extraction and for matching names",
        )
        learned = extraction.add_mutually_exclusive_group()
        learned.add_argument(
            "--learned",
            dest="learned",
            action="store_const",
            const=True,
            default=None,
            help="use the trained sentence classifier with the rules",
        )
        learned.add_argument(
            "--rules-only",
            dest="learned",
            action="store_const",
            const=False,
            help="the rules alone, without the trained sentence classifier",
        )
        extraction.add_argument(
            "--errors",
            action="store_true",
            help="list every missed and spurious commitment and quote, and count the errors "
            "by kind (wrong party, wrong category, split/merged, missed cue, false party...); "
            "with --json, an `errors` object holds the counts and the classified items",
        )

    def handle(self, *args: object, **options: object) -> None:
        paths: list[Path] = []
        for item in options["gold"]:
            path = Path(str(item))
            if path.is_dir():
                paths.extend(sorted(path.glob("*.gold.json")))
            elif path.exists():
                paths.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        if not paths:
            raise CommandError("no gold files given")
        try:
            golds = [(path, load_gold(path)) for path in paths]
        except GoldError as exc:
            raise CommandError(str(exc)) from exc
        try:
            registry = RegistrySnapshot.from_file(str(options["registry"]))
            gazetteer = Gazetteer()
            extractor = Extractor(registry, gazetteer=gazetteer, learned=options["learned"])
        except ModelError as exc:
            raise CommandError(str(exc)) from exc
        pairs = []
        for path, gold in golds:
            published = gold.get("context", {}).get("published")
            try:
                document = read_file(gold["text_path"], published=_date(published))
            except DocumentError as exc:
                raise CommandError(f"{gold['text_path']}: {exc}") from exc
            prediction = to_prediction(extractor.extract(document))
            pairs.append((path.name.removesuffix(".gold.json"), gold, prediction))
        names = NameMatcher(registry)
        report = score(pairs, names=names, places=gazetteer)
        items = classify(pairs, names=names) if options["errors"] else []
        if options["json"]:
            data = report.as_dict()
            if options["errors"]:
                data["errors"] = errors_as_dict(items)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.table())
            if options["errors"]:
                for document in report.documents:
                    for item in document.missed:
                        self.stdout.write(f"{document.name}: missed   {item}")
                    for item in document.spurious:
                        self.stdout.write(f"{document.name}: spurious {item}")
                self.stdout.write(error_table(items))
        sys.stdout.flush()


def _date(value: object):
    import datetime as dt

    return dt.date.fromisoformat(str(value)) if value else None
