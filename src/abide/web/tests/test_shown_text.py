"""Invisible bidirectional and zero-width controls in ingested text are not shown to readers
(a right-to-left override cannot reorder what they see); the stored text keeps them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from abide.compliance.tests.test_linking import observe, pledge
from abide.core.text import INVISIBLE_CONTROLS, controls_marked, without_controls
from abide.registry.models import Commitment, Source

#: "withdraw by 1 October" spoofed to read otherwise, a zero-width space and joiner, isolates.
#: (abide's own pages use first-strong isolates, U+2068 and U+2069, around names and numbers:
#: the spoof uses every other kind, an unterminated right-to-left isolate among them.)
SPOOF = "withdraw \u202eby 1 October\u202c from the\u200b vil\u200dlage \u2067now\ufeff"
CONTROLS = re.compile("[\u202e\u202c\u200b\u200d\u2067\ufeff]")


def test_every_control_is_removed_and_the_rest_is_kept():
    assert without_controls(SPOOF) == "withdraw by 1 October from the village now"
    assert without_controls("Ереван, Երևան, يريفان") == "Ереван, Երևան, يريفان"
    assert len(controls_marked(SPOOF)) == len(SPOOF)
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    for char in controls + "\u200e\u200f\u200b\u200c\u200d\ufeff\u061c\u2060":
        assert INVISIBLE_CONTROLS.fullmatch(char), hex(ord(char))


@pytest.fixture
def spoofed(starter_registry):
    commitment = pledge(text=SPOOF, scope_area="the \u202evillage")
    observation = observe(day=dt.date(2023, 9, 27))
    observation.narrative = f"Shelling heard. {SPOOF}"
    observation.sensitivity = "public"
    observation.status = "verified"
    observation.save()
    source = Source.objects.create(
        kind="press_release",
        title="Statement \u202egpj.exe",
        publisher="Ministry\u200b of Defence",
        text=f"The minister said: {SPOOF}.",
        language="en",
        sha256="0" * 64,
    )
    return commitment, observation, source


def assert_no_controls(html: str, where: str) -> None:
    found = CONTROLS.findall(html)
    assert not found, f"{where}: {[hex(ord(c)) for c in found]}"


@pytest.mark.django_db
def test_public_pages_show_ingested_text_without_its_controls(client, spoofed):
    commitment, observation, _ = spoofed
    for path in [
        "/",
        "/commitments/",
        f"/tracker/{commitment.pk}/",
        f"/observations/{observation.pk}/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert_no_controls(html, path)
    assert (
        "withdraw by 1 October from the village now"
        in client.get(f"/tracker/{commitment.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_the_desk_shows_sources_without_controls_and_keeps_offsets(client, analyst, spoofed):
    _, observation, source = spoofed
    client.force_login(analyst)
    for path in ["/sources/", f"/sources/{source.pk}/", f"/observations/{observation.pk}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_controls(response.content.decode(), path)
    html = client.get(f"/sources/{source.pk}/").content.decode()
    assert "Statement gpj.exe" in html
    # The source's text keeps one character for each control, so selections keep their offsets.
    assert controls_marked(source.text) in re.sub(r"<[^>]+>", "", html)


@pytest.mark.django_db
def test_the_stored_text_and_the_api_keep_the_controls(client, spoofed):
    commitment, *_ = spoofed
    assert Commitment.objects.get(pk=commitment.pk).text == SPOOF
    response = client.get(f"/api/commitments/{commitment.pk}")
    assert response.status_code == 200
    assert response.json()["text"] == SPOOF
