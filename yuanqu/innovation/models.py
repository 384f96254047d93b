"""科技服务 (innovation services): incubation (孵化培育), technology transfer and contracts (技术转移, 技术合同),
and international cooperation (国际合作).

The national rules of 《科技企业孵化器管理办法》(国科发区〔2018〕300号) are data (:class:`Threshold`), seeded by a
migration with the values of the 办法 and changed by district staff in the admin, never written into the code.
Amounts are in 万元 (the field names say ``_wan``), areas in m².
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import DICTIONARY_READERS, EDIT_ENTERPRISE, EDIT_PARK, EDIT_REGION
from yuanqu.core.scoping import Scope, ScopedQuerySet

ZERO = Decimal(0)
#: The 2018 办法 (cited in help texts, the README and every threshold's basis).
BASIS_2018 = "《科技企业孵化器管理办法》（国科发区〔2018〕300号）"


def _money(verbose: str | object, **kw: object) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(verbose, max_digits=14, decimal_places=2,  # type: ignore[arg-type]
                               validators=[MinValueValidator(ZERO)], **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rules as data


class ThresholdQuerySet(ScopedQuerySet["Threshold"]):
    """Shared rule data: every business role reads it; district staff change it (in the admin)."""

    scope = Scope(everyone=DICTIONARY_READERS, edit=EDIT_REGION)


class Threshold(models.Model):
    """One configurable threshold of the incubation rules, with the article of the 办法 it comes from.

    ``variant`` is empty for the general value, or names the case it differs for: an industry track of an
    incubatee (``aerospace``, ``biomedicine`` …) or the 专业 incubator type (``specialised``).
    """

    class Rule(models.TextChoices):
        ADMIT_MAX_AGE_MONTHS = "admit_max_age_months", _("Founded at most N months before entry")
        ADMIT_MAX_AREA_M2 = "admit_max_area_m2", _("Incubation area per firm at most (m²)")
        MAX_INCUBATION_MONTHS = "max_incubation_months", _("Time in incubation at most (months)")
        GRAD_FINANCING_WAN = "grad_financing_wan", _("Graduation: angel/VC investment above (10k yuan)")
        GRAD_REVENUE_2Y_WAN = "grad_revenue_2y_wan", _("Graduation: revenue of two consecutive years above (10k yuan)")
        REC_MIN_AREA_M2 = "rec_min_area_m2", _("Recognition: incubation area at least (m²)")
        REC_MIN_AREA_USED_PCT = "rec_min_area_used_pct", _("Recognition: share of area used by incubatees (%)")
        REC_MIN_FUND_WAN = "rec_min_fund_wan", _("Recognition: incubation fund at least (10k yuan)")
        REC_MIN_FINANCED_PCT = "rec_min_financed_pct", _("Recognition: incubatees financed (%)")
        REC_STAFF_PER_10 = "rec_staff_per_10", _("Recognition: professional staff per 10 incubatees")
        REC_MENTORS_PER_10 = "rec_mentors_per_10", _("Recognition: mentors per 10 incubatees")
        REC_PATENT_APPLIED_PCT = "rec_patent_applied_pct", _("Recognition: incubatees that applied for patents (%)")
        REC_VALID_IP_PCT = "rec_valid_ip_pct", _("Recognition: incubatees holding valid IP (%)")
        REC_MIN_INCUBATEES = "rec_min_incubatees", _("Recognition: incubatees at least")
        REC_MIN_PER_1000M2 = "rec_min_per_1000m2", _("Recognition: incubatees per 1,000 m² at least")
        REC_MIN_GRADUATED = "rec_min_graduated", _("Recognition: graduated firms in total at least")

    rule = models.CharField(_("rule"), max_length=40, choices=Rule.choices)
    variant = models.CharField(_("variant"), max_length=30, blank=True,
                               help_text=_("Empty for the general value; else the industry track or “specialised”"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)])
    basis = models.CharField(_("basis"), max_length=200, default=BASIS_2018)

    objects = ThresholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubation threshold")
        verbose_name_plural = _("incubation thresholds")
        ordering = ["rule", "variant"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "variant"], name="innov_threshold_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="innov_threshold_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}{f'（{self.variant}）' if self.variant else ''}: {self.value}"

    @staticmethod
    def value_of(rule: str, variant: str = "") -> Decimal:
        """The threshold for ``variant``, else the general one (a rule missing altogether is a configuration error)."""
        found = dict(Threshold.objects.filter(rule=rule, variant__in={"", variant}).values_list("variant", "value"))
        if variant and variant in found:
            return Decimal(found[variant])
        if "" not in found:
            raise LookupError(f"incubation threshold {rule} is not configured")
        return Decimal(found[""])


class Track(models.TextChoices):
    """The industry tracks the 2018 办法 treats apart (larger areas, longer incubation)."""

    GENERAL = "general", _("General")
    AEROSPACE = "aerospace", _("Aerospace")
    AGRICULTURE = "agriculture", _("Modern agriculture")
    BIOMEDICINE = "biomedicine", _("Biomedicine")
    CIRCUITS = "circuits", _("Integrated circuits")


# --------------------------------------------------------------------------- incubators


class IncubatorQuerySet(ScopedQuerySet["Incubator"]):
    """Incubators a user may see: the region's for district roles, their parks' for operators; both edit them."""

    scope = Scope(region="park__region", park="park", edit=EDIT_PARK)


class Incubator(TimeStamped):
    """The incubation programme of a park (孵化器, 众创空间, 加速器, or any park that declares one)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Provincial")
        CITY = "city", _("Municipal")
        DISTRICT = "district", _("District")
        NONE = "none", _("Not recognised")

    class Kind(models.TextChoices):
        GENERAL = "general", _("General (综合)")
        SPECIALISED = "specialised", _("Specialised (专业)")

    class Programme(models.TextChoices):
        INCUBATOR = "incubator", _("Incubator")
        MAKERSPACE = "makerspace", _("Maker space")
        ACCELERATOR = "accelerator", _("Accelerator")

    park = models.OneToOneField("parks.Park", on_delete=models.PROTECT, related_name="incubator",
                                verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=150)
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices,
                                 default=Programme.INCUBATOR)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.NONE)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    industry = models.CharField(_("industry of a specialised incubator"), max_length=100, blank=True)
    area_m2 = _money(_("incubation area (m²)"), default=ZERO)
    public_area_m2 = _money(_("public service area (m²)"), default=ZERO)
    fund_wan = _money(_("incubation fund (10k yuan)"), default=ZERO, help_text=_("In 万元"))
    staff = models.PositiveIntegerField(_("professional incubation staff"), default=0)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)

    objects = IncubatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubator")
        verbose_name_plural = _("incubators")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gte=0) & Q(public_area_m2__gte=0) & Q(fund_wan__gte=0),
                                   name="innov_incubator_nonneg"),
            models.CheckConstraint(condition=~Q(kind="specialised") | ~Q(industry=""),
                                   name="innov_incubator_specialised_industry",
                                   violation_error_message=_("A specialised incubator names its industry.")),
        ]

    def __str__(self) -> str:
        return self.name


