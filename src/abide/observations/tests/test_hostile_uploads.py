"""Hostile uploads on every upload path: evidence through the API (`POST
/api/observations/{id}/evidence`) and the reporting form (both call the evidence service), and
documents through the desk's source page. Oversized, disguised, zip bombs, hostile metadata and
path-traversal names are refused with a message naming the file and store nothing; a name with
a path in it is stored as its last part only, inside the store."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import ExifTags, Image

from abide.audit.models import AuditEntry
from abide.observations.models import Evidence, Observation
from abide.observations.tests.helpers import stored
from abide.observations.tests.test_api import bearer
from abide.observations.tests.test_reporting_pages import NEW, errors_beside, form_data
from abide.registry.jobs import MAX_SOURCE_BYTES
from abide.registry.models import Source


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def observation(observer) -> Observation:
    return stored(reported_by=observer, sensitivity="internal")


def files_under(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def upload(client, observation, content: bytes, name: str, headers: dict):
    return client.post(
        f"/api/observations/{observation.pk}/evidence",
        {"file": SimpleUploadedFile(name, content)},
        **headers,
    )


def exe() -> bytes:
    header = bytearray(b"MZ\x90\x00" + b"\x00" * 56)
    header[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(header) + b"PE\x00\x00\x4c\x01" + b"\x00" * 200


def zip_bomb() -> bytes:
    """A small archive that unpacks to 200 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(200):
                member.write(block)
    return out.getvalue()


def gzip_bomb() -> bytes:
    return gzip.compress(b"\x00" * (50 << 20), compresslevel=9)


def png_bomb() -> bytes:
    """A valid PNG header claiming 30,000 x 30,000 pixels (900 megapixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_with_script_in_exif() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = '<script>alert("exif")</script>'
    exif[ExifTags.Base.Make] = "<img src=x onerror=alert(1)>"
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 40, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

HOSTILE = [
    ("an .exe named .jpg", exe(), "photo.jpg", "photo.jpg is"),
    ("a PDF that is HTML", HTML, "report.pdf", "report.pdf is"),
    ("an HTML page named .txt", HTML, "notes.txt", "notes.txt is"),
    ("an SVG with a script named .png", SVG, "map.png", "map.png is"),
    ("a zip bomb named .pdf", zip_bomb(), "scan.pdf", "scan.pdf is"),
    ("a gzip bomb named .jpg", gzip_bomb(), "photo.jpg", "photo.jpg is"),
    ("a PNG claiming 900 megapixels", png_bomb(), "huge.png", "huge.png is not a readable"),
    ("a photo with scripts in its EXIF", jpeg_with_script_in_exif(), "x.jpg", "x.jpg"),
]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_a_hostile_evidence_file_is_refused_naming_it_and_nothing_is_stored(
    client, observer, observation, data_dir, content, name, message
):
    headers = bearer(observer)
    entries = AuditEntry.objects.count()
    answer = upload(client, observation, content, name, headers)
    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"]["file"][0].startswith(message), answer.json()
    assert not Evidence.objects.exists()
    assert files_under(data_dir) == [], "a refused file left bytes behind"
    assert AuditEntry.objects.count() == entries


def test_an_oversized_evidence_file_is_refused_and_nothing_is_stored(
    client, observer, observation, data_dir, settings
):
    settings.ABIDE_EVIDENCE_MAX_BYTES = 64 * 1024
    answer = upload(client, observation, b"a" * (64 * 1024 + 1), "long.txt", bearer(observer))
    assert answer.status_code == 422
    assert answer.json()["detail"]["file"] == ["long.txt is larger than the limit of 65,536 bytes"]
    assert not Evidence.objects.exists() and files_under(data_dir) == []


@pytest.mark.parametrize(
    "name", ["../../x.txt", "..\\..\\x.txt", "/etc/../../x.txt", "evidence/../../../x.txt"]
)
def test_a_path_traversal_name_stores_the_file_inside_the_store_under_its_last_part(
    client, observer, observation, data_dir, name
):
    answer = upload(client, observation, b"seen at 10:15\n", name, bearer(observer))
    assert answer.status_code == 201, answer.content
    evidence = Evidence.objects.get()
    assert evidence.original_name == "x.txt"
    (stored_file,) = files_under(data_dir.parent)
    assert stored_file.parent.parent == data_dir / "evidence"
    assert stored_file.name == evidence.sha256


@pytest.mark.parametrize(
    ("content", "name"),
    [(exe(), "photo.jpg"), (jpeg_with_script_in_exif(), "x.jpg"), (HTML, "a.pdf")],
)
def test_the_reporting_form_refuses_a_hostile_file_and_stores_nothing(
    client, observer, starter_registry, data_dir, content, name
):
    client.force_login(observer)
    answer = client.post(NEW, form_data(files=[SimpleUploadedFile(name, content)]))
    assert answer.status_code == 422
    assert " ".join(errors_beside(answer, "files")).startswith(name)
    assert not Observation.objects.exists(), "the observation was stored without its file"
    assert not Evidence.objects.exists() and files_under(data_dir) == []


DESK = [
    ("an .exe named .txt", exe(), "notes.txt", "a binary file"),
    ("a zip bomb named .html", zip_bomb(), "page.html", "notes"),
    ("an oversized text", b"x" * (MAX_SOURCE_BYTES + 1), "big.txt", "larger than"),
    ("a gzip bomb named .md", gzip_bomb(), "notes.md", "not UTF-8"),
]


@pytest.mark.parametrize(
    ("content", "name", "message"), [case[1:] for case in DESK], ids=[case[0] for case in DESK]
)
def test_a_hostile_document_upload_on_the_desk_is_refused_and_nothing_is_queued(
    client, analyst, starter_registry, content, name, message
):
    client.force_login(analyst)
    answer = client.post(
        reverse("registry:sources"), {"file": SimpleUploadedFile(name, content), "text": ""}
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    field = page[page.index('for="id_file"') :]
    assert name.split("/")[-1] in field[: field.index("</div>")]
    assert DBTaskResult.objects.count() == 0 and Source.objects.count() == 0
