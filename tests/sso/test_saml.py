"""SAML 2.0 sign-in against a real pysaml2 identity provider started by the tests.

The IdP (tests/sso/saml_idp) runs as a subprocess on 127.0.0.1; our SP is driven over real
HTTP on the live server: HTTP-Redirect to the IdP, the signed answer POSTed back.
"""

import base64
import time

import pytest
import requests
from django.core.cache import cache

from audit.models import AuditEvent
from people.models import User
from sso.models import ExternalIdentity
from tests import factories
from tests.sso.saml_idp import harness
from tests.sso.saml_idp.harness import idp_answer_sp_initiated, idp_answer_unsolicited, post_to_sp

pytestmark = pytest.mark.django_db(transaction=True)
saml_world = harness.saml_world

EMAIL = "ada@company.example"
NOT_SIGNED_IN = "You are not signed in"


def landed_home(http: requests.Session, world, response) -> str:
    assert response.status_code == 302, response.text[:800]
    home = http.get(world.site + response.headers["Location"], timeout=30)
    assert home.status_code == 200
    assert "Hello," in home.text
    return home.text


def signed_in(http: requests.Session, world) -> bool:
    return http.get(f"{world.site}/", allow_redirects=False, timeout=30).status_code == 200


def assert_refused(http: requests.Session, world, response, words: str) -> None:
    assert response.status_code == 403, response.text[:800]
    assert NOT_SIGNED_IN in response.text
    assert words in response.text
    assert not signed_in(http, world)


# --- success ---------------------------------------------------------------------------


def test_it_signs_in_sp_initiated_and_lands_on_the_role_home_page(saml_world):
    hr = factories.HRFactory(email="hr@company.example")
    http = requests.Session()
    form = idp_answer_sp_initiated(saml_world, http, email="hr@company.example", subject="idp-hr-1")
    page = landed_home(http, saml_world, post_to_sp(http, form))
    assert "Programs I coordinate" in page
    link = ExternalIdentity.objects.get(user=hr)
    assert (link.provider, link.subject) == ("saml", "idp-hr-1")
    assert link.issuer == f"{saml_world.idp}/metadata"


def test_it_signs_in_idp_initiated(saml_world):
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada")
    page = landed_home(http, saml_world, post_to_sp(http, form))
    assert "My mentorships" in page


def test_it_accepts_the_answer_without_the_session_cookie_of_the_request(saml_world):
    # The IdP's POST is cross-site: a SameSite=Lax session cookie doesn't come with it.
    factories.UserFactory(email=EMAIL)
    started = requests.Session()
    form = idp_answer_sp_initiated(saml_world, started, email=EMAIL, subject="idp-ada")
    browser = requests.Session()
    landed_home(browser, saml_world, post_to_sp(browser, form))


def test_it_accepts_an_assertion_encrypted_to_its_certificate(saml_world):
    ada = factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_sp_initiated(
        saml_world, http, email=EMAIL, subject="idp-ada", mode="encrypted"
    )
    assert "EncryptedAssertion" in base64.b64decode(form.fields["SAMLResponse"]).decode()
    landed_home(http, saml_world, post_to_sp(http, form))
    assert ExternalIdentity.objects.get().user == ada