class MentorQuerySet(ScopedQuerySet["Mentor"]):
    """Mentors are seen and changed with their incubator."""

    scope = Scope(via="incubator", edit=None)


class Mentor(TimeStamped):
    """A 创业导师 of an incubator, with the fields they advise on."""

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="mentors",
                                  verbose_name=_("incubator"))
    name = models.CharField(_("full name"), max_length=60)
    fields_of_expertise = models.CharField(_("fields"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)

    objects = MentorQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IncubateeQuerySet(ScopedQuerySet["Incubatee"]):
    """Incubatees: the region's for district roles, their incubators' for operators, its own for an enterprise.

    District staff and the incubator's operator change them; the enterprise reads its record.
    """

    scope = Scope(region="incubator__park__region", park="incubator__park", enterprise="enterprise", edit=EDIT_PARK)

    def search(self, q: str) -> IncubateeQuerySet:
        """Match the enterprise's name, pinyin, initials or USCC."""
        key = q.strip().lower().replace(" ", "")
        if not key:
            return self
        return self.filter(Q(enterprise__name__icontains=q.strip()) | Q(enterprise__name_pinyin__contains=key)
                           | Q(enterprise__name_initials__contains=key) | Q(enterprise__uscc__startswith=q.upper()))


class Incubatee(TimeStamped):
    """An enterprise in an incubator (在孵企业): apply → 入孵评估 → 在孵 ⇄ 年度复核 → 毕业 / 超期 / 迁出 / 注销 /
    转加速器. Admission breaches of the rules are kept with the reviewer's reason for accepting them."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ASSESSING = "assessing", _("Admission assessment")
        INCUBATING = "incubating", _("In incubation")
        REVIEW = "review", _("Annual review")
        GRADUATED = "graduated", _("Graduated")
        OVERDUE = "overdue", _("Overdue")
        MOVED_OUT = "moved_out", _("Moved out")
        CANCELLED = "cancelled", _("Deregistered")
        ACCELERATOR = "accelerator", _("Moved to an accelerator")

    class Criterion(models.TextChoices):
        HIGH_TECH = "high_tech", _("High-tech enterprise")
        FINANCING = "financing", _("Angel/VC investment")
        REVENUE = "revenue", _("Revenue of two consecutive years")
        ACQUIRED_LISTED = "acquired_listed", _("Acquired or listed")

    #: Statuses counted as 在孵 (the annual review keeps a firm in incubation).
    IN_INCUBATION = ("incubating", "review")
    #: Statuses that end incubation, with the date they ended.
    ENDED = ("graduated", "overdue", "moved_out", "cancelled", "accelerator")
    #: Allowed moves.
    MOVES: dict[str, tuple[str, ...]] = {
        "applied": ("assessing", "cancelled"),
        "assessing": ("incubating", "cancelled"),
        "incubating": ("review", "graduated", "overdue", "moved_out", "cancelled", "accelerator"),
        "review": ("incubating", "graduated", "overdue", "moved_out", "cancelled", "accelerator"),
        "overdue": ("graduated", "moved_out", "cancelled", "accelerator"),
    }

    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="incubatees",
                                  verbose_name=_("incubator"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="incubations",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    track = models.CharField(_("industry track"), max_length=20, choices=Track.choices, default=Track.GENERAL)
    applied_on = models.DateField(_("applied on"))
    entered_on = models.DateField(_("entered incubation on"), null=True, blank=True)
    area_m2 = _money(_("incubation area used (m²)"), default=ZERO)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)
    criterion = models.CharField(_("graduation criterion"), max_length=20, choices=Criterion.choices, blank=True)
    warnings = models.JSONField(_("rule warnings"), default=list, blank=True)
    warnings_reason = models.CharField(_("reason for accepting the warnings"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewer"))
    last_review_on = models.DateField(_("last annual review"), null=True, blank=True)
    mentors = models.ManyToManyField(Mentor, blank=True, related_name="incubatees", verbose_name=_("mentors"))

    objects = IncubateeQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubatee")
        verbose_name_plural = _("incubatees")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["applied", "assessing", "incubating", "review",
                                                           "graduated", "overdue", "moved_out", "cancelled",
                                                           "accelerator"]), name="innov_incubatee_status"),
            models.CheckConstraint(condition=Q(area_m2__gte=0), name="innov_incubatee_area_nonneg"),
            models.CheckConstraint(condition=~Q(status="graduated") | ~Q(criterion=""),
                                   name="innov_incubatee_graduated_criterion",
                                   violation_error_message=_("A graduation records the criterion met.")),
            models.CheckConstraint(condition=Q(entered_on__isnull=True) | Q(entered_on__gte=models.F("applied_on")),
                                   name="innov_incubatee_entered_after_applied",
                                   violation_error_message=_("Entry cannot precede the application.")),
            models.CheckConstraint(condition=Q(warnings=[]) | ~Q(warnings_reason=""),
                                   name="innov_incubatee_warnings_reason",
                                   violation_error_message=_("Accepted warnings need a reason.")),
            models.UniqueConstraint(fields=["incubator", "enterprise"],
                                    condition=Q(status__in=["applied", "assessing", "incubating", "review"]),
                                    name="innov_incubatee_one_open",
                                    violation_error_message=_("This enterprise is already in this incubator.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.incubator}"


class FinancingEventQuerySet(ScopedQuerySet["FinancingEvent"]):
    """Financing events are seen and changed with their incubatee."""

    scope = Scope(via="incubatee", edit=None)


class FinancingEvent(TimeStamped):
    """An investment an incubatee received: round, amount (万元), investor."""

    class Round(models.TextChoices):
        SEED = "seed", _("Seed")
        ANGEL = "angel", _("Angel")
        PRE_A = "pre_a", _("Pre-A")
        A = "a", _("Series A")
        B = "b", _("Series B")
        LATER = "later", _("Series C or later")
        LOAN = "loan", _("Loan")
        GRANT = "grant", _("Grant")

    #: Rounds that count as angel or venture investment (graduation criterion 2).
    EQUITY = ("seed", "angel", "pre_a", "a", "b", "later")

    incubatee = models.ForeignKey(Incubatee, on_delete=models.CASCADE, related_name="financings",
                                  verbose_name=_("incubatee"))
    on = models.DateField(_("date"))
    round = models.CharField(_("round"), max_length=10, choices=Round.choices)
    amount_wan = _money(_("amount (10k yuan)"), help_text=_("In 万元"))
    investor = models.CharField(_("investor"), max_length=150)

    objects = FinancingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("financing event")
        verbose_name_plural = _("financing events")
        ordering = ["-on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_wan__gte=0), name="innov_financing_nonneg")]


class IncubateeYearQuerySet(ScopedQuerySet["IncubateeYear"]):
    """An incubatee's yearly IP and declared figures, seen and changed with it."""

    scope = Scope(via="incubatee", edit=None)


class IncubateeYear(TimeStamped):
    """One year of an incubatee: IP counts, and the revenue and R&D it declared to the incubator (used where
    no approved statistics report exists)."""

    incubatee = models.ForeignKey(Incubatee, on_delete=models.CASCADE, related_name="years",
                                  verbose_name=_("incubatee"))
    year = models.PositiveSmallIntegerField(_("year"))
    patents_applied = models.PositiveIntegerField(_("patents applied"), default=0)
    patents_granted = models.PositiveIntegerField(_("patents granted"), default=0)
    software_copyrights = models.PositiveIntegerField(_("software copyrights"), default=0)
    valid_ip = models.PositiveIntegerField(_("valid IP held"), default=0)
    revenue_wan = _money(_("declared revenue (10k yuan)"), null=True, blank=True)
    rd_wan = _money(_("declared R&D (10k yuan)"), null=True, blank=True)

    objects = IncubateeYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubatee year")
        verbose_name_plural = _("incubatee years")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["incubatee", "year"], name="innov_incubatee_year_unique"),
            models.CheckConstraint(condition=Q(revenue_wan__gte=0) | Q(revenue_wan__isnull=True),
                                   name="innov_incubatee_year_revenue_nonneg"),
            models.CheckConstraint(condition=Q(rd_wan__gte=0) | Q(rd_wan__isnull=True),
                                   name="innov_incubatee_year_rd_nonneg"),
            models.CheckConstraint(condition=Q(patents_granted__lte=models.F("patents_applied")) | Q(patents_applied=0),
                                   name="innov_incubatee_year_granted_le_applied",
                                   violation_error_message=_("More patents granted than applied for.")),
        ]


