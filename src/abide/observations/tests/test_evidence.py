"""Evidence files: checked by content, stored once by hash, read-only, with their metadata."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import stat
import struct
import wave
import zipfile
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, TiffImagePlugin

from abide.accounts.models import Role
from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.observations.evidence import evidence_path, open_evidence, store_evidence
from abide.observations.models import Evidence
from abide.observations.services import report_observation
from abide.testing import make_user


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Each test stores its files in a fresh data directory."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def observation(starter_registry, observer):
    observation, _ = report_observation(
        actor=observer,
        category="cessation_of_hostilities",
        subtype="shelling",
        observed_start=dt.datetime(2023, 9, 19, 10, tzinfo=dt.UTC),
        time_precision="exact",
        latitude=39.8177,
        longitude=46.7528,
        sensitivity="internal",
        public_precision="1km",
    )
    return observation


def stored_files(data_dir) -> list:
    root = data_dir / "evidence"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def image_bytes(fmt: str, size=(8, 6), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **options)
    return out.getvalue()


def wav_bytes() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


def mp4_bytes(brand: bytes) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"isom"
    mdat = struct.pack(">I", 16) + b"mdat" + b"\x00" * 8
    return ftyp + mdat


def exe_bytes() -> bytes:
    header = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 56)
    header[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(header) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


def rational(value: float) -> TiffImagePlugin.IFDRational:
    fraction = Fraction(value).limit_denominator(10000)
    return TiffImagePlugin.IFDRational(fraction.numerator, fraction.denominator)


def jpeg_with_exif(latitude: float, longitude: float) -> bytes:
    """A JPEG as a phone writes it: camera, time taken and GPS position in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 90D"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2023:09:19 10:15:42"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)

    def dms(value: float) -> tuple:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = (value - degrees - minutes / 60) * 3600
        return (rational(degrees), rational(minutes), rational(round(seconds, 2)))

    gps[ExifTags.GPS.GPSLatitudeRef] = "N" if latitude >= 0 else "S"
    gps[ExifTags.GPS.GPSLatitude] = dms(latitude)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if longitude >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = dms(longitude)
    return image_bytes("JPEG", size=(32, 24), exif=exif)


def store(observation, data: bytes, name: str, actor):
    return store_evidence(observation, io.BytesIO(data), name=name, actor=actor)


# --- storing ---------------------------------------------------------------------------------


def test_a_file_is_stored_under_its_hash_read_only_and_byte_identical(
    observation, observer, data_dir
):
    data = image_bytes("PNG")
    evidence, created = store(observation, data, "crater.png", observer)
    sha = hashlib.sha256(data).hexdigest()
    assert created
    assert (evidence.sha256, evidence.size, evidence.original_name) == (
        sha,
        len(data),
        "crater.png",
    )
    path = evidence_path(evidence)
    assert path == data_dir / "evidence" / sha[:2] / sha
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    with open_evidence(evidence) as stored:
        assert stored.read() == data
    assert stored_files(data_dir) == [path]  # no temporary file left over


def test_storing_is_audited(observation, observer):
    evidence, _ = store(observation, image_bytes("PNG"), "crater.png", observer)
    entry = AuditEntry.objects.get(action="create", object_type="observations.evidence")
    assert entry.object_id == str(evidence.pk)
    assert entry.actor == observer
    assert entry.detail == {"observation": observation.pk}
    assert verify_log().ok


def test_the_same_file_twice_on_one_observation_is_stored_once(observation, observer, data_dir):
    data = image_bytes("PNG")
    first, created = store(observation, data, "crater.png", observer)
    audited = AuditEntry.objects.count()
    again, created_again = store(observation, data, "crater-copy.png", observer)
    assert created and not created_again
    assert again.pk == first.pk
    assert Evidence.objects.count() == 1
    assert AuditEntry.objects.count() == audited
    assert len(stored_files(data_dir)) == 1


def test_the_same_file_on_two_observations_is_one_file_on_disk(
    observation, observer, analyst, data_dir
):
    other, _ = report_observation(
        actor=analyst,
        category="cessation_of_hostilities",
        subtype="shelling",
        observed_start=dt.datetime(2023, 9, 20, tzinfo=dt.UTC),
        time_precision="day",
        place_name="Shusha",
        sensitivity="internal",
        public_precision="1km",
    )
    data = image_bytes("PNG")
    one, _ = store(observation, data, "a.png", observer)
    two, created = store(other, data, "b.png", analyst)
    assert created and one.pk != two.pk
    assert evidence_path(one) == evidence_path(two)
    assert len(stored_files(data_dir)) == 1


def test_an_uploaded_file_from_a_form_is_stored(observation, observer):
    upload = SimpleUploadedFile("note.txt", b"Seen at 10:15.\n", "text/plain")
    evidence, created = store_evidence(observation, upload, name=upload.name, actor=observer)
    assert created and evidence.media_type == "text/plain"


# --- the type is read from the content -------------------------------------------------------


