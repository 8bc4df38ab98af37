"""OpenID Connect sign-in against a real provider (django-oidc-provider, started by the tests)."""

import base64
import json
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from joserfc import jws, jwt
from joserfc.jwk import RSAKey

from audit.models import AuditEvent
from core.sessions import SessionStore
from people.models import User
from sso import oidc as sso_oidc
from sso.models import ExternalIdentity
from tests.factories import UserFactory
from tests.sso.idp import callback_url, sign_in, token_for_other_app

pytestmark = pytest.mark.django_db(transaction=True)


def session_of(client: requests.Session) -> dict:
    return SessionStore(session_key=client.cookies.get("sessionid")).load()


def test_it_signs_in_through_the_provider_and_links_the_account(oidc, live_server):
    ada = UserFactory(email="ada@example.com", full_name="Ada Lovelace")
    client, response = sign_in(live_server.url, "ada")
    assert response.status_code == 200
    assert response.url == live_server.url + "/"
    assert "Ada Lovelace" in response.text
    link = ExternalIdentity.objects.get()
    assert (link.user_id, link.issuer, link.subject) == (ada.pk, oidc.issuer, oidc.users["ada"])
    stored = session_of(client)
    assert stored["signed_in_with"] == "oidc"
    assert stored["mfa_by_idp"] is False


def test_it_signs_a_linked_person_in_by_subject_on_a_later_visit(oidc, live_server):
    ada = UserFactory(email="ada@example.com")
    client, _ = sign_in(live_server.url, "ada")
    client.cookies.pop("sessionid")  # Tandem's session gone, the provider's kept
    client, response = sign_in(live_server.url, "ada", session=client)
    assert response.url == live_server.url + "/"
    assert ExternalIdentity.objects.filter(user=ada).count() == 1
    assert list(
        AuditEvent.objects.filter(actor=ada).values_list("action", flat=True).order_by("id")
    ) == ["sso.linked", "sso.signed_in", "sso.signed_in"]


def test_it_reads_the_provider_s_multi_factor_claim(oidc, live_server):
    UserFactory(email="mia@example.com")
    client, response = sign_in(live_server.url, "mia")
    assert response.url == live_server.url + "/"
    assert session_of(client)["mfa_by_idp"] is True


def test_it_sends_the_person_on_to_the_page_they_asked_for(oidc, live_server):
    UserFactory(email="ada@example.com")
    _, response = sign_in(live_server.url, "ada", start="/sso/oidc/login/?next=/people/me/edit/")
    assert response.url == live_server.url + "/people/me/edit/"


def test_it_never_sends_the_person_to_another_site_afterwards(oidc, live_server):
    UserFactory(email="ada@example.com")
    _, response = sign_in(
        live_server.url, "ada", start="/sso/oidc/login/?next=https://evil.example/"
    )
    assert response.url == live_server.url + "/"


def test_it_refuses_a_replayed_state_and_code(oidc, live_server):
    ada = UserFactory(email="ada@example.com")
    client, response = sign_in(live_server.url, "ada")
    callback = callback_url(response)
    again = client.get(callback, timeout=30)
    assert again.status_code == 400
    assert "already been used or has expired" in again.text
    stranger = requests.get(callback, timeout=30)
    assert stranger.status_code == 400
    assert "sessionid" not in stranger.cookies or not session_of(stranger).get("_auth_user_id")
    assert AuditEvent.objects.filter(actor=ada, action="sso.signed_in").count() == 1


def test_it_refuses_a_callback_for_a_sign_in_that_was_never_started(oidc, live_server):
    response = requests.get(
        live_server.url + "/sso/oidc/callback/?code=abc&state=forged", timeout=30
    )
    assert response.status_code == 400
    assert "already been used or has expired" in response.text


def test_it_shows_the_provider_s_refusal_in_plain_words(oidc, live_server):
    client = requests.Session()
    start = client.get(live_server.url + "/sso/oidc/login/", timeout=30, allow_redirects=False)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = client.get(
        live_server.url + "/sso/oidc/callback/?error=access_denied"
        f"&error_description=User+said+no&state={state}",
        timeout=30,
    )
    assert response.status_code == 400
    assert "The sign-in was cancelled" in response.text
    assert "access_denied" not in response.text