class ActivityQuerySet(ScopedQuerySet["Activity"]):
    """Activities are seen and changed with their incubator."""

    scope = Scope(via="incubator", edit=None)


class Activity(TimeStamped):
    """An incubation activity (training, roadshow, matchmaking) with its attendance."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        ROADSHOW = "roadshow", _("Roadshow")
        MATCHMAKING = "matchmaking", _("Matchmaking")

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="activities",
                                  verbose_name=_("incubator"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    on = models.DateField(_("date"))
    attendance = models.PositiveIntegerField(_("attendance"), default=0)
    incubatees = models.ManyToManyField(Incubatee, blank=True, related_name="activities",
                                        verbose_name=_("incubatees attending"))

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-on", "-id"]


class IncubatorYearQuerySet(ScopedQuerySet["IncubatorYear"]):
    """An incubator's annual income, seen and changed with it."""

    scope = Scope(via="incubator", edit=None)


class IncubatorYear(TimeStamped):
    """The incubator's own income of a year, split as the 火炬统计 return asks (万元); the rest of the return
    is computed from the records."""

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="years",
                                  verbose_name=_("incubator"))
    year = models.PositiveSmallIntegerField(_("year"))
    income_service_wan = _money(_("income from comprehensive services (10k yuan)"), default=ZERO)
    income_property_wan = _money(_("income from property (10k yuan)"), default=ZERO)
    income_investment_wan = _money(_("income from investment (10k yuan)"), default=ZERO)
    income_other_wan = _money(_("other income (10k yuan)"), default=ZERO)

    objects = IncubatorYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubator year")
        verbose_name_plural = _("incubator years")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["incubator", "year"], name="innov_incubator_year_unique"),
            models.CheckConstraint(condition=Q(income_service_wan__gte=0) & Q(income_property_wan__gte=0)
                                   & Q(income_investment_wan__gte=0) & Q(income_other_wan__gte=0),
                                   name="innov_incubator_year_nonneg"),
        ]


