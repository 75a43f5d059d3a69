"""Evidence files: checked by their content, stored once by their SHA-256, never altered.

A file is streamed to a temporary file beside the store while it is hashed and counted, its
type is read from its bytes (``puremagic``; the name it came with is not trusted), an image is
opened with Pillow and its metadata kept (size, format, EXIF with the GPS position in decimal
degrees). Only then is it linked into place under ``DATA_DIR/evidence/<sha[:2]>/<sha>``, read
only; a refused file leaves nothing behind.

The files of restricted observations are sealed (AES-256-GCM, :mod:`abide.observations.sealing`)
with the key ``ABIDE_EVIDENCE_KEY``: stored as ``<sha>.sealed`` beside where the plain file
would be, their hash still that of the plaintext. A file attached to a restricted observation
and to another one is kept in both forms (it is no secret to the readers of the other). When
an observation's sensitivity changes, :func:`reseal` puts its files in the form it needs.
Without a key, evidence cannot be added to a restricted observation.

The size limit is the setting ``ABIDE_EVIDENCE_MAX_BYTES`` (50 MiB by default).
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import puremagic
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, TiffImagePlugin

from abide.accounts.models import User
from abide.audit.services import record_change
from abide.observations.access import can_add_evidence
from abide.observations.models import Evidence, Observation, Sensitivity
from abide.observations.sealing import SealError, open_sealed, seal_file, unseal_file

__all__ = [
    "evidence_path",
    "is_sealed",
    "max_bytes",
    "open_evidence",
    "reseal",
    "sealed_path",
    "store_evidence",
]

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024

#: The accepted types, by the extension that puremagic gives a signature, as media types.
ACCEPTED = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jfif": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".qt": "video/quicktime",
    ".mp3": "audio/mpeg",
    ".mpga": "audio/mpeg",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".ogv": "video/ogg",
}
TEXT = "text/plain"
#: What the accepted types are called in messages.
ACCEPTED_NAMES = "JPEG, PNG, WebP, GIF, TIFF, PDF, MP4, QuickTime, MP3, WAV, Ogg, UTF-8 text"

#: A signature at least this confident (puremagic gives a tenth per byte matched) makes a file
#: that of its type even when its bytes also read as text (an HTML page, an SVG drawing).
_STRONG_SIGNATURE = 0.5
#: Characters that plain text does not hold: C0 controls other than tab, line and page ends.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: EXIF tags not kept: pointers to other directories, and binary blobs.
_SKIPPED_TAGS = {
    "ExifOffset",
    "GPSInfo",
    "InteroperabilityOffset",
    "MakerNote",
    "PrintImageMatching",
}
#: Among equally likely types, the general one names a file best (a ZIP archive rather than
#: one of the dozen formats that are ZIP archives inside).
_GENERIC_TYPES = {".zip", ".exe", ".rar", ".7z", ".gz", ".tar", ".html", ".xml"}
_MAX_LIST = 32
_MAX_STRING = 1000


def max_bytes() -> int:
    return int(settings.ABIDE_EVIDENCE_MAX_BYTES)


def evidence_root() -> Path:
    return Path(settings.DATA_DIR) / "evidence"


def _path_for(sha256: str) -> Path:
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 in hexadecimal: {sha256!r}")
    return evidence_root() / sha256[:2] / sha256


def evidence_path(evidence: Evidence) -> Path:
    """Where the evidence's file is stored in plain (see :func:`sealed_path`)."""
    return _path_for(evidence.sha256)


def sealed_path(sha256: str) -> Path:
    """Where the sealed form of the file with this hash is stored."""
    return _path_for(sha256).with_name(f"{sha256}.sealed")


def must_seal(observation: Observation) -> bool:
    return observation.sensitivity == Sensitivity.RESTRICTED


def is_sealed(evidence: Evidence) -> bool:
    """Whether the evidence is read from its sealed form."""
    return must_seal(evidence.observation) or not evidence_path(evidence).exists()


def evidence_key() -> bytes | None:
    return getattr(settings, "ABIDE_EVIDENCE_KEY", None)


