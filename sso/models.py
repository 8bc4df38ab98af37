"""Links between a Tandem account and a person's identity at the company's identity provider.

A link is found by what the provider promises never to change for a person, its subject
identifier (OIDC `sub`, SAML NameID), under the provider's issuer; never by a display name.
The email address is used once, to make the link (services.external_sign_in).
"""

from django.conf import settings
from django.db import models


class Provider(models.TextChoices):
    OIDC = "oidc", "OpenID Connect"
    SAML = "saml", "SAML 2.0"


class ExternalIdentity(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    # The address the link was made with, kept to explain a link later; never used to find it.
    email_at_link = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "external identity"
        verbose_name_plural = "external identities"
        ordering = ["provider", "issuer", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "issuer", "subject"], name="sso_identity_unique"
            ),
            # One identity per provider for each account: a second one (a recycled address at
            # the provider) can't take the account over.
            models.UniqueConstraint(
                fields=["user", "provider", "issuer"], name="sso_one_identity_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} identity {self.pk}"