# --------------------------------------------------------------------------- technology transfer


class TechField(models.TextChoices):
    """The technology fields of the technology-contract registry."""

    ELECTRONICS = "electronics", _("Electronic information")
    MANUFACTURING = "manufacturing", _("Advanced manufacturing")
    BIOMEDICINE = "biomedicine", _("Biomedicine and medical devices")
    MATERIALS = "materials", _("New materials")
    ENERGY = "energy", _("New energy and energy efficiency")
    ENVIRONMENT = "environment", _("Environmental protection")
    TRANSPORT = "transport", _("Modern transport")
    AGRICULTURE = "agriculture", _("Agriculture")
    AEROSPACE = "aerospace", _("Aerospace")
    NUCLEAR = "nuclear", _("Nuclear applications")
    URBAN = "urban", _("Urban construction and social development")


class IPType(models.TextChoices):
    """The intellectual property a contract or an achievement carries."""

    INVENTION = "invention", _("Invention patent")
    UTILITY = "utility", _("Utility model")
    DESIGN = "design", _("Industrial design")
    SOFTWARE = "software", _("Software copyright")
    IC_LAYOUT = "ic_layout", _("IC layout design")
    PLANT = "plant", _("New plant variety")
    SECRET = "secret", _("Technical secret")
    NONE = "none", _("None")


