"""Sealed files: AES-256-GCM in chunks, so that files of any size are sealed and read streaming.

A sealed file is a header (``MAGIC``, the key's identifier, a random nonce prefix) followed by
chunks of at most ``CHUNK`` bytes of plaintext, each encrypted with its own nonce (the prefix
and the chunk's number) and authenticated with the header and a flag saying whether it is the
last: a chunk altered, removed, reordered or cut off is detected. No Django here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"ABIDESEAL1"
CHUNK = 1024 * 1024
TAG = 16
_KEY_ID = 8
_PREFIX = 8
HEADER = len(MAGIC) + _KEY_ID + _PREFIX
KEY_BYTES = 32


class SealError(ValueError):
    """A key that is not one, or a sealed file that cannot be opened with the key given."""


def new_key() -> str:
    """A new key, in base64 (as ``ABIDE_EVIDENCE_KEY`` takes it)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def parse_key(text: str, where: str) -> bytes:
    """The 32 bytes of a key given in base64; a SealError naming ``where`` otherwise."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError(f"{where}: not base64 ({exc})") from exc
    if len(key) != KEY_BYTES:
        raise SealError(f"{where}: the key must be {KEY_BYTES} bytes, it is {len(key)}")
    return key


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"abide evidence key\x00" + key).digest()[:_KEY_ID]


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + number.to_bytes(4, "big")


def _aad(header: bytes, last: bool) -> bytes:
    return header + (b"\x01" if last else b"\x00")


def seal_stream(source: BinaryIO, out: BinaryIO, key: bytes) -> None:
    """Encrypt all of ``source`` into ``out``."""
    aead = AESGCM(key)
    header = MAGIC + key_id(key) + secrets.token_bytes(_PREFIX)
    prefix = header[-_PREFIX:]
    out.write(header)
    number = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        out.write(aead.encrypt(_nonce(prefix, number), chunk, _aad(header, last)))
        if last:
            return
        chunk, number = following, number + 1


def seal_file(source: Path, target: Path, key: bytes, mode: int = 0o400) -> None:
    """Write ``source`` sealed to ``target`` (through a temporary file beside it)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".sealing-")
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as plain:
            seal_stream(plain, out, key)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def unseal_file(source: Path, target: Path, key: bytes, mode: int = 0o400) -> None:
    """Write ``source`` opened with ``key`` to ``target`` (through a temporary file beside it)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".unsealing-")
    try:
        with os.fdopen(handle, "wb") as out, open_sealed(source, key) as plain:
            while chunk := plain.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _SealedReader(io.RawIOBase):
    """Reads a sealed file's plaintext, one authenticated chunk at a time."""

    def __init__(self, handle: BinaryIO, key: bytes, name: str) -> None:
        self._handle = handle
        self._name = name
        header = handle.read(HEADER)
        if len(header) < HEADER or not header.startswith(MAGIC):
            handle.close()
            raise SealError(f"{name} is not a sealed file")
        if header[len(MAGIC) : len(MAGIC) + _KEY_ID] != key_id(key):
            handle.close()
            raise SealError(f"{name} was sealed with another key than the one set")
        self._aead = AESGCM(key)
        self._header = header
        self._prefix = header[-_PREFIX:]
        self._number = 0
        self._buffer = b""
        self._done = False
        self._next = handle.read(CHUNK + TAG)

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        current = self._next
        self._next = self._handle.read(CHUNK + TAG)
        last = not self._next
        try:
            self._buffer = self._aead.decrypt(
                _nonce(self._prefix, self._number), current, _aad(self._header, last)
            )
        except InvalidTag as exc:
            raise SealError(
                f"{self._name}: chunk {self._number} does not authenticate (the file was "
                "altered or cut short)"
            ) from exc
        self._number += 1
        self._done = last

    def readinto(self, buffer: bytearray | memoryview) -> int:
        while not self._buffer:
            if self._done:
                return 0
            self._fill()
        size = min(len(buffer), len(self._buffer))
        buffer[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size

    def close(self) -> None:
        self._handle.close()
        super().close()


def open_sealed(path: Path, key: bytes) -> BinaryIO:
    """The plaintext of the sealed file at ``path``, for reading (not seekable)."""
    return io.BufferedReader(_SealedReader(path.open("rb"), key, path.name), CHUNK)


def is_sealed(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC
