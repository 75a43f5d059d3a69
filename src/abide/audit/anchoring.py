"""Anchoring the audit chain outside the database: signed checkpoints of its head.

The chain's head lives in the same database as the chain, so someone able to rewrite the
database can rewrite the whole chain consistently and :func:`verify_log` finds nothing. A
checkpoint is a statement ``{entries, head, time}`` signed with an Ed25519 key kept outside the
data directory; once published or handed to a partner it cannot be taken back. Verifying a
checkpoint against the database shows whether the chain still begins with the entries it
counted, ending in the hash it signed.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.audit.chain import GENESIS_HASH, canonical
from abide.audit.models import AuditEntry, AuditHead
from abide.audit.services import verify_log
from abide.core.keyfiles import (
    KeyFileError,
    read_key_file,
    require_outside_data_dir,
    write_public,
    write_secret,
)

__all__ = [
    "CHECKPOINT_FORMAT",
    "CheckpointError",
    "check_checkpoint",
    "generate_key",
    "load_private_key",
    "load_public_key",
    "make_checkpoint",
]

CHECKPOINT_FORMAT = "abide-audit-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint or a key that cannot be used, or a chain that a checkpoint contradicts."""


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, in hexadecimal: how a key is named in a checkpoint."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_key_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".pub")


def generate_key(key_path: Path) -> tuple[Path, str]:
    """Write a new private key to ``key_path`` (0600, outside the data directory) and its public
    key beside it (``.pub``); ``(public key path, fingerprint)``. Never overwrites a file."""
    private = Ed25519PrivateKey.generate()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_path = public_key_path(key_path)
    if public_path.exists():
        raise KeyFileError(
            _("the public key file %(path)s exists already: it is never overwritten")
            % {"path": public_path}
        )
    write_secret(key_path, private_pem, _("the audit key"))
    write_public(public_path, public_pem, _("the audit public key"))
    return public_path, fingerprint(private.public_key())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The signing key; refused inside the data directory, where whoever can rewrite the
    database could take it and sign a checkpoint of the rewritten chain."""
    require_outside_data_dir(path, _("the audit key"))
    data = read_key_file(path, _("the audit key"))
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(
            _("the audit key %(path)s is not an unencrypted private key in PEM: %(reason)s")
            % {"path": path, "reason": exc}
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(_("the audit key %(path)s is not an Ed25519 key") % {"path": path})
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key in PEM; a private key file is accepted too (its public half is used)."""
    data = read_key_file(path, _("the public key"))
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(
            _("the public key %(path)s is not a public key in PEM: %(reason)s")
            % {"path": path, "reason": exc}
        ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(_("the public key %(path)s is not an Ed25519 key") % {"path": path})
    return key


def make_checkpoint(private_key: Ed25519PrivateKey) -> dict:
    """A signed statement of the chain's head as it is now: its number of entries, its last
    hash, the time, and the fingerprint of the key that signs it."""
    head = AuditHead.objects.filter(pk=1).first()
    entries, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    statement = {
        "entries": entries,
        "head": head_hash,
        "time": timezone.now().astimezone(dt.UTC).isoformat(),
        "key": fingerprint(private_key.public_key()),
    }
    signature = private_key.sign(canonical(statement).encode("utf-8"))
    return {
        "format": CHECKPOINT_FORMAT,
        "statement": statement,
        "signature": base64.b64encode(signature).decode("ascii"),
    }


def read_checkpoint(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CheckpointError(
            _("the checkpoint %(path)s cannot be read: %(reason)s")
            % {"path": path, "reason": exc.strerror}
        ) from exc
    except UnicodeDecodeError as exc:
        raise CheckpointError(
            _("the checkpoint %(path)s is not UTF-8 text") % {"path": path}
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CheckpointError(
            _("the checkpoint %(path)s is not JSON: %(reason)s (line %(line)s)")
            % {"path": path, "reason": exc.msg, "line": exc.lineno}
        ) from exc
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            _("the checkpoint %(path)s is not an abide audit checkpoint (format %(format)s)")
            % {"path": path, "format": CHECKPOINT_FORMAT}
        )
    return data


@dataclass(frozen=True)
class CheckpointResult:
    entries: int
    head: str
    time: str
    entries_now: int


def _signed_statement(data: dict, public_key: Ed25519PublicKey) -> dict:
    statement = data.get("statement")
    signature = data.get("signature")
    if not isinstance(statement, dict) or not isinstance(signature, str):
        raise CheckpointError(_("the checkpoint lacks its statement or its signature"))
    try:
        public_key.verify(
            base64.b64decode(signature, validate=True), canonical(statement).encode("utf-8")
        )
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise CheckpointError(
            _(
                "the checkpoint's signature does not match: the file was altered, or it was "
                "signed with another key than the public key given"
            )
        ) from exc
    entries, head = statement.get("entries"), statement.get("head")
    if not isinstance(entries, int) or entries < 0 or not isinstance(head, str):
        raise CheckpointError(_("the checkpoint's statement lacks its entries or its head"))
    return statement


def check_checkpoint(data: dict, public_key: Ed25519PublicKey) -> CheckpointResult:
    """Check the checkpoint's signature, the chain itself, and that the chain's entry number
    ``entries`` still has the hash the checkpoint signed. A CheckpointError names the first
    problem: a rewritten chain, a shortened one, or a checkpoint that was altered."""
    statement = _signed_statement(data, public_key)
    entries, head, when = statement["entries"], statement["head"], statement.get("time", "?")
    result = verify_log()
    if not result.ok:
        raise CheckpointError(
            _("the audit log is broken: %(problem)s") % {"problem": result.problem}
        )
    if result.entries < entries:
        raise CheckpointError(
            _(
                "the chain was shortened or rewritten: it has %(now)s entries, but the "
                "checkpoint signed at %(time)s counted %(entries)s"
            )
            % {"now": result.entries, "time": when, "entries": entries}
        )
    if entries == 0:
        found = GENESIS_HASH
    else:
        found = AuditEntry.objects.filter(seq=entries).values_list("hash", flat=True).first()
    if found != head:
        raise CheckpointError(
            _(
                "the chain was rewritten: entry #%(seq)s has the hash %(found)s, but the "
                "checkpoint signed at %(time)s says %(head)s"
            )
            % {"seq": entries, "found": found, "time": when, "head": head}
        )
    return CheckpointResult(entries, head, when, result.entries)
