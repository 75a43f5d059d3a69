"""Evidence at rest: the files of restricted observations are sealed (AES-256-GCM)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from PIL import Image

from abide import env
from abide.cli import main
from abide.observations import sealing
from abide.observations.correcting import correct_observation
from abide.observations.evidence import (
    evidence_path,
    open_evidence,
    sealed_path,
    store_evidence,
)
from abide.observations.sealing import SealError
from abide.observations.services import report_observation

SECRET_TEXT = b"Witness K. Aliyeva saw the convoy at the checkpoint; call her on +374 55 000000.\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


def report(observer, sensitivity: str):
    observation, _ = report_observation(
        actor=observer,
        category="cessation_of_hostilities",
        subtype="shelling",
        observed_start=dt.datetime(2023, 9, 19, 10, tzinfo=dt.UTC),
        time_precision="exact",
        latitude=39.8177,
        longitude=46.7528,
        sensitivity=sensitivity,
        public_precision="1km",
    )
    return observation


@pytest.fixture
def restricted(starter_registry, observer):
    return report(observer, "restricted")


def stored_files(data_dir) -> list:
    root = data_dir / "evidence"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_restricted_observations_file_is_stored_sealed_and_hashed_as_uploaded(
    restricted, observer, data_dir
):
    evidence, _ = store_evidence(
        restricted, io.BytesIO(SECRET_TEXT), name="witness.txt", actor=observer
    )
    assert evidence.sha256 == hashlib.sha256(SECRET_TEXT).hexdigest()
    assert evidence.size == len(SECRET_TEXT)
    assert stored_files(data_dir) == [sealed_path(evidence.sha256)]
    stored = sealed_path(evidence.sha256).read_bytes()
    assert stored != SECRET_TEXT
    assert b"Aliyeva" not in stored and b"convoy" not in stored
    assert not evidence_path(evidence).exists()
    with open_evidence(evidence) as handle:
        assert handle.read() == SECRET_TEXT


def test_an_analyst_downloads_the_decrypted_file(client, restricted, observer, analyst):
    evidence, _ = store_evidence(
        restricted, io.BytesIO(SECRET_TEXT), name="witness.txt", actor=observer
    )
    client.force_login(analyst)
    response = client.get(f"/observations/{restricted.pk}/evidence/{evidence.sha256}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SECRET_TEXT
    assert response["Content-Length"] == str(len(SECRET_TEXT))


def test_a_sealed_images_thumbnail_is_made_in_memory_and_never_written(
    client, restricted, observer, analyst, data_dir
):
    evidence, _ = store_evidence(restricted, io.BytesIO(png_bytes()), name="a.png", actor=observer)
    client.force_login(analyst)
    response = client.get(f"/observations/{restricted.pk}/evidence/{evidence.sha256}/thumbnail")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.format == "JPEG" and image.size == (40, 30)
    assert not (data_dir / "thumbnails").exists()


def test_without_a_key_a_restricted_upload_is_refused_and_nothing_is_stored(
    restricted, observer, settings, data_dir
):
    settings.ABIDE_EVIDENCE_KEY = None
    with pytest.raises(ValidationError) as error:
        store_evidence(restricted, io.BytesIO(SECRET_TEXT), name="witness.txt", actor=observer)
    assert "ABIDE_EVIDENCE_KEY" in str(error.value.message_dict["file"])
    assert stored_files(data_dir) == []
    assert not restricted.evidence.exists()


def test_without_a_key_other_uploads_are_stored_plain(
    starter_registry, observer, settings, data_dir
):
    settings.ABIDE_EVIDENCE_KEY = None
    internal = report(observer, "internal")
    evidence, _ = store_evidence(internal, io.BytesIO(SECRET_TEXT), name="n.txt", actor=observer)
    assert evidence_path(evidence).read_bytes() == SECRET_TEXT


def test_a_visibility_change_seals_and_unseals_the_files(
    starter_registry, observer, data_dir, django_capture_on_commit_callbacks
):
    observation = report(observer, "internal")
    evidence, _ = store_evidence(observation, io.BytesIO(SECRET_TEXT), name="w.txt", actor=observer)
    plain, sealed = evidence_path(evidence), sealed_path(evidence.sha256)
    assert plain.exists() and not sealed.exists()

    with django_capture_on_commit_callbacks(execute=True):
        correct_observation(observation, actor=observer, sensitivity="restricted")
    assert stored_files(data_dir) == [sealed]
    assert SECRET_TEXT not in sealed.read_bytes()
    evidence.refresh_from_db()
    with open_evidence(evidence) as handle:
        assert handle.read() == SECRET_TEXT

    with django_capture_on_commit_callbacks(execute=True):
        correct_observation(observation, actor=observer, sensitivity="public")
    assert stored_files(data_dir) == [plain]
    assert plain.read_bytes() == SECRET_TEXT


def test_a_file_shared_with_an_unrestricted_observation_stays_plain_for_it(
    starter_registry, observer, data_dir
):
    restricted = report(observer, "restricted")
    internal = report(observer, "internal")
    one, _ = store_evidence(restricted, io.BytesIO(SECRET_TEXT), name="a.txt", actor=observer)
    two, _ = store_evidence(internal, io.BytesIO(SECRET_TEXT), name="b.txt", actor=observer)
    assert stored_files(data_dir) == sorted([evidence_path(two), sealed_path(one.sha256)])
    for evidence in (one, two):
        with open_evidence(evidence) as handle:
            assert handle.read() == SECRET_TEXT


def test_a_sealed_file_opened_with_another_key_is_refused(restricted, observer, settings):
    evidence, _ = store_evidence(restricted, io.BytesIO(SECRET_TEXT), name="w.txt", actor=observer)
    settings.ABIDE_EVIDENCE_KEY = os.urandom(32)
    with pytest.raises(SealError, match="another key"):
        open_evidence(evidence)


def test_a_sealed_file_altered_or_cut_short_does_not_authenticate(tmp_path, monkeypatch):
    monkeypatch.setattr(sealing, "CHUNK", 16)
    key = os.urandom(32)
    plain = tmp_path / "plain"
    plain.write_bytes(SECRET_TEXT)
    target = tmp_path / "sealed"
    sealing.seal_file(plain, target, key, mode=0o600)
    with sealing.open_sealed(target, key) as handle:
        assert handle.read() == SECRET_TEXT  # many chunks, read back in order
    data = target.read_bytes()
    altered = bytearray(data)
    altered[sealing.HEADER + 3] ^= 1
    cut = data[: sealing.HEADER + 2 * (16 + sealing.TAG)]  # whole chunks, but not the last
    for broken in (bytes(altered), cut):
        target.chmod(0o600)
        target.write_bytes(broken)
        with pytest.raises(SealError, match="does not authenticate"):
            with sealing.open_sealed(target, key) as handle:
                handle.read()


def test_evidence_seal_seals_the_restricted_files_stored_before_a_key_was_set(
    starter_registry, observer, data_dir, capsys
):
    observation = report(observer, "internal")
    evidence, _ = store_evidence(observation, io.BytesIO(SECRET_TEXT), name="w.txt", actor=observer)
    type(observation).objects.filter(pk=observation.pk).update(sensitivity="restricted")
    assert main(["evidence", "seal"]) == 0
    assert "1 sealed" in capsys.readouterr().out
    assert stored_files(data_dir) == [sealed_path(evidence.sha256)]
    assert main(["evidence", "seal"]) == 0
    assert "1 unchanged" in capsys.readouterr().out


def test_evidence_keygen_prints_a_key_or_writes_it_outside_the_data_directory(
    tmp_path, data_dir, capsys
):
    assert main(["evidence", "keygen"]) == 0
    assert len(base64.b64decode(capsys.readouterr().out.strip())) == 32
    target = tmp_path / "evidence.key"
    assert main(["evidence", "keygen", "--key", str(target)]) == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(target.read_text().strip())) == 32
    assert main(["evidence", "keygen", "--key", str(data_dir / "evidence.key")]) == 1
    assert "inside the data directory" in capsys.readouterr().err


def test_the_key_setting_is_checked_at_start(tmp_path, monkeypatch):
    directory = tmp_path / "data"
    monkeypatch.delenv("ABIDE_EVIDENCE_KEY", raising=False)
    monkeypatch.delenv("ABIDE_EVIDENCE_KEY_FILE", raising=False)
    assert env.evidence_key(directory) is None
    monkeypatch.setenv("ABIDE_EVIDENCE_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(ImproperlyConfigured, match="must be 32 bytes"):
        env.evidence_key(directory)
    monkeypatch.setenv("ABIDE_EVIDENCE_KEY", "not base64!")
    with pytest.raises(ImproperlyConfigured, match="not base64"):
        env.evidence_key(directory)
    monkeypatch.delenv("ABIDE_EVIDENCE_KEY")
    inside = directory / "key"
    inside.write_text(sealing.new_key())
    monkeypatch.setenv("ABIDE_EVIDENCE_KEY_FILE", str(inside))
    with pytest.raises(ImproperlyConfigured, match="inside the data directory"):
        env.evidence_key(directory)
    outside = tmp_path / "key"
    outside.write_text(sealing.new_key() + "\n")
    monkeypatch.setenv("ABIDE_EVIDENCE_KEY_FILE", str(outside))
    assert len(env.evidence_key(directory)) == 32


def test_abide_refuses_to_start_with_a_key_file_in_the_data_directory(tmp_path):
    directory = tmp_path / "data"
    (directory / "key").write_text(sealing.new_key())
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.pop("ABIDE_EVIDENCE_KEY", None)
    environment.update(
        ABIDE_DATA_DIR=str(directory), ABIDE_EVIDENCE_KEY_FILE=str(directory / "key")
    )
    done = subprocess.run(
        [sys.executable, "-m", "abide.cli", "version"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "ABIDE_EVIDENCE_KEY_FILE" in done.stderr and "inside the data directory" in done.stderr


def test_without_a_key_a_restricted_report_with_files_is_refused_whole(
    starter_registry, observer, settings, data_dir
):
    from abide.observations.models import Observation
    from abide.observations.submitting import report_with_files

    settings.ABIDE_EVIDENCE_KEY = None
    before = Observation.objects.count()
    with pytest.raises(ValidationError) as error:
        report_with_files(
            actor=observer,
            files=[("witness.txt", io.BytesIO(SECRET_TEXT))],
            category="cessation_of_hostilities",
            subtype="shelling",
            observed_start=dt.datetime(2023, 9, 19, 10, tzinfo=dt.UTC),
            time_precision="exact",
            latitude=39.8177,
            longitude=46.7528,
            sensitivity="restricted",
            public_precision="1km",
        )
    assert "ABIDE_EVIDENCE_KEY" in str(error.value.message_dict["files"])
    assert Observation.objects.count() == before
    assert stored_files(data_dir) == []
