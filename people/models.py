import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as dj_timezone


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/London).")


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def normalise_email(value: object) -> str:
    """The one spelling of an email address: how it is stored, signed in with, reset and
    counted by the sign-in lockout (people.signin)."""
    return str(value or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str) -> "User":
        # People type their address in any case; it is stored lower-case.
        return self.get(email__iexact=normalise_email(username))

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class JobFamily(models.TextChoices):
    SOFTWARE = "software", "Software engineering"
    INFRASTRUCTURE = "infrastructure", "Infrastructure and operations"
    NETWORK = "network", "Networking"
    SECURITY = "security", "Security"
    DATA = "data", "Data and analytics"
    SUPPORT = "support", "IT support"
    CLOUD = "cloud", "Cloud and platform"
    MANAGEMENT = "management", "Management"
    HR = "hr", "People and HR"
    OTHER = "other", "Other"


class User(AbstractBaseUser, PermissionsMixin):
    """An employee. Signing in is by email; the profile lives on the user."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    job_family = models.CharField(max_length=20, choices=JobFamily.choices, default=JobFamily.OTHER)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    # "/2/5/23/": the ids from the top of the reporting line down to this person, kept by
    # database triggers whenever a manager changes (people/reporting_path.py); never written
    # by the program. A subtree is one indexed prefix range.
    reporting_path = models.TextField(default="", blank=True, editable=False, db_index=True)
    hire_date = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=120, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    is_hr_coordinator = models.BooleanField(
        default=False, help_text="May create programs and manage the skills taxonomy."
    )
    can_view_leadership = models.BooleanField(
        default=False, help_text="Granted by HR: sees the leadership view across programs."
    )
    is_privacy_officer = models.BooleanField(
        default=False,
        help_text="Granted and revoked by a superuser (audited): may erase people's data.",
    )
    date_joined = models.DateTimeField(default=dj_timezone.now)
    # An invitation to choose a password: asked for (by an import, or again by HR), then
    # emailed once by the worker. Asking again clears `invitation_sent_at` and voids older links.
    invited_at = models.DateTimeField(null=True, blank=True)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        # Lists of people (a head's team page of 15,000) page in name order from the index.
        indexes = [models.Index(fields=["full_name", "id"], name="user_name_order")]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")), name="user_not_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("people:profile", args=[self.pk])

    @property
    def label(self) -> str:
        """The name with the email beside it: tells apart two people with the same name wherever
        a person is picked or listed (choices, lists of people)."""
        return f"{self.full_name} · {self.email}" if self.full_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)
        if self.manager_id and self.pk and self.manager_id == self.pk:
            raise ValidationError({"manager": "Nobody can be their own manager."})
