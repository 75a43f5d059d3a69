"""Evidence files and their thumbnails, served only to those who may see the observation.

Never a public URL: each request finds the observation through ``get_observation_for`` (404
for one the reader may not see, whether or not it exists) and the evidence among its own."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from abide.observations.access import (
    can_download_evidence,
    evidence_name_for,
    get_observation_for,
)
from abide.observations.evidence import is_sealed, open_evidence
from abide.observations.models import Evidence, Observation
from abide.observations.sealing import SealError
from abide.observations.thumbnails import open_thumbnail

logger = logging.getLogger(__name__)


def _evidence(request: HttpRequest, pk: int, key: str) -> tuple[Observation, Evidence]:
    observation = get_observation_for(request.user, pk)
    evidence = observation.evidence.all()
    if key.isdigit():
        return observation, get_object_or_404(evidence, pk=int(key))
    return observation, get_object_or_404(evidence, sha256=key.lower())


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@require_safe
def evidence_file(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The file as uploaded (a sealed file decrypted), as an attachment named as uploaded
    (images and PDFs shown inline)."""
    observation, evidence = _evidence(request, pk, key)
    if not can_download_evidence(request.user, observation, evidence):
        raise Http404(_("no such evidence"))
    try:
        handle = open_evidence(evidence)
    except FileNotFoundError:
        raise Http404(_("the evidence file is missing from the store")) from None
    except SealError as exc:
        logger.error("evidence %s cannot be opened: %s", evidence.sha256, exc)
        raise Http404(_("the evidence file cannot be opened")) from exc
    inline = evidence.media_type.startswith("image/") or evidence.media_type == "application/pdf"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence_name_for(request.user, observation, evidence),
        content_type=evidence.media_type,
    )
    if is_sealed(evidence):
        response["Content-Length"] = str(evidence.size)
    return _private(response)


@require_safe
def evidence_thumbnail(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """A small JPEG of an image, without its metadata."""
    _observation, evidence = _evidence(request, pk, key)
    handle = open_thumbnail(evidence)
    if handle is None:
        raise Http404(_("this evidence has no thumbnail"))
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{evidence.sha256[:12]}-thumbnail.jpg"'
    return _private(response)
