"""Economic statistics (经济指标): the indicator dictionary, reporting rounds and enterprise reports,
their values, the rollups dashboards read, annual targets and reminder notices.

A period is named by its year and the last month it covers: March 2024 is (2024, 3), the first
quarter of 2024 is (2024, 3) of a quarterly indicator, the year 2024 is (2024, 12) of a yearly one.
An indicator has one frequency, so (indicator, year, month) names one period.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import CONFIGURERS, DICTIONARY_READERS, EDIT_REGION, TENANT_READERS
from yuanqu.core.scoping import Scope, ScopedQuerySet


class Frequency(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


_PERIOD_ENDS = {"quarter": (3, 6, 9, 12), "year": (12,)}
_EVERY_MONTH = tuple(range(1, 13))


def months_of(frequency: str) -> tuple[int, ...]:
    """The period-end months of ``frequency`` in a year."""
    return _PERIOD_ENDS.get(str(frequency), _EVERY_MONTH)


def previous_period(frequency: str, year: int, month: int) -> tuple[int, int]:
    """The period before (year, month) at ``frequency``."""
    step = {Frequency.MONTH: 1, Frequency.QUARTER: 3, Frequency.YEAR: 12}[Frequency(frequency)]
    total = year * 12 + (month - 1) - step
    return total // 12, total % 12 + 1


class IndicatorQuerySet(ScopedQuerySet["Indicator"]):
    """The dictionary is shared by the whole deployment: every signed-in business role may read it."""

    scope = Scope(everyone=DICTIONARY_READERS, edit=CONFIGURERS)

    def active(self) -> IndicatorQuerySet:
        return self.filter(active=True)


class Indicator(TimeStamped):
    """One statistic enterprises report: 工业总产值, 税收, 从业人员 …"""

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum over the year")
        AVERAGE = "avg", _("Average over the year")
        LATEST = "latest", _("Latest value")

    class Basis(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative to date (累计)")
        PERIOD = "period", _("For the period alone (当期)")

    class Audience(models.TextChoices):
        ALL = "all", _("All settled enterprises")
        ABOVE_SCALE = "above_scale", _("Above designated size only (规上)")
        FLAG = "flag", _("Enterprises with a flag")
        INDUSTRY = "industry", _("Enterprises of an industry")

    class Flag(models.TextChoices):
        HIGH_TECH = "is_high_tech", _("High-tech enterprise")
        FOUR_NEW = "is_four_new", _("Four-new economy")
        SRDI = "srdi", _("Specialised and sophisticated (专精特新)")

    class Action(models.TextChoices):
        WARN = "warn", _("Warn (explanation required)")
        BLOCK = "block", _("Block")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    unit = models.CharField(pgettext_lazy("measure", "unit"), max_length=20)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTH)
    aggregation = models.CharField(_("aggregation over time"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    basis = models.CharField(_("values are"), max_length=12, choices=Basis.choices, default=Basis.CUMULATIVE)
    department = models.CharField(_("owner department"), max_length=60, blank=True)
    audience = models.CharField(_("reported by"), max_length=12, choices=Audience.choices, default=Audience.ALL)
    audience_flag = models.CharField(_("flag"), max_length=20, choices=Flag.choices, blank=True)
    audience_industry = models.CharField(
        _("industry code prefix"), max_length=5, blank=True,
        help_text=_("A GB/T 4754-2017 code or its prefix, e.g. C for manufacturing or 27 for pharmaceuticals."))
    part_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="parts",
                                verbose_name=_("part of"),
                                help_text=_("For a breakdown such as 地方留存 within 税收: it may not exceed it."))
    required = models.BooleanField(_("required"), default=True)
    min_value = models.DecimalField(_("minimum"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=20, decimal_places=4, null=True, blank=True)
    change_threshold_pct = models.DecimalField(
        _("period-on-period change threshold (%)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A value that changes by more than this against the last period trips the check."))
    change_action = models.CharField(_("when the threshold is tripped"), max_length=10, choices=Action.choices,
                                     default=Action.WARN)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=2, validators=[MaxValueValidator(4)])
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(condition=Q(min_value__isnull=True) | Q(max_value__isnull=True)
                                   | Q(min_value__lte=models.F("max_value")), name="indicator_min_le_max"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def is_rate(self) -> bool:
        """A rate (%) changes by 个百分点, not by a percentage of itself."""
        return self.unit.strip() in ("%", "％")

    def applies_to(self, enterprise: Any) -> bool:
        """Whether ``enterprise`` reports this indicator."""
        if self.audience == self.Audience.ABOVE_SCALE:
            return bool(enterprise.is_above_scale)
        if self.audience == self.Audience.FLAG:
            if self.audience_flag == self.Flag.SRDI:
                return bool(enterprise.srdi_level)
            return bool(getattr(enterprise, self.audience_flag, False))
        if self.audience == self.Audience.INDUSTRY:
            return bool(enterprise.industry_id) and str(enterprise.industry_id).startswith(self.audience_industry)
        return True


class RoundQuerySet(ScopedQuerySet["Round"]):
    """Rounds of the user's region (district roles and operators); enterprises see theirs via reports."""

    scope = Scope(region="region", region_roles=TENANT_READERS, enterprise="reports__enterprise", edit=EDIT_REGION)


