"""OpenID Connect, the protocol side: discovery, signing keys, the authorization request (code
flow with PKCE S256, state and nonce), the token exchange, and the checks of the ID token.

Authlib builds the requests (`OAuth2Session`) and joserfc, its JOSE library, checks the ID token's
signature and claims. The provider's discovery document and keys are kept in the shared cache
(OIDC_METADATA_CACHE_SECONDS), refreshed by beat (sso.tasks), so a sign-in only waits on the token
exchange. Nothing here touches the database or the session: views.py does.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

logger = logging.getLogger(__name__)

# Asymmetric signatures only: an HMAC ID token would be signed with our own client secret.
SIGNING_ALGORITHMS = [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
]
# `amr` values (RFC 8176) that mean more than one factor was checked.
MFA_AMR = {
    "mfa",
    "otp",
    "hwk",
    "swk",
    "sms",
    "tel",
    "fpt",
    "face",
    "iris",
    "retina",
    "vbm",
    "sc",
    "pop",
}
# Seconds of clock difference tolerated between the provider and us.
LEEWAY = 60


class OIDCError(Exception):
    """Something about the provider's answer that we refuse; `message` is for the person."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


PROVIDER_DOWN = (
    "Your company's sign-in service can't be reached just now. Try again in a "
    "minute; if it keeps failing, tell IT."
)


def _now() -> float:
    return time.time()


def issuer() -> str:
    return settings.OIDC_ISSUER.rstrip("/")


def _key(kind: str) -> str:
    return f"sso:oidc:{kind}:" + hashlib.sha256(issuer().encode()).hexdigest()[:24]


def _get_json(url: str) -> dict:
    try:
        response = requests.get(
            url, timeout=settings.OIDC_HTTP_TIMEOUT, headers={"Accept": "application/json"}
        )
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC: could not read %s: %s", url, exc)
        raise OIDCError(PROVIDER_DOWN, status=502) from exc
    if not isinstance(data, dict):
        raise OIDCError(PROVIDER_DOWN, status=502)
    return data


def fetch_metadata() -> dict:
    """Read the discovery document, check it, and keep it in the shared cache."""
    data = _get_json(issuer() + "/.well-known/openid-configuration")
    missing = [
        k
        for k in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(data.get(k), str)
    ]
    if missing or data["issuer"].rstrip("/") != issuer():
        logger.error(
            "OIDC: discovery document of %s is unusable (missing %s, issuer %r)",
            issuer(),
            missing,
            data.get("issuer"),
        )
        raise OIDCError(PROVIDER_DOWN, status=502)
    cache.set(_key("metadata"), data, settings.OIDC_METADATA_CACHE_SECONDS)
    return data


def metadata(*, fetch: bool = True) -> dict | None:
    data = cache.get(_key("metadata"))
    if data is None and fetch:
        data = fetch_metadata()
    return data


def fetch_keys(meta: dict) -> dict:
    data = _get_json(meta["jwks_uri"])
    if not isinstance(data.get("keys"), list):
        raise OIDCError(PROVIDER_DOWN, status=502)
    cache.set(_key("jwks"), data, settings.OIDC_METADATA_CACHE_SECONDS)
    return data


def _key_set(jwks: dict) -> KeySet:
    usable = [
        k
        for k in jwks.get("keys", [])
        if isinstance(k, dict) and k.get("use") != "enc" and k.get("kty") in {"RSA", "EC", "OKP"}
    ]
    try:
        return KeySet.import_key_set({"keys": usable})
    except (JoseError, ValueError, TypeError) as exc:
        logger.error("OIDC: the provider's keys can't be read: %s", exc)
        raise OIDCError(PROVIDER_DOWN, status=502) from exc


def _signing_keys(meta: dict, kid: str | None) -> KeySet:
    """The provider's keys; read again (at most once a minute) when a token names a key we
    don't have, which is how a provider's key rotation shows."""
    jwks = cache.get(_key("jwks"))
    known = jwks is not None and (
        kid is None or any(k.get("kid") == kid for k in jwks.get("keys", []) if isinstance(k, dict))
    )
    if jwks is None or (not known and cache.add(_key("jwks-refresh"), 1, 60)):
        jwks = fetch_keys(meta)
    return _key_set(jwks)


