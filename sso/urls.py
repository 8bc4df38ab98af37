from .saml_urls import urlpatterns as saml_urlpatterns

app_name = "sso"
urlpatterns = [
    *saml_urlpatterns,
]
