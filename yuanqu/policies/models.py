"""惠企政策 and 履约: policies and their clauses (eligibility as JsonLogic, amount rule, 申兑指南), versions,
rule tests, applications and payouts against a yearly budget, and investment agreements with commitments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import BUSINESS_ROLES, EDIT_REGION
from yuanqu.core.scoping import Scope, ScopedQuerySet

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


class PolicyQuerySet(ScopedQuerySet["Policy"]):
    """Policies are published to a whole region: every business role of the region reads them; district staff
    write them."""

    scope = Scope(region="region", region_roles=BUSINESS_ROLES, edit=EDIT_REGION)


class Policy(TimeStamped):
    """A policy document (惠企政策): its 文号, issuer, level, dates, text, and the clauses that pay out."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Provincial")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In force")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="policies",
                               verbose_name=_("region"))
    title = models.CharField(_("title"), max_length=200)
    doc_number = models.CharField(_("document number"), max_length=80, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    effective_on = models.DateField(_("effective on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    text = models.TextField(_("full text"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="policies/%Y/", blank=True)
    industries = models.ManyToManyField("core.IndustryCode", blank=True, related_name="policies",
                                        verbose_name=_("industries"))
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Separated by commas"))

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("effective_on")),
                                   name="policy_expiry_after_effective",
                                   violation_error_message=_("The expiry date cannot be before the effective date.")),
            models.CheckConstraint(condition=Q(level__in=["national", "province", "city", "district"]),
                                   name="policy_level_valid"),
            models.CheckConstraint(condition=Q(status__in=["draft", "active", "expired", "withdrawn"]),
                                   name="policy_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]


class BudgetQuerySet(ScopedQuerySet["Budget"]):
    """A policy's budgets are read with the policy."""

    scope = Scope(via="policy", edit=None)


class Budget(models.Model):
    """A policy's budget for one year (元): total, committed by approvals, paid. Never committed beyond total."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("policy"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    total_yuan = models.DecimalField(_("budget (yuan)"), **MONEY, validators=[MinValueValidator(0)])
    committed_yuan = models.DecimalField(_("committed (yuan)"), **MONEY, default=Decimal(0))
    paid_yuan = models.DecimalField(_("paid (yuan)"), **MONEY, default=Decimal(0))

    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["policy", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "year"], name="budget_once_a_year"),
            models.CheckConstraint(condition=Q(total_yuan__gte=0) & Q(committed_yuan__gte=0) & Q(paid_yuan__gte=0),
                                   name="budget_nonneg"),
            models.CheckConstraint(condition=Q(committed_yuan__lte=F("total_yuan")), name="budget_not_overcommitted"),
            models.CheckConstraint(condition=Q(paid_yuan__lte=F("committed_yuan")), name="budget_paid_le_committed"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.year}"

    @property
    def used_pct(self) -> Decimal | None:
        if not self.total_yuan:
            return None
        return (self.committed_yuan * 100 / self.total_yuan).quantize(Decimal("0.1"))

    @property
    def warning(self) -> str:
        """"90" or "70" when commitments pass that share of the budget, else ""."""
        pct = self.used_pct
        if pct is None:
            return ""
        return "90" if pct >= 90 else ("70" if pct >= 70 else "")

    @property
    def available_yuan(self) -> Decimal:
        return self.total_yuan - self.committed_yuan


class ClauseQuerySet(ScopedQuerySet["Clause"]):
    """Clauses are read with their policy."""

    scope = Scope(via="policy", edit=None)

    def published(self) -> ClauseQuerySet:
        return self.filter(status=Clause.Status.PUBLISHED, policy__status=Policy.Status.ACTIVE)


class Clause(TimeStamped):
    """A clause (政策条款) that pays: benefit type, amount rule, eligibility rule (JsonLogic), evidence and the
    申兑指南 elements (惠及对象, 申报条件, 兑现时限, 受理部门/地址, 咨询电话). Published only after its rule tests pass.
    Each change of a published clause makes a new :class:`ClauseVersion`."""

    class Benefit(models.TextChoices):
        CASH = "cash", _("Cash award")
        SUBSIDY = "subsidy", _("Subsidy")
        INTEREST = "interest", _("Interest subsidy")
        RENT = "rent", _("Rent reduction")
        VOUCHER = "voucher", _("Service voucher")
        HONOUR = "honour", _("Recognition")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("policy"))
    number = models.CharField(_("clause number"), max_length=20, help_text=_("e.g. 第三条"))
    title = models.CharField(_("title"), max_length=200)
    benefit = models.CharField(_("benefit type"), max_length=10, choices=Benefit.choices, default=Benefit.CASH)
    stats_year = models.PositiveSmallIntegerField(_("statistics year"), validators=[MinValueValidator(2000),
                                                                                   MaxValueValidator(2100)],
                                                  help_text=_("The year whose reported statistics the rule reads"))
    rule = models.JSONField(_("eligibility rule (JsonLogic)"), default=dict)
    amount_rule = models.JSONField(_("amount rule"), default=dict, blank=True)
    cap_yuan = models.DecimalField(_("cap (yuan)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    evidence = models.TextField(_("required evidence"), blank=True)
    beneficiaries = models.CharField(_("beneficiaries"), max_length=300)
    conditions_text = models.TextField(_("conditions"))
    payout_days = models.PositiveSmallIntegerField(_("payout within (days)"), default=30)
    office = models.CharField(_("accepting office and address"), max_length=200)
    phone = models.CharField(_("enquiry phone"), max_length=40)
    no_application = models.BooleanField(_("granted without application (免申即享)"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ClauseQuerySet.as_manager()

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["policy", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="clause_number_once"),
            models.CheckConstraint(condition=Q(status__in=["draft", "published", "withdrawn"]),
                                   name="clause_status_valid"),
            models.CheckConstraint(condition=Q(cap_yuan__isnull=True) | Q(cap_yuan__gte=0), name="clause_cap_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ClauseVersion(models.Model):
    """A clause as it stood when published or changed: applications keep the version they were judged by."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="versions", verbose_name=_("clause"))
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("clause as published"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("clause version")
        verbose_name_plural = _("clause versions")
        ordering = ["clause", "-number"]
        constraints = [models.UniqueConstraint(fields=["clause", "number"], name="clause_version_once")]

    def __str__(self) -> str:
        return f"{self.clause_id} v{self.number}"


class RuleTest(TimeStamped):
    """A fixture enterprise for a clause's rule: stated facts and the expected outcome. All must pass before the
    clause is published."""

    class Expected(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        UNKNOWN = "unknown", _("Data missing")

    name_fields = ("name",)
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="tests", verbose_name=_("clause"))
    name = models.CharField(_("fixture enterprise"), max_length=100)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    expected = models.CharField(_("expected outcome"), max_length=15, choices=Expected.choices)

    class Meta:
        verbose_name = _("rule test")
        verbose_name_plural = _("rule tests")
        ordering = ["clause", "id"]

    def __str__(self) -> str:
        return self.name


class MatchQuerySet(ScopedQuerySet["Match"]):
    """Matches of an enterprise: its own for an enterprise user, its parks' for an operator, the region's for
    district roles."""

    scope = Scope(region="enterprise__region", park="enterprise__settlements__park", enterprise="enterprise")


class Match(models.Model):
    """The latest evaluation of one clause for one enterprise (eligible / not / data missing) with its trace."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="matches", verbose_name=_("clause"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="policy_matches",
                                   verbose_name=_("enterprise"))
    version = models.PositiveIntegerField(_("version"))
    outcome = models.CharField(_("outcome"), max_length=15, choices=RuleTest.Expected.choices)
    trace = models.JSONField(_("trace"), default=list, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), auto_now=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["clause", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["clause", "enterprise"], name="match_once")]

    def __str__(self) -> str:
        return f"{self.clause_id}/{self.enterprise_id}: {self.outcome}"


class PolicyNoticeQuerySet(ScopedQuerySet["PolicyNotice"]):
    """Notices to an enterprise about clauses it qualifies for."""

    scope = Scope(region="enterprise__region", park="enterprise__settlements__park", enterprise="enterprise")


class PolicyNotice(models.Model):
    """A message to an enterprise: a clause it qualifies for was published, or its data now qualify it."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="policy_notices", verbose_name=_("enterprise"))
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="notices", verbose_name=_("clause"))
    message = models.CharField(_("message"), max_length=500)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    channels = models.CharField(_("delivered by"), max_length=100, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = PolicyNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy notice")
        verbose_name_plural = _("policy notices")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.message


class ApplicationQuerySet(ScopedQuerySet["Application"]):
    """Applications: the enterprise's own, an operator's parks', the region's for district roles. District staff
    review them; the enterprise declines, submits evidence or objects through its own services."""

    scope = Scope(region="region", park="park", enterprise="enterprise", edit=EDIT_REGION)


class Application(TimeStamped):
    """A clause applied for (申报) or granted without application (免申即享), judged by one clause version:
    申报 → 材料补正 → 部门审核 → 公示 → 拨付 → 归档, or 退回, 异议, 已放弃 (declined)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SUPPLEMENT = "supplement", _("Supplement requested")
        REVIEW = "review", _("Under review")
        PUBLICITY = "publicity", _("Public notice")
        APPROVED = "approved", _("Approved, awaiting payment")
        PAID = "paid", _("Paid")
        ARCHIVED = "archived", _("Archived")
        RETURNED = "returned", _("Returned")
        OBJECTION = "objection", _("Objection raised")
        DECLINED = "declined", _("Declined by the enterprise")

    class Origin(models.TextChoices):
        APPLIED = "applied", _("Applied")
        AUTOMATIC = "automatic", _("Granted without application")

    #: Statuses that hold budget (committed): approved and later.
    COMMITTED = ("publicity", "approved", "paid", "archived", "objection")
    OPEN = ("submitted", "supplement", "review", "publicity", "approved", "objection")

    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("clause"))
    version = models.ForeignKey(ClauseVersion, on_delete=models.PROTECT, related_name="applications",
                                verbose_name=_("clause version"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="policy_applications", verbose_name=_("enterprise"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("park"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.APPLIED)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    budget_year = models.PositiveSmallIntegerField(_("budget year"))
    outcome = models.CharField(_("eligibility when judged"), max_length=15, choices=RuleTest.Expected.choices)
    trace = models.JSONField(_("trace"), default=list, blank=True)
    computed_yuan = models.DecimalField(_("computed amount (yuan)"), **MONEY, null=True, blank=True)
    amount_yuan = models.DecimalField(_("amount (yuan)"), **MONEY, null=True, blank=True)
    amount_reason = models.CharField(_("reason the amount was changed"), max_length=300, blank=True)
    evidence_note = models.TextField(_("evidence"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    review_due = models.DateField(_("review due"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    payment_due = models.DateField(_("payment due"), null=True, blank=True)
    publicity_until = models.DateField(_("public notice until"), null=True, blank=True)
    note = models.CharField(_("last reason"), max_length=500, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__isnull=True) | Q(amount_yuan__gte=0),
                                   name="application_amount_nonneg"),
            models.CheckConstraint(condition=Q(status__in=["submitted", "supplement", "review", "publicity",
                                                           "approved", "paid", "archived", "returned", "objection",
                                                           "declined"]), name="application_status_valid"),
            # One open application per enterprise and clause (a second one, e.g. a 免申即享 twice, is refused).
            models.UniqueConstraint(fields=["clause", "enterprise", "budget_year"],
                                    condition=~Q(status__in=["returned", "declined"]),
                                    name="application_once_per_year",
                                    violation_error_message=_("This clause has been applied for this year already.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.clause}"


class ApplicationStep(models.Model):
    """One move of an application, with who made it, when and why (the history the enterprise sees)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Payout(models.Model):
    """The payment of an approved application (兑现): one per application, by the database's unique key."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="payout",
                                       verbose_name=_("application"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(0)])
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [models.CheckConstraint(condition=Q(amount_yuan__gte=0), name="payout_nonneg")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.amount_yuan}"


# --------------------------------------------------------------------------- 履约: agreements and commitments


class AgreementQuerySet(ScopedQuerySet["Agreement"]):
    """Agreements: the enterprise's own, an operator's parks', the region's; negotiated by district staff."""

    scope = Scope(region="region", park="park", enterprise="enterprise", edit=EDIT_REGION)


class Agreement(TimeStamped):
    """An investment agreement (投资协议): what an enterprise promised for land and support, its commitments by
    year, and the clauses that apply if it falls short. Its status is the worst of its commitments'; what is
    done about it follows 预警 → 约谈 → 整改期 → 复核 → 处置/豁免, each step audited with a reason."""

    class Stage(models.TextChoices):
        MONITORING = "monitoring", _("Monitoring")
        WARNED = "warned", _("Warning issued")
        INTERVIEW = "interview", _("Interview")
        RECTIFICATION = "rectification", _("Rectification period")
        RECHECK = "recheck", _("Re-examination")
        DISPOSED = "disposed", _("Disposed")
        WAIVED = "waived", _("Waived")

    STAGE_ORDER = ("monitoring", "warned", "interview", "rectification", "recheck", "disposed", "waived")

    title = models.CharField(_("title"), max_length=200)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="agreements",
                                   verbose_name=_("enterprise"))
    project = models.ForeignKey("investment.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="agreements", verbose_name=_("project"))
    case = models.ForeignKey("investment.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="agreements", verbose_name=_("one-enterprise case"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="agreements",
                             verbose_name=_("park"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    land_parcel = models.CharField(_("land parcel"), max_length=100, blank=True)
    land_area_mu = models.DecimalField(_("land area (mu)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(0)])
    signed_on = models.DateField(_("signed on"))
    full_production_on = models.DateField(_("full production (达产) on"), null=True, blank=True)
    deposit_yuan = models.DecimalField(_("performance deposit (yuan)"), **MONEY, default=Decimal(0),
                                       validators=[MinValueValidator(0)])
    stage = models.CharField(_("follow-up stage"), max_length=15, choices=Stage.choices, default=Stage.MONITORING)
    stage_reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(full_production_on__isnull=True)
                                   | Q(full_production_on__gte=F("signed_on")),
                                   name="agreement_full_after_signing",
                                   violation_error_message=_("The full-production date cannot be before signing.")),
            models.CheckConstraint(condition=Q(land_area_mu__isnull=True) | Q(land_area_mu__gte=0),
                                   name="agreement_land_nonneg"),
            models.CheckConstraint(condition=Q(deposit_yuan__gte=0), name="agreement_deposit_nonneg"),
        ]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    """One promise of an agreement for one year: indicator, target (unit), annual or cumulative, tolerance (%)."""

    class Indicator(models.TextChoices):
        INVESTMENT = "investment", _("Fixed-asset investment")
        OUTPUT = "output", _("Industrial output")
        REVENUE = "revenue", _("Operating revenue")
        TAX = "tax", _("Tax")
        TAX_PER_MU = "tax_per_mu", _("Tax per mu")
        EMPLOYEES = "employees", _("Employees")
        RND = "rnd", _("R&D spending")

    class Basis(models.TextChoices):
        ANNUAL = "annual", _("That year")
        CUMULATIVE = "cumulative", _("Cumulative since signing")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments",
                                  verbose_name=_("agreement"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    indicator = models.CharField(_("indicator"), max_length=12, choices=Indicator.choices)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=20)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.ANNUAL)
    tolerance_pct = models.DecimalField(_("tolerance (%)"), max_digits=5, decimal_places=2, default=Decimal(10),
                                        validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["agreement", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year", "indicator"], name="commitment_once"),
            models.CheckConstraint(condition=Q(target__gte=0), name="commitment_target_nonneg",
                                   violation_error_message=_("The target cannot be negative.")),
            models.CheckConstraint(condition=Q(tolerance_pct__gte=0) & Q(tolerance_pct__lte=100),
                                   name="commitment_tolerance_range",
                                   violation_error_message=_("The tolerance must lie between 0 and 100%.")),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_indicator_display()} {self.target}{self.unit}"


class FailureClause(models.Model):
    """What applies if a commitment fails (违约条款): each kind computes the money at stake, or records."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund of subsidies paid")
        LAND_TOPUP = "land_topup", _("Land-price top-up")
        PENALTY = "penalty", _("Penalty")
        DEPOSIT = "deposit", _("Deposit forfeiture")
        LAND_RECOVERY = "land_recovery", _("Land recovery")
        CREDIT = "credit", _("Credit mark")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="failure_clauses",
                                  verbose_name=_("agreement"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    share_pct = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                    validators=[MinValueValidator(0), MaxValueValidator(100)])
    interest_rate_pct = models.DecimalField(_("annual interest (%)"), max_digits=5, decimal_places=2, null=True,
                                            blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)])
    per_mu_yuan = models.DecimalField(_("per mu (yuan)"), **MONEY, null=True, blank=True,
                                      validators=[MinValueValidator(0)])
    fixed_yuan = models.DecimalField(_("fixed amount (yuan)"), **MONEY, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    per_shortfall_pct = models.DecimalField(_("per shortfall (% of the shortfall)"), max_digits=5, decimal_places=2,
                                            null=True, blank=True,
                                            validators=[MinValueValidator(0), MaxValueValidator(100)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("failure clause")
        verbose_name_plural = _("failure clauses")
        ordering = ["agreement", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AgreementSubsidy(models.Model):
    """A payout counted under an agreement (the base of a refund clause)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="subsidies")
    payout = models.OneToOneField(Payout, on_delete=models.PROTECT, related_name="agreement_link")

    class Meta:
        verbose_name = _("subsidy under an agreement")
        verbose_name_plural = _("subsidies under agreements")

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.payout_id}"


class AgreementStep(models.Model):
    """One step of the follow-up of an agreement (预警 → 约谈 → 整改期 → 复核 → 处置/豁免), with its reason."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="steps")
    from_stage = models.CharField(max_length=15)
    to_stage = models.CharField(max_length=15)
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.from_stage} → {self.to_stage}"