@dataclass
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


def _session(meta: dict, redirect_uri: str) -> OAuth2Session:
    methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Session(
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=settings.OIDC_CLIENT_SECRET,
        token_endpoint_auth_method=method,
        scope=settings.OIDC_SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def authorization_request(*, redirect_uri: str) -> AuthorizationRequest:
    meta = metadata()
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    with _session(meta, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def exchange_code(*, code: str, code_verifier: str, redirect_uri: str) -> dict:
    """The token exchange: the one outside call a sign-in waits on."""
    meta = metadata()
    with _session(meta, redirect_uri) as client:
        try:
            token = client.fetch_token(
                meta["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
                timeout=settings.OIDC_HTTP_TIMEOUT,
            )
        except requests.RequestException as exc:
            logger.warning("OIDC: token exchange failed: %s", exc)
            raise OIDCError(PROVIDER_DOWN, status=502) from exc
        except Exception as exc:  # Authlib's OAuthError and friends: the provider said no
            logger.warning("OIDC: token exchange refused: %s", exc)
            raise OIDCError(
                "Your company's sign-in service did not accept this sign-in (it may have been "
                "used already, or taken too long). Start again from the sign-in page."
            ) from exc
    if not isinstance(token.get("id_token"), str):
        raise OIDCError("Your company's sign-in service sent no identity. Tell IT.", status=502)
    return dict(token)


INVALID_TOKEN = (
    "Your company's sign-in service sent an identity Tandem can't trust "
    "({reason}). Start again; if it keeps failing, tell IT."
)


def verify_id_token(id_token: str, *, nonce: str, meta: dict | None = None) -> dict:
    """Check the ID token's signature (the provider's published keys) and its claims: issuer,
    audience (and authorised party), expiry, issue time, nonce, subject. Returns the claims."""
    meta = meta or metadata()
    try:
        # Unverified, only to pick the key.
        kid = jws.extract_compact(id_token.encode()).headers().get("kid")
    except (JoseError, ValueError, TypeError) as exc:
        raise OIDCError(INVALID_TOKEN.format(reason="unreadable")) from exc
    keys = _signing_keys(meta, kid)
    try:
        token = jwt.decode(id_token, keys, algorithms=SIGNING_ALGORITHMS)
    except (JoseError, ValueError, TypeError) as exc:
        logger.warning("OIDC: ID token signature refused: %s", exc)
        raise OIDCError(INVALID_TOKEN.format(reason="bad signature")) from exc
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=lambda: int(_now()),
        leeway=LEEWAY,
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": settings.OIDC_CLIENT_ID},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        logger.warning("OIDC: ID token claims refused: %s", exc)
        claim = getattr(exc, "claim", "") or ""
        reason = {
            "exp": "expired",
            "aud": "meant for another application",
            "iss": "wrong issuer",
            "nonce": "not for this sign-in",
            "iat": "issued in the future",
        }.get(claim, "incomplete")
        raise OIDCError(INVALID_TOKEN.format(reason=reason)) from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.OIDC_CLIENT_ID:
        raise OIDCError(INVALID_TOKEN.format(reason="meant for another application"))
    return claims


def did_mfa(claims: dict) -> bool:
    """Whether the provider says it checked more than one factor (`amr`, or an `acr` that the
    settings name as multi-factor)."""
    amr = claims.get("amr")
    if isinstance(amr, list) and MFA_AMR & {str(v).lower() for v in amr}:
        return True
    return str(claims.get("acr", "")) in set(settings.OIDC_MFA_ACR_VALUES)


def verified_email(claims: dict) -> str:
    """The address the provider vouches for; none when it says it is not verified."""
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") in (False, "false"):
        return ""
    return email


def end_session_url(*, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end the provider's session too, if it says (from the
    cached discovery document only: signing out never waits on the provider)."""
    meta = metadata(fetch=False)
    endpoint = (meta or {}).get("end_session_endpoint")
    if not endpoint:
        return None
    query = {
        "post_logout_redirect_uri": post_logout_redirect_uri,
        "client_id": settings.OIDC_CLIENT_ID,
    }
    if id_token:
        query["id_token_hint"] = id_token
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)
