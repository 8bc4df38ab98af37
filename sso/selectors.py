"""Reads for the sign-in pages: which company sign-in buttons to show."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def oidc_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def saml_enabled() -> bool:
    return bool(settings.SAML_IDP_METADATA_URL or settings.SAML_IDP_METADATA_FILE)


def sign_in_options(next_url: str = "") -> list[dict[str, str]]:
    """The company sign-in buttons of the sign-in page: [{"label", "url"}], in order.

    SAML adds its button here when it is configured (sso/saml*.py).
    """
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    options = []
    if oidc_enabled():
        try:
            options.append(
                {"label": settings.OIDC_BUTTON_LABEL, "url": reverse("sso:oidc_login") + query}
            )
        except NoReverseMatch:  # the OIDC views are not wired yet
            pass
    if saml_enabled():
        options.append(
            {"label": settings.SAML_BUTTON_LABEL, "url": reverse("sso:saml_login") + query}
        )
    return options
