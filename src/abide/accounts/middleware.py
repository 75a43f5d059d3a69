"""Middleware of signing in: sessions that end, and the second factor that some roles need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from abide.accounts.access import needs_second_factor

#: Session keys: when the session signed in, and when it was last seen (epoch seconds).
SIGNED_IN_AT = "abide_signed_in_at"
LAST_SEEN_AT = "abide_last_seen_at"
#: The last-seen time is written at most this often (each write is a database write).
TOUCH_EVERY = 60


@receiver(user_logged_in)
def _note_sign_in(
    sender: object, request: HttpRequest | None, user: object, **kwargs: object
) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(timezone.now().timestamp())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def session_expired(session: object, now: dt.datetime) -> bool:
    """Whether a signed-in session is past its idle time or its maximum age."""
    seconds = int(now.timestamp())
    signed_in = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN_AT, signed_in)
    if signed_in is None or last_seen is None:
        return False
    idle = settings.ABIDE_SESSION_IDLE_MINUTES * 60
    longest = settings.ABIDE_SESSION_MAX_HOURS * 3600
    return seconds - last_seen > idle or seconds - signed_in > longest


class SessionLimitsMiddleware:
    """Signs out a session after ``ABIDE_SESSION_IDLE_MINUTES`` without a request, or
    ``ABIDE_SESSION_MAX_HOURS`` after it signed in, whichever comes first. The request then
    goes on as the public's (a page that needs a sign-in sends to the login page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = timezone.now()
            if SIGNED_IN_AT not in session:  # a session from before these limits
                session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = int(now.timestamp())
            elif session_expired(session, now):
                logout(request)
            elif int(now.timestamp()) - session.get(LAST_SEEN_AT, 0) >= TOUCH_EVERY:
                session[LAST_SEEN_AT] = int(now.timestamp())
        return self.get_response(request)


def _allowed_unverified(path: str) -> bool:
    """Paths served to a session that has not yet passed its second factor."""
    open_paths = (
        reverse("second_factor"),
        reverse("second_factor_setup"),
        reverse("logout"),
        settings.STATIC_URL,
        "/i18n/",
    )
    return any(path.startswith(prefix) for prefix in open_paths)


class SecondFactorMiddleware:
    """For users who need a second factor (``access.needs_second_factor``), a session that has
    not passed it gets only the second-factor pages, signing out, static files and the language
    switch: pages send it to the second-factor page, the API answers 403. API tokens are not
    sessions and are not concerned (see the README)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and needs_second_factor(user)
            and not user.is_verified()
            and not _allowed_unverified(request.path_info)
        ):
            return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Confirm this sign-in with your second factor first.")}, status=403
            )
        target = reverse("second_factor")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