def _no_key_message() -> str:
    return _(
        "the evidence of restricted observations is stored encrypted and no key is set: set "
        "ABIDE_EVIDENCE_KEY or ABIDE_EVIDENCE_KEY_FILE (`abide evidence keygen` makes a key)"
    )


def open_evidence(evidence: Evidence) -> BinaryIO:
    """The evidence's file (its plaintext), opened for reading in binary; a sealed file is
    opened with the key and is not seekable. A SealError when it is sealed and no key, or
    another key, is set; FileNotFoundError when neither form is stored."""
    plain, sealed = evidence_path(evidence), sealed_path(evidence.sha256)
    order = (sealed, plain) if must_seal(evidence.observation) else (plain, sealed)
    for path in order:
        if not path.exists():
            continue
        if path == plain:
            return path.open("rb")
        key = evidence_key()
        if key is None:
            raise SealError(_no_key_message())
        return open_sealed(path, key)
    raise FileNotFoundError(plain)


def _drop_thumbnails(sha256: str) -> None:
    folder = Path(settings.DATA_DIR) / "thumbnails" / sha256[:2]
    if folder.is_dir():
        for path in folder.glob(f"{sha256}-*.jpg"):
            path.unlink(missing_ok=True)


def reseal(sha256: str) -> str:
    """Store the file with this hash in the forms its observations need: sealed while one of
    them is restricted, plain while one is not; the form no longer needed is removed (with the
    thumbnails of a file no longer kept plain). Returns what was done: "sealed", "unsealed",
    "" for nothing, "no key" when a form could not be made without the key."""
    kinds = set(
        Evidence.objects.filter(sha256=sha256).values_list("observation__sensitivity", flat=True)
    )
    need_sealed = Sensitivity.RESTRICTED in kinds
    need_plain = bool(kinds - {Sensitivity.RESTRICTED})
    plain, sealed = _path_for(sha256), sealed_path(sha256)
    key = evidence_key()
    done = ""
    if need_sealed and not sealed.exists() and plain.exists():
        if key is None:
            logger.warning("evidence %s should be sealed, but no key is set", sha256)
            return "no key"
        seal_file(plain, sealed, key, mode=0o444)
        done = "sealed"
    if need_plain and not plain.exists() and sealed.exists():
        if key is None:
            logger.warning("evidence %s should be unsealed, but no key is set", sha256)
            return "no key"
        unseal_file(sealed, plain, key, mode=0o444)
        done = "unsealed"
    if need_sealed and not need_plain and sealed.exists():
        if plain.exists():
            plain.unlink()
            done = done or "sealed"
        _drop_thumbnails(sha256)
    if need_plain and not need_sealed and plain.exists() and sealed.exists():
        sealed.unlink()
    return done


def reseal_observation(observation_id: int) -> None:
    """Reseal the files of one observation (after a change of its sensitivity)."""
    shas = Evidence.objects.filter(observation_id=observation_id).values_list("sha256", flat=True)
    for sha256 in sorted(set(shas)):
        reseal(sha256)


# --- receiving -------------------------------------------------------------------------------


class _Received:
    """A file streamed to a temporary path: its hash, its size and whether it reads as text."""

    def __init__(self, path: Path, sha256: str, size: int, is_text: bool) -> None:
        self.path, self.sha256, self.size, self.is_text = path, sha256, size, is_text


def _receive(fileobj: BinaryIO, name: str, limit: int) -> _Received:
    """Copy ``fileobj`` to a temporary file in the store, hashing and counting as it goes."""
    root = evidence_root()
    root.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=root, prefix=".incoming-")
    path = Path(temporary)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size, is_text = 0, True
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := fileobj.read(CHUNK_BYTES):
                if not isinstance(chunk, bytes):
                    raise TypeError("evidence must be read from a file opened in binary mode")
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        {
                            "file": _("%(name)s is larger than the limit of %(limit)s bytes")
                            % {"name": name, "limit": f"{limit:,}"}
                        },
                        code="too_large",
                    )
                digest.update(chunk)
                out.write(chunk)
                if is_text:
                    is_text = _reads_as_text(decoder, chunk)
            out.flush()
            os.fsync(out.fileno())
        if is_text:
            is_text = _reads_as_text(decoder, b"", final=True)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": _("%(name)s is empty") % {"name": name}}, code="empty")
    return _Received(path, digest.hexdigest(), size, is_text)


