from django.urls import path

from . import saml_views, views

app_name = "sso"

urlpatterns = [
    path("oidc/login/", views.oidc_login, name="oidc_login"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("signed-out/", views.signed_out, name="signed_out"),
    # SAML 2.0 (sso/saml_views.py): start, the IdP's POST (ACS), this SP's metadata.
    path("saml/login/", saml_views.saml_login, name="saml_login"),
    path("saml/acs/", saml_views.saml_acs, name="saml_acs"),
    path("saml/metadata/", saml_views.saml_metadata, name="saml_metadata"),
]
