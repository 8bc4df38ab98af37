"""Security headers on real responses, and the production cookie/HSTS settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.site.access_world import World, build_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(db) -> World:
    return build_world()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def directive(csp: str, name: str) -> str:
    for part in csp.split(";"):
        words = part.strip().split()
        if words and words[0] == name:
            return " ".join(words[1:])
    return ""


def assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    scripts = directive(csp, "script-src")
    assert scripts == "'self'", f"script-src is {scripts!r}"
    assert "unsafe-inline" not in scripts and "unsafe-eval" not in scripts
    assert directive(csp, "default-src") == "'self'"
    assert directive(csp, "frame-ancestors") == "'none'"
    assert directive(csp, "object-src") == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def assert_not_cached(response) -> None:
    cache = response["Cache-Control"]
    assert "no-store" in cache and "private" in cache, cache


def test_it_sends_the_security_headers_on_the_login_page(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_it_sends_the_security_headers_on_a_signed_in_page(world):
    response = signed_in(world.mentee).get(reverse("home"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_not_cached(response)


PRIVATE_PAGES = [
    ("mentorships:detail", lambda w: [w.m.pk]),
    ("mentorships:agreement_edit", lambda w: [w.m.pk]),
    ("mentorships:goal_edit", lambda w: [w.goal.pk]),
    ("checkins:timeline", lambda w: [w.m.pk]),
    ("checkins:create", lambda w: [w.m.pk]),
    ("people:my_data", lambda w: []),
    ("people:profile", lambda w: [w.mentee.pk]),
    ("feedback:answer", lambda w: [w.invitation.pk]),
    ("reminders:calendar", lambda w: []),
]


@pytest.mark.parametrize(("name", "args"), PRIVATE_PAGES, ids=[n for n, _ in PRIVATE_PAGES])
def test_it_keeps_pages_with_private_data_out_of_every_cache(world, name, args):
    response = signed_in(world.mentee).get(reverse(name, args=args(world)))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_not_cached(response)


def test_it_keeps_the_personal_data_export_out_of_every_cache(world):
    response = signed_in(world.mentee).get(reverse("people:my_data"), {"download": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_not_cached(response)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_keeps_the_hr_pages_out_of_every_cache(world):
    client = signed_in(world.hr)
    for url in (
        reverse("mentorships:hr_detail", args=[world.m.pk]),
        reverse("checkins:hr_summaries", args=[world.m.pk]),
        reverse("audit:program_log", args=[world.p.slug]),
        reverse("people:directory"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_cached(response)


def test_it_keeps_the_calendar_feed_out_of_every_cache(world):
    response = Client().get(reverse("reminders:ics", args=[world.calendar_token.token]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_sets_http_only_same_site_session_cookies_on_sign_in(world):
    client = Client()
    response = client.post(reverse("login"), {"username": world.mentee.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- production settings, in a subprocess ---------------------------------------------------

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "tandem.example",
    # A database that doesn't exist: the checks below must not need one.
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tandem_access_no_such_db",
    "SITE_URL": "https://tandem.example",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
client = Client(HTTP_HOST="tandem.example")
secure = client.get("/accounts/login/", secure=True)
plain = client.get("/accounts/login/")
print(json.dumps({
    "settings": {name: getattr(s, name) for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
        "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
        "CONTENT_SECURITY_POLICY")},
    "secure": {"status": secure.status_code, "headers": dict(secure.headers.items()),
               "csrf_secure": bool(secure.cookies["csrftoken"]["secure"])},
    "plain": {"status": plain.status_code, "location": plain.headers.get("Location", "")},
}, default=str))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    }
    env.update(PROD_ENV)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_uses_secure_cookies_in_production(production):
    s = production["settings"]
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert production["secure"]["csrf_secure"] is True


def test_it_turns_on_hsts_and_https_in_production(production):
    s = production["settings"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    hsts = production["secure"]["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert production["plain"]["status"] == 301
    assert production["plain"]["location"].startswith("https://tandem.example/")


def test_it_sends_the_same_security_headers_in_production(production):
    headers = production["secure"]["headers"]
    assert production["secure"]["status"] == 200
    scripts = directive(headers["Content-Security-Policy"], "script-src")
    assert scripts == "'self'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"


# --- the CSP forbids inline scripts, so no template may rely on one -------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def _templates() -> list[Path]:
    # Not the built docs site (`make docs` writes site/): it is not served by Tandem.
    found = [
        p
        for p in ROOT.rglob("*.html")
        if not any(part.startswith(".venv") for part in p.parts)
        and "staticfiles" not in p.parts
        and "node_modules" not in p.parts
        and p.relative_to(ROOT).parts[0] != "site"
    ]
    assert found
    return found


def test_it_has_no_inline_scripts_or_event_handlers_in_any_template():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"inline scripts would be blocked by the CSP in: {offenders}"
