"""Enterprises (keyed by USCC), their former names, contacts and settlements (入驻)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import Archivable, TimeStamped
from yuanqu.core.roles import EDIT_ENTERPRISE, EDIT_PARK, EDIT_REGION, Role
from yuanqu.core.scoping import Scope, ScopedQuerySet
from yuanqu.core.text import normalize_uscc, validate_uscc
from yuanqu.core.validators import EARLIEST_FOUNDING_DATE

#: The fields of an enterprise's record that people type, edit, import and export, in the order the form and the
#: export show them. The one list: the services accept these, the form and the export columns derive from it
#: (a test holds the importer's and the API's copies to it until they read it too).
ENTERPRISE_FIELDS = (
    "uscc", "name", "industry", "region", "status", "registered_capital_wan", "established_on",
    "is_high_tech", "srdi_level", "is_above_scale", "is_four_new", "listing", "business_scope",
)

#: The longest 经营范围 kept: a business licence's scope runs to a few hundred characters, rarely over a thousand.
BUSINESS_SCOPE_MAX_LENGTH = 2_000


class EnterpriseQuerySet(ScopedQuerySet["Enterprise"]):
    """Enterprises a user may see.

    District roles: registered in the region or settled in one of its parks. Park operators:
    ever settled in one of their parks. Enterprise users: their own.
    """

    scope = Scope(region=("region", "settlements__park__region"), park="settlements__park", enterprise="pk",
                  edit=EDIT_ENTERPRISE)

    def by_uscc(self, uscc: str) -> EnterpriseQuerySet:
        """The enterprise with this 统一社会信用代码 as users type it (spaces, lower case, full-width)."""
        return self.filter(uscc=normalize_uscc(uscc or ""))

    def search(self, q: str) -> EnterpriseQuerySet:
        """Match the name, pinyin, initials, USCC or a former name."""
        q = q.strip()
        if not q:
            return self
        key = q.lower().replace(" ", "")
        return self.filter(
            Q(name__icontains=q)
            | Q(name_pinyin__contains=key)
            | Q(name_initials__contains=key)
            | Q(uscc__startswith=q.upper())
            | Q(pk__in=EnterpriseName.objects.filter(name__icontains=q).values("enterprise_id"))
        )


class Enterprise(Archivable, TimeStamped):
    """A registered company, keyed by its 统一社会信用代码 (USCC, GB 32100-2015)."""

    # A company may have been registered long before any park existed.
    earliest_dates: ClassVar[dict[str, dt.date]] = {"established_on": EARLIEST_FOUNDING_DATE}

    class Status(models.TextChoices):
        ACTIVE = "active", _("In business")
        CANCELLED = "cancelled", _("Deregistered")
        REVOKED = "revoked", _("Licence revoked")

    class Listing(models.TextChoices):
        UNLISTED = "unlisted", _("Not listed")
        NEEQ = "neeq", _("NEEQ (New Third Board)")
        BSE = "bse", _("Beijing Stock Exchange")
        STAR = "star", _("STAR Market")
        CHINEXT = "chinext", _("ChiNext")
        MAIN = "main", _("Main board")
        HK = "hk", _("Hong Kong")
        OVERSEAS = "overseas", _("Overseas")

    class SrdiLevel(models.TextChoices):
        NONE = "", _("None")
        INNOVATIVE_SME = "innovative_sme", _("Innovative SME")
        PROVINCIAL = "provincial", _("Provincial specialised and sophisticated SME")
        LITTLE_GIANT = "little_giant", _("National 'little giant'")

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc],
                            error_messages={"unique": _("An enterprise with this unified social credit code exists.")})
    name = models.CharField(_("name"), max_length=150)
    name_pinyin = models.CharField(max_length=600, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=150, blank=True, editable=False, db_index=True)
    industry = models.ForeignKey("core.IndustryCode", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="enterprises", verbose_name=_("industry"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="enterprises",
                               verbose_name=_("registered region"))
    is_high_tech = models.BooleanField(_("high-tech enterprise"), default=False)
    srdi_level = models.CharField(_("specialised and sophisticated level"), max_length=20,
                                  choices=SrdiLevel.choices, blank=True)
    is_above_scale = models.BooleanField(_("above designated size"), default=False)
    listing = models.CharField(_("listing status"), max_length=20, choices=Listing.choices, default=Listing.UNLISTED)
    is_four_new = models.BooleanField(_("four-new economy"), default=False)
    registered_capital_wan = models.DecimalField(_("registered capital (10k yuan)"), max_digits=16, decimal_places=2,
                                                 null=True, blank=True, validators=[MinValueValidator(0)],
                                                 help_text=_("In 万元"))
    established_on = models.DateField(_("established on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    business_scope = models.TextField(_("business scope"), max_length=BUSINESS_SCOPE_MAX_LENGTH, blank=True,
                                      help_text=_("As on the business licence; chain suggestions match its keywords."))

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_capital_wan__gte=0) | Q(registered_capital_wan__isnull=True),
                name="enterprise_capital_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseName(models.Model):
    """A name an enterprise used before a rename (曾用名), with the period it was used."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="former_names",
                                   verbose_name=_("enterprise"))
    name = models.CharField(_("name"), max_length=150)
    used_until = models.DateField(_("used until"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["-used_until", "-id"]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(ScopedQuerySet["Contact"]):
    """Contacts of the enterprises a user may see (and may edit)."""

    scope = Scope(via="enterprise", edit=None)


class Contact(TimeStamped):
    """A person at an enterprise. Phone and e-mail are personal information, masked by role."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts",
                                   verbose_name=_("enterprise"))
    name = models.CharField(_("full name"), max_length=60)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class SettlementQuerySet(ScopedQuerySet["Settlement"]):
    """Settlements a user may see: by park for district roles and operators, by enterprise otherwise.

    District staff and the park's operator advance them.
    """

    scope = Scope(region="park__region", park="park", enterprise="enterprise", edit=EDIT_PARK)

    def active(self) -> SettlementQuerySet:
        """Settlements that have not ended (退出)."""
        return self.exclude(stage=Settlement.Stage.EXITED)

    def counts_by_stage(self, on: dt.date | None = None) -> StageCounts:
        """How many of these settlements stand at each stage: now, or at the end of day ``on``.

        The one place signed / moved-in enterprises are counted (cockpit, park pages, briefings, home page,
        demo). With ``on`` the stage is read from the dated steps, so a figure for a period is its stock at
        the period's end (DESIGN rule 11) and does not drift as settlements move on later.
        """
        on = _as_of(on)
        row = self.order_by().aggregate(**{s.value: Count("id", filter=stage_q(s, on)) for s in Settlement.ORDER})
        return StageCounts({s.value: row[s.value] or 0 for s in Settlement.ORDER})

    def counts_by_park_and_stage(self, on: dt.date | None = None) -> dict[int, StageCounts]:
        """:meth:`counts_by_stage` per park (one GROUP BY), for tables and maps of many parks."""
        on = _as_of(on)
        stages = [s.value for s in Settlement.ORDER]
        rows = self.order_by().values("park_id").annotate(
            **{stage: Count("id", filter=stage_q(stage, on)) for stage in stages}).values_list("park_id", *stages)
        return {park: StageCounts(zip(stages, counts, strict=True))
                for park, *counts in rows}


def _as_of(on: dt.date | None) -> dt.date | None:
    """``on``, or None (the stored stage) when ``on`` is today or later: no step is dated in the future
    (services and importers refuse it), so both read the same and the stored stage has an index."""
    return None if on is None or on >= timezone.localdate() else on


class StageCounts(dict[str, int]):
    """Settlements per stage (every stage present, in :attr:`Settlement.ORDER`), with the two figures
    the pages state: 签约 (every settlement that has not ended) and 入驻 (moved in)."""

    @property
    def signed(self) -> int:
        """签约企业: signed and not exited, whatever step they have reached since."""
        return sum(n for stage, n in self.items() if stage != Settlement.Stage.EXITED)

    @property
    def moved_in(self) -> int:
        """入驻企业: moved in and not exited."""
        return self.get(Settlement.Stage.MOVED_IN, 0)


def stage_q(stage: str, on: dt.date | None = None, prefix: str = "") -> Q:
    """The settlements at ``stage`` now (``on`` None: the stored stage) or at the end of day ``on``, from
    the dated steps: the latest step dated on or before ``on``. ``prefix`` is the path from another model
    (``"settlements__"`` from a park), so annotations count with the same rule."""
    if on is None:
        return Q(**{f"{prefix}stage": stage})
    order = [s.value for s in Settlement.ORDER]
    date_field = Settlement.DATE_FIELD[Settlement.Stage(stage)]
    q = Q(**{f"{prefix}{date_field}__lte": on})
    for later in order[order.index(stage) + 1:]:
        later_field = Settlement.DATE_FIELD[Settlement.Stage(later)]
        # A step skipped (signed straight to moved in) has no date; one dated after ``on`` had not happened.
        q &= Q(**{f"{prefix}{later_field}__isnull": True}) | Q(**{f"{prefix}{later_field}__gt": on})
    return q


def signed_q(on: dt.date | None = None, prefix: str = "") -> Q:
    """The settlements :attr:`StageCounts.signed` counts (signed, not exited), as a filter for annotations."""
    if on is None:
        return ~Q(**{f"{prefix}stage": Settlement.Stage.EXITED})
    return Q(**{f"{prefix}signed_on__lte": on}) & (
        Q(**{f"{prefix}exited_on__isnull": True}) | Q(**{f"{prefix}exited_on__gt": on}))


class Settlement(TimeStamped):
    """An enterprise in a park: 签约 → 装修 → 入驻 → 退出, each step dated, with the units it occupies."""

    class Stage(models.TextChoices):
        SIGNED = "signed", _("Signed")
        FITOUT = "fitout", _("Fitting out")
        MOVED_IN = "moved_in", _("Moved in")
        EXITED = "exited", _("Exited")

    ORDER = (Stage.SIGNED, Stage.FITOUT, Stage.MOVED_IN, Stage.EXITED)
    DATE_FIELD = {
        Stage.SIGNED: "signed_on",
        Stage.FITOUT: "fitout_on",
        Stage.MOVED_IN: "moved_in_on",
        Stage.EXITED: "exited_on",
    }

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="settlements",
                                   verbose_name=_("enterprise"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, related_name="settlements",
                             verbose_name=_("park"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.SIGNED)
    signed_on = models.DateField(_("signed on"))
    fitout_on = models.DateField(_("fit-out started on"), null=True, blank=True)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    units = models.ManyToManyField("parks.Unit", through="Occupancy", blank=True, related_name="settlements",
                                   verbose_name=_("units"))

    objects = SettlementQuerySet.as_manager()

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-signed_on", "-id"]
        # The park dashboards and cockpit count settlements by park and stage: an index-only scan.
        indexes = [models.Index(fields=["park", "stage"], name="settlement_park_stage")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "park"],
                condition=~Q(stage="exited"),
                name="settlement_once_per_park",
                violation_error_message=_("The enterprise is already settled in this park."),
            ),
            models.CheckConstraint(condition=Q(stage__in=["signed", "fitout", "moved_in", "exited"]),
                                   name="settlement_stage_valid"),
            models.CheckConstraint(
                condition=~Q(stage="fitout") | Q(fitout_on__isnull=False),
                name="settlement_fitout_dated",
                violation_error_message=_("A settlement in fit-out needs the date fit-out started."),
            ),
            models.CheckConstraint(
                condition=~Q(stage="moved_in") | Q(moved_in_on__isnull=False),
                name="settlement_moved_in_dated",
                violation_error_message=_("A moved-in settlement needs its move-in date."),
            ),
            models.CheckConstraint(
                condition=~Q(stage="exited") | Q(exited_on__isnull=False),
                name="settlement_exited_dated",
                violation_error_message=_("An exited settlement needs its exit date."),
            ),
            models.CheckConstraint(
                condition=Q(fitout_on__isnull=True) | Q(fitout_on__gte=F("signed_on")),
                name="settlement_fitout_after_signing",
                violation_error_message=_("Fit-out cannot start before the signing date."),
            ),
            models.CheckConstraint(
                condition=Q(moved_in_on__isnull=True) | Q(moved_in_on__gte=F("signed_on")),
                name="settlement_move_in_after_signing",
                violation_error_message=_("The move-in date cannot be before the signing date."),
            ),
            models.CheckConstraint(
                condition=Q(moved_in_on__isnull=True) | Q(fitout_on__isnull=True) | Q(moved_in_on__gte=F("fitout_on")),
                name="settlement_move_in_after_fitout",
                violation_error_message=_("The move-in date cannot be before fit-out started."),
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("signed_on")),
                name="settlement_exit_after_signing",
                violation_error_message=_("The exit date cannot be before the signing date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} @ {self.park.name}"

    @property
    def next_stage(self) -> str | None:
        """The step after the current one, or None once exited."""
        i = self.ORDER.index(self.Stage(self.stage))
        return self.ORDER[i + 1] if i + 1 < len(self.ORDER) else None

    def date_of(self, stage: str) -> Any:
        """The date the settlement reached ``stage``, if it did."""
        return getattr(self, self.DATE_FIELD[self.Stage(stage)])


class Occupancy(models.Model):
    """A unit occupied by a settlement. A unit holds at most one active tenant."""

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="occupancies")
    unit = models.ForeignKey("parks.Unit", on_delete=models.PROTECT, related_name="occupancies")
    active = models.BooleanField(default=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(active=True),
                name="occupancy_one_active_tenant_per_unit",
                violation_error_message=_("This unit already has an active tenant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ← {self.settlement.enterprise.name}"


#: The fields of an enterprise's record that are official designations (认定信息): 高新技术企业, 规上, 专精特新,
#: listing, and the registered capital. District staff change them; the enterprise asks, staff confirm
#: (issue 12 M7); a park operator neither.
DESIGNATION_FIELDS = ("is_high_tech", "is_above_scale", "srdi_level", "listing", "registered_capital_wan")

#: The enterprise fields that cache the designation history's current state (梯度培育, :class:`Designation`): only
#: the designation services write them, and no form offers them (issue 14: an enterprise user's form offered them).
LADDER_FIELDS = ("is_high_tech", "srdi_level", "listing")


class EnterpriseRequestQuerySet(ScopedQuerySet["EnterpriseRequest"]):
    """Requests a user may see: district roles those their region decides, everyone else the ones they filed.

    Deciding is district staff's, of the request's region, never on a request they filed themselves
    (``selectors.requests_to_decide``).
    """

    scope = Scope(region="region", owner="requested_by",
                  owner_roles=frozenset({Role.REGION_STAFF, Role.PARK_OPERATOR, Role.ENTERPRISE_USER}),
                  edit=EDIT_REGION)

    def pending(self) -> EnterpriseRequestQuerySet:
        """Requests not decided yet."""
        return self.filter(status=EnterpriseRequest.Status.PENDING)


class EnterpriseRequest(TimeStamped):
    """A change to an enterprise that needs district staff's approval.

    - ``settle``: sign an enterprise into the requester's park when the requester may not see it (registered
      elsewhere, or a code not registered at all: the requester is told the same in both cases). Decided by
      the staff of the enterprise's registered region (of the park's region for an unregistered code, who
      register it from ``registration`` when they approve); until approved, the enterprise's data stay
      invisible to the requester.
    - ``change``: the enterprise's own request to change its designations (``changes``: field → new value).
    """

    class Kind(models.TextChoices):
        SETTLE = "settle", _("Settlement request")
        CHANGE = "change", _("Designation change")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="enterprise_requests",
                               verbose_name=_("deciding region"))
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="requests", verbose_name=_("enterprise"))
    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="enterprise_requests", verbose_name=_("park"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    units = models.JSONField(_("units"), default=list, blank=True)
    changes = models.JSONField(_("requested changes"), default=dict, blank=True)
    registration = models.JSONField(_("registration"), default=dict, blank=True,
                                    help_text=_("The fields of a new enterprise the requester gave, from which the "
                                                "approver registers it if its code is registered nowhere."))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    settlement = models.ForeignKey(Settlement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("settlement"))

    objects = EnterpriseRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise request")
        verbose_name_plural = _("enterprise requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["settle", "change"]), name="enterprise_request_kind"),
            models.CheckConstraint(condition=Q(status__in=["pending", "approved", "rejected"]),
                                   name="enterprise_request_status"),
            models.CheckConstraint(condition=~Q(kind="settle") | Q(park__isnull=False, signed_on__isnull=False),
                                   name="enterprise_request_settle_park"),
            models.CheckConstraint(condition=~Q(kind="change") | Q(enterprise__isnull=False),
                                   name="enterprise_request_change_enterprise"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_at__isnull=False),
                                   name="enterprise_request_decided_dated"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""),
                                   name="enterprise_request_rejected_reason",
                                   violation_error_message=_("Give the reason for rejecting the request.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uscc}"


#: The designation kinds, for the database check (the model's Kind lists them with their labels).
DESIGNATION_KINDS = ("tech_sme", "innovative_sme", "high_tech", "srdi_sme", "little_giant", "champion", "gazelle",
                     "unicorn", "listing")


class DesignationQuerySet(ScopedQuerySet["Designation"]):
    """Designations of the enterprises a user may see; district staff grant and revoke them."""

    scope = Scope(via="enterprise", edit=EDIT_REGION)

    def active_on(self, day: dt.date) -> DesignationQuerySet:
        """Designations in force at the end of ``day``: recognised by then (or on an unknown date), not expired,
        not ended; a 上市后备 counts from its first dated step (or its recognition)."""
        return self.filter(
            Q(recognised_on__isnull=True) | Q(recognised_on__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            Q(ended_on__isnull=True) | Q(ended_on__gt=day),
        )


class Designation(TimeStamped):
    """One official designation of an enterprise (梯度培育), dated: 科技型中小企业, 高新技术企业, 专精特新 … and
    上市后备 with its target board and its steps 辅导 → 申报 → 上市.

    The history is the source of truth; ``Enterprise.is_high_tech``, ``srdi_level`` and ``listing`` are a cache of
    the current state that only the designation services write (``services.designation_flags_refresh``), so the
    statistics breakdowns and the policy facts read them unchanged. A designation migrated from the old flags has
    no recognition date (``recognised_on`` empty, ``source`` says so).
    """

    class Kind(models.TextChoices):
        TECH_SME = "tech_sme", _("Technology-based SME")
        INNOVATIVE_SME = "innovative_sme", _("Innovative SME")
        HIGH_TECH = "high_tech", _("High-tech enterprise")
        SRDI_SME = "srdi_sme", _("Specialised and sophisticated SME")
        LITTLE_GIANT = "little_giant", _("Specialised and sophisticated 'little giant'")
        CHAMPION = "champion", _("Single champion")
        GAZELLE = "gazelle", _("Gazelle enterprise")
        UNICORN = "unicorn", _("Unicorn enterprise")
        LISTING = "listing", _("Listing reserve")

    class Level(models.TextChoices):
        NONE = "", _("Not graded")
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    class Stage(models.TextChoices):
        RESERVE = "reserve", _("Reserve")
        COACHING = "coaching", _("Coaching")
        FILED = "filed", _("Filed")
        LISTED = "listed", _("Listed")

    class EndReason(models.TextChoices):
        NONE = "", _("In force")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    #: Years a recognition stays valid when the certificate states no end (高新技术企业: 3 years).
    VALID_YEARS: ClassVar[dict[str, int]] = {Kind.HIGH_TECH: 3, Kind.SRDI_SME: 3, Kind.LITTLE_GIANT: 3,
                                              Kind.INNOVATIVE_SME: 3, Kind.CHAMPION: 3}
    #: The steps of a listing, in order, with the date field each sets.
    STAGE_DATE: ClassVar[dict[str, str]] = {Stage.COACHING: "coaching_on", Stage.FILED: "filed_on",
                                            Stage.LISTED: "listed_on"}

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="designations",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("designation"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("designation level"), max_length=12, choices=Level.choices, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True,
                                     help_text=_("Empty when unknown (migrated from the former flag)"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=12, choices=EndReason.choices, blank=True)
    source = models.CharField(_("recognition source"), max_length=100, blank=True)
    board = models.CharField(_("target board"), max_length=20, choices=Enterprise.Listing.choices, blank=True)
    coaching_on = models.DateField(_("coaching filed on"), null=True, blank=True)
    filed_on = models.DateField(_("application filed on"), null=True, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["enterprise", "-recognised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DESIGNATION_KINDS), name="designation_kind"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(recognised_on__isnull=True)
                | Q(valid_until__gte=F("recognised_on")), name="designation_valid_after_recognised"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(recognised_on__isnull=True)
                | Q(ended_on__gte=F("recognised_on")),
                name="designation_ended_after_recognised"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True, end_reason="") | Q(ended_on__isnull=False)
                                   & ~Q(end_reason=""), name="designation_end_has_reason"),
            # the listing steps: only on a 上市后备, with a board, in order 辅导 ≤ 申报 ≤ 上市
            models.CheckConstraint(condition=Q(kind="listing", board__gt="") & ~Q(board="unlisted")
                                   | ~Q(kind="listing") & Q(board="", coaching_on__isnull=True, filed_on__isnull=True,
                                                             listed_on__isnull=True),
                                   name="designation_board_only_for_listing"),
            models.CheckConstraint(condition=Q(filed_on__isnull=True) | Q(coaching_on__isnull=True)
                                   | Q(filed_on__gte=F("coaching_on")), name="designation_filed_after_coaching"),
            models.CheckConstraint(condition=Q(listed_on__isnull=True) | Q(filed_on__isnull=True)
                                   | Q(listed_on__gte=F("filed_on")), name="designation_listed_after_filed"),
            # no two open designations of one kind (a renewal ends the former one; a listing in progress is one)
            models.UniqueConstraint(fields=["enterprise", "kind"], condition=Q(ended_on__isnull=True)
                                    & Q(listed_on__isnull=True), name="designation_one_open_per_kind",
                                    violation_error_message=_("The enterprise already holds this designation.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()}"

    @property
    def stage(self) -> str:
        """Where a 上市后备 stands: 上市, 申报, 辅导 or 后备 (its latest dated step)."""
        for stage in (self.Stage.LISTED, self.Stage.FILED, self.Stage.COACHING):
            if getattr(self, self.STAGE_DATE[stage]) is not None:
                return stage
        return self.Stage.RESERVE

    def get_stage_display(self) -> str:
        return str(self.Stage(self.stage).label)

    def active_on(self, day: dt.date) -> bool:
        """In force at the end of ``day`` (as :meth:`DesignationQuerySet.active_on`)."""
        return ((self.recognised_on is None or self.recognised_on <= day)
                and (self.valid_until is None or self.valid_until >= day)
                and (self.ended_on is None or self.ended_on > day))

