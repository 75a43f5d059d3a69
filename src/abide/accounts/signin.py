"""Signing in: the address a sign-in comes from, for the lockout of repeated failures."""

from __future__ import annotations

import math
from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str | None:
    """The address the lockout counts failures against: ``REMOTE_ADDR``, or, behind
    ``ABIDE_TRUSTED_PROXIES`` proxies that each append to ``X-Forwarded-For``, the address the
    outermost of them saw (entries further left are the client's word, and not trusted)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.ABIDE_TRUSTED_PROXIES
    if not count:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page shown instead of signing in while the account or the address is locked out
    (429 Too Many Requests, with ``Retry-After``)."""
    cool_off = get_cool_off(request) or timedelta(minutes=1)
    seconds = int(cool_off.total_seconds())
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
