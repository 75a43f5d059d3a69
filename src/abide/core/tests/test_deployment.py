"""Deployment: `check --deploy` is clean with the README's production settings, every page says
where its scripts may come from, /api/docs needs no other host, refusals and bad requests are
answered and logged as expected."""

from __future__ import annotations

import io
import logging
import re
import secrets

import pytest
from django.test import override_settings

from abide.core.tests.test_cli import run_abide

#: The production settings given in the README ("Production settings").
PRODUCTION = {
    "ABIDE_ALLOWED_HOSTS": "abide.example.org",
    "ABIDE_CSRF_TRUSTED_ORIGINS": "https://abide.example.org",
    "ABIDE_BEHIND_TLS_PROXY": "true",
    "ABIDE_SSL_REDIRECT": "true",
    "ABIDE_HSTS_SECONDS": "31536000",
    "ABIDE_SECURE_COOKIES": "true",
    "ABIDE_DEBUG": "false",
}


def test_check_deploy_is_clean_with_the_production_settings_of_the_readme(tmp_path):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment does not.
    env = {
        **PRODUCTION,
        "ABIDE_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    result = run_abide("check", "--deploy", "--fail-level", "WARNING", env=env, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


def test_check_deploy_warns_without_them(tmp_path):
    result = run_abide("check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_the_production_settings_come_from_the_environment(tmp_path):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment does not.
    env = {
        **PRODUCTION,
        "ABIDE_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    script = (
        "from django.conf import settings as s\n"
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)\n"
    )
    result = run_abide("shell", "-c", script, env=env, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True 31536000 True True"
    )


@pytest.mark.django_db
@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
)
def test_behind_a_tls_proxy_plain_http_is_redirected_and_https_gets_hsts():
    from django.test import Client

    client = Client()
    response = client.get("/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/"
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
        assert not script.strip(), f"an inline script: {script[:80]}"
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"


@pytest.mark.django_db
@override_settings(
    CONTENT_SECURITY_POLICY={
        "DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https://t.example.org"]}
    }
)
def test_the_map_tiles_host_is_the_one_other_image_source(client):
    from abide.env import tile_origin

    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == [
        "https://*.tile.example.org"
    ]
    assert tile_origin("/tiles/{z}/{x}/{y}.png") == []
    assert "img-src 'self' https://t.example.org" in client.get("/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_api_documentation_loads_nothing_from_another_host(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    assert "cdn" not in html.lower()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/")
        served = client.get(asset)
        assert served.status_code == 200, asset
        b"".join(served.streaming_content) if served.streaming else served.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/commitments/", "/observations/", "/api/commitments"])
def test_head_is_answered_like_get(client, path):
    get = client.get(path)
    head = client.head(path)
    assert get.status_code == 200, path
    assert head.status_code == 200, path
    assert head.content == b""


def test_every_view_that_restricts_methods_allows_head_with_get():
    """A view allowing GET but not HEAD answers 405 to HEAD: none may remain."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[2]
    offenders = []
    for path in source.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "require_GET" in text or re.search(r"require_http_methods\(\[\"GET\", \"POST\"\]", text):
            offenders.append(str(path.relative_to(source)))
    assert offenders == []


@pytest.mark.django_db
def test_a_refusal_is_one_line_in_the_log_not_a_traceback(client, observer):
    client.force_login(observer)
    (handler,) = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    stream = io.StringIO()
    # Swapped in place (not setStream, which flushes the stream before it: an earlier test's
    # captured stderr may be closed by now).
    previous, handler.stream = handler.stream, stream
    try:
        response = client.get("/review/links/")
    finally:
        handler.stream = previous
    assert response.status_code == 403
    lines = stream.getvalue().splitlines()
    assert lines == ["Forbidden (Permission denied): /review/links/"], lines


@pytest.mark.django_db
def test_a_large_bad_json_body_to_the_api_is_a_json_400(client, analyst):
    client.force_login(analyst)
    body = "{" + "x" * 3_000_000
    response = client.post("/api/commitments/1/links", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "larger than" in response.json()["detail"]["body"][0]
