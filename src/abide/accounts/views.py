"""The second step of signing in: setting up an authenticator app, and giving its code."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from abide.accounts import second_factor
from abide.accounts.access import needs_second_factor
from abide.accounts.forms import SecondFactorForm


def _next(request: HttpRequest) -> str:
    """Where to go once the sign-in is confirmed: ``next`` if it is this site's, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _signed_in(request: HttpRequest, device: object) -> HttpResponse:
    # A new session key for the confirmed session, as for a sign-in.
    request.session.cycle_key()
    django_otp.login(request, device)
    return HttpResponseRedirect(_next(request))


def _apply(form: SecondFactorForm, exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error("code" if field == "code" else None, message)


@login_required
def confirm(request: HttpRequest) -> HttpResponse:
    """Give the code of one's authenticator app after the password."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return HttpResponseRedirect(_next(request))
    if second_factor.confirmed_device(user) is None:
        return HttpResponseRedirect(_with_next("second_factor_setup", request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.check_code(user, form.cleaned_data["code"], actor=user)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return _signed_in(request, device)
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next(request)}
    )


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), give a code."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return HttpResponseRedirect(_next(request))
    if second_factor.confirmed_device(user) is not None:
        return HttpResponseRedirect(_with_next("second_factor", request))
    device = second_factor.start_device_setup(user, actor=user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.confirm_device(user, form.cleaned_data["code"], actor=user)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return _signed_in(request, device)
    uri = second_factor.provisioning_uri(device)
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr_code": second_factor.qr_code_svg(uri),
            "secret": second_factor.secret_text(device),
        },
    )
