"""SAML 2.0 sign-in (service provider side) with pysaml2.

pysaml2 checks the XML: the signature of the assertion against the certificate in the identity
provider's metadata, the audience, the recipient and destination, and the time conditions. This
module adds what a service provider must keep itself: which requests it sent (SP-initiated
sign-in), which assertions it has already accepted (replays), the metadata cache, and turning
an accepted assertion into the identity `sso.services.external_sign_in` links.

Configured from the environment (mentorship_site/settings/base.py, docs/identity.md):
SAML is off unless SAML_IDP_METADATA_URL or SAML_IDP_METADATA_FILE is set.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.sigver import get_xmlsec_binary
from saml2.time_util import str_to_time

from .models import Provider
from .selectors import saml_enabled

logger = logging.getLogger(__name__)

__all__ = [
    "SamlError",
    "SamlIdentity",
    "authn_request_url",
    "read_response",
    "saml_enabled",
    "safe_next",
    "sp_metadata_xml",
]
PROVIDER = Provider.SAML.value
METADATA_FETCH_TIMEOUT = 10  # seconds; only on a cache miss, never per sign-in otherwise
REQUEST_TTL = 15 * 60  # seconds a sign-in started here may take at the identity provider
_CONFIG_MEMO: dict[tuple, SPConfig] = {}
_MEMO_LOCK = threading.Lock()


class SamlError(Exception):
    """A refused or failed SAML sign-in, with a message in plain words for the person."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class SamlIdentity:
    """What an accepted assertion says about the person."""

    issuer: str
    subject: str
    email: str
    mfa: bool
    next_url: str


# --- configuration -----------------------------------------------------------------------


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def acs_url() -> str:
    return _site(reverse("sso:saml_acs"))


def metadata_url() -> str:
    return _site(reverse("sso:saml_metadata"))


def sp_entity_id() -> str:
    # Production requires SAML_SP_ENTITY_ID; elsewhere the metadata URL is a stable default.
    return settings.SAML_SP_ENTITY_ID or metadata_url()


def _config_dict(idp_metadata: str | None) -> dict:
    sp = {
        "name": "Tandem",
        "endpoints": {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]},
        # Unsolicited (IdP-initiated) responses reach pysaml2; read_response applies our own
        # rule: a response naming a request must name one this site sent and has not used.
        "allow_unsolicited": True,
        "want_assertions_signed": True,
        "want_response_signed": False,
        "authn_requests_signed": False,
        "name_id_format": [settings.SAML_NAMEID_FORMAT] if settings.SAML_NAMEID_FORMAT else [],
        "name_id_format_allow_create": True,
    }
    conf: dict = {
        "entityid": sp_entity_id(),
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
        "service": {"sp": sp},
        "accepted_time_diff": settings.SAML_CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
        "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
    }
    if settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE:
        conf["key_file"] = settings.SAML_SP_KEY_FILE
        conf["cert_file"] = settings.SAML_SP_CERT_FILE
        # Lets an identity provider encrypt assertions to us (Entra ID's token encryption).
        conf["encryption_keypairs"] = [
            {"key_file": settings.SAML_SP_KEY_FILE, "cert_file": settings.SAML_SP_CERT_FILE}
        ]
    return conf


def _settings_key() -> tuple:
    return (
        settings.SITE_URL,
        settings.SAML_SP_ENTITY_ID,
        settings.SAML_SP_KEY_FILE,
        settings.SAML_SP_CERT_FILE,
        settings.SAML_NAMEID_FORMAT,
        settings.SAML_CLOCK_SKEW_SECONDS,
        settings.SAML_SUBJECT_ATTRIBUTE,
    )


def _config(idp_metadata: str | None) -> SPConfig:
    """The parsed pysaml2 configuration, built once per settings and metadata text."""
    digest = hashlib.sha256((idp_metadata or "").encode()).hexdigest()
    key = (*_settings_key(), digest)
    with _MEMO_LOCK:
        conf = _CONFIG_MEMO.get(key)
    if conf is None:
        conf = SPConfig()
        try:
            conf.load(_config_dict(idp_metadata))
        except Exception as exc:
            raise SamlError(
                "Company sign-in is not set up correctly. Tell your administrator.", str(exc)
            ) from exc
        with _MEMO_LOCK:
            if len(_CONFIG_MEMO) > 8:
                _CONFIG_MEMO.clear()
            _CONFIG_MEMO[key] = conf
    return conf


def sp_metadata_xml() -> bytes:
    """This site's SP metadata, for the identity provider (needs no IdP metadata)."""
    return create_metadata_string(None, config=_config(None), valid=None, sign=False)


# --- the identity provider's metadata ----------------------------------------------------