def test_a_png_named_pdf_is_detected_as_png(observation, observer):
    evidence, _ = store(observation, image_bytes("PNG", size=(8, 6)), "report.pdf", observer)
    assert evidence.media_type == "image/png"
    assert evidence.original_name == "report.pdf"
    assert evidence.metadata == {"width": 8, "height": 6, "format": "PNG"}


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("WEBP"), "image/webp"),
        (image_bytes("GIF"), "image/gif"),
        (image_bytes("TIFF"), "image/tiff"),
        (image_bytes("PDF"), "application/pdf"),
        (mp4_bytes(b"mp42"), "video/mp4"),
        (mp4_bytes(b"qt  "), "video/quicktime"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400, "audio/mpeg"),
        (wav_bytes(), "audio/wav"),
        (b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis" + b"\x00" * 40, "audio/ogg"),
        ("Շուշի, 19 սեպտեմբերի: արկեր ընկան։\n".encode(), "text/plain"),
        (b"BM went to the village at 10:00\n", "text/plain"),  # looks like a bitmap's start
    ],
    ids=[
        "jpeg",
        "webp",
        "gif",
        "tiff",
        "pdf",
        "mp4",
        "quicktime",
        "mp3",
        "wav",
        "ogg",
        "text",
        "text-like-bmp",
    ],
)
def test_accepted_types_are_recognised_by_their_content(observation, observer, data, media_type):
    evidence, _ = store(observation, data, "upload.bin", observer)
    assert evidence.media_type == media_type


@pytest.mark.parametrize(
    ("data", "name", "detected"),
    [
        (exe_bytes(), "photo.jpg", "Windows Executable"),
        (zip_bytes(), "photos.png", "PKZIP Archive"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "note.txt", "HTML"),
        (b"\x00\x01\x02\x03\xfe\xff" * 40, "clip.mp4", "unrecognised binary data"),
    ],
    ids=["exe", "zip", "html", "unknown"],
)
def test_other_types_are_refused_naming_the_file_and_what_it_is(
    observation, observer, data_dir, data, name, detected
):
    with pytest.raises(ValidationError) as caught:
        store(observation, data, name, observer)
    (message,) = caught.value.message_dict["file"]
    assert message.startswith(f"{name} is ")
    assert detected in message
    assert "not accepted as evidence" in message
    assert not Evidence.objects.exists()
    assert stored_files(data_dir) == []


def test_a_file_that_only_starts_like_an_image_is_refused(observation, observer, data_dir):
    with pytest.raises(ValidationError) as caught:
        store(observation, b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "fake.png", observer)
    assert "fake.png is not a readable image" in caught.value.message_dict["file"][0]
    assert stored_files(data_dir) == []


def test_a_file_over_the_limit_is_refused_and_leaves_nothing(
    observation, observer, settings, data_dir
):
    settings.ABIDE_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        store(observation, b"a" * 1001, "long.txt", observer)
    assert caught.value.message_dict["file"] == ["long.txt is larger than the limit of 1,000 bytes"]
    assert stored_files(data_dir) == []
    assert not Evidence.objects.exists()
    evidence, _ = store(observation, b"a" * 1000, "just-fits.txt", observer)
    assert evidence.size == 1000


def test_an_empty_file_is_refused(observation, observer, data_dir):
    with pytest.raises(ValidationError) as caught:
        store(observation, b"", "empty.jpg", observer)
    assert caught.value.message_dict["file"] == ["empty.jpg is empty"]
    assert stored_files(data_dir) == []


def test_a_path_in_the_name_is_not_kept(observation, observer):
    evidence, _ = store(observation, b"note\n", "C:\\Users\\olga\\..\\note.txt", observer)
    assert evidence.original_name == "note.txt"


# --- image metadata --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(39.8177, 46.7528), (-33.8688, -70.6693)], ids=["NE", "SW"]
)
def test_the_exif_of_a_photo_is_kept_with_its_gps_position_in_degrees(
    observation, observer, latitude, longitude
):
    evidence, _ = store(observation, jpeg_with_exif(latitude, longitude), "IMG_0042.JPG", observer)
    metadata = evidence.metadata
    assert (metadata["width"], metadata["height"], metadata["format"]) == (32, 24, "JPEG")
    exif = metadata["exif"]
    assert exif["Make"] == "Canon"
    assert exif["Model"] == "EOS 90D"
    assert exif["DateTimeOriginal"] == "2023:09:19 10:15:42"
    assert exif["GPSLatitudeRef"] in ("N", "S")
    assert metadata["gps"]["latitude"] == pytest.approx(latitude, abs=1e-5)
    assert metadata["gps"]["longitude"] == pytest.approx(longitude, abs=1e-5)
    evidence.refresh_from_db()  # and it survives the database's JSON
    assert evidence.metadata["gps"]["latitude"] == pytest.approx(latitude, abs=1e-5)


def test_a_photo_without_exif_has_only_its_size_and_format(observation, observer):
    evidence, _ = store(observation, image_bytes("JPEG", size=(5, 4)), "plain.jpg", observer)
    assert evidence.metadata == {"width": 5, "height": 4, "format": "JPEG"}


# --- who may add evidence --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["analyst", "head"])
def test_analysts_and_the_head_add_evidence_to_any_observation(observation, request, who):
    _, created = store(observation, b"a note\n", "note.txt", request.getfixturevalue(who))
    assert created


@pytest.mark.parametrize("who", ["other_observer", "partner", "administrator"])
def test_others_may_not_add_evidence_and_nothing_is_stored(observation, request, data_dir, who):
    user = (
        make_user("oleg-observer", Role.OBSERVER)
        if who == "other_observer"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        store(observation, b"a note\n", "note.txt", user)
    assert stored_files(data_dir) == []