def test_it_returns_to_the_page_asked_for_before_signing_in(saml_world):
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_sp_initiated(
        saml_world, http, email=EMAIL, subject="idp-ada", next_url="/programs/open/"
    )
    response = post_to_sp(http, form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/programs/open/"


def test_it_never_sends_an_idp_initiated_sign_in_to_another_site(saml_world):
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_unsolicited(
        saml_world, email=EMAIL, subject="idp-ada", relay_state="https://evil.example/"
    )
    response = post_to_sp(http, form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_it_links_by_the_subject_on_later_sign_ins_whatever_the_email(saml_world):
    ada = factories.UserFactory(email=EMAIL)
    http = requests.Session()
    landed_home(
        http,
        saml_world,
        post_to_sp(http, idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada")),
    )
    later = requests.Session()
    landed_home(
        later,
        saml_world,
        post_to_sp(
            later,
            idp_answer_sp_initiated(
                saml_world, later, email="renamed@company.example", subject="idp-ada"
            ),
        ),
    )
    assert ExternalIdentity.objects.get().user == ada


def test_it_takes_the_subject_from_the_configured_attribute(saml_world, settings):
    settings.SAML_SUBJECT_ATTRIBUTE = (
        "http://schemas.microsoft.com/identity/claims/objectidentifier"
    )
    ada = factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada", nameid="email")
    landed_home(http, saml_world, post_to_sp(http, form))
    assert ExternalIdentity.objects.get(user=ada).subject == "oid-idp-ada"


def test_it_refuses_an_answer_without_a_stable_subject(saml_world):
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada", nameid="email")
    assert_refused(http, saml_world, post_to_sp(http, form), "did not say who you are")
    assert not ExternalIdentity.objects.exists()


def test_it_records_that_the_identity_provider_did_mfa(saml_world):
    ada = factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_sp_initiated(saml_world, http, email=EMAIL, subject="idp-ada", mfa=True)
    landed_home(http, saml_world, post_to_sp(http, form))
    other = factories.UserFactory(email="bob@company.example")
    http2 = requests.Session()
    form = idp_answer_sp_initiated(
        saml_world, http2, email="bob@company.example", subject="idp-bob"
    )
    landed_home(http2, saml_world, post_to_sp(http2, form))
    events = {e.actor_id: e for e in AuditEvent.objects.filter(action="sso.signed_in")}
    assert events[ada.pk].payload["mfa"] is True
    assert events[other.pk].payload["mfa"] is False


def test_it_serves_its_metadata_at_a_stable_url(saml_world):
    response = requests.get(f"{saml_world.site}/sso/saml/metadata/", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/samlmetadata+xml")
    assert f'entityID="{saml_world.site}/sso/saml/metadata/"' in response.text
    assert f'Location="{saml_world.site}/sso/saml/acs/"' in response.text
    assert 'WantAssertionsSigned="true"' in response.text


def test_it_fetches_the_idp_metadata_once_and_keeps_it_in_the_cache(saml_world):
    factories.UserFactory(email=EMAIL)
    cache.clear()
    before = saml_world.metadata_fetches()
    for _ in range(3):
        http = requests.Session()
        landed_home(
            http,
            saml_world,
            post_to_sp(
                http, idp_answer_sp_initiated(saml_world, http, email=EMAIL, subject="idp-ada")
            ),
        )
    assert saml_world.metadata_fetches() - before == 1


def test_it_refreshes_the_idp_metadata_on_beat_so_sign_in_does_not_fetch_it(saml_world):
    from sso.tasks import refresh_saml_metadata

    factories.UserFactory(email=EMAIL)
    cache.clear()
    before = saml_world.metadata_fetches()
    assert refresh_saml_metadata() == "ok"
    assert saml_world.metadata_fetches() - before == 1
    http = requests.Session()
    landed_home(
        http,
        saml_world,
        post_to_sp(http, idp_answer_sp_initiated(saml_world, http, email=EMAIL, subject="idp-ada")),
    )
    assert saml_world.metadata_fetches() - before == 1


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("unsigned", "unsigned answer"),
        ("response_only", "unsigned answer"),
        ("badsig", "signature could not be verified"),
        ("audience", "meant for another site"),
    ],
)
def test_it_refuses_an_answer_that_is_not_valid_for_this_site(saml_world, mode, words):
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_sp_initiated(saml_world, http, email=EMAIL, subject="idp-ada", mode=mode)
    assert_refused(http, saml_world, post_to_sp(http, form), words)
    assert not ExternalIdentity.objects.exists()


def test_it_refuses_an_expired_assertion(saml_world, settings):
    settings.SAML_CLOCK_SKEW_SECONDS = 0
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_sp_initiated(saml_world, http, email=EMAIL, subject="idp-ada", mode="expired")
    time.sleep(3)  # the IdP made it valid for 2 seconds
    assert_refused(http, saml_world, post_to_sp(http, form), "has expired")


@pytest.mark.parametrize("mode", ["unsigned", "badsig", "audience"])
def test_it_refuses_an_invalid_idp_initiated_answer_too(saml_world, mode):
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada", mode=mode)
    assert_refused(http, saml_world, post_to_sp(http, form), "")
    assert not ExternalIdentity.objects.exists()


def test_it_refuses_a_replayed_idp_initiated_assertion(saml_world):
    factories.UserFactory(email=EMAIL)
    form = idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada")
    first = requests.Session()
    landed_home(first, saml_world, post_to_sp(first, form))
    attacker = requests.Session()
    assert_refused(attacker, saml_world, post_to_sp(attacker, form), "already used")
    assert AuditEvent.objects.filter(action="sso.signed_in").count() == 1


def test_it_refuses_a_replayed_sp_initiated_assertion(saml_world):
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_sp_initiated(saml_world, http, email=EMAIL, subject="idp-ada")
    landed_home(http, saml_world, post_to_sp(http, form))
    attacker = requests.Session()
    assert_refused(attacker, saml_world, post_to_sp(attacker, form), "Sign in again")


def test_it_refuses_an_answer_to_a_request_it_never_sent(saml_world):
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_unsolicited(
        saml_world, email=EMAIL, subject="idp-ada", in_response_to="id-this-site-never-sent"
    )
    assert_refused(http, saml_world, post_to_sp(http, form), "Sign in again")


def test_it_refuses_idp_initiated_sign_in_when_it_is_turned_off(saml_world, settings):
    settings.SAML_ALLOW_IDP_INITIATED = False
    factories.UserFactory(email=EMAIL)
    http = requests.Session()
    form = idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada")
    assert_refused(http, saml_world, post_to_sp(http, form), "Start signing in from this site")


def test_it_refuses_an_email_domain_that_is_not_allowed(saml_world):
    factories.UserFactory(email="ada@elsewhere.example")
    http = requests.Session()
    form = idp_answer_sp_initiated(
        saml_world, http, email="ada@elsewhere.example", subject="idp-ada"
    )
    assert_refused(http, saml_world, post_to_sp(http, form), "does not link accounts")
    assert not ExternalIdentity.objects.exists()


def test_it_refuses_a_disabled_person(saml_world):
    factories.UserFactory(email=EMAIL, is_active=False)
    http = requests.Session()
    form = idp_answer_sp_initiated(saml_world, http, email=EMAIL, subject="idp-ada")
    assert_refused(http, saml_world, post_to_sp(http, form), "disabled")


def test_it_refuses_a_linked_person_disabled_since(saml_world):
    ada = factories.UserFactory(email=EMAIL)
    http = requests.Session()
    landed_home(
        http,
        saml_world,
        post_to_sp(http, idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada")),
    )
    User.objects.filter(pk=ada.pk).update(is_active=False)
    later = requests.Session()
    form = idp_answer_sp_initiated(saml_world, later, email=EMAIL, subject="idp-ada")
    assert_refused(later, saml_world, post_to_sp(later, form), "disabled")


def test_it_shows_a_plain_page_for_an_answer_that_is_not_saml(saml_world):
    http = requests.Session()
    for junk in ("not base64 at all!", "PHhtbD48L3htbD4=", "\u00e9" * 50):
        response = http.post(
            f"{saml_world.site}/sso/saml/acs/",
            data={"SAMLResponse": junk},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 403, response.text[:500]
        assert NOT_SIGNED_IN in response.text
    empty = http.post(f"{saml_world.site}/sso/saml/acs/", data={}, timeout=30)
    assert empty.status_code == 400
    assert NOT_SIGNED_IN in empty.text


class CacheDown:
    """The shared cache with Redis gone: every write fails."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def add(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    set = add


def test_it_refuses_with_a_plain_page_while_the_shared_cache_is_down(saml_world, monkeypatch):
    from sso import saml

    factories.UserFactory(email=EMAIL)
    form = idp_answer_unsolicited(saml_world, email=EMAIL, subject="idp-ada")
    monkeypatch.setattr(saml, "cache", CacheDown(saml.cache))
    http = requests.Session()
    response = post_to_sp(http, form)
    assert response.status_code == 503
    assert "not available right now" in response.text
    assert not signed_in(http, saml_world)
