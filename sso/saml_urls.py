"""SAML 2.0 URLs, included in the `sso` namespace by sso/urls.py (public: signing in)."""

from django.urls import path

from . import saml_views

urlpatterns = [
    path("saml/login/", saml_views.saml_login, name="saml_login"),
    path("saml/acs/", saml_views.saml_acs, name="saml_acs"),
    path("saml/metadata/", saml_views.saml_metadata, name="saml_metadata"),
]
