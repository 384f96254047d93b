"""Users with one role and its scope, and API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.core.roles import USER_ADMINS, Role
from yuanqu.core.scoping import Scope, ScopedQuerySet


class UserQuerySet(ScopedQuerySet["User"]):
    """Users, as region admins see them: the accounts of their region and below."""

    scope = Scope(region="region", region_roles=USER_ADMINS)


class YuanquUserManager(UserManager["User"]):
    """The default manager, with the scope of :class:`UserQuerySet`."""

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any) -> UserQuerySet:
        """The accounts ``user`` administers (the queryset's generated scope)."""
        return self.get_queryset().visible_to(user)


class User(AbstractUser):
    """A person who logs in. One role; its scope is a region, parks or one enterprise.

    - region_admin, auditor, region_staff, leader: the region and everything below it;
    - park_operator: the parks in ``parks`` (all inside ``region``);
    - enterprise_user: ``enterprise``.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="users", verbose_name=_("region")
    )
    parks = models.ManyToManyField("parks.Park", blank=True, related_name="operators", verbose_name=_("parks"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("enterprise"),
    )
    display_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when someone else chose the password; the user changes it at the next log-in."))
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects = YuanquUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="enterprise_user") | Q(enterprise__isnull=False),
                name="user_enterprise_user_has_enterprise",
                violation_error_message=_("An enterprise user must belong to an enterprise."),
            ),
            models.CheckConstraint(
                condition=Q(role="enterprise_user") | Q(enterprise__isnull=True),
                name="user_only_enterprise_user_has_enterprise",
                violation_error_message=_("Only enterprise users belong to an enterprise."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]),
                name="user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        """Set the password and note when, so expiry and the tokens issued before it follow every path."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_locked(self) -> bool:
        """Whether failed log-ins keep this user name locked out from at least one address right now."""
        from .lockout import username_locked

        return username_locked(self.username)

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles``."""
        return self.is_authenticated and self.role in roles


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("prefix"), max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        """The stored form of a raw token."""
        return hashlib.sha256(raw.encode()).hexdigest()


class PasswordHistory(models.Model):
    """The hash of a password a user has had, so the last few are not chosen again (the raw one is never kept)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history",
                             verbose_name=_("user"))
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A signed-in browser session of a user, so that a password change can end the others and a role's
    concurrent-session limit can end the oldest (Django's session table does not say whose a session is)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("user"))
    session_key = models.CharField(_("session"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