class Round(TimeStamped):
    """A reporting round (填报轮次): one period of one region, with a deadline, then locked."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="stat_rounds",
                               verbose_name=_("region"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTH)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    month = models.PositiveSmallIntegerField(_("period-end month"),
                                             validators=[MinValueValidator(1), MaxValueValidator(12)])
    deadline = models.DateField(_("deadline"))
    indicators = models.ManyToManyField(Indicator, related_name="rounds", verbose_name=_("indicators"))
    locked = models.BooleanField(_("locked"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("opened by"))

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "frequency"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.UniqueConstraint(fields=["region", "frequency", "year", "month"], name="round_once_per_period"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="round_month_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.frequency, self.year, self.month)


def period_label(frequency: str, year: int, month: int) -> str:
    """2024年3月, 2024年第1季度, 2024年."""
    if frequency == Frequency.QUARTER:
        return f"{year}年第{(month + 2) // 3}季度"
    if frequency == Frequency.YEAR:
        return f"{year}年"
    return f"{year}年{month}月"


class ReportQuerySet(ScopedQuerySet["Report"]):
    """Reports by the park they are attributed to; an enterprise user sees its own enterprise's."""

    scope = Scope(region="park__region", park="park", enterprise="enterprise")


class Report(TimeStamped):
    """One enterprise's report for one round, attributed to the park it was settled in then."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not started")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting the park")
        PARK_REVIEWED = "park_reviewed", _("Reviewed by the park, awaiting the district")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    #: Statuses in which the enterprise may still edit.
    EDITABLE = (Status.PENDING, Status.DRAFT, Status.RETURNED)
    #: Statuses that count as reported (已报).
    REPORTED = (Status.SUBMITTED, Status.PARK_REVIEWED, Status.APPROVED)

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reports", verbose_name=_("round"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="stat_reports",
                                   verbose_name=_("enterprise"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, related_name="stat_reports",
                             verbose_name=_("park"))
    # Attribution at the time of the period: later changes to the enterprise do not rewrite history.
    industry_section = models.CharField(_("industry section"), max_length=1, blank=True)
    above_scale = models.BooleanField(_("above designated size"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    park_reviewed_at = models.DateTimeField(_("reviewed by the park at"), null=True, blank=True)
    park_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+", verbose_name=_("reviewed by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["round", "park", "enterprise"]
        verbose_name = _("statistics report")
        verbose_name_plural = _("statistics reports")
        constraints = [
            models.UniqueConstraint(fields=["round", "enterprise", "park"], name="report_once_per_round_and_park"),
        ]
        indexes = [models.Index(fields=["round", "park", "status"], name="report_round_park_status")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.round.period_label}"

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE and not self.round.locked


class ReportValueQuerySet(ScopedQuerySet["ReportValue"]):
    """Values by the park and enterprise copied from their report, so the scope needs no join to it."""

    scope = Scope(region="park__region", park="park", enterprise="enterprise")


class ReportValue(models.Model):
    """One indicator's value in one report, or an explicit 无数据 with its reason.

    The period, park, enterprise and indicator are copied from the report so rollups and the
    benchmark aggregate one table. ``period_value`` and ``ytd_value`` are the value for the period
    alone and to date in the year, derived from the entry by the indicator's basis and aggregation.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values", verbose_name=_("report"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values",
                                  verbose_name=_("indicator"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    no_data = models.BooleanField(_("nothing to report (无数据)"), default=False)
    no_data_reason = models.CharField(_("reason for 无数据"), max_length=200, blank=True)
    explanation = models.CharField(_("explanation"), max_length=500, blank=True)
    warning = models.CharField(_("warning"), max_length=300, blank=True)
    period_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    ytd_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)

    objects = ReportValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="value_once_per_report"),
            models.CheckConstraint(condition=Q(no_data=False) | Q(value__isnull=True), name="value_no_data_empty"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "indicator", "year", "month"], name="value_ent_ind_period"),
            models.Index(fields=["indicator", "year", "month", "park"], name="value_ind_period_park"),
            # The cockpit's top enterprises of a period: an ordered index range, stopped after ten rows.
            models.Index(fields=["indicator", "year", "month", "-ytd_value"], name="value_top_ytd"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}-{self.month}: {self.value}"


