"""Key files: kept outside the data directory, written once, readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


class KeyFileError(ValueError):
    """A key file that cannot be used: where it is, what it holds, or that it cannot be read."""


def inside_data_dir(path: Path) -> bool:
    data_dir = Path(settings.DATA_DIR).resolve()
    target = path.expanduser().resolve()
    return target == data_dir or data_dir in target.parents


def require_outside_data_dir(path: Path, what: str) -> Path:
    """``path`` resolved; a KeyFileError if it lies inside the data directory, where a copy of
    the data (a backup, a stolen disk) would carry the key along with what it protects."""
    if inside_data_dir(path):
        raise KeyFileError(
            _("%(what)s %(path)s is inside the data directory %(data_dir)s: keep keys elsewhere")
            % {"what": what, "path": path, "data_dir": settings.DATA_DIR}
        )
    return path.expanduser().resolve()


def write_secret(path: Path, data: bytes, what: str) -> None:
    """Create ``path`` (mode 0600) with ``data``; never overwrite an existing file."""
    path = require_outside_data_dir(path, what)
    if not path.parent.is_dir():
        raise KeyFileError(
            _("%(what)s: the directory %(dir)s does not exist") % {"what": what, "dir": path.parent}
        )
    _create(path, data, what, 0o600)


def write_public(path: Path, data: bytes, what: str) -> None:
    """Create ``path`` (mode 0644) with ``data``; never overwrite an existing file."""
    _create(path, data, what, 0o644)


def _create(path: Path, data: bytes, what: str, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise KeyFileError(
            _("%(what)s %(path)s exists already: it is never overwritten")
            % {"what": what, "path": path}
        ) from None
    except OSError as exc:
        raise KeyFileError(f"{what} {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def read_key_file(path: Path, what: str) -> bytes:
    try:
        return path.expanduser().read_bytes()
    except OSError as exc:
        raise KeyFileError(
            _("%(what)s %(path)s cannot be read: %(reason)s")
            % {"what": what, "path": path, "reason": exc.strerror}
        ) from exc