def _metadata_cache_key(url: str, kind: str) -> str:
    return f"saml:idp-metadata:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def idp_metadata_xml() -> str:
    """The IdP's metadata: from the file, or from the URL through the shared cache.

    The URL is fetched at most once per SAML_IDP_METADATA_TTL seconds; when it can't be
    fetched, the last good copy keeps sign-in working.
    """
    if settings.SAML_IDP_METADATA_FILE:
        try:
            return Path(settings.SAML_IDP_METADATA_FILE).read_text(encoding="utf-8")
        except OSError as exc:
            raise SamlError(
                "Company sign-in is not set up correctly. Tell your administrator.", str(exc)
            ) from exc
    url = settings.SAML_IDP_METADATA_URL
    text = cache.get(_metadata_cache_key(url, "fresh"))
    if text:
        return text
    try:
        return refresh_idp_metadata()
    except SamlError:
        text = cache.get(_metadata_cache_key(url, "last"))
        if not text:
            raise
        return text


def refresh_idp_metadata() -> str:
    """Fetches the IdP's metadata from SAML_IDP_METADATA_URL into the shared cache.

    Beat runs it (sso.tasks.refresh_saml_metadata) more often than the copy expires, so a
    sign-in does not wait on it; a sign-in fetches only when no fresh copy is cached.
    """
    url = settings.SAML_IDP_METADATA_URL
    try:
        response = requests.get(url, timeout=METADATA_FETCH_TIMEOUT)
        response.raise_for_status()
        text = response.text
        if "EntityDescriptor" not in text:
            raise ValueError("the answer is not SAML metadata")
    except (requests.RequestException, ValueError) as exc:
        logger.warning("SAML: fetching the IdP metadata from %s failed: %s", url, exc)
        raise SamlError(
            "The company sign-in service can't be reached right now. Try again in a few minutes.",
            str(exc),
        ) from exc
    cache.set(_metadata_cache_key(url, "fresh"), text, timeout=settings.SAML_IDP_METADATA_TTL)
    cache.set(_metadata_cache_key(url, "last"), text, timeout=None)
    return text


def _client() -> tuple[Saml2Client, str]:
    conf = _config(idp_metadata_xml())
    idps = list(conf.metadata.identity_providers())
    wanted = settings.SAML_IDP_ENTITY_ID
    if wanted:
        idps = [idp for idp in idps if idp == wanted]
    if len(idps) != 1:
        raise SamlError(
            "Company sign-in is not set up correctly. Tell your administrator.",
            f"the metadata names {len(idps)} matching identity providers; "
            "set SAML_IDP_ENTITY_ID to choose one",
        )
    return Saml2Client(conf), idps[0]


# --- sign-in -----------------------------------------------------------------------------


def safe_next(url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None, require_https=False):
        return url
    return reverse("home")


def _request_key(request_id: str) -> str:
    return f"saml:request:{hashlib.sha256(request_id.encode()).hexdigest()[:40]}"


def authn_request_url(*, next_url: str) -> str:
    """Where to send the browser to sign in at the IdP (HTTP-Redirect binding)."""
    client, idp = _client()
    try:
        request_id, info = client.prepare_for_authenticate(
            entityid=idp,
            relay_state=next_url,
            binding=BINDING_HTTP_REDIRECT,
            # The subject from an attribute: let the IdP send the NameID it is set up for.
            nameid_format=None
            if settings.SAML_SUBJECT_ATTRIBUTE
            else (settings.SAML_NAMEID_FORMAT or None),
        )
    except Exception as exc:  # pysaml2 raises plain errors, e.g. no Redirect endpoint
        raise SamlError(
            "Company sign-in is not set up correctly. Tell your administrator.", str(exc)
        ) from exc
    cache.set(_request_key(request_id), next_url, timeout=REQUEST_TTL)
    return dict(info["headers"])["Location"]


def _refusal(exc: Exception) -> SamlError:
    """pysaml2's exception, as a message for the person (the detail goes to the log)."""
    name, text = type(exc).__name__, str(exc)
    if name == "SignatureError" and "missing" in text.lower():
        message = (
            "Your company's sign-in service sent an unsigned answer, so you are not signed in."
        )
    elif name in {"SignatureError", "MissingKey", "XmlsecError", "IncorrectlySigned"} or (
        "signature" in text.lower()
    ):
        message = (
            "Your company's sign-in service sent an answer whose signature could not be "
            "verified, so you are not signed in."
        )
    elif name in {"ResponseLifetimeExceed", "ToEarly"}:
        message = "The answer from your company's sign-in service has expired. Sign in again."
    elif "AudienceRestriction" in text or "audience" in text.lower():
        message = "The answer from your company's sign-in service was meant for another site."
    elif "recipient" in text.lower() or "destination" in text.lower():
        message = "The answer from your company's sign-in service was sent to another address."
    elif name.startswith("Status"):
        message = "Your company's sign-in service did not sign you in."
    else:
        message = "The answer from your company's sign-in service could not be accepted."
    return SamlError(message, f"{name}: {text}")


