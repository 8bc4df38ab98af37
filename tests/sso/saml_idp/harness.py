"""Starts the test IdP (a subprocess on 127.0.0.1, random port) and points our SP at it.

`saml_world` (module scope) generates the SP, IdP and "other" key pairs, configures the site
(SITE_URL = the live server, SAML_IDP_METADATA_URL = the IdP's /metadata) and starts the IdP;
the IdP reads our SP metadata from the live server on its first sign-in.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.core.cache import cache
from django.test import override_settings

from tests.sso.saml_idp.keys import make_key_pair

ROOT = Path(__file__).resolve().parents[3]
ALLOWED_DOMAIN = "company.example"
START_TIMEOUT = 30  # seconds for the IdP to print its port


@dataclass
class SamlWorld:
    site: str
    idp: str
    keys: Path

    def http(self) -> requests.Session:
        return requests.Session()

    def metadata_fetches(self) -> int:
        return int(requests.get(f"{self.idp}/stats", timeout=10).text.split()[1])


def start_idp(keys: Path, sp_metadata_url: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.sso.saml_idp",
            "--keys",
            str(keys),
            "--sp-metadata",
            sp_metadata_url,
            "--max-seconds",
            "1800",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    import select

    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("PORT "):
        process.kill()
        process.wait(timeout=10)
        raise RuntimeError(f"the test IdP did not start: {line!r}")
    return process, f"http://127.0.0.1:{int(line.split()[1])}"


@pytest.fixture(scope="module")
def saml_world(live_server, tmp_path_factory):
    keys = tmp_path_factory.mktemp("saml-keys")
    for name in ("sp", "idp", "other"):
        make_key_pair(keys, name)
    site = live_server.url
    base = override_settings(
        SITE_URL=site,
        SAML_SP_ENTITY_ID=f"{site}/sso/saml/metadata/",
        SAML_SP_KEY_FILE=str(keys / "sp.key"),
        SAML_SP_CERT_FILE=str(keys / "sp.crt"),
        SAML_IDP_METADATA_FILE="",
        SAML_IDP_ENTITY_ID="",
        SAML_SUBJECT_ATTRIBUTE="",
        SAML_ALLOW_IDP_INITIATED=True,
        SAML_ALLOWED_DOMAINS=[ALLOWED_DOMAIN],
    )
    base.enable()
    process = None
    try:
        process, idp = start_idp(keys, f"{site}/sso/saml/metadata/")
        with override_settings(SAML_IDP_METADATA_URL=f"{idp}/metadata"):
            cache.clear()
            yield SamlWorld(site=site, idp=idp, keys=keys)
    finally:
        base.disable()
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


_FIELD = r'<input type="hidden" name="{}" value="([^"]*)"'


@dataclass
class PostedForm:
    action: str
    fields: dict[str, str]


def read_form(page: str) -> PostedForm:
    action = re.search(r'<form method="post" action="([^"]*)"', page)
    assert action, f"no POST form in the IdP's page: {page[:300]}"
    fields = {}
    for name in ("SAMLResponse", "RelayState"):
        match = re.search(_FIELD.format(name), page)
        if match:
            fields[name] = html.unescape(match.group(1))
    return PostedForm(html.unescape(action.group(1)), fields)


def idp_answer_sp_initiated(
    world: SamlWorld,
    http: requests.Session,
    *,
    email: str,
    subject: str,
    mode: str = "ok",
    mfa: bool = False,
    next_url: str = "",
) -> PostedForm:
    """Starts sign-in at our SP and lets the IdP answer; returns the form it would POST."""
    start = f"{world.site}/sso/saml/login/" + (f"?next={next_url}" if next_url else "")
    response = http.get(start, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:500]
    location = response.headers["Location"]
    assert location.startswith(f"{world.idp}/sso/redirect?SAMLRequest="), location
    params = {"email": email, "subject": subject, "mode": mode, "mfa": "1" if mfa else ""}
    answer = http.get(location, params=params, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return read_form(answer.text)


def idp_answer_unsolicited(
    world: SamlWorld,
    *,
    email: str,
    subject: str,
    mode: str = "ok",
    relay_state: str = "",
    mfa: bool = False,
    in_response_to: str = "",
    nameid: str = "persistent",
) -> PostedForm:
    params = {
        "email": email,
        "subject": subject,
        "mode": mode,
        "relay_state": relay_state,
        "mfa": "1" if mfa else "",
        "in_response_to": in_response_to,
        "nameid": nameid,
    }
    answer = requests.get(f"{world.idp}/unsolicited", params=params, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return read_form(answer.text)


def post_to_sp(http: requests.Session, form: PostedForm) -> requests.Response:
    return http.post(form.action, data=form.fields, allow_redirects=False, timeout=30)