def _reads_as_text(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool = False) -> bool:
    try:
        text = decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return not _CONTROL.search(text)


# --- what the file is ------------------------------------------------------------------------


def _describe(matches: list[Any]) -> str:
    if not matches:
        return _("unrecognised binary data")
    top = max(match.confidence for match in matches)
    tied = [match for match in matches if match.confidence == top]
    best = next((m for m in tied if m.extension.lower() in _GENERIC_TYPES), tied[0])
    kind = best.mime_type or best.extension
    return f"{best.name.strip()} ({kind})" if kind else best.name.strip()


def _media_type(received: _Received, name: str) -> str:
    """The file's media type, read from its bytes; a ValidationError if it is not accepted."""
    try:
        matches = list(puremagic.magic_file(str(received.path)))
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        media_type = ACCEPTED.get(match.extension.lower())
        if media_type is not None:
            return media_type
    strongest = max((match.confidence for match in matches), default=0.0)
    if received.is_text and strongest < _STRONG_SIGNATURE:
        return TEXT
    raise ValidationError(
        {
            "file": _(
                "%(name)s is %(detected)s, which is not accepted as evidence (accepted: "
                "%(accepted)s)"
            )
            % {"name": name, "detected": _describe(matches), "accepted": ACCEPTED_NAMES}
        },
        code="file_type",
    )


def _jsonable(value: Any) -> Any:
    """An EXIF value as JSON that PostgreSQL stores: numbers, text and short lists; None for
    what cannot be shown (binary data, a fraction over zero)."""
    if isinstance(value, TiffImagePlugin.IFDRational):
        if value.denominator == 0:
            return None
        value = float(value)
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            return None
        if not value.rstrip("\x00").isprintable():
            return None
    if isinstance(value, str):
        text = value.replace("\x00", "").strip()
        return text[:_MAX_STRING] if text else None
    if isinstance(value, list | tuple) and len(value) <= _MAX_LIST:
        items = [_jsonable(item) for item in value]
        return None if any(item is None for item in items) else items
    return None


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    """Degrees, minutes and seconds (EXIF rationals) as signed decimal degrees."""
    parts = _jsonable(value)
    if not isinstance(parts, list) or len(parts) != 3:
        return None
    degrees, minutes, seconds = parts
    if not all(isinstance(p, int | float) for p in parts):
        return None
    decimal = degrees + minutes / 60.0 + seconds / 3600.0
    reference = _jsonable(ref)
    if isinstance(reference, str) and reference.upper().startswith(negative):
        decimal = -decimal
    return round(decimal, 7)


def _exif(image: Image.Image) -> tuple[dict[str, Any], dict[str, float]]:
    """The image's EXIF tags by their names, and its GPS position (if any) in degrees."""
    exif = image.getexif()
    tags: dict[str, Any] = {}
    directories = [
        (exif, ExifTags.TAGS),
        (exif.get_ifd(ExifTags.IFD.Exif), ExifTags.TAGS),
        (exif.get_ifd(ExifTags.IFD.GPSInfo), ExifTags.GPSTAGS),
    ]
    for directory, names in directories:
        for tag, raw in directory.items():
            name = names.get(tag)
            if name is None or name in _SKIPPED_TAGS:
                continue
            value = _jsonable(raw)
            if value is not None:
                tags[name] = value
    gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps: dict[str, float] = {}
    latitude = _degrees(
        gps_ifd.get(ExifTags.GPS.GPSLatitude), gps_ifd.get(ExifTags.GPS.GPSLatitudeRef), "S"
    )
    longitude = _degrees(
        gps_ifd.get(ExifTags.GPS.GPSLongitude), gps_ifd.get(ExifTags.GPS.GPSLongitudeRef), "W"
    )
    if latitude is not None and longitude is not None:
        if -90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0:
            gps = {"latitude": latitude, "longitude": longitude}
    altitude = _jsonable(gps_ifd.get(ExifTags.GPS.GPSAltitude))
    if gps and isinstance(altitude, int | float):
        below = _jsonable(gps_ifd.get(ExifTags.GPS.GPSAltitudeRef)) == 1
        gps["altitude"] = -float(altitude) if below else float(altitude)
    return tags, gps