class TechContractQuerySet(ScopedQuerySet["TechContract"]):
    """Technology contracts: the region's for district roles, their parks' for operators, and an enterprise's own
    (as seller or buyer). District staff and the park's operator register and change them."""

    scope = Scope(region="region", park="park", enterprise=("seller", "buyer"), edit=EDIT_PARK)

    def search(self, q: str) -> TechContractQuerySet:
        """Match the title, the registration number or either party's name."""
        q = q.strip()
        if not q:
            return self
        return self.filter(Q(title__icontains=q) | Q(registration_no__icontains=q) | Q(seller_name__icontains=q)
                           | Q(buyer_name__icontains=q))


class TechContract(TimeStamped):
    """A registered technology contract (技术合同) as the registry records it. 技术交易额 is the part of 合同交易总额
    paid for the technology itself, so it never exceeds it; both in 万元."""

    class Kind(models.TextChoices):
        DEVELOPMENT = "development", _("Technology development")
        TRANSFER = "transfer", _("Technology transfer")
        LICENSE = "license", _("Technology licensing")
        CONSULTING = "consulting", _("Technology consulting")
        SERVICE = "service", _("Technology service")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="tech_contracts",
                               verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="tech_contracts", verbose_name=_("park"))
    registration_no = models.CharField(_("registration number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    signed_on = models.DateField(_("signed on"))
    registered_on = models.DateField(_("registered on"))
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="tech_contracts_sold", verbose_name=_("seller (enterprise)"))
    seller_name = models.CharField(_("seller"), max_length=150)
    seller_in_district = models.BooleanField(_("seller in the district"), default=False)
    buyer = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="tech_contracts_bought", verbose_name=_("buyer (enterprise)"))
    buyer_name = models.CharField(_("buyer"), max_length=150)
    buyer_in_district = models.BooleanField(_("buyer in the district"), default=False)
    total_wan = models.DecimalField(_("contract total (10k yuan)"), max_digits=14, decimal_places=2,
                                    validators=[MinValueValidator(ZERO)], help_text=_("合同交易总额, in 万元"))
    tech_wan = models.DecimalField(_("technology transaction amount (10k yuan)"), max_digits=14, decimal_places=2,
                                   validators=[MinValueValidator(ZERO)], help_text=_("技术交易额, in 万元"))
    field = models.CharField(_("technology field"), max_length=20, choices=TechField.choices)
    ip_type = models.CharField(_("IP type"), max_length=20, choices=IPType.choices, default=IPType.NONE)
    match = models.ForeignKey("Match", on_delete=models.SET_NULL, null=True, blank=True, related_name="contracts",
                              verbose_name=_("match"))

    objects = TechContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_wan__gte=0) & Q(tech_wan__gte=0), name="innov_contract_nonneg",
                                   violation_error_message=_("Amounts cannot be negative.")),
            models.CheckConstraint(condition=Q(tech_wan__lte=models.F("total_wan")),
                                   name="innov_contract_tech_le_total",
                                   violation_error_message=_(
                                       "The technology transaction amount cannot exceed the contract total.")),
            models.CheckConstraint(condition=Q(registered_on__gte=models.F("signed_on")),
                                   name="innov_contract_registered_after_signed",
                                   violation_error_message=_("A contract cannot be registered before it is signed.")),
        ]

    def __str__(self) -> str:
        return f"{self.registration_no} {self.title}"