def test_it_refuses_an_address_outside_the_allowed_domains(oidc, live_server):
    gus = UserFactory(email="gus@elsewhere.org")
    client, response = sign_in(live_server.url, "gus")
    assert response.status_code == 403
    assert "does not link accounts from your email domain" in response.text
    assert not ExternalIdentity.objects.filter(user=gus).exists()
    assert "_auth_user_id" not in session_of(client)


def test_it_refuses_a_person_disabled_in_tandem(oidc, live_server):
    dee = UserFactory(email="dee@example.com", is_active=False)
    client, response = sign_in(live_server.url, "dee")
    assert response.status_code == 403
    assert "Your Tandem account is disabled" in response.text
    assert not ExternalIdentity.objects.filter(user=dee).exists()


def test_it_refuses_a_linked_person_disabled_since(oidc, live_server):
    dee = UserFactory(email="dee@example.com")
    client, _ = sign_in(live_server.url, "dee")
    User.objects.filter(pk=dee.pk).update(is_active=False)
    client.cookies.pop("sessionid")
    client, response = sign_in(live_server.url, "dee", session=client)
    assert response.status_code == 403
    assert "_auth_user_id" not in session_of(client)


def test_it_refuses_a_person_unknown_to_tandem(oidc, live_server):
    UserFactory(email="ada@example.com")
    client, response = sign_in(live_server.url, "nob")
    assert response.status_code == 403
    assert "Tandem has no account for your email address" in response.text
    assert not ExternalIdentity.objects.exists()


def test_it_links_no_account_by_an_address_the_provider_did_not_verify(oidc, live_server):
    UserFactory(email="uma@example.com")
    _, response = sign_in(live_server.url, "uma")
    assert response.status_code == 403
    assert not ExternalIdentity.objects.exists()


def test_it_refuses_an_expired_id_token(oidc, live_server, monkeypatch):
    UserFactory(email="ada@example.com")
    monkeypatch.setattr(sso_oidc, "_now", lambda: time.time() + 2 * 3600)
    client, response = sign_in(live_server.url, "ada")
    assert response.status_code == 400
    assert "trust (expired)" in response.text
    assert "_auth_user_id" not in session_of(client)
    assert not ExternalIdentity.objects.exists()


def test_it_refuses_an_id_token_signed_by_another_key(oidc, live_server):
    UserFactory(email="ada@example.com")
    keys = requests.get(oidc.issuer + "/jwks", timeout=30).json()
    kid = keys["keys"][0]["kid"]
    impostor = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"})
    sign_in(live_server.url, "ada")  # fills the cache with the real documents
    cache.set(sso_oidc._key("jwks"), {"keys": [impostor.as_dict(private=False)]})
    ExternalIdentity.objects.all().delete()
    client, response = sign_in(live_server.url, "ada", session=requests.Session())
    assert response.status_code == 400
    assert "trust (bad signature)" in response.text
    assert "_auth_user_id" not in session_of(client)


def test_it_refuses_an_id_token_issued_to_another_application(oidc, live_server):
    sign_in(live_server.url, "ada")  # fills the cache with the real documents
    token = token_for_other_app(oidc, "ada", nonce="n-1")
    with pytest.raises(sso_oidc.OIDCError, match="meant for another application"):
        sso_oidc.verify_id_token(token, nonce="n-1")


def test_it_refuses_an_id_token_forged_with_another_key(oidc, live_server):
    UserFactory(email="ada@example.com")
    client, _ = sign_in(live_server.url, "ada")
    real = session_of(client)["oidc_id_token"]
    assert sso_oidc.verify_id_token(real, nonce=_claims(real)["nonce"])["sub"] == oidc.users["ada"]
    kid = jws.extract_compact(real.encode()).headers()["kid"]
    forged = jwt.encode(
        {"alg": "RS256", "kid": kid},
        {**_claims(real), "sub": oidc.users["gus"]},
        RSAKey.generate_key(2048),
    )
    with pytest.raises(sso_oidc.OIDCError, match="bad signature"):
        sso_oidc.verify_id_token(forged, nonce=_claims(real)["nonce"])


