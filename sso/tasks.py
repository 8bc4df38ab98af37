import logging

from celery import shared_task
from django.conf import settings

from . import oidc
from .selectors import oidc_enabled, saml_enabled

logger = logging.getLogger(__name__)


@shared_task(name="sso.tasks.refresh_oidc_documents")
def refresh_oidc_documents() -> str:
    """Keep the provider's discovery document and keys fresh in the shared cache (on beat, more
    often than they expire), so a sign-in only waits on the token exchange. Safe to run twice;
    a failure leaves the cached copies in place until they expire."""
    if not oidc_enabled():
        return "off"
    try:
        oidc.fetch_keys(oidc.fetch_metadata())
    except oidc.OIDCError:
        logger.warning("OIDC: the provider's documents could not be refreshed")
        return "failed"
    return "ok"


@shared_task(name="sso.tasks.refresh_saml_metadata")
def refresh_saml_metadata() -> str:
    """Keep the SAML IdP's metadata fresh in the shared cache (on beat), so a sign-in doesn't
    wait on it. Safe to run twice; a failure keeps the last good copy in use."""
    if not saml_enabled() or not settings.SAML_IDP_METADATA_URL:
        return "off"
    from . import saml

    try:
        saml.refresh_idp_metadata()
    except saml.SamlError:
        return "failed"
    return "ok"