class RollupQuerySet(ScopedQuerySet["Rollup"]):
    """Sums per park: the district roles see their region's parks, operators their own parks."""

    scope = Scope(region="park__region", park="park")


class Rollup(models.Model):
    """Approved values summed per park, indicator, period and segment: what dashboards read.

    Segments: ``all``; ``above`` (规上 only); ``ind:C`` (one GB/T 4754 section). Kept up to date on
    approval (``rollups.refresh``) and rebuilt from raw values by ``yuanqu rebuild_rollups``.
    """

    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    segment = models.CharField(max_length=8)
    value = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    ytd = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    reporters = models.PositiveIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "segment", "year", "month", "park"], name="rollup_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.park_id} {self.indicator_id} {self.year}-{self.month} {self.segment}"


class RegionRollupQuerySet(ScopedQuerySet["RegionRollup"]):
    """Sums per region: the district roles see their region's and those below it."""

    scope = Scope(region="region_code")


class RegionRollup(models.Model):
    """The rollups of every park of a region (and the regions below it) summed: one row per region code
    (2, 4 and 6 digits), indicator, period and segment, so a figure over a whole city reads one row instead of
    a thousand. Derived from :class:`Rollup` by the same transaction that changes it (``rollups``)."""

    region_code = models.CharField(max_length=12)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    segment = models.CharField(max_length=8)
    #: Sums of the park cells that have a value; NULL (as SUM of nothing) is told by the counts beside them.
    #: Plain integers, not positive ones: a change is added as a signed difference, and a CHECK constraint
    #: would refuse the negative row an upsert proposes before it adds it to the existing one.
    value = models.DecimalField(max_digits=28, decimal_places=4, default=0)
    ytd = models.DecimalField(max_digits=28, decimal_places=4, default=0)
    reporters = models.IntegerField(default=0)
    value_parks = models.IntegerField(default=0)
    ytd_parks = models.IntegerField(default=0)

    objects = RegionRollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "indicator", "segment", "year", "month"],
                                    name="region_rollup_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.indicator_id} {self.year}-{self.month} {self.segment}"


class TargetQuerySet(ScopedQuerySet["Target"]):
    """Targets of a region (or below) or of one of its parks; the district sets them."""

    scope = Scope(region=("region", "park__region"), park="park", edit=EDIT_REGION)


class Target(TimeStamped):
    """An annual target for an indicator, for a park or for a whole region."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, null=True, blank=True, related_name="targets",
                             verbose_name=_("park"))
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4,
                                validators=[MinValueValidator(Decimal("0"))])

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "indicator"]
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.CheckConstraint(condition=Q(region__isnull=True) ^ Q(park__isnull=True),
                                   name="target_region_xor_park"),
            models.UniqueConstraint(fields=["indicator", "year", "region"], condition=Q(park__isnull=True),
                                    name="target_once_per_region"),
            models.UniqueConstraint(fields=["indicator", "year", "park"], condition=Q(region__isnull=True),
                                    name="target_once_per_park"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class NoticeQuerySet(ScopedQuerySet["Notice"]):
    """Reminders by the park of their report; an enterprise user sees those sent to its enterprise."""

    scope = Scope(region="report__park__region", park="report__park", enterprise="enterprise")


class Notice(models.Model):
    """A reminder (催报) sent to an enterprise about a report: shown in the app, delivered by adapters."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notices", verbose_name=_("report"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="notices",
                                   verbose_name=_("enterprise"))
    message = models.CharField(_("message"), max_length=500)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("sent by"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    channels = models.CharField(_("delivered by"), max_length=100, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return self.message[:40]