def test_it_refuses_an_id_token_of_another_sign_in(oidc, live_server):
    UserFactory(email="ada@example.com")
    client, _ = sign_in(live_server.url, "ada")
    real = session_of(client)["oidc_id_token"]
    with pytest.raises(sso_oidc.OIDCError, match="not for this sign-in"):
        sso_oidc.verify_id_token(real, nonce="another-nonce")


def test_it_reads_the_discovery_document_and_keys_once(oidc, live_server):
    UserFactory(email="ada@example.com")
    UserFactory(email="mia@example.com")
    sign_in(live_server.url, "ada")
    seen = (
        oidc.requests_seen("/.well-known/openid-configuration"),
        oidc.requests_seen("/openid/jwks"),
    )
    _, response = sign_in(live_server.url, "mia")
    assert response.url == live_server.url + "/"
    assert (
        oidc.requests_seen("/.well-known/openid-configuration"),
        oidc.requests_seen("/openid/jwks"),
    ) == seen


def test_it_signs_out_of_tandem_and_of_the_provider(oidc, live_server):
    UserFactory(email="ada@example.com")
    client, response = sign_in(live_server.url, "ada")
    out = client.post(
        live_server.url + "/accounts/logout/",
        data={"csrfmiddlewaretoken": client.cookies["csrftoken"]},
        headers={"Referer": live_server.url + "/"},
        timeout=30,
    )
    assert out.url == live_server.url + "/sso/signed-out/"
    provider_url = re.search(r'href="([^"]+end-session[^"]+)"', out.text).group(1)
    assert "id_token_hint=" in provider_url
    back = client.get(unescape(provider_url), timeout=30)
    assert back.url.startswith(live_server.url + "/accounts/login/")
    home = client.get(live_server.url + "/", timeout=30)
    assert home.url.startswith(live_server.url + "/accounts/login/")
    # The provider's session ended too: signing in again asks for the password there.
    again = client.get(live_server.url + "/sso/oidc/login/", timeout=30)
    assert "Test identity provider" in again.text


def test_it_signs_a_password_user_out_without_visiting_the_provider(oidc, live_server, client):
    ada = UserFactory(email="ada@example.com")
    client.force_login(ada)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_it_shows_a_plain_page_when_the_provider_is_down(oidc, live_server, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/openid"
    response = requests.get(live_server.url + "/sso/oidc/login/", timeout=30)
    assert response.status_code == 502
    assert "be reached just now" in response.text


def test_it_is_off_without_an_issuer(live_server, settings):
    settings.OIDC_ISSUER = ""
    assert requests.get(live_server.url + "/sso/oidc/login/", timeout=30).status_code == 404
    assert (
        requests.get(live_server.url + "/sso/oidc/callback/?code=a&state=b", timeout=30).status_code
        == 404
    )


def _claims(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def test_it_refreshes_the_provider_s_documents_on_beat(oidc, live_server):
    from sso.tasks import refresh_oidc_documents

    UserFactory(email="ada@example.com")
    assert refresh_oidc_documents() == "ok"
    seen = oidc.requests_seen("/.well-known/openid-configuration")
    _, response = sign_in(live_server.url, "ada")
    assert response.url == live_server.url + "/"
    assert oidc.requests_seen("/.well-known/openid-configuration") == seen


def test_it_refreshes_nothing_when_oidc_is_off(settings):
    from sso.tasks import refresh_oidc_documents

    settings.OIDC_ISSUER = ""
    assert refresh_oidc_documents() == "off"


def test_it_sends_a_visitor_of_the_signed_out_page_with_nothing_pending_to_sign_in(client):
    response = client.get("/sso/signed-out/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_it_explains_a_code_the_provider_does_not_accept(oidc, live_server):
    client = requests.Session()
    start = client.get(live_server.url + "/sso/oidc/login/", timeout=30, allow_redirects=False)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = client.get(
        live_server.url + f"/sso/oidc/callback/?code=made-up&state={state}", timeout=30
    )
    assert response.status_code == 400
    assert "did not accept this sign-in" in response.text
    assert "_auth_user_id" not in session_of(client)


def test_it_asks_the_provider_for_pkce_state_and_nonce(oidc, live_server):
    start = requests.get(live_server.url + "/sso/oidc/login/", timeout=30, allow_redirects=False)
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith(oidc.issuer + "/authorize")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == [live_server.url + "/sso/oidc/callback/"]