#: HTML or XML markup (a tag, a comment, a declaration) or a script URL in a metadata text.
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:", re.IGNORECASE)


def _holds_markup(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_MARKUP.search(value))
    if isinstance(value, list):
        return any(_holds_markup(item) for item in value)
    return False


def _image_metadata(path: Path, name: str) -> dict[str, Any]:
    """Width, height, format and EXIF of an image; a ValidationError if it is not one."""
    try:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            metadata: dict[str, Any] = {
                "width": image.width,
                "height": image.height,
                "format": image.format,
            }
            tags, gps = _exif(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            {
                "file": _("%(name)s is not a readable image: %(problem)s")
                % {"name": name, "problem": exc}
            },
            code="bad_image",
        ) from exc
    markup = next((tag for tag, value in tags.items() if _holds_markup(value)), None)
    if markup is not None:
        raise ValidationError(
            {
                "file": _(
                    "%(name)s carries markup or a script in its metadata (EXIF %(tag)s); "
                    "remove the metadata and send it again"
                )
                % {"name": name, "tag": markup}
            },
            code="hostile_metadata",
        )
    if tags:
        metadata["exif"] = tags
    if gps:
        metadata["gps"] = gps
    return metadata


# --- storing ---------------------------------------------------------------------------------


def _put_in_place(received: _Received, key: bytes | None) -> Path:
    """Link the received file to its content address, unless a file is there already; with a
    key, seal it there instead."""
    target = _path_for(received.sha256) if key is None else sealed_path(received.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if key is not None:
        if not target.exists():
            seal_file(received.path, target, key, mode=0o444)
        return target
    if target.exists():
        return target  # the same bytes, stored before: never overwritten
    os.chmod(received.path, 0o400)  # read-only, and only abide's
    try:
        os.link(received.path, target)
    except FileExistsError:
        pass  # the same file arrived at the same moment by another upload
    except OSError:
        if not target.exists():  # a file system without hard links
            os.rename(received.path, target)
    return target


def store_evidence(
    observation: Observation, fileobj: BinaryIO, *, name: str, actor: User
) -> tuple[Evidence, bool]:
    """Attach a file to an observation; ``(evidence, created)``.

    The same file attached to the same observation again is stored once (``created`` is
    False). A file of a type not accepted, over the size limit or (for an image) unreadable
    is refused with a ValidationError naming it, and leaves nothing on disk.
    """
    if not can_add_evidence(actor, observation):
        raise PermissionDenied(_("you may not add evidence to this observation"))
    key = None
    if must_seal(observation):
        key = evidence_key()
        if key is None:
            raise ValidationError({"file": _no_key_message()}, code="no_key")
    name = re.split(r"[\\/]", name or "")[-1].strip()[:255]
    shown = name or _("the file")
    received = _receive(fileobj, shown, max_bytes())
    try:
        media_type = _media_type(received, shown)
        metadata = _image_metadata(received.path, shown) if media_type.startswith("image/") else {}
        _put_in_place(received, key)
    finally:
        received.path.unlink(missing_ok=True)

    with transaction.atomic():
        stored = Evidence.objects.filter(observation=observation, sha256=received.sha256).first()
        if stored is not None:
            return stored, False
        evidence = Evidence(
            observation=observation,
            sha256=received.sha256,
            size=received.size,
            media_type=media_type,
            original_name=name,
            metadata=metadata,
            uploaded_by=actor,
        )
        try:
            with transaction.atomic():
                evidence.save(force_insert=True)
        except IntegrityError:
            stored = Evidence.objects.filter(
                observation=observation, sha256=received.sha256
            ).first()
            if stored is None:
                raise
            return stored, False
        record_change(
            evidence, actor=actor, action="create", detail={"observation": observation.pk}
        )
    return evidence, True
