"""亩均效益评价: a versioned method per region and year (data, :mod:`yuanqu.evaluation.method`), the input records
enterprises fill and departments review (企业填报/核对 → 部门审核 → 企业确认), a run (测算 → 公示 5 days → 申诉 → 定级)
with one result per enterprise (indicators, scores, class, T reasons), and appeals."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import EDIT_REGION, TENANT_READERS, Role
from yuanqu.core.scoping import Scope, ScopedQuerySet

#: Calendar days a result stays in 公示 before grades become final.
PUBLICITY_DAYS = 5
GRADE_CHOICES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("T", "T")]


class MethodQuerySet(ScopedQuerySet["Method"]):
    """A method belongs to a region: district roles and the region's park operators read it; staff edit it."""

    scope = Scope(region="region", region_roles=TENANT_READERS, edit=EDIT_REGION)


class Method(TimeStamped):
    """A version of a region's 亩均效益评价办法 for an evaluation year, as a validated document (``spec``).
    A version a run has used is never changed: a change is a new version."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="evaluation_methods",
                               verbose_name=_("region"))
    name = models.CharField(_("method name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("evaluation year"), validators=[MinValueValidator(2000),
                                                                               MaxValueValidator(2100)])
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    source = models.TextField(_("source"), max_length=2000, blank=True)
    spec = models.JSONField(_("method document"))

    objects = MethodQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation method")
        verbose_name_plural = _("evaluation methods")
        ordering = ["-year", "-version", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "version"],
                                               name="evaluation_method_version_once",
                                               violation_error_message=_("This version of the method exists."))]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}年 第{self.version}版）"

    @property
    def in_use(self) -> bool:
        return self.evaluations.exists()


class EvaluationQuerySet(ScopedQuerySet["Evaluation"]):
    """A run of a region: district roles and the region's park operators read it (an operator sees only its parks'
    results, through the results' scope); district staff run it."""

    scope = Scope(region="region", region_roles=TENANT_READERS, edit=EDIT_REGION)


