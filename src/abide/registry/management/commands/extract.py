import argparse
import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from abide.extraction import DocumentError, Extractor, ModelError, RegistrySnapshot, read_file
from abide.extraction.prediction import THRESHOLD, to_prediction
from abide.geo.gazetteer import Gazetteer
from abide.registry.files import STARTER_REGISTRY
from abide.registry.ingestion import files_in
from abide.registry.registry_file import RegistryFileError


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Extract quotes, statements and commitments from documents, without a database "
        "(names are resolved against the starter registry)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE|DIR",
            help=(
                "plain text, Markdown with YAML front matter, or HTML; a folder stands for its "
                ".txt/.md/.html files"
            ),
        )
        parser.add_argument(
            "--published",
            type=iso_date,
            metavar="DATE",
            help="publication date (YYYY-MM-DD), the year of datelines",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help=(
                "print one JSON object per document, in the gold format, one per line "
                "(JSON Lines)"
            ),
        )
        parser.add_argument(
            "--registry",
            default=str(STARTER_REGISTRY),
            metavar="FILE",
            help="registry file to resolve names against",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=THRESHOLD,
            help="lowest confidence of a commitment to print",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            extractor = Extractor(
                RegistrySnapshot.from_file(str(options["registry"])), gazetteer=Gazetteer()
            )
        except (ModelError, RegistryFileError) as exc:
            raise CommandError(str(exc)) from exc
        paths = files_in(options["files"])
        if not paths:
            raise CommandError("no readable files (.txt, .md, .html) in the paths given")
        failed = 0
        for done, path in enumerate(paths, start=1):
            if len(paths) > 1:
                # Progress goes to stderr: stdout stays the results (JSON Lines with --json).
                self.stderr.write(f"[{done}/{len(paths)}] {path}")
            try:
                document = read_file(path, published=options["published"])
            except DocumentError as exc:
                self.stderr.write(f"{path}: {exc}")
                failed += 1
                continue
            result = extractor.extract(document)
            prediction = to_prediction(result, threshold=float(options["threshold"]))
            prediction["file"] = str(path)
            if options["json"]:
                self.stdout.write(json.dumps(prediction, ensure_ascii=False))
            else:
                self.stdout.write(render(prediction))
        if failed:
            sys.exit(1)


def render(prediction: dict) -> str:
    lines = [f"== {prediction['file']}", f"title:     {prediction['title'] or '—'}"]
    dateline = prediction["dateline"]
    if dateline:
        lines.append(
            f"dateline:  {dateline['place']}, {dateline['month']}/{dateline['day']}, "
            f"{dateline['agency'] or '—'}"
        )
    lines.append(
        f"language:  {prediction['language']}  ·  {prediction['reading_minutes']} min read"
    )
    if not prediction["extracted"]:
        lines.append("not extracted: the extractor does not read this language yet")
        return "\n".join(lines)
    lines.append(f"quotes ({len(prediction['quotes'])}):")
    for quote in prediction["quotes"]:
        text = quote["text"] if len(quote["text"]) < 90 else quote["text"][:87] + "…"
        lines.append(f"  {quote['speaker']} ({quote['party'] or '—'}): “{text}”")
    lines.append(f"commitments ({len(prediction['commitments'])}):")
    for c in prediction["commitments"]:
        demander = f" ← {c['by'] or c['by_party']}" if c["kind"] == "demand" else ""
        lines.append(
            f"  {c['kind']:<6} {c['obligor']:<22} {c['category']:<26} "
            f"{c['confidence']:.2f}{demander}"
        )
        for evidence in c["evidence"]:
            lines.append(f"         “{evidence}”")
    if prediction["walk_backs"]:
        lines.append(f"walk-backs ({len(prediction['walk_backs'])}):")
        for w in prediction["walk_backs"]:
            lines.append(
                f"  {w['kind']:<10} {w['party']:<22} {w['category']:<26} {w['confidence']:.2f}"
            )
            lines.append(f"         “{w['text']}”")
    if prediction["proposals"]:
        names = ", ".join(f"{p['name']} ({p['kind']})" for p in prediction["proposals"])
        lines.append(f"not in the registry: {names}")
    return "\n".join(lines)
