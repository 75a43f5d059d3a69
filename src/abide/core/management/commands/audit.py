import argparse
import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from abide.audit.anchoring import (
    CheckpointError,
    check_checkpoint,
    generate_key,
    load_private_key,
    load_public_key,
    make_checkpoint,
    read_checkpoint,
)
from abide.audit.services import verify_log
from abide.core.keyfiles import KeyFileError

KEY_ENV = "ABIDE_AUDIT_KEY_FILE"


def _key_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "--key",
        metavar="FILE",
        default=os.environ.get(KEY_ENV) or None,
        help=f"{help_text} (default: ${KEY_ENV})",
    )


class Command(BaseCommand):
    help = (
        "Work with the audit log. `abide audit verify` checks the whole hash chain; "
        "`checkpoint` signs its head."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = sub.add_parser(
            "verify",
            help="walk the chain; exit 1 at the first broken link",
            description="Walk the audit chain from its first entry, recomputing every hash, and "
            "compare each audited object with its last audited state. With --checkpoint, also "
            "check that the chain still holds the head that checkpoint signed (a chain "
            "rewritten as a whole is found that way). Exits 0 when all is intact, 1 naming the "
            "first problem.",
        )
        verify.add_argument(
            "--checkpoint", metavar="FILE", help="a checkpoint written by `abide audit checkpoint`"
        )
        verify.add_argument(
            "--public-key",
            metavar="FILE",
            help="the public key (PEM) the checkpoint must be signed with (default: the public "
            "half of --key)",
        )
        _key_option(verify, "the private key, whose public half checks the checkpoint")
        keygen = sub.add_parser(
            "keygen",
            help="create an Ed25519 key pair for signing checkpoints",
            description="Create an Ed25519 private key in FILE (mode 0600) and its public key in "
            "FILE.pub. FILE must lie outside the data directory; an existing file is never "
            "overwritten. Give the public key to whoever will verify checkpoints.",
        )
        _key_option(keygen, "where to write the private key")
        checkpoint = sub.add_parser(
            "checkpoint",
            help="write a signed statement of the chain's head",
            description="Write a statement of the chain's head (its number of entries, its last "
            "hash and the time), signed with the private key, to publish or to hand to a "
            "partner. `abide audit verify --checkpoint FILE --public-key KEY.pub` later shows "
            "whether the chain was rewritten since.",
        )
        _key_option(checkpoint, "the private key that signs")
        checkpoint.add_argument(
            "--output", metavar="FILE", required=True, help="where to write it ('-': stdout)"
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (KeyFileError, CheckpointError) as exc:
            raise CommandError(str(exc)) from exc

    def _require_key(self, options: dict) -> Path:
        if not options.get("key"):
            raise CommandError(f"--key FILE is required (or set {KEY_ENV})")
        return Path(str(options["key"]))

    def _keygen(self, options: dict) -> None:
        key_path = self._require_key(options)
        public_path, fingerprint = generate_key(key_path)
        self.stdout.write(
            f"private key: {key_path.resolve()}\npublic key: {public_path.resolve()}\n"
            f"fingerprint: {fingerprint}"
        )

    def _checkpoint(self, options: dict) -> None:
        key = load_private_key(self._require_key(options))
        data = make_checkpoint(key)
        text = json.dumps(data, indent=2, sort_keys=True) + "\n"
        output = str(options["output"])
        if output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"--output: cannot write {output}: {exc.strerror}") from exc
        statement = data["statement"]
        self.stdout.write(
            f"checkpoint written to {output}: {statement['entries']} entries, "
            f"head {statement['head']}, at {statement['time']}"
        )

    def _verify(self, options: dict) -> None:
        if options.get("checkpoint"):
            self._verify_checkpoint(options)
            return
        result = verify_log()
        if not result.ok:
            self.stderr.write(f"audit log BROKEN: {result.problem}")
            sys.exit(1)
        self.stdout.write(
            f"audit log intact: {result.entries} entries, {result.objects} audited objects, "
            f"head {result.head_hash}"
        )

    def _verify_checkpoint(self, options: dict) -> None:
        if options.get("public_key"):
            public_key = load_public_key(Path(str(options["public_key"])))
        elif options.get("key"):
            public_key = load_private_key(Path(str(options["key"]))).public_key()
        else:
            raise CommandError(
                f"--checkpoint needs the key it was signed with: --public-key FILE (or --key, "
                f"or {KEY_ENV})"
            )
        data = read_checkpoint(Path(str(options["checkpoint"])))
        try:
            result = check_checkpoint(data, public_key)
        except CheckpointError as exc:
            self.stderr.write(f"audit log BROKEN: {exc}")
            sys.exit(1)
        self.stdout.write(
            f"audit log intact and consistent with the checkpoint of {result.time}: "
            f"entry #{result.entries} has the signed hash {result.head}; "
            f"{result.entries_now} entries now"
        )
