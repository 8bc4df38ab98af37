"""Directory provisioning (SCIM 2.0): bearer tokens and what the directory said about people.

Tandem's own rows (`people.User`, `people.Department`) stay the source of what the product shows;
these tables only keep what SCIM needs besides them: the directory's identifiers (`userName`,
`externalId`), the directory's copy of attributes Tandem has no column for (given and family
names, every email with its type), and which people the directory has deleted (deactivated).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from people.models import Department


class ScimToken(models.Model):
    """A bearer token for the SCIM service. Only its SHA-256 digest is stored."""

    name = models.CharField(max_length=120)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "SCIM token"

    def __str__(self) -> str:
        return f"SCIM token “{self.name}”" + (" (revoked)" if self.revoked_at else "")

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class ScimUser(models.Model):
    """The directory's side of one person: their `userName`, `externalId` and extra attributes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="scim"
    )
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=254, blank=True)
    # The directory's copy of `name` and `emails` (Tandem keeps one email and a full name).
    attributes = models.JSONField(default=dict, blank=True)
    # Set when the directory DELETEs the person: deactivated in Tandem, gone from SCIM.
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SCIM user"
        constraints = [
            models.UniqueConstraint(Lower("user_name"), name="scim_user_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(models.Model):
    """The directory's side of a department provisioned as a SCIM Group."""

    department = models.OneToOneField(
        Department, primary_key=True, on_delete=models.CASCADE, related_name="scim"
    )
    external_id = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SCIM group"

    def __str__(self) -> str:
        return str(self.department)
