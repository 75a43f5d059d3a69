"""The public pages and the admin, as each role sees them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from abide.audit.models import AuditEntry
from abide.audit.services import verify_log
from abide.core.demo import load_demo
from abide.registry.models import Commitment, Party
from abide.registry.services import confirm_commitment
from abide.testing import PASSWORD, device_for, totp_code


@pytest.fixture
def demo(starter_registry, analyst):
    load_demo(actor=analyst)
    pledge = Commitment.objects.get(kind="pledge", category__slug="cessation_of_hostilities")
    confirm_commitment(pledge, actor=analyst)
    return pledge


def test_the_public_sees_only_confirmed_commitments(client, demo):
    page = client.get(reverse("compliance:commitments")).content.decode()
    assert demo.text in page
    assert "grant a broad amnesty" not in page


def test_an_analyst_sees_proposed_commitments_too(client, demo, analyst):
    client.force_login(analyst)
    page = client.get(reverse("compliance:commitments")).content.decode()
    assert demo.text in page and "grant a broad amnesty" in page


def test_the_commitment_filters_narrow_the_rows_and_serve_htmx_fragments(client, demo, analyst):
    client.force_login(analyst)
    url = reverse("compliance:commitments")
    page = client.get(url, {"category": "amnesty_and_detention"}).content.decode()
    assert "grant a broad amnesty" in page and demo.text not in page
    fragment = client.get(url, {"kind": "pledge"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and demo.text in fragment and "amnesty" not in fragment


@pytest.mark.parametrize(
    ("language", "direction"),
    [("en", "ltr"), ("ar", "rtl"), ("hy", "ltr"), ("ru", "ltr"), ("tr", "ltr")],
)
def test_every_page_renders_in_each_language_and_arabic_right_to_left(
    client, demo, language, direction
):
    client.cookies["django_language"] = language
    for name in ("web:home", "compliance:commitments", "web:parties"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        page = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in page
    azerbaijan = Party.objects.get(slug="azerbaijan")
    assert azerbaijan.name_in(language) in page


def test_the_arabic_home_page_is_translated(client, demo):
    client.cookies["django_language"] = "ar"
    page = client.get(reverse("web:home")).content.decode()
    assert "Who promised what, and is it kept?" not in page
    with translation.override("ar"):
        commitments = translation.gettext("Commitments")
    assert commitments != "Commitments" and commitments in page


def test_the_admin_lists_the_starter_registry_to_an_analyst(client, starter_registry, analyst):
    # Through the admin's own sign-in form, which the staff may still use.
    signed_in = client.post(
        reverse("admin:login"),
        {"username": analyst.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    # Then the second factor, as after the site's own sign-in form.
    assert client.get("/admin/")["Location"] == "/accounts/second-factor/?next=%2Fadmin%2F"
    device_for(analyst)
    confirmed = client.post(
        reverse("second_factor"), {"code": totp_code(analyst), "next": "/admin/"}
    )
    assert confirmed["Location"] == "/admin/"
    page = client.get(reverse("admin:registry_party_changelist")).content.decode()
    assert "Azerbaijan" in page and "Baku" in page
    assert (
        client.get(reverse("admin:registry_party_changelist"), {"q": "Yerevan"}).status_code == 200
    )


@pytest.mark.parametrize("who", ["observer", "partner"])
def test_observers_and_partners_cannot_enter_the_admin(client, starter_registry, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse("admin:registry_party_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_analyst_cannot_manage_accounts_or_read_the_audit_log(client, starter_registry, analyst):
    client.force_login(analyst)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403


def test_the_head_of_mission_reads_the_audit_log_but_cannot_change_it(client, demo, head):
    client.force_login(head)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    entry = AuditEntry.objects.first()
    assert (
        client.post(
            reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_edit_in_the_admin_is_audited_and_the_chain_stays_valid(
    client, starter_registry, analyst
):
    client.force_login(analyst)
    party = Party.objects.get(slug="georgia")
    url = reverse("admin:registry_party_change", args=[party.pk])
    form = client.get(url).context["adminform"].form
    data = {name: (form[name].value() or "") for name in form.fields}
    data["name_en"] = "Georgia (country)"
    aliases = list(party.aliases.all())
    data.update(
        {
            "aliases-TOTAL_FORMS": str(len(aliases) + 1),
            "aliases-INITIAL_FORMS": str(len(aliases)),
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
        }
    )
    for i, alias in enumerate(aliases):
        data.update(
            {
                f"aliases-{i}-id": alias.pk,
                f"aliases-{i}-party": party.pk,
                f"aliases-{i}-alias": alias.alias,
            }
        )
    data.update(
        {
            f"aliases-{len(aliases)}-party": party.pk,
            f"aliases-{len(aliases)}-alias": "Georgia (test alias)",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, [str(e) for e in response.context["errors"]]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.actor == analyst and entry.detail == {"via": "admin"}
    assert entry.changes["name_en"] == ["Georgia", "Georgia (country)"]
    assert "Georgia (test alias)" in entry.changes["aliases"][1]
    assert verify_log().ok


def test_a_duplicate_alias_in_the_admin_is_a_form_error_not_a_crash(
    client, starter_registry, analyst
):
    client.force_login(analyst)
    response = client.post(
        reverse("admin:registry_party_add"),
        {
            "slug": "fakeland",
            "kind": "state",
            "name_en": "Fakeland",
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
            "aliases-0-alias": "Baku",
        },
    )
    assert response.status_code == 200
    assert "already names" in response.content.decode()
    assert not Party.objects.filter(slug="fakeland").exists()


def test_the_health_check_answers(client, db):
    assert client.get(reverse("web:healthz")).json()["status"] == "ok"


def test_every_model_has_an_admin_page_the_staff_can_open(client, starter_registry, administrator):
    from django.apps import apps
    from django.contrib import admin as django_admin

    client.force_login(administrator)
    for model in apps.get_models():
        if model._meta.app_label not in {"accounts", "audit", "registry"}:
            continue
        assert model in django_admin.site._registry, f"{model._meta.label} is not in the admin"
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