class ListingStatus(models.TextChoices):
    """A listing's life: a draft, published for everyone in the region, or withdrawn."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TechNeedQuerySet(ScopedQuerySet["TechNeed"]):
    """Technology needs: the region's for district roles, their parks' for operators, its own for an enterprise,
    which edits them too."""

    scope = Scope(region="region", park="park", enterprise="enterprise", edit=EDIT_ENTERPRISE)

    def search(self, q: str) -> TechNeedQuerySet:
        q = q.strip()
        return self.filter(Q(title__icontains=q) | Q(description__icontains=q)
                           | Q(enterprise__name__icontains=q)) if q else self


class TechNeed(TimeStamped):
    """A technology need (技术需求) of an enterprise: field, budget (万元), deadline."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="tech_needs",
                               verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="tech_needs",
                             verbose_name=_("park"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="tech_needs",
                                   verbose_name=_("enterprise"))
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("technology field"), max_length=20, choices=TechField.choices)
    description = models.TextField(_("description"), blank=True)
    budget_wan = _money(_("budget (10k yuan)"), null=True, blank=True, help_text=_("In 万元"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.DRAFT)

    objects = TechNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("technology need")
        verbose_name_plural = _("technology needs")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(budget_wan__gte=0) | Q(budget_wan__isnull=True),
                                              name="innov_need_budget_nonneg")]

    def __str__(self) -> str:
        return self.title


class AchievementQuerySet(ScopedQuerySet["Achievement"]):
    """Achievements: the region's for district roles, their parks' for operators, its own for an enterprise."""

    scope = Scope(region="region", park="park", enterprise="enterprise", edit=EDIT_ENTERPRISE)

    def search(self, q: str) -> AchievementQuerySet:
        q = q.strip()
        return self.filter(Q(title__icontains=q) | Q(description__icontains=q)
                           | Q(owner_name__icontains=q)) if q else self


class Achievement(TimeStamped):
    """A technology achievement offered (科技成果): owner (an enterprise, a university, an institute), field,
    maturity, IP and asking terms."""

    class OwnerKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")

    class Maturity(models.TextChoices):
        LAB = "lab", _("Laboratory")
        PILOT = "pilot", _("Pilot")
        SMALL_BATCH = "small_batch", _("Small batch")
        MASS = "mass", _("Mass production")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="achievements",
                               verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="achievements", verbose_name=_("park"))
    owner_kind = models.CharField(_("owner kind"), max_length=20, choices=OwnerKind.choices)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="achievements", verbose_name=_("enterprise"))
    owner_name = models.CharField(_("owner"), max_length=150)
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("technology field"), max_length=20, choices=TechField.choices)
    maturity = models.CharField(_("maturity"), max_length=20, choices=Maturity.choices, default=Maturity.LAB)
    ip_type = models.CharField(_("IP type"), max_length=20, choices=IPType.choices, default=IPType.NONE)
    terms = models.CharField(_("asking terms"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.DRAFT)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(owner_kind="enterprise") | Q(enterprise__isnull=False),
                                              name="innov_achievement_enterprise_owner",
                                              violation_error_message=_("Choose the enterprise that owns it."))]

    def __str__(self) -> str:
        return self.title


class MatchQuerySet(ScopedQuerySet["Match"]):
    """A match is seen with its need or its achievement; district staff and the operator move it on."""

    scope = Scope(region="need__region", park=("need__park", "achievement__park"),
                  enterprise=("need__enterprise", "achievement__enterprise"), edit=EDIT_PARK)