class Evaluation(TimeStamped):
    """One year's 亩均效益 evaluation of a region's enterprises under one method version. Over a year whose
    statistics are not final it is a 试算 (trial): computed and shown as such, never published."""

    class Stage(models.TextChoices):
        COLLECTING = "collecting", _("Collecting inputs")
        COMPUTED = "computed", _("Computed")
        PUBLICIZED = "publicized", _("In publicity")
        FINAL = "final", _("Graded")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="evaluations",
                               verbose_name=_("region"))
    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="evaluations",
                               verbose_name=_("method"))
    year = models.PositiveSmallIntegerField(_("evaluation year"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.COLLECTING)
    trial = models.BooleanField(_("trial run"), default=False,
                                help_text=_("Computed over provisional statistics: never published."))
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    publicity_from = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_until = models.DateField(_("publicity until"), null=True, blank=True)
    finalized_on = models.DateField(_("graded on"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=["collecting", "computed", "publicized", "final"]),
                                   name="evaluation_stage_valid"),
            models.CheckConstraint(condition=Q(trial=False) | Q(stage__in=["collecting", "computed"]),
                                   name="evaluation_trial_never_published",
                                   violation_error_message=_("A trial run cannot be published.")),
            models.CheckConstraint(condition=~Q(stage__in=["publicized", "final"]) | Q(publicity_until__isnull=False),
                                   name="evaluation_publicity_dated"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年亩均效益评价" + ("（试算）" if self.trial else "")

    def in_publicity(self, on: dt.date) -> bool:
        return (self.stage == self.Stage.PUBLICIZED and self.publicity_from is not None
                and self.publicity_until is not None and self.publicity_from <= on <= self.publicity_until)


class InputQuerySet(ScopedQuerySet["EvaluationInput"]):
    """An enterprise's input record: district roles of its region, the operator of a park it is settled in, the
    enterprise itself; the enterprise fills it, district staff review it."""

    scope = Scope(region="region", park="enterprise__settlements__park", enterprise="enterprise",
                  edit=frozenset({Role.REGION_STAFF, Role.ENTERPRISE_USER}))


class EvaluationInput(TimeStamped):
    """What an evaluation needs of an enterprise beyond its statistics (企业填报): 增加值, emissions, other energy,
    its own land parcel, when it went into production, and the facts that exclude or cost points. Filled or
    checked by the enterprise, reviewed by a department, then confirmed by the enterprise."""

    class Status(models.TextChoices):
        FILLED = "filled", _("Filled in")
        REVIEWED = "reviewed", _("Reviewed by the department")
        CONFIRMED = "confirmed", _("Confirmed by the enterprise")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="evaluation_inputs", verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("evaluation year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FILLED)
    value_added_wan = models.DecimalField(_("value added (万元)"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    emission_t = models.DecimalField(_("main pollutant emissions (t)"), max_digits=12, decimal_places=3, null=True,
                                     blank=True, validators=[MinValueValidator(0)])
    other_energy_tce = models.DecimalField(_("other energy (t of standard coal)"), max_digits=12, decimal_places=3,
                                           null=True, blank=True, validators=[MinValueValidator(0)])
    owns_land = models.BooleanField(_("has its own land"), default=False)
    land_parcel_mu = models.DecimalField(_("own land parcel (亩)"), max_digits=10, decimal_places=2, null=True,
                                         blank=True, validators=[MinValueValidator(0)])
    production_year = models.PositiveSmallIntegerField(_("year production started"), null=True, blank=True,
                                                       validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    utility = models.BooleanField(_("public utility"), default=False)
    relocated = models.BooleanField(_("relocated by policy"), default=False)
    safety_incident = models.BooleanField(_("major safety incident"), default=False)
    environment_violation = models.BooleanField(_("environmental penalty"), default=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = InputQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation input")
        verbose_name_plural = _("evaluation inputs")
        ordering = ["-year", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="evaluation_input_once_per_year",
                                    violation_error_message=_("The enterprise has an input record for this year.")),
            models.CheckConstraint(condition=Q(owns_land=False) | Q(land_parcel_mu__gt=0),
                                   name="evaluation_input_owner_has_parcel",
                                   violation_error_message=_("An enterprise with its own land needs the parcel's "
                                                             "area.")),
            models.CheckConstraint(condition=Q(status__in=["filled", "reviewed", "confirmed"]),
                                   name="evaluation_input_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class ResultQuerySet(ScopedQuerySet["Result"]):
    """A result lies in its run's region and in the park the enterprise was counted in: district roles read
    their region's, an operator its parks', an enterprise user its own."""

    scope = Scope(region="evaluation__region", park="park", enterprise="enterprise", edit=EDIT_REGION)


class Result(TimeStamped):
    """One enterprise's outcome in a run: its category, indicator values and scores, total, class (A–D, or T with
    the reasons), and its class before an upheld appeal changed it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results",
                                   verbose_name=_("evaluation"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="evaluation_results", verbose_name=_("enterprise"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("park"))
    category = models.CharField(_("category"), max_length=30, blank=True)
    land_mu = models.DecimalField(_("land (亩)"), max_digits=12, decimal_places=2, null=True, blank=True)
    energy_tce = models.DecimalField(_("energy (t of standard coal)"), max_digits=14, decimal_places=2, null=True,
                                     blank=True)
    values = models.JSONField(_("indicator values"), default=dict)
    scores = models.JSONField(_("indicator scores"), default=dict)
    imputed = models.JSONField(_("scored by the missing-data rule"), default=list)
    bonus = models.DecimalField(_("bonus points"), max_digits=6, decimal_places=2, default=0)
    total = models.DecimalField(_("total score"), max_digits=8, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("class"), max_length=1, choices=GRADE_CHOICES)
    excluded = models.JSONField(_("reasons not evaluated"), default=list)
    grade_before_appeal = models.CharField(_("class before appeal"), max_length=1, blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["grade", "-total", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "enterprise"], name="evaluation_result_once"),
            models.CheckConstraint(condition=Q(grade__in=["A", "B", "C", "D", "T"]), name="evaluation_grade_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.evaluation.year} {self.grade}"

    @property
    def region_id(self) -> str:
        return str(self.evaluation.region_id)


class AppealQuerySet(ScopedQuerySet["Appeal"]):
    """An appeal is read with its result; staff decide it."""

    scope = Scope(via="result", edit=None)


class Appeal(TimeStamped):
    """An enterprise's objection to its result, filed during 公示; upheld (with corrected inputs, the run is
    computed again) or rejected, with the reason."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("appeal", "Open")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", pgettext_lazy("appeal", "Rejected")

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("result"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("filed by"))
    filed_on = models.DateField(_("filed on"))
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("decision"), max_length=2000, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(status__in=["open", "upheld", "rejected"]),
                                              name="evaluation_appeal_status_valid")]

    def __str__(self) -> str:
        return f"{self.result.enterprise} 申诉"

    @property
    def region_id(self) -> str:
        return str(self.result.evaluation.region_id)
