"""Briefings (简报): a bulletin for a region or a park and a period, saved with its parameters so it can be
regenerated, with the narrative, tables and chart data it was written from and its .docx and .pdf."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import TimeStamped
from yuanqu.core.scoping import Scope, ScopedQuerySet


class BriefingQuerySet(ScopedQuerySet["Briefing"]):
    """District roles: the briefings of their region. Park operators: those of their own parks only."""

    scope = Scope(region="region", park="park")


class Briefing(TimeStamped):
    """One bulletin: its scope (a region, or one park) and period are its parameters; ``content`` holds what
    the generator wrote (paragraphs, tables, charts and the figures they state)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("park"), help_text=_("Empty: the whole region."))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    month = models.PositiveSmallIntegerField(_("up to month"), default=12,
                                             validators=[MinValueValidator(1), MaxValueValidator(12)])
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    content = models.JSONField(_("content"), default=dict, blank=True)
    docx = models.FileField(_(".docx"), upload_to="briefings/%Y/%m/", blank=True)
    pdf = models.FileField(_(".pdf"), upload_to="briefings/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    generated_at = models.DateTimeField(_("written at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("requested by"))

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="briefing_month_1_12"),
            models.CheckConstraint(condition=Q(status__in=["queued", "running", "done", "failed"]),
                                   name="briefing_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.scope_name} {self.period_label}"

    @property
    def scope_name(self) -> str:
        return self.park.name if self.park_id and self.park else self.region.name

    @property
    def period_label(self) -> str:
        """2022年, or 2023年1—6月."""
        return f"{self.year}年" if self.month == 12 else f"{self.year}年1—{self.month}月"