class Match(TimeStamped):
    """A need matched with an achievement: 意向 → 洽谈 → 签约 → 登记 (the contract registered)."""

    class Status(models.TextChoices):
        INTENT = "intent", _("Intent")
        NEGOTIATING = "negotiating", _("Negotiating")
        SIGNED = "signed", _("Signed")
        REGISTERED = "registered", _("Registered")

    ORDER = ("intent", "negotiating", "signed", "registered")

    need = models.ForeignKey(TechNeed, on_delete=models.PROTECT, related_name="matches", verbose_name=_("need"))
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="matches",
                                    verbose_name=_("achievement"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INTENT)
    note = models.TextField(_("note"), blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["need", "achievement"], name="innov_match_unique",
                                               violation_error_message=_("These two are matched already."))]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.achievement}"


class MatchFollowUpQuerySet(ScopedQuerySet["MatchFollowUp"]):
    scope = Scope(via="match", edit=None)


class MatchFollowUp(TimeStamped):
    """A call, visit or meeting on a match."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("match"))
    on = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))

    objects = MatchFollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("match follow-up")
        verbose_name_plural = _("match follow-ups")
        ordering = ["-on", "-id"]


# --------------------------------------------------------------------------- international cooperation


class PartnerQuerySet(ScopedQuerySet["Partner"]):
    """Partners: the region's for district roles, their parks' for operators; both edit them."""

    scope = Scope(region="region", park="park", edit=EDIT_PARK)

    def search(self, q: str) -> PartnerQuerySet:
        q = q.strip()
        return self.filter(Q(name__icontains=q) | Q(country__icontains=q)) if q else self


class Partner(TimeStamped):
    """A foreign organisation the district or a park cooperates with (国际合作伙伴)."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        COMPANY = "company", _("Company")
        AGENCY = "agency", _("Government agency")
        ASSOCIATION = "association", _("Association")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="partners",
                               verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="partners",
                             verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=150)
    country = models.CharField(_("country"), max_length=60)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CoopAgreementQuerySet(ScopedQuerySet["CoopAgreement"]):
    scope = Scope(via="partner", edit=None)


class CoopAgreement(TimeStamped):
    """An agreement signed with a partner: its term and scope."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements",
                                verbose_name=_("partner"))
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    scope_text = models.TextField(_("scope"), blank=True)

    objects = CoopAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-signed_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("signed_on")),
                                              name="innov_agreement_term",
                                              violation_error_message=_("The term ends before it starts."))]


class CoopActivityQuerySet(ScopedQuerySet["CoopActivity"]):
    scope = Scope(via="partner", edit=None)


class CoopActivity(TimeStamped):
    """A cooperation activity with a partner, dated, with its participants."""

    class Kind(models.TextChoices):
        JOINT_RD = "joint_rd", _("Joint R&D")
        TRAINING = "training", _("Joint training")
        VISIT = "visit", _("Exchange visit")
        TRANSFER = "transfer", _("Technology transfer")
        FAIR = "fair", _("Trade fair")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="activities",
                                verbose_name=_("partner"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    participants = models.CharField(_("participants"), max_length=500, blank=True)

    objects = CoopActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation activity")
        verbose_name_plural = _("cooperation activities")
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                              name="innov_coop_activity_dates",
                                              violation_error_message=_("The activity ends before it starts."))]


class CoopBaseQuerySet(ScopedQuerySet["CoopBase"]):
    scope = Scope(region="region", park="park", edit=EDIT_PARK)


class CoopBase(TimeStamped):
    """A cooperation base (国际创新园, 国际联合研究中心 …) and the level it is recognised at."""

    class Kind(models.TextChoices):
        PARK = "park", _("International innovation park")
        JOINT_LAB = "joint_lab", _("International joint research centre")
        TRANSFER = "transfer", _("International technology transfer centre")
        DEMO = "demo", _("Demonstration base of international cooperation")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Provincial")
        CITY = "city", _("Municipal")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="coop_bases",
                               verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="coop_bases",
                             verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)

    objects = CoopBaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation base")
        verbose_name_plural = _("cooperation bases")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CoopProjectQuerySet(ScopedQuerySet["CoopProject"]):
    scope = Scope(via="partner", enterprise="enterprises", edit=None)


class CoopProject(TimeStamped):
    """A cooperation project linking enterprises of the district with a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="projects",
                                verbose_name=_("partner"))
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    enterprises = models.ManyToManyField("enterprises.Enterprise", blank=True, related_name="coop_projects",
                                         verbose_name=_("enterprises"))
    description = models.TextField(_("description"), blank=True)

    objects = CoopProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title
