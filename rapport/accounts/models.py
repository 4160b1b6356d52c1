"""People who sign in, the organisations they belong to, invitations and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from rapport.lib.validation import refuse_control_characters


def token_hash(raw: str) -> str:
    """Tokens are stored as SHA-256 digests: a leaked database does not leak usable tokens."""
    return hashlib.sha256(raw.encode()).hexdigest()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Identified by e-mail address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_additional_data(self):
        # A person belongs to no one organisation: each organisation's history finds its members'.
        return {"user_id": self.pk}

    def clean(self):
        super().clean()
        refuse_control_characters(self, "full_name")  # it reaches e-mail headers


slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$|^[a-z0-9]$",
    "Use lowercase letters, digits and hyphens (not at the start or end).",
)


class Organisation(models.Model):
    """Owns projects. Nobody outside it sees anything of it."""

    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    allow_frequent_reports = models.BooleanField(
        "allow reports more often than daily",
        default=False,
        help_text="Off: a communication plan refuses report cadences of more than one a day.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        refuse_control_characters(self, "name")  # it reaches e-mail subjects

    def get_additional_data(self):
        return {"org_id": self.pk}


class OrgRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"


class OrgMembership(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships"
    )
    role = models.CharField(max_length=10, choices=OrgRole.choices, default=OrgRole.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "user"], name="one_membership_per_org_user")
        ]
        ordering = ["user__email"]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()} of {self.org})"

    def get_additional_data(self):
        return {"org_id": self.org_id}


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation. The link carries a secret; we keep its hash."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=OrgRole.choices, default=OrgRole.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation of {self.email} to {self.org}"

    def get_additional_data(self):
        return {"org_id": self.org_id}

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiToken(models.Model):
    """A personal API token, sent as `Authorization: Bearer <token>`. Only its hash is stored."""

    PREFIX = "rpt_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # The first characters of the token, shown so a user can tell their tokens apart.
    hint = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