def _remember_assertion(issuer: str, assertion, skew: int) -> None:
    """Refuses an assertion seen before; remembers this one until it expires."""
    ends = []
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        ends.append(assertion.conditions.not_on_or_after)
    for confirmation in getattr(assertion.subject, "subject_confirmation", None) or []:
        data = confirmation.subject_confirmation_data
        if data is not None and data.not_on_or_after:
            ends.append(data.not_on_or_after)
    now = time.time()
    if ends:
        until = max(calendar.timegm(str_to_time(end)) for end in ends)
        timeout = int(until - now) + skew + 1
    else:
        timeout = settings.SAML_REPLAY_WINDOW_SECONDS
    key = "saml:assertion:" + hashlib.sha256(f"{issuer}\n{assertion.id}".encode()).hexdigest()
    if not cache.add(key, 1, timeout=max(timeout, 1)):
        raise SamlError(
            "This sign-in answer was already used. Sign in again.",
            f"replayed assertion {assertion.id} from {issuer}",
        )


def _requests_answered(response) -> set[str]:
    ids = {response.in_response_to} if response.in_response_to else set()
    for confirmation in getattr(response.assertion.subject, "subject_confirmation", None) or []:
        data = confirmation.subject_confirmation_data
        if data is not None and data.in_response_to:
            ids.add(data.in_response_to)
    return ids


def _attribute(ava: dict, names: list[str]) -> str:
    by_lower = {key.lower(): values for key, values in ava.items()}
    for name in names:
        values = by_lower.get(name.lower()) or []
        for value in values:
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _did_mfa(response, ava: dict) -> bool:
    wanted = {ref.lower() for ref in settings.SAML_MFA_CONTEXTS}
    classes = {(cls or "").lower() for cls, _auth, _instant in response.authn_info()}
    # Entra ID and ADFS also list the methods used in an attribute.
    by_lower = {key.lower(): values for key, values in ava.items()}
    methods = by_lower.get("http://schemas.microsoft.com/claims/authnmethodsreferences", [])
    classes |= {str(m).lower() for m in methods}
    return bool(classes & wanted)


def read_response(*, saml_response: str, relay_state: str) -> SamlIdentity:
    """Checks an answer POSTed to the ACS and says who it signs in, or raises SamlError."""
    client, idp = _client()
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST)
    except SamlError:
        raise
    except Exception as exc:  # noqa: BLE001 - pysaml2 raises plain Exception for some checks
        raise _refusal(exc) from exc
    if response is None or response.assertion is None:
        raise SamlError("The answer from your company's sign-in service could not be read.")
    issuer = response.issuer()
    if issuer != idp:
        raise SamlError(
            "The answer came from a sign-in service this site does not trust.",
            f"issuer {issuer!r}, expected {idp!r}",
        )

    answered = _requests_answered(response)
    if len(answered) > 1:
        raise SamlError(
            "The answer from your company's sign-in service could not be accepted.",
            f"several InResponseTo values: {sorted(answered)}",
        )
    if answered:
        key = _request_key(answered.pop())
        next_url = cache.get(key)
        if next_url is None:
            raise SamlError(
                "This sign-in took too long or was already finished. Sign in again.",
                "InResponseTo names no request this site is waiting for",
            )
        cache.delete(key)
    elif settings.SAML_ALLOW_IDP_INITIATED:
        next_url = safe_next(relay_state)
    else:
        raise SamlError(
            "Start signing in from this site's sign-in page.",
            "unsolicited response refused (SAML_ALLOW_IDP_INITIATED is off)",
        )
    _remember_assertion(issuer, response.assertion, settings.SAML_CLOCK_SKEW_SECONDS)

    ava = response.ava or {}
    name_id = response.name_id
    if settings.SAML_SUBJECT_ATTRIBUTE:
        subject = _attribute(ava, [settings.SAML_SUBJECT_ATTRIBUTE])
    elif name_id is not None and name_id.format == NAMEID_FORMAT_PERSISTENT:
        subject = (name_id.text or "").strip()
    else:
        subject = ""
    if not subject:
        raise SamlError(
            "Your company's sign-in service did not say who you are in a way this site can "
            "keep. Tell your administrator.",
            "no persistent NameID and no SAML_SUBJECT_ATTRIBUTE value",
        )
    email = _attribute(ava, settings.SAML_EMAIL_ATTRIBUTES)
    return SamlIdentity(
        issuer=issuer,
        subject=subject,
        email=email,
        mfa=_did_mfa(response, ava),
        next_url=safe_next(next_url),
    )
