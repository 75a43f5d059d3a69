"""Signing in at /accounts/login/ for every role, the lockout after repeated failures, and
changing one's password."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from abide.accounts.access import needs_second_factor
from abide.accounts.services import change_password
from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.testing import PASSWORD, device_for, totp_code

ROLES = ["observer", "analyst", "head", "partner", "administrator"]
GENERIC = "Those details do not let you in."


def sign_in(client, username: str, password: str, **extra):
    data = {"username": username, "password": password}
    data.update(extra.pop("data", {}))
    return client.post(reverse("login"), data, **extra)


def confirm_second_factor(client, user, **extra):
    """The second step of signing in, with a code from ``user``'s (confirmed) device."""
    device_for(user)
    return client.post(reverse("second_factor"), {"code": totp_code(user)}, **extra)


def signed_in_as(client) -> str | None:
    """The user name the header of the home page shows, or None if it offers to log in."""
    page = client.get(reverse("web:home")).content.decode()
    found = re.search(r'<a class="who"[^>]*><bdi>([^<]+)</bdi></a>', page)
    return found.group(1) if found else None


def error_text(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


# --- every role -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_every_role_signs_in_sees_its_name_and_role_in_the_header_and_logs_out(
    client, request, who
):
    user = request.getfixturevalue(who)
    form = client.get(reverse("login"))
    assert form.status_code == 200 and 'name="password"' in form.content.decode()
    assert 'autocapitalize="none"' in form.content.decode()  # phones keep the name as typed

    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    if needs_second_factor(user):
        assert client.get("/")["Location"] == "/accounts/second-factor/?next=%2F"
        response = confirm_second_factor(client, user)
        assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert f"<bdi>{user.username}</bdi>" in page
    assert f'<span class="role">{user.get_role_display()}</span>' in page
    assert '<form class="logout" action="/accounts/logout/" method="post">' in page
    assert 'name="csrfmiddlewaretoken"' in page.split('<form class="logout"')[1].split("</form>")[0]

    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/tracker/?status=at_risk").content.decode()
    assert signed_in_as(client) is None
    assert '<a class="login" href="/accounts/login/?next=/tracker/%3Fstatus%3Dat_risk">' in page


def test_logging_out_needs_a_post(client, observer):
    client.force_login(observer)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_as(client) == observer.username


