"""Briefings (简报): a bulletin for a region or a park and a period, saved with its parameters so it can be
regenerated, with the narrative, tables and chart data it was written from and its .docx and .pdf.

A briefing is a document with a life: a **draft** is written from the data (``content``), staff edit its
sections and its 下步工作 (``edits``, kept apart from what the generator wrote), and **issuing** it numbers it
(第N期, per region and year of issue), locks it and records who issued it. Regenerating an issued briefing
makes a new draft; an issued one is never written over.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import EDIT_REGION
from yuanqu.core.scoping import Scope, ScopedQuerySet
from yuanqu.figures.periods import Period

#: The bulletin's name in its masthead (报头) unless staff name it otherwise.
DEFAULT_BULLETIN_NAME = "园区经济运行简报"
#: Chinese numerals of the section headings (一、二、三…).
SECTION_NUMERALS = "一二三四五六七八九十"


def default_issuer(region_name: str) -> str:
    """编发单位 of a region's briefings unless staff name another: 李沧区园区经济运行监测办公室."""
    return f"{region_name}园区经济运行监测办公室"


class BriefingQuerySet(ScopedQuerySet["Briefing"]):
    """District roles: the briefings of their region. Park operators: those of their own parks only.
    District staff edit and issue them."""

    scope = Scope(region="region", park="park", edit=EDIT_REGION)


class Briefing(TimeStamped):
    """One bulletin: its scope (a region, or one park) and period are its parameters; ``content`` holds what
    the generator wrote (sections of paragraphs, tables, charts, notes and the figures they state), ``edits``
    what staff changed, section by section. ``status`` is the state of the writing of its files (queued →
    running → done / failed); ``lifecycle`` the document's own (draft → issued)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Lifecycle(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("One month")
        RANGE = "range", _("Months of a year")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("park"), help_text=_("Empty: the whole region."))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    first_month = models.PositiveSmallIntegerField(_("from month"), default=1,
                                                   validators=[MinValueValidator(1), MaxValueValidator(12)])
    month = models.PositiveSmallIntegerField(_("up to month"), default=12,
                                             validators=[MinValueValidator(1), MaxValueValidator(12)])
    period_kind = models.CharField(_("kind of period"), max_length=10, choices=PeriodKind.choices,
                                   default=PeriodKind.RANGE)
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    lifecycle = models.CharField(_("stage"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.DRAFT)
    bulletin_name = models.CharField(_("bulletin name"), max_length=40, default=DEFAULT_BULLETIN_NAME,
                                     help_text=_("The name in the red masthead."))
    issuer = models.CharField(_("issued by (office)"), max_length=60, blank=True,
                              help_text=_("The office named under the masthead (编发单位)."))
    content = models.JSONField(_("content"), default=dict, blank=True)
    edits = models.JSONField(_("edits"), default=dict, blank=True,
                             help_text=_("Staff's text of the sections they changed, by section."))
    issue_year = models.PositiveSmallIntegerField(_("year of issue"), null=True, blank=True)
    issue_number = models.PositiveIntegerField(_("issue number"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    derived_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("written again from"))
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
            models.CheckConstraint(condition=Q(first_month__gte=1, first_month__lte=F("month")),
                                   name="briefing_first_month_within_year"),
            models.CheckConstraint(condition=Q(status__in=["queued", "running", "done", "failed"]),
                                   name="briefing_status_valid"),
            models.CheckConstraint(condition=Q(period_kind__in=["month", "range", "quarter", "year"]),
                                   name="briefing_period_kind_valid"),
            # A draft has no number; an issued briefing has its number, year of issue and time of issue.
            models.CheckConstraint(
                condition=(Q(lifecycle="draft", issue_number__isnull=True, issue_year__isnull=True,
                             issued_at__isnull=True)
                           | Q(lifecycle="issued", issue_number__isnull=False, issue_year__isnull=False,
                               issued_at__isnull=False)),
                name="briefing_numbered_iff_issued"),
            # 第N期 once per region and year of issue: two issues at once cannot both take the same number.
            models.UniqueConstraint(fields=["region", "issue_year", "issue_number"], condition=Q(lifecycle="issued"),
                                    name="briefing_issue_number_once_per_region_year"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.scope_name} {self.period_label}"

    @property
    def scope_name(self) -> str:
        return self.park.name if self.park_id and self.park else self.region.name

    @property
    def period(self) -> Period:
        """The period the briefing states (figures.periods)."""
        return Period(self.year, self.first_month, self.month, self.period_kind)

    @property
    def period_label(self) -> str:
        """2022年, 2023年1—6月, 2023年6月, 2023年第二季度."""
        return self.period.label

    @property
    def is_issued(self) -> bool:
        return self.lifecycle == self.Lifecycle.ISSUED

    @property
    def is_written(self) -> bool:
        """The generator has written its content (sections) at least once."""
        return bool(self.content.get("sections"))

    @property
    def issue_label(self) -> str:
        """2026年第3期 once issued; （草稿，未编号） before."""
        if self.is_issued:
            return f"{self.issue_year}年第{self.issue_number}期"
        return "（草稿，未编号）"

    @property
    def issuer_name(self) -> str:
        return self.issuer or default_issuer(self.region.name)

    @property
    def document_date(self) -> str:
        """The date in the masthead: the day of issue, or for a draft the day it was written."""
        when = self.issued_at if self.is_issued else (self.generated_at or timezone.now())
        day = timezone.localtime(when).date() if when is not None else timezone.localdate()
        return f"{day.year}年{day.month}月{day.day}日"

    def sections(self) -> list[dict[str, Any]]:
        """The sections as they read now: numbered headings, staff's text where they edited it, else the
        generator's; ``edited`` says which."""
        out = []
        for i, section in enumerate(self.content.get("sections", [])):
            edited = self.edits.get(section["key"])
            paragraphs = split_paragraphs(edited) if edited is not None else list(section["paragraphs"])
            numeral = SECTION_NUMERALS[i] if i < len(SECTION_NUMERALS) else str(i + 1)
            out.append({"key": section["key"], "name": section["heading"],
                        "heading": f"{numeral}、{section['heading']}", "paragraphs": paragraphs,
                        "generated": list(section["paragraphs"]), "edited": edited is not None})
        return out

    def text(self) -> str:
        """Every paragraph as it reads now, one per line (searching, tests)."""
        return "\n".join(p for s in self.sections() for p in [s["heading"], *s["paragraphs"]])


def split_paragraphs(text: str) -> list[str]:
    """A section's text as typed: one paragraph per line, blank lines and surrounding spaces dropped."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
