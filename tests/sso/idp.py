"""A real OpenID Connect provider for the tests (django-oidc-provider, tests/sso/provider/) run as
a process on loopback, and a browser-like HTTP client that signs in through it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import requests

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
PASSWORD = "idp-password-1"
# People the provider knows: username -> (email, last name). A last name with "mfa" signs in
# with a second factor (amr); "unverified" gets email_verified false.
PEOPLE = {
    "ada": ("ada@example.com", "Lovelace"),
    "mia": ("mia@example.com", "mfa"),
    "gus": ("gus@elsewhere.org", "Elsewhere"),
    "uma": ("uma@example.com", "unverified"),
    "nob": ("nobody@example.com", "Nobody"),
    "dee": ("dee@example.com", "Disabled"),
    "bob": ("bob@example.com", "Browser"),
}
CLIENT_ID, CLIENT_SECRET = "tandem", "tandem-secret-at-the-provider"
OTHER_CLIENT_ID, OTHER_CLIENT_SECRET = "other-app", "other-app-secret"
OTHER_REDIRECT = "http://127.0.0.1:9/other-app/callback"


@dataclass
class Provider:
    base: str
    process: subprocess.Popen
    log: Path
    users: dict[str, str] = field(default_factory=dict)  # username -> subject

    @property
    def issuer(self) -> str:
        return self.base + "/openid"

    def requests_seen(self, fragment: str) -> int:
        return sum(fragment in line for line in self.log.read_text().splitlines())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_provider(*, tandem_url: str, workdir: Path, timeout: float = 60) -> Provider:
    config = {
        "db": str(workdir / "idp.sqlite3"),
        "users": [
            {
                "username": u,
                "email": e,
                "password": PASSWORD,
                "first_name": u.title(),
                "last_name": last,
            }
            for u, (e, last) in PEOPLE.items()
        ],
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [tandem_url + "/sso/oidc/callback/"],
                "post_logout_redirect_uris": [tandem_url + "/accounts/login/"],
            },
            {
                "client_id": OTHER_CLIENT_ID,
                "client_secret": OTHER_CLIENT_SECRET,
                "redirect_uris": [OTHER_REDIRECT],
            },
        ],
    }
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["IDP_CONFIG"] = json.dumps(config)
    log = workdir / "idp.log"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, str(PROVIDER_DIR / "serve.py")],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    first_line: list[str] = []
    reader = threading.Thread(
        target=lambda: first_line.append(process.stdout.readline()), daemon=True
    )
    reader.start()
    reader.join(timeout)
    try:
        port = json.loads(first_line[0])["port"]
    except (IndexError, ValueError, KeyError) as exc:
        process.kill()
        process.wait(timeout=10)
        raise RuntimeError(f"The test identity provider did not start:\n{log.read_text()}") from exc
    provider = Provider(base=f"http://127.0.0.1:{port}", process=process, log=log)
    # django-oidc-provider's default subject is the user's id, in creation order.
    provider.users = {u: str(i) for i, u in enumerate(PEOPLE, start=1)}
    return provider


def _form_field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    return unescape(match.group(1)) if match else ""


def provider_log_in(
    session: requests.Session, response: requests.Response, username: str
) -> requests.Response:
    """Fill the provider's sign-in form that `response` shows, and follow where it leads."""
    assert "Test identity provider" in response.text, response.text[:500]
    return session.post(
        response.url,
        data={
            "csrfmiddlewaretoken": _form_field(response.text, "csrfmiddlewaretoken"),
            "username": username,
            "password": PASSWORD,
            "next": _form_field(response.text, "next"),
        },
        timeout=30,
    )


def sign_in(
    tandem_url: str,
    username: str,
    *,
    session: requests.Session | None = None,
    start: str = "/sso/oidc/login/",
) -> tuple[requests.Session, requests.Response]:
    """Start a sign-in at Tandem and go through the provider (its form if it asks) back to
    Tandem, the way a browser does."""
    session = session or requests.Session()
    response = session.get(tandem_url + start, timeout=30)
    if "Test identity provider" in response.text:
        response = provider_log_in(session, response, username)
    return session, response


def callback_url(response: requests.Response) -> str:
    return next(r.url for r in [*response.history, response] if "/sso/oidc/callback/" in r.url)


def token_for_other_app(provider: Provider, username: str, nonce: str) -> str:
    """A real ID token the provider issues to another application (another audience)."""
    session = requests.Session()
    url = (
        provider.issuer
        + "/authorize?"
        + requests.compat.urlencode(
            {
                "client_id": OTHER_CLIENT_ID,
                "response_type": "code",
                "scope": "openid email",
                "redirect_uri": OTHER_REDIRECT,
                "state": "s",
                "nonce": nonce,
            }
        )
    )
    response = session.get(url, timeout=30)  # to the provider's sign-in form
    response = session.post(
        response.url,
        data={
            "csrfmiddlewaretoken": _form_field(response.text, "csrfmiddlewaretoken"),
            "username": username,
            "password": PASSWORD,
            "next": _form_field(response.text, "next"),
        },
        timeout=30,
        allow_redirects=False,
    )
    while not response.headers["Location"].startswith(OTHER_REDIRECT):
        response = session.get(
            requests.compat.urljoin(response.url, response.headers["Location"]),
            timeout=30,
            allow_redirects=False,
        )
    code = re.search(r"[?&]code=([^&]+)", response.headers["Location"]).group(1)
    token = requests.post(
        provider.issuer + "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OTHER_REDIRECT,
            "client_id": OTHER_CLIENT_ID,
            "client_secret": OTHER_CLIENT_SECRET,
        },
        timeout=30,
    )
    token.raise_for_status()
    return token.json()["id_token"]
