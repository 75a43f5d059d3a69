"""The second factor of signing in (TOTP): required of analysts, heads of mission and
administrators, set up with a QR code, asked after the password, reset by an administrator."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from abide.accounts.models import Role
from abide.accounts.second_factor import reset_second_factor
from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.testing import (
    PASSWORD,
    device_for,
    force_login_unverified,
    force_login_verified,
    make_user,
    totp_code,
)

PRIVILEGED = ["analyst", "head", "administrator"]


def sign_in(client, user, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


@pytest.mark.parametrize("who", PRIVILEGED)
def test_a_privileged_user_without_a_device_is_sent_to_set_one_up_after_the_password(
    client, request, who
):
    user = request.getfixturevalue(who)
    assert sign_in(client, user, "/tracker/")["Location"] == "/tracker/"
    response = client.get("/tracker/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/?next=%2Ftracker%2F"
    response = client.get(response["Location"])
    assert response["Location"] == "/accounts/second-factor/setup/?next=%2Ftracker%2F"
    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in page and "<path" in page  # the QR code, drawn in the page
    # The secret in text too, for an app that cannot scan: the device's key, in base32.
    secret = page.split('<code class="otp-secret" dir="ltr">')[1].split("</code>")[0]
    secret = secret.replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key


def test_setting_up_with_a_right_code_confirms_the_device_and_lets_the_user_in(client, analyst):
    sign_in(client, analyst)
    client.get("/accounts/second-factor/setup/?next=/tracker/")
    wrong = client.post(
        "/accounts/second-factor/setup/", {"code": "000000", "next": "/tracker/"}
    )
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/tracker/").status_code == 302
    TOTPDevice.objects.filter(user=analyst).update(throttling_failure_count=0)
    done = client.post(
        "/accounts/second-factor/setup/", {"code": totp_code(analyst), "next": "/tracker/"}
    )
    assert done.status_code == 302 and done["Location"] == "/tracker/"
    assert client.get("/tracker/").status_code == 200
    assert TOTPDevice.objects.get(user=analyst).confirmed
    actions = list(
        AuditEntry.objects.filter(object_id=str(analyst.pk), action__contains="second_factor")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["start_second_factor", "confirm_second_factor"]
    device = TOTPDevice.objects.get(user=analyst)
    assert device.key not in str(list(AuditEntry.objects.values_list("changes", "detail")))
    assert verify_log().ok


def test_a_user_with_a_device_is_asked_for_its_code_and_a_wrong_one_keeps_them_out(
    client, head
):
    device_for(head)
    sign_in(client, head, "/audit/")
    response = client.get("/accounts/second-factor/?next=/audit/")
    assert response.status_code == 200 and 'autocomplete="one-time-code"' in response.text
    wrong = client.post("/accounts/second-factor/", {"code": "12345x", "next": "/audit/"})
    assert "Give the 6 digits your app shows now." in wrong.content.decode()
    assert client.get("/").status_code == 302
    right = client.post("/accounts/second-factor/", {"code": totp_code(head), "next": "/audit/"})
    assert right["Location"] == "/audit/"
    assert client.get("/").status_code == 200


def test_a_code_is_accepted_once(client, head):
    device_for(head)
    code = totp_code(head)
    sign_in(client, head)
    assert client.post("/accounts/second-factor/", {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, head)
    again = client.post("/accounts/second-factor/", {"code": code})
    assert again.status_code == 200 and "That code is not right" in again.content.decode()
    TOTPDevice.objects.filter(user=head).update(throttling_failure_count=0)
    # The helper of the tests then gives the next period's code, which is accepted.
    assert totp_code(head) != code
    assert client.post("/accounts/second-factor/", {"code": totp_code(head)}).status_code == 302


def test_repeated_wrong_codes_make_the_device_wait(client, head):
    device_for(head)
    sign_in(client, head)
    client.post("/accounts/second-factor/", {"code": "000000"})
    # Straight after a failure even the right code is refused, with a reason.
    refused = client.post("/accounts/second-factor/", {"code": totp_code(head)})
    assert "Too many wrong codes" in refused.content.decode()
    assert client.get("/").status_code == 302


def test_the_next_address_must_be_this_sites(client, head):
    device_for(head)
    sign_in(client, head)
    response = client.post(
        "/accounts/second-factor/", {"code": totp_code(head), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("who", ["observer", "partner"])
def test_observers_and_partners_sign_in_with_the_password_alone(client, request, who):
    user = request.getfixturevalue(who)
    sign_in(client, user)
    assert client.get("/").status_code == 200
    assert client.get("/accounts/second-factor/")["Location"] == "/"
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_any_account_with_access_to_the_administration_needs_it(client, db):
    from abide.accounts.services import system_user

    user = make_user("sam-staff", Role.OBSERVER)
    user.is_staff = True
    user.save()
    assert system_user().is_superuser
    sign_in(client, user)
    assert client.get("/")["Location"].startswith("/accounts/second-factor/")


def test_until_verified_pages_the_admin_and_the_api_are_refused(client, administrator):
    force_login_unverified(client, administrator)
    assert client.get("/admin/")["Location"] == "/accounts/second-factor/?next=%2Fadmin%2F"
    assert client.get("/api/v1/docs").status_code in (302, 403)
    api = client.get("/api/v1/observations")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    htmx = client.get("/tracker/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith("/accounts/second-factor/")
    # Signing out, the language switch and static files stay open.
    assert client.post("/i18n/setlang/", {"language": "ar"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 200


def test_the_suite_helper_signs_in_with_both_factors(client, administrator):
    force_login_verified(client, administrator)
    assert client.get("/admin/").status_code == 200


def test_an_administrator_resets_a_lost_device_and_the_user_sets_up_a_new_one(
    client, analyst, administrator
):
    force_login_verified(client, analyst)
    assert client.get("/tracker/").status_code == 200
    old = TOTPDevice.objects.get(user=analyst)

    assert reset_second_factor(analyst, actor=administrator) == 1
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    # The session confirmed with the old device is no longer confirmed.
    response = client.get("/tracker/")
    assert response["Location"].startswith("/accounts/second-factor/")
    assert client.get(response["Location"])["Location"].startswith(
        "/accounts/second-factor/setup/"
    )
    entry = AuditEntry.objects.filter(action="reset_second_factor").get()
    assert entry.actor_name == administrator.username
    assert entry.detail["devices"] == [old.persistent_id]
    assert verify_log().ok


def test_only_an_administrator_resets_a_second_factor(analyst, head):
    device_for(analyst)
    with pytest.raises(PermissionDenied):
        reset_second_factor(analyst, actor=head)
    with pytest.raises(PermissionDenied):
        reset_second_factor(analyst, actor=analyst)
    assert TOTPDevice.objects.filter(user=analyst).exists()


def test_otp_reset_on_the_command_line(analyst, administrator, capsys):
    from abide.cli import main

    device_for(analyst)
    assert main(["otp", "reset", analyst.username, "--as", administrator.username]) == 0
    assert "analyst" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    assert AuditEntry.objects.filter(action="reset_second_factor").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["otp", "reset", "nobody"], "USER: no user named 'nobody'"),
        (["otp", "reset", "ani-analyst"], "ani-analyst has no second factor to reset"),
        (["otp", "reset", "ani-analyst", "--as", "hamid-head"], "--as: Only administrators"),
    ],
)
def test_otp_reset_refuses_with_a_clear_message(analyst, head, capsys, args, message):
    from abide.cli import main

    if "--as" in args:
        device_for(analyst)
    assert main(args) != 0
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert AuditEntry.objects.filter(action="reset_second_factor").count() == 0
