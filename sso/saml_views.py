"""SAML 2.0 sign-in pages: start (SP-initiated), the assertion consumer service, SP metadata.

All three are public (signing in can't require being signed in) and answer 404 while SAML is
not configured. A refused or failed sign-in is a plain page, never a 500.
"""

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import saml
from .services import SignInRefused, external_sign_in

logger = logging.getLogger(__name__)
UNAVAILABLE = "Company sign-in is not available right now. Try again in a few minutes."


def _refused(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    return render(request, "sso/saml_error.html", {"message": message}, status=status)


def _enabled() -> None:
    if not saml.saml_enabled():
        raise Http404("Company sign-in with SAML is not set up on this site.")


@require_GET
@never_cache
def saml_login(request: HttpRequest) -> HttpResponse:
    _enabled()
    try:
        location = saml.authn_request_url(next_url=saml.safe_next(request.GET.get("next")))
    except saml.SamlError as exc:
        logger.warning("SAML sign-in could not start: %s", exc.detail or exc.message)
        return _refused(request, exc.message, status=503)
    except Exception:  # e.g. the shared cache is down: a plain page, not a 500
        logger.exception("SAML sign-in could not start")
        return _refused(request, UNAVAILABLE, status=503)
    return redirect(location)


@csrf_exempt  # the identity provider POSTs here; the signed assertion is the credential
@require_POST
@never_cache
def saml_acs(request: HttpRequest) -> HttpResponse:
    _enabled()
    saml_response = request.POST.get("SAMLResponse", "")
    if not saml_response:
        return _refused(
            request, "No answer from a sign-in service came with this request.", status=400
        )
    try:
        identity = saml.read_response(
            saml_response=saml_response, relay_state=request.POST.get("RelayState", "")
        )
    except saml.SamlError as exc:
        logger.warning("SAML sign-in refused: %s", exc.detail or exc.message)
        return _refused(request, exc.message)
    except Exception:  # e.g. the shared cache (replays) is down: refuse, plainly
        logger.exception("SAML sign-in failed")
        return _refused(request, UNAVAILABLE, status=503)
    try:
        external_sign_in(
            request=request,
            provider=saml.PROVIDER,
            issuer=identity.issuer,
            subject=identity.subject,
            email=identity.email,
            mfa=identity.mfa,
        )
    except SignInRefused as exc:
        logger.warning("SAML sign-in refused by the account rules: %s", exc)
        return _refused(request, str(exc))
    return redirect(identity.next_url)


@require_GET
def saml_metadata(request: HttpRequest) -> HttpResponse:
    _enabled()
    try:
        xml = saml.sp_metadata_xml()
    except saml.SamlError as exc:
        logger.warning("SAML metadata could not be built: %s", exc.detail or exc.message)
        return _refused(request, exc.message, status=503)
    return HttpResponse(xml, content_type="application/samlmetadata+xml")
