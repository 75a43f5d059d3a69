"""What the desk's views share: the role check and turning a service's refusal into a form error."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from abide.accounts.access import can_edit_registry


def desk(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only the mission's analysts (and the head of mission, administrators) use the desk: the
    public is sent to sign in, any other role refused (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_edit_registry(request.user):
            raise PermissionDenied(_("The analyst's desk is for the mission's analysts."))
        return view(request, *args, **kwargs)

    return wrapped


def add_errors(form: forms.Form, exc: ValidationError | Exception) -> None:
    """Put a service's ValidationError beside the fields it names (else above the form)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc))
