"""Thumbnails of image evidence: made once with Pillow, kept by the image's SHA-256.

A thumbnail is a new JPEG at most ``SIZE`` pixels on its longer side, turned upright as the
image's EXIF says and written without any of its metadata (no GPS position). It is kept under
``DATA_DIR/thumbnails/<sha[:2]>/<sha>-<size>.jpg``; the evidence itself is never touched.
The thumbnail of a sealed file (a restricted observation's) is made each time it is asked
for and never written to disk.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from PIL import Image, ImageOps

from abide.observations.evidence import evidence_path, is_sealed, open_evidence
from abide.observations.models import Evidence
from abide.observations.sealing import SealError

SIZE = 320


def thumbnail_path(evidence: Evidence, size: int = SIZE) -> Path:
    sha = evidence.sha256
    return Path(settings.DATA_DIR) / "thumbnails" / sha[:2] / f"{sha}-{size}.jpg"


def is_image(evidence: Evidence) -> bool:
    return evidence.media_type.startswith("image/")


def thumbnail(evidence: Evidence, size: int = SIZE) -> Path | None:
    """The path of the image's thumbnail, made now if it is not there yet; None for evidence
    that is not an image or whose file cannot be read as one."""
    if not is_image(evidence) or is_sealed(evidence):
        return None
    target = thumbnail_path(evidence, size)
    if target.exists():
        return target
    try:
        with Image.open(evidence_path(evidence)) as image:
            small = _small(image, size)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".thumb-")
            with os.fdopen(handle, "wb") as out:
                small.save(out, "JPEG", quality=82)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    os.replace(temporary, target)
    return target


def _small(image: Image.Image, size: int) -> Image.Image:
    image.seek(0)
    small = ImageOps.exif_transpose(image)
    small.thumbnail((size, size))
    if small.mode not in ("RGB", "L"):
        small = small.convert("RGBA")
        background = Image.new("RGB", small.size, "white")
        background.paste(small, mask=small.getchannel("A"))
        small = background
    return small


def open_thumbnail(evidence: Evidence, size: int = SIZE) -> BinaryIO | None:
    """The image's thumbnail opened for reading: from the cache, or (for a sealed file) made
    in memory; None for evidence that is not an image or cannot be read as one."""
    if not is_image(evidence):
        return None
    if not is_sealed(evidence):
        path = thumbnail(evidence, size)
        return path.open("rb") if path is not None else None
    try:
        with open_evidence(evidence) as handle:
            data = io.BytesIO(handle.read())
        with Image.open(data) as image:
            small = _small(image, size)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=82)
    except (OSError, SyntaxError, ValueError, SealError, Image.DecompressionBombError):
        return None
    out.seek(0)
    return out
