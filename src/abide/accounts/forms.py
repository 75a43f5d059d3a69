"""The sign-in and password forms of the web pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from abide.accounts.models import User
from abide.accounts.services import change_password

#: The one answer to a sign-in that fails, whatever the reason.
REFUSED = _("Those details do not let you in. Check them and try again; both are case-sensitive.")


class SignInForm(AuthenticationForm):
    """Django's sign-in form with one message for every refusal: it never says whether the user
    name or the password was wrong, nor whether the account exists or is disabled."""

    error_messages = {"invalid_login": REFUSED, "inactive": REFUSED}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Phones capitalise and correct what is typed; a user name must arrive as typed.
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
        )


class ChangePasswordForm(PasswordChangeForm):
    """Django's password change form; saving goes through the accounts service."""

    def save(self, commit: bool = True) -> User:
        change_password(
            self.user,
            old_password=self.cleaned_data["old_password"],
            new_password=self.cleaned_data["new_password1"],
            actor=self.user,
        )
        return self.user


class SecondFactorForm(forms.Form):
    """The code an authenticator app shows."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