def test_logging_out_needs_the_csrf_token(observer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(observer)
    assert strict.post(reverse("logout")).status_code == 403
    assert signed_in_as(strict) == observer.username


def test_the_login_page_has_no_log_in_link_to_itself(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'class="login"' not in page


# --- where it goes after ----------------------------------------------------------------------


def test_it_goes_to_next_after_signing_in(client, observer):
    response = sign_in(client, observer.username, PASSWORD, data={"next": "/tracker/?page=2"})
    assert response.status_code == 302 and response["Location"] == "/tracker/?page=2"


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/tracker/", "javascript:x()"]
)
def test_a_next_on_another_host_is_ignored(client, observer, next_url):
    form = client.get(reverse("login"), {"next": next_url}).content.decode()
    form = form.split('<form class="account-form"')[1].split("</form>")[0]
    assert '<input type="hidden" name="next" value="">' in form
    response = sign_in(client, observer.username, PASSWORD, data={"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_signed_in_user_who_opens_the_login_page_is_sent_on(client, observer):
    client.force_login(observer)
    response = client.get(reverse("login"), {"next": "/parties/"})
    assert response.status_code == 302 and response["Location"] == "/parties/"


# --- refusals ---------------------------------------------------------------------------------


def test_a_wrong_password_and_an_unknown_user_get_the_same_generic_message(client, observer):
    wrong_password = sign_in(client, observer.username, "not the password")
    unknown_user = sign_in(client, "nobody-here", PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert error_text(wrong_password) == error_text(unknown_user)
    assert error_text(wrong_password).startswith(GENERIC)
    for response in (wrong_password, unknown_user):
        page = response.content.decode()
        summary = page.split('<div class="error-summary" role="alert">')[1].split("</div>")[0]
        assert "user name" not in summary.lower() and "username" not in summary.lower()
        assert 'name="password"' in page and signed_in_as(client) is None


def test_a_disabled_account_gets_the_same_generic_message(client, observer):
    observer.is_active = False
    observer.save(update_fields=["is_active"])
    response = sign_in(client, observer.username, PASSWORD)
    assert response.status_code == 200 and error_text(response).startswith(GENERIC)
    assert signed_in_as(client) is None


def test_an_empty_form_names_the_missing_fields(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"username", "password"}


# --- the lockout ------------------------------------------------------------------------------


def fail(client, username: str, times: int, **extra) -> list[int]:
    return [sign_in(client, username, "wrong guess", **extra).status_code for _ in range(times)]


def test_repeated_failures_lock_the_account_even_against_the_right_password(client, observer):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = fail(client, observer.username, limit)
    assert statuses == [200] * (limit - 1) + [429]

    refused = sign_in(client, observer.username, PASSWORD)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Signing in is paused" in page and "15 minutes" in page
    assert refused["Retry-After"] == str(15 * 60)
    assert signed_in_as(client) is None


def test_the_account_is_locked_from_every_address(client, observer):
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit):
        fail(client, observer.username, 1, REMOTE_ADDR=f"192.0.2.{n + 1}")
    refused = sign_in(client, observer.username, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429 and signed_in_as(client) is None


def test_the_address_is_locked_for_every_account(client, observer, analyst):
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit):
        fail(client, f"guess-{n}", 1, REMOTE_ADDR="192.0.2.10")
    assert sign_in(client, observer.username, PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 429
    assert signed_in_as(client) is None
    # The same account from another address is let in.
    elsewhere = sign_in(client, analyst.username, PASSWORD, REMOTE_ADDR="192.0.2.11")
    assert elsewhere.status_code == 302
    confirm_second_factor(client, analyst, REMOTE_ADDR="192.0.2.11")
    assert signed_in_as(client) == analyst.username


def test_the_lockout_ends_after_the_cool_off(client, observer):
    fail(client, observer.username, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, observer.username, PASSWORD).status_code == 429
    # Attempts made while locked out do not extend it; time passes beyond the cool-off.
    cool_off = settings.AXES_COOLOFF_TIME
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= cool_off + timedelta(seconds=1)
        attempt.save(update_fields=["attempt_time"])
    response = sign_in(client, observer.username, PASSWORD)
    assert response.status_code == 302 and signed_in_as(client) == observer.username


def test_an_administrator_unlocks_an_account_from_the_command_line(client, observer):
    from abide.cli import main

    fail(client, observer.username, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, observer.username, PASSWORD).status_code == 429
    assert main(["axes_reset_username", observer.username]) == 0
    assert sign_in(client, observer.username, PASSWORD).status_code == 302


def test_the_limit_and_cool_off_come_from_the_settings(client, observer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    assert fail(client, observer.username, 2) == [200, 429]
    page = sign_in(client, observer.username, PASSWORD).content.decode()
    assert "paused for 1 minute after" in page


def test_failures_at_the_admin_login_count_too(client, analyst):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": analyst.username, "password": "x"})
    assert sign_in(client, analyst.username, PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_locked(client, observer, settings):
    settings.ABIDE_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        # A client's own X-Forwarded-For entries (to the left) do not change its address.
        fail(client, f"guess-{n}", 1, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.66", **proxy)
    locked = sign_in(
        client, observer.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.66", **proxy
    )
    assert locked.status_code == 429
    other = sign_in(client, observer.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.67", **proxy)
    assert other.status_code == 302


# --- language ---------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text of a page a reader sees, without the language names (each in its own tongue)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in {"option", "script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"option", "script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data.strip())


@pytest.fixture
def marked_translations(monkeypatch):
    """Every message looked up in a catalogue comes back between ⟦ ⟧, so that text that does
    not went around gettext."""
    original_gettext = trans_real.DjangoTranslation.gettext
    original_ngettext = trans_real.DjangoTranslation.ngettext

    def gettext(self, message):
        return f"⟦{original_gettext(self, message)}⟧"

    def ngettext(self, singular, plural, number):
        return f"⟦{original_ngettext(self, singular, plural, number)}⟧"

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", ngettext)


@pytest.mark.parametrize("url", ["login", "locked"])
def test_the_sign_in_pages_render_in_arabic_right_to_left_with_every_string_through_gettext(
    client, observer, marked_translations, url
):
    client.cookies["django_language"] = "ar"
    if url == "login":
        response = sign_in(client, observer.username, "wrong guess")  # with its error message
        assert response.status_code == 200
    else:
        fail(client, observer.username, settings.AXES_FAILURE_LIMIT)
        response = sign_in(client, observer.username, PASSWORD)
        assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    parser = _Text()
    parser.feed(page)
    assert len(parser.texts) > 8
    for text in parser.texts:
        rest = text
        while re.search(r"⟦[^⟦⟧]*⟧", rest):  # the innermost first (a title is looked up twice)
            rest = re.sub(r"⟦[^⟦⟧]*⟧", "", rest)
        assert re.fullmatch(r"[\s·:.,\d]*", rest), f"not through gettext: {text!r}"


@pytest.mark.parametrize("who", ["observer", "partner"])
def test_the_header_shows_the_role_in_the_reader_s_language(client, request, who):
    user = request.getfixturevalue(who)
    client.cookies["django_language"] = "ar"
    client.force_login(user)
    page = client.get("/").content.decode()
    with translation.override("ar"):
        role = str(user.get_role_display())
    assert f'<span class="role">{role}</span>' in page


# --- changing one's password ------------------------------------------------------------------


def test_changing_the_password_needs_a_signed_in_user(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password_change/"


def test_a_user_changes_their_password_knowing_the_old_one(client, partner):
    client.force_login(partner)
    form = client.get(reverse("password_change"))
    assert form.status_code == 200 and 'name="old_password"' in form.content.decode()
    before = AuditEntry.objects.count()
    new = "a brand new field password"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/done/"
    assert client.get(response["Location"]).status_code == 200
    assert signed_in_as(client) == partner.username  # still signed in
    partner.refresh_from_db()
    assert partner.check_password(new)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.actor) == ("change_password", partner)
    assert new not in str(entry.changes) and "password" not in (entry.changes or {})
    assert verify_log().ok

    client.post(reverse("logout"))
    assert sign_in(client, partner.username, PASSWORD).status_code == 200
    assert sign_in(client, partner.username, new).status_code == 302


def test_a_wrong_old_password_changes_nothing(client, partner):
    client.force_login(partner)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("password_change"),
        {"old_password": "not it", "new_password1": "another long one", "new_password2": "x"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    partner.refresh_from_db()
    assert partner.check_password(PASSWORD) and AuditEntry.objects.count() == before


def test_a_weak_new_password_is_refused_naming_the_field(client, partner):
    client.force_login(partner)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    partner.refresh_from_db()
    assert partner.check_password(PASSWORD)


def test_the_service_lets_only_the_user_change_their_own_password(db, observer, administrator):
    with pytest.raises(PermissionDenied):
        change_password(
            observer, old_password=PASSWORD, new_password="a new long password", actor=administrator
        )
    with pytest.raises(ValidationError) as refused:
        change_password(
            observer, old_password="wrong", new_password="a new long password", actor=observer
        )
    assert "old_password" in refused.value.message_dict
    with pytest.raises(ValidationError) as weak:
        change_password(observer, old_password=PASSWORD, new_password="123", actor=observer)
    assert "new_password1" in weak.value.message_dict
    observer.refresh_from_db()
    assert observer.check_password(PASSWORD)


# --- the settings -----------------------------------------------------------------------------


def test_the_limit_and_cool_off_are_read_from_the_environment(tmp_path):
    from abide.core.tests.test_cli import run_abide

    code = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    env = {"ABIDE_LOGIN_FAILURE_LIMIT": "8", "ABIDE_LOGIN_COOLOFF_MINUTES": "90"}
    result = run_abide("shell", "-c", code, env=env, data_dir=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "8 1:30:00", result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ABIDE_LOGIN_FAILURE_LIMIT": "many"}, "ABIDE_LOGIN_FAILURE_LIMIT: 'many' is not a whole"),
        (
            {"ABIDE_LOGIN_COOLOFF_MINUTES": "0"},
            "ABIDE_LOGIN_COOLOFF_MINUTES: 0 is below the minimum",
        ),
        ({"ABIDE_TRUSTED_PROXIES": "-1"}, "ABIDE_TRUSTED_PROXIES: -1 is below the minimum of 0"),
    ],
)
def test_a_bad_sign_in_setting_fails_with_one_clear_line(tmp_path, env, message):
    from abide.core.tests.test_cli import run_abide

    result = run_abide("version", env=env, data_dir=tmp_path)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
