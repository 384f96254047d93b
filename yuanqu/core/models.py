"""Reference data (regions, industries), the append-only audit log and shared model bases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import validators
from .roles import AUDIT_READERS
from .scoping import Scope, ScopedQuerySet, region_prefix_q


class TimeStamped(models.Model):
    """Creation and last-change times, and input hygiene (``core.validators``), for every domain row.

    ``full_clean`` (which every service calls, and every ModelForm) strips and checks the fields named in
    ``name_fields``, refuses control and bidi-override characters in every other text, caps free text at
    ``TEXT_MAX_LENGTH`` characters (or the field's own ``max_length``) and keeps every date within sensible
    bounds (``earliest_dates`` names the fields whose earliest value differs).
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    #: Fields holding a name (of a park, an enterprise, a person, a case): see ``core.validators.validate_name``.
    name_fields: ClassVar[tuple[str, ...]] = ("name", "title")
    #: Date fields whose earliest sensible value is not ``core.validators.EARLIEST_DATE``.
    earliest_dates: ClassVar[dict[str, dt.date]] = {}

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Django's field checks, after the hygiene of ``core.validators``; all errors reported together."""
        skip = set(exclude or ())
        errors: dict[str, list[ValidationError]] = {}
        for field in self._meta.concrete_fields:
            if field.name in skip or field.attname in skip:
                continue
            value = getattr(self, field.attname)
            try:
                if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
                    if field.name in self.name_fields:
                        value = validators.clean_name(value)
                        setattr(self, field.attname, value)
                    else:
                        validators.validate_text(value)
                    if isinstance(field, models.TextField):
                        validators.validate_text_length(value, field.max_length or validators.TEXT_MAX_LENGTH)
                elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                    validators.validate_date_range(
                        value, earliest=self.earliest_dates.get(field.name, validators.EARLIEST_DATE))
            except ValidationError as exc:
                errors.setdefault(field.name, []).extend(exc.error_list)
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, field_errors in exc.error_dict.items():
                errors.setdefault(name, []).extend(field_errors)
        if errors:
            raise ValidationError(errors)


class Archivable(models.Model):
    """A row that can be archived (归档: a soft delete with a reason, restorable) instead of deleted.

    An archived row leaves every scoped read (``ScopedQuerySet.visible_to`` and its siblings skip it, and the rows
    of an archived park or enterprise with it), so no list, figure or export shows it; ``.archived()`` lists
    archived rows for their 已归档 filter and their restore. Written only by ``core.archive``'s services.
    """

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False, db_index=True)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    editable=False, related_name="+", verbose_name=_("archived by"))
    # a database default too: the fast import path inserts rows by their columns (tabular.fast)
    archive_reason = models.CharField(_("reason for archiving"), max_length=200, blank=True, editable=False,
                                      default="", db_default="")

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Region(models.Model):
    """An administrative division (行政区划) from the NBS 2023 statistical division table.

    The 2/4/6-digit code is the key, so "this region and everything below it" is a prefix match.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County / district")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    stat_only = models.BooleanField(
        _("statistics only"), default=False, help_text=_("A statistical unit not in GB/T 2260, e.g. a zone")
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """Province, city and county names joined, e.g. 山东省青岛市李沧区."""
        parts: list[str] = []
        node: Region | None = self
        while node is not None:
            if node.name != "市辖区":
                parts.append(node.name)
            node = node.parent
        return "".join(reversed(parts))


class IndustryCode(models.Model):
    """An industry of GB/T 4754-2017 国民经济行业分类 (with the 2019 amendment), four levels."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("Section (门类)")
        DIVISION = 2, _("Division (大类)")
        GROUP = 3, _("Group (中类)")
        CLASS = 4, _("Class (小类)")

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    section = models.CharField(_("section"), max_length=1)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["section", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"



class DigitalEconomyClass(models.Model):
    """A class of the NBS 《数字经济及其核心产业统计分类(2021)》 (国家统计局令第33号): 大类 01–05, 中类 (4 digits),
    小类 (6 digits). 大类 01–04 are the 核心产业; each class corresponds to GB/T 4754-2017 classes, some only in part
    (the standard's ``*``). The shipped table and what it lacks: ``core/data/PROVENANCE.md``."""

    class Level(models.IntegerChoices):
        DIVISION = 1, _("Division (大类)")
        GROUP = 2, _("Group (中类)")
        CLASS = 3, _("Class (小类)")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent class"))
    core = models.BooleanField(_("core digital-economy industry"), default=False)
    industries = models.ManyToManyField(IndustryCode, through="DigitalEconomyCorrespondence", blank=True,
                                        related_name="digital_classes", verbose_name=_("industry classes"))

    class Meta:
        verbose_name = _("digital-economy class")
        verbose_name_plural = _("digital-economy classes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DigitalEconomyCorrespondence(models.Model):
    """A GB/T 4754-2017 class that a digital-economy class takes, wholly or (``partial``, the standard's ``*``) in
    part."""

    digital_class = models.ForeignKey(DigitalEconomyClass, on_delete=models.CASCADE, related_name="correspondences",
                                      verbose_name=_("digital-economy class"))
    industry = models.ForeignKey(IndustryCode, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("industry class"))
    partial = models.BooleanField(_("partial correspondence"), default=False)

    class Meta:
        verbose_name = _("digital-economy correspondence")
        verbose_name_plural = _("digital-economy correspondences")
        constraints = [models.UniqueConstraint(fields=["digital_class", "industry"],
                                               name="digital_correspondence_once")]

    def __str__(self) -> str:
        return f"{self.digital_class_id}→{self.industry_id}{'*' if self.partial else ''}"


#: Actions whose region-less events every auditor sees (a password-spraying attack, an archive anchor).
SYSTEM_WIDE_ACTIONS = ("login_failed", "archive")


class AuditEventQuerySet(ScopedQuerySet["AuditEvent"]):
    """Audit events can be added and read, never changed or removed through the ORM.

    Auditors read those of their region and below; nobody else reads the log in the app. Events that belong
    to no region and concern the whole installation (failed log-ins under unknown user names, a password-
    spraying attack; archive anchors) are shown to every auditor.
    """

    scope = Scope(region="region_code", region_roles=AUDIT_READERS)

    def visible_to(self, user: Any) -> Self:
        """The events of the auditor's region and below, plus the installation-wide ones."""
        if not getattr(user, "is_authenticated", False) or user.role not in AUDIT_READERS:
            return super().visible_to(user)
        return self.filter(region_prefix_q("region_code", user.region_id)
                           | Q(region_code="", action__in=SYSTEM_WIDE_ACTIONS))

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """One entry of the append-only audit log: who did what to which object, from where.

    Written by services in the same transaction as the change it records. Each event carries ``hash``,
    chained to the event before it (``prev_hash``), so a changed, inserted or removed row is found by
    ``yuanqu audit_verify`` (:mod:`yuanqu.core.audit_chain`). Database triggers refuse UPDATE and DELETE (and
    TRUNCATE on PostgreSQL) outside the documented maintenance path; on PostgreSQL the application's role
    has no such privilege either.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        LOGIN = "login", _("Log in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOGOUT = "logout", _("Log out")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        STAGE = "stage", _("Stage change")
        DOWNLOAD = "download", _("Download")
        VIEW_PERSONAL = "view_personal", _("Read of personal data")
        ARCHIVE = "archive", _("Archive")
        RESTORE = "restore", _("Restore")
        REVERT = "revert", _("Revert import")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    region_code = models.CharField(_("region"), max_length=6, blank=True, db_index=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, default="", editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")
