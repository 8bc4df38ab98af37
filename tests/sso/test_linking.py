"""Who a company sign-in (OIDC or SAML) is in Tandem: sso.services.external_sign_in."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from audit.models import AuditEvent
from people.models import User
from sso.models import ExternalIdentity
from sso.services import SignInRefused, external_sign_in
from tests.factories import UserFactory

ISSUER = "https://idp.example.com"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _domains(settings):
    settings.OIDC_ALLOWED_DOMAINS = ["example.com"]
    settings.SAML_ALLOWED_DOMAINS = ["example.com"]


def make_request():
    request = RequestFactory().get("/sso/oidc/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    return request


def sign_in(
    request=None,
    *,
    provider="oidc",
    issuer=ISSUER,
    subject="sub-1",
    email="ada@example.com",
    mfa=False,
):
    return external_sign_in(
        request=request or make_request(),
        provider=provider,
        issuer=issuer,
        subject=subject,
        email=email,
        mfa=mfa,
    )


def test_it_links_an_active_employee_by_email_at_first_sign_in():
    ada = UserFactory(email="ada@example.com")
    request = make_request()
    assert sign_in(request) == ada
    link = ExternalIdentity.objects.get()
    assert (link.user, link.provider, link.issuer, link.subject) == (ada, "oidc", ISSUER, "sub-1")
    assert link.email_at_link == "ada@example.com"
    assert link.last_sign_in_at is not None
    assert request.session[SESSION_KEY] == str(ada.pk)


def test_it_matches_the_address_in_its_one_spelling():
    ada = UserFactory(email="ada@example.com")
    assert sign_in(email="  ADA@Example.COM ") == ada


def test_it_signs_in_by_subject_afterwards_whatever_address_the_provider_sends():
    ada = UserFactory(email="ada@example.com")
    sign_in()
    assert sign_in(email="someone.else@elsewhere.org") == ada
    assert ExternalIdentity.objects.count() == 1


def test_it_never_finds_an_account_by_address_once_it_is_linked():
    UserFactory(email="ada@example.com")
    sign_in(subject="sub-1")
    with pytest.raises(SignInRefused, match="already linked"):
        sign_in(subject="sub-2")
    assert ExternalIdentity.objects.count() == 1


def test_it_keeps_issuers_and_protocols_apart():
    ada = UserFactory(email="ada@example.com")
    sign_in(subject="same")
    assert sign_in(provider="saml", subject="same") == ada
    assert ExternalIdentity.objects.filter(user=ada).count() == 2
    bob = UserFactory(email="bob@example.com")
    assert (
        sign_in(issuer="https://other-idp.example.com", subject="same", email="bob@example.com")
        == bob
    )


def test_it_refuses_a_domain_not_allowed():
    UserFactory(email="ada@elsewhere.org")
    with pytest.raises(SignInRefused, match="does not link accounts from your email domain"):
        sign_in(email="ada@elsewhere.org")
    assert not ExternalIdentity.objects.exists()


def test_it_refuses_to_link_by_address_when_no_domain_is_configured(settings):
    settings.OIDC_ALLOWED_DOMAINS = []
    UserFactory(email="ada@example.com")
    with pytest.raises(SignInRefused):
        sign_in()
    assert not ExternalIdentity.objects.exists()


def test_it_still_signs_in_a_link_made_by_an_administrator_with_no_domain_configured(settings):
    settings.OIDC_ALLOWED_DOMAINS = []
    ada = UserFactory(email="ada@example.com")
    ExternalIdentity.objects.create(user=ada, provider="oidc", issuer=ISSUER, subject="sub-1")
    assert sign_in(email="") == ada


def test_it_refuses_a_person_unknown_to_tandem():
    with pytest.raises(SignInRefused, match="no account"):
        sign_in(email="nobody@example.com")
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()


def test_it_refuses_an_address_the_provider_did_not_send():
    UserFactory(email="ada@example.com")
    with pytest.raises(SignInRefused):
        sign_in(email="")


def test_it_refuses_an_inactive_person_at_first_link():
    UserFactory(email="ada@example.com", is_active=False)
    with pytest.raises(SignInRefused, match="disabled"):
        sign_in()
    assert not ExternalIdentity.objects.exists()


def test_it_refuses_a_linked_person_made_inactive_since():
    ada = UserFactory(email="ada@example.com")
    sign_in()
    User.objects.filter(pk=ada.pk).update(is_active=False)
    request = make_request()
    with pytest.raises(SignInRefused, match="disabled"):
        sign_in(request)
    assert SESSION_KEY not in request.session


def test_it_refuses_an_answer_without_a_subject():
    UserFactory(email="ada@example.com")
    with pytest.raises(SignInRefused):
        sign_in(subject="")


def test_it_records_how_the_person_signed_in_for_two_factor():
    UserFactory(email="ada@example.com")
    request = make_request()
    sign_in(request, mfa=True)
    assert request.session["signed_in_with"] == "oidc"
    assert request.session["mfa_by_idp"] is True
    request = make_request()
    sign_in(request, provider="saml", subject="s", mfa=False)
    assert request.session["signed_in_with"] == "saml"
    assert request.session["mfa_by_idp"] is False


def test_it_audits_the_link_and_each_sign_in():
    ada = UserFactory(email="ada@example.com")
    sign_in()
    sign_in()
    actions = list(
        AuditEvent.objects.filter(actor=ada).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["sso.linked", "sso.signed_in", "sso.signed_in"]


def test_it_writes_nothing_when_it_refuses():
    UserFactory(email="ada@elsewhere.org")
    with pytest.raises(SignInRefused):
        sign_in(email="ada@elsewhere.org")
    assert not AuditEvent.objects.exists()


def test_it_leaves_a_third_person_untouched():
    UserFactory(email="ada@example.com")
    carol = UserFactory(email="carol@example.com")
    sign_in()
    assert not ExternalIdentity.objects.filter(user=carol).exists()
    assert User.objects.get(pk=carol.pk).last_login is None


def test_it_removes_the_links_of_an_erased_person():
    from people.services import person_erase
    from tests.factories import PrivacyOfficerFactory

    ada = UserFactory(email="ada@example.com")
    sign_in()
    person_erase(person=ada, by=PrivacyOfficerFactory())
    assert not ExternalIdentity.objects.filter(user=ada).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_makes_one_link_when_a_person_signs_in_twice_at_once():
    from tests.concurrency import run_at_once

    ada = UserFactory(email="ada@example.com")
    results = run_at_once(lambda: sign_in(), lambda: sign_in())
    assert results == [ada, ada]
    assert ExternalIdentity.objects.filter(user=ada).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_links_only_one_of_two_identities_racing_for_one_account():
    from tests.concurrency import run_at_once

    ada = UserFactory(email="ada@example.com")
    results = run_at_once(lambda: sign_in(subject="one"), lambda: sign_in(subject="two"))
    assert sorted(type(r).__name__ for r in results) == ["SignInRefused", "User"]
    assert ExternalIdentity.objects.filter(user=ada).count() == 1
