"""API tokens: a script uses the API as its user with a key shown once; a bad, expired or
revoked key is refused, never taken for an anonymous call."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from abide.accounts.models import ApiToken
from abide.accounts.tokens import issue_token, revoke_token, user_for_token
from abide.audit.models import AuditEntry
from abide.cli import main
from abide.compliance.linking import propose_links
from abide.compliance.models import Link, LinkState
from abide.compliance.tests.test_linking import observe, pledge

pytestmark = pytest.mark.usefixtures("starter_registry")


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_only_a_digest_of_the_key_is_kept_and_the_issue_is_audited(analyst):
    _, key = issue_token(analyst, "nightly export", actor=analyst, days=30)
    assert key.startswith("abide_") and len(key) > 40
    stored = ApiToken.objects.get()
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert key.startswith(stored.prefix)
    assert stored.expires_at - timezone.now() > dt.timedelta(days=29)
    entry = AuditEntry.objects.get(object_type="accounts.apitoken", action="create")
    assert stored.digest not in json.dumps([entry.changes, entry.detail])
    assert user_for_token(key) == analyst


def test_a_script_with_a_token_reads_what_its_user_may_see_and_reviews_without_csrf(
    analyst, client
):
    commitment = pledge()
    shelling = observe()
    propose_links(commitment, actor=analyst)
    _, key = issue_token(analyst, "review script", actor=analyst)
    url = f"/api/commitments/{commitment.pk}/candidates"
    assert client.get(url).status_code == 401  # no token, no session
    (candidate,) = client.get(url, **bearer(key)).json()
    assert candidate["observation"] == shelling.pk

    strict = client.__class__(enforce_csrf_checks=True)
    done = strict.post(
        f"/api/links/{candidate['id']}/confirm",
        json.dumps({"reason": "Their guns.", "obligor_role": "perpetrator"}),
        content_type="application/json",
        **bearer(key),
    )
    assert done.status_code == 200, done.content
    link = Link.objects.get()
    assert (link.state, link.decided_by) == (LinkState.CONFIRMED, analyst)
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("case", ["unknown", "revoked", "expired", "inactive user"])
def test_a_key_that_is_not_valid_is_refused_not_taken_as_anonymous(case, analyst, client):
    token, key = issue_token(analyst, "script", actor=analyst)
    if case == "unknown":
        key = key[:-4] + "abcd"
    elif case == "revoked":
        revoke_token(token, actor=analyst)
    elif case == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    else:
        analyst.is_active = False
        analyst.save()
    response = client.get("/api/commitments", **bearer(key))
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]
    link = client.post(
        "/api/links/1/confirm",
        json.dumps({"reason": "x"}),
        content_type="application/json",
        **bearer(key),
    )
    assert link.status_code == 401


def test_without_a_token_or_session_a_change_is_refused(client):
    response = client.post(
        "/api/links/1/confirm", json.dumps({"reason": "x"}), content_type="application/json"
    )
    assert response.status_code == 401


def test_only_administrators_manage_other_users_tokens(analyst, observer, administrator):
    with pytest.raises(PermissionDenied):
        issue_token(analyst, "not mine", actor=observer)
    token, _ = issue_token(analyst, "issued by the administrator", actor=administrator)
    with pytest.raises(PermissionDenied):
        revoke_token(token, actor=observer)
    with pytest.raises(ValidationError) as error:
        issue_token(analyst, "  ", actor=analyst, days=0)
    assert set(error.value.message_dict) == {"name", "days"}
    revoke_token(token, actor=analyst)
    with pytest.raises(ValidationError, match="already revoked"):
        revoke_token(token, actor=analyst)


def test_the_token_command_issues_lists_and_revokes(analyst, capsys):
    assert main(["token", "create", analyst.username, "--name", "dashboard", "--days", "7"]) == 0
    captured = capsys.readouterr()
    key = captured.out.strip()
    assert "shown only now" in captured.err and user_for_token(key) == analyst
    assert main(["token", "list", analyst.username]) == 0
    listing = capsys.readouterr().out
    assert "dashboard" in listing and "active" in listing and key not in listing
    token = ApiToken.objects.get()
    assert main(["token", "revoke", str(token.pk)]) == 0
    assert user_for_token(key) is None
    capsys.readouterr()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["token", "create", "nobody", "--name", "x"], "no user named 'nobody'"),
        (["token", "create", "ani-analyst", "--name", "x", "--days", "0"], "days:"),
        (["token", "revoke", "999"], "no token 999"),
        (["token", "create", "ani-analyst", "--name", "x", "--as", "olga-observer"], "--as:"),
    ],
)
def test_the_token_command_names_what_is_wrong(arguments, message, analyst, observer, capsys):
    assert main(arguments) != 0
    assert message in capsys.readouterr().err
    assert not ApiToken.objects.exists()
