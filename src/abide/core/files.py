"""Files that appear whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """A file (text, or bytes with ``binary``) that appears at ``path`` complete, or not at all.

    It is written next to ``path`` under a hidden temporary name (``.NAME.….part``) and renamed
    over it at the end, so a failure part way leaves any earlier file as it was and no
    half-written one.
    """
    text = {} if binary else {"encoding": "utf-8", "newline": ""}
    handle = tempfile.NamedTemporaryFile(
        mode="wb" if binary else "w",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".part",
        delete=False,
        **text,
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path``, complete or not at all."""
    with atomic_output(path, binary=True) as out:
        out.write(data)
