"""How the API knows who calls it: an API token (``Authorization: Bearer abide_...``) for
scripts, or the browser's session. A token that is given but not valid is refused (401),
never taken for an anonymous call."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from abide.accounts.models import User
from abide.accounts.tokens import user_for_token


class TokenAuth(HttpBearer):
    """A script's API token; the request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError(message=_("this API token is not valid"))
        request.user = user
        return user


def anyone(request: HttpRequest) -> bool:
    """No token: the call is the session's user's, or the public's."""
    return True


#: Reading: a token, or else whoever the session says (the public without one).
READ = [TokenAuth(), anyone]
#: Changing: a token, or a signed-in session with its CSRF token.
CHANGE = [TokenAuth(), django_auth]
