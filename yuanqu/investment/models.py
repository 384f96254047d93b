"""Investment promotion (招商): leads with a shared pool (公海), their contacts and follow-ups."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core.models import Archivable, TimeStamped
from yuanqu.core.roles import EDIT_PARK, EDIT_REGION
from yuanqu.core.scoping import Scope, ScopedQuerySet
from yuanqu.core.text import validate_uscc

#: Days without a follow-up after which an owned lead returns to the pool, unless the region says otherwise.
DEFAULT_STALE_DAYS = 30


class RegionSetting(models.Model):
    """Investment-promotion settings of one region (a business rule: set by its district staff)."""

    region = models.OneToOneField("core.Region", on_delete=models.CASCADE, primary_key=True,
                                  related_name="investment_setting", verbose_name=_("region"))
    lead_stale_days = models.PositiveSmallIntegerField(
        _("days before an idle lead returns to the pool"), default=DEFAULT_STALE_DAYS,
        validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("investment-promotion setting")
        verbose_name_plural = _("investment-promotion settings")
        constraints = [models.CheckConstraint(condition=Q(lead_stale_days__gte=1), name="region_setting_days_pos")]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.lead_stale_days}"

    @staticmethod
    def stale_days_for(region_code: str) -> int:
        """N for ``region_code``: its own setting, else the nearest enclosing region's, else the default."""
        codes = [region_code[:n] for n in (6, 4, 2) if len(region_code) >= n]
        found = dict(RegionSetting.objects.filter(region_id__in=codes).values_list("region_id", "lead_stale_days"))
        for code in codes:
            if code in found:
                return int(found[code])
        return int(getattr(settings, "YUANQU_LEAD_STALE_DAYS", DEFAULT_STALE_DAYS))


class LeadQuerySet(ScopedQuerySet["Lead"]):
    """Leads a user may see: the region's for district roles, those targeting their parks for operators.

    District staff and the target park's operator change, claim and follow them up.
    """

    scope = Scope(region="region", park="target_park", edit=EDIT_PARK)

    def open(self) -> LeadQuerySet:
        """Leads still being worked on (not signed, not lost)."""
        return self.filter(status__in=Lead.OPEN)

    def pool(self) -> LeadQuerySet:
        """Open leads nobody owns (公海)."""
        return self.open().filter(owner__isnull=True)

    def search(self, q: str) -> LeadQuerySet:
        """Match the company name, its pinyin or initials, or the USCC."""
        q = q.strip()
        if not q:
            return self
        key = q.lower().replace(" ", "")
        return self.filter(Q(name__icontains=q) | Q(name_pinyin__contains=key) | Q(name_initials__contains=key)
                           | Q(uscc__startswith=q.upper()))


class Lead(Archivable, TimeStamped):
    """A prospect not yet settled (招商线索). Without an owner it sits in the shared pool (公海)."""

    class Status(models.TextChoices):
        NEW = "new", _("New lead")
        CONTACTED = "contacted", _("Contacted")
        NEGOTIATING = "negotiating", _("Negotiating")
        SIGNED = "signed", pgettext_lazy("lead status", "Signed")
        LOST = "lost", _("Lost")

    class Source(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("One-to-one docking")
        BY_BUSINESS = "by_business", _("Referral by enterprises")
        EXPO = "expo", _("Trade fair")
        AGENCY = "agency", _("Intermediary agency")
        OFFICE = "office", _("Investment office elsewhere")
        ONLINE = "online", _("Online")
        OTHER = "other", _("Other")

    OPEN = ("new", "contacted", "negotiating")
    ORDER = ("new", "contacted", "negotiating", "signed")

    name = models.CharField(_("company name"), max_length=150)
    name_key = models.CharField(max_length=150, blank=True, editable=False, db_index=True)
    name_pinyin = models.CharField(max_length=600, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=150, blank=True, editable=False, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True,
                            validators=[validate_uscc], help_text=_("If the company is already registered"))
    industry = models.ForeignKey("core.IndustryCode", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="leads", verbose_name=_("industry"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="leads",
                               verbose_name=_("region"))
    target_park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="leads", verbose_name=_("target park"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    lost_reason = models.CharField(_("reason lost"), max_length=300, blank=True)
    intended_investment_wan = models.DecimalField(_("intended investment (10k yuan)"), max_digits=16,
                                                  decimal_places=2, null=True, blank=True,
                                                  validators=[MinValueValidator(0)], help_text=_("In 万元"))
    expected_jobs = models.PositiveIntegerField(_("expected jobs"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="owned_leads", verbose_name=_("owner"))
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True)
    last_follow_up_on = models.DateField(_("last follow-up"), null=True, blank=True)
    next_step_on = models.DateField(_("next step due"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="leads", verbose_name=_("enterprise"))
    settlement = models.ForeignKey("enterprises.Settlement", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="leads", verbose_name=_("settlement"))

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["new", "contacted", "negotiating", "signed", "lost"]),
                                   name="lead_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="lost") | ~Q(lost_reason=""),
                name="lead_lost_has_reason",
                violation_error_message=_("Give the reason the lead was lost."),
            ),
            models.CheckConstraint(
                condition=Q(intended_investment_wan__isnull=True) | Q(intended_investment_wan__gte=0),
                name="lead_investment_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None and self.is_open


class LeadContactQuerySet(ScopedQuerySet["LeadContact"]):
    """Contacts of the leads a user may see (and may edit)."""

    scope = Scope(via="lead", edit=None)


class LeadContact(TimeStamped):
    """A person at a prospect. Phone and e-mail are personal information, masked for non-staff roles."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("lead"))
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("job title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = LeadContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead contact")
        verbose_name_plural = _("lead contacts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class FollowUpQuerySet(ScopedQuerySet["FollowUp"]):
    """Follow-ups on the leads and projects a user may see."""

    scope = Scope(via=("lead", "project"), edit=None)


class FollowUp(TimeStamped):
    """A visit, call, meeting or one-to-one docking on a lead or on a project (跟进记录): exactly one of the two."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Phone call")
        MEETING = "meeting", _("Meeting")
        INSPECTION = "inspection", _("Site inspection")
        MATCHMAKING = "matchmaking", _("Matchmaking event")
        LEADER_DOCKING = "leader_docking", _("Leader one-to-one docking")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups",
                             verbose_name=_("lead"))
    project = models.ForeignKey("Project", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="follow_ups", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"))
    participants = models.CharField(_("participants"), max_length=300, blank=True,
                                    help_text=_("Including district leaders at a one-to-one docking"))
    leader = models.CharField(_("leader"), max_length=100, blank=True,
                              help_text=_("The leader who held a one-to-one docking (required for that kind)"))
    summary = models.TextField(_("summary"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("next step due"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("recorded by"))

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_step_on__isnull=True) | Q(next_step_on__gte=models.F("on")),
                name="followup_next_after_date",
                violation_error_message=_("The next step cannot be due before the follow-up itself."),
            ),
            models.CheckConstraint(
                condition=Q(lead__isnull=False, project__isnull=True) | Q(lead__isnull=True, project__isnull=False),
                name="followup_lead_xor_project",
                violation_error_message=_("A follow-up belongs to one lead or one project."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="leader_docking") | ~Q(leader=""),
                name="followup_docking_names_leader",
                violation_error_message=_("A leader one-to-one docking must name the leader."),
            ),
        ]

    def clean(self) -> None:
        """A leader one-to-one docking names its leader (the constraint says so too; this names the field)."""
        super().clean()
        self.leader = self.leader.strip()
        if self.kind == self.Kind.LEADER_DOCKING and not self.leader:
            raise ValidationError({"leader": _("A leader one-to-one docking must name the leader.")})

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class ProjectQuerySet(ScopedQuerySet["Project"]):
    """Projects a user may see: the region's for district roles, those in their parks for operators.

    Both submit stage changes and figures for them.
    """

    scope = Scope(region="region", park="park", edit=EDIT_PARK)


class Project(Archivable, TimeStamped):
    """An investment project (重点项目) from 在谈 to 达产, with planned and actual dates per stage."""

    class Stage(models.TextChoices):
        TALKS = "talks", _("In talks")
        SIGNED = "signed", _("Signed")
        REGISTERED = "registered", _("Registered")
        STARTED = "started", _("Construction started")
        COMPLETED = "completed", _("Construction completed")
        PRODUCING = "producing", _("In production")
        FULL = "full", _("At full capacity")
        TERMINATED = "terminated", _("Terminated")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National key project")
        PROVINCE = "province", _("Provincial key project")
        CITY = "city", _("City key project")
        DISTRICT = "district", _("District key project")
        ORDINARY = "ordinary", _("Ordinary project")

    ORDER = ("talks", "signed", "registered", "started", "completed", "producing", "full")

    name = models.CharField(_("name"), max_length=150)
    investor_enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="projects", verbose_name=_("investor"))
    investor_lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="projects", verbose_name=_("investor (lead)"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="projects", verbose_name=_("park"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="projects",
                               verbose_name=_("region"))
    industry = models.ForeignKey("core.IndustryCode", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="projects", verbose_name=_("industry"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.DISTRICT)
    total_investment_wan = models.DecimalField(_("total investment (10k yuan)"), max_digits=16, decimal_places=2,
                                               validators=[MinValueValidator(0)], help_text=_("In 万元"))
    fixed_asset_investment_wan = models.DecimalField(_("fixed-asset investment (10k yuan)"), max_digits=16,
                                                     decimal_places=2, null=True, blank=True,
                                                     validators=[MinValueValidator(0)], help_text=_("In 万元"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.TALKS)
    terminated_reason = models.CharField(_("reason terminated"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-total_investment_wan", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=["talks", "signed", "registered", "started", "completed",
                                                          "producing", "full", "terminated"]),
                                   name="project_stage_valid"),
            models.CheckConstraint(condition=~Q(stage="terminated") | ~Q(terminated_reason=""),
                                   name="project_terminated_has_reason",
                                   violation_error_message=_("Give the reason the project was terminated.")),
            models.CheckConstraint(condition=Q(total_investment_wan__gte=0), name="project_total_nonneg"),
            models.CheckConstraint(condition=Q(fixed_asset_investment_wan__isnull=True)
                                   | Q(fixed_asset_investment_wan__gte=0), name="project_fixed_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def progress(self) -> int:
        """Percent of the stages reached (达产 = 100)."""
        if self.stage not in self.ORDER:
            return 0
        return round(100 * self.ORDER.index(self.stage) / (len(self.ORDER) - 1))


class ProjectStage(models.Model):
    """One stage of a project: when it is planned and when it was actually reached."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages", verbose_name=_("project"))
    stage = models.CharField(_("stage"), max_length=20, choices=Project.Stage.choices)
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    actual_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="project_stage_once")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage}"


class StageChangeQuerySet(ScopedQuerySet["StageChange"]):
    """Stage changes of the projects a user may see."""

    scope = Scope(via="project", edit=None)


class StageChange(TimeStamped):
    """A request to move a project to a stage. A park operator's waits for district staff's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes", verbose_name=_("project"))
    to_stage = models.CharField(_("stage"), max_length=20, choices=Project.Stage.choices)
    on = models.DateField(_("reached on"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.CharField(_("reason returned"), max_length=300, blank=True)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(return_reason=""),
                                   name="stage_change_returned_has_reason",
                                   violation_error_message=_("Give the reason for returning the request.")),
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.get_to_stage_display()}"


class StageEvidenceQuerySet(ScopedQuerySet["StageEvidence"]):
    """Evidence of the projects a user may see."""

    scope = Scope(via="change__project", edit=None)


class StageEvidence(TimeStamped):
    """A file proving a stage was reached: PDF or image only (checked by content), at most 20 MB."""

    change = models.ForeignKey(StageChange, on_delete=models.CASCADE, related_name="evidence",
                               verbose_name=_("stage change"))
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))

    objects = StageEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ProjectMonth(models.Model):
    """Planned and completed investment of a project in one month (万元)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="months", verbose_name=_("project"))
    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    planned_wan = models.DecimalField(_("planned investment (10k yuan)"), max_digits=16, decimal_places=2,
                                      default=0, validators=[MinValueValidator(0)])
    completed_wan = models.DecimalField(_("completed investment (10k yuan)"), max_digits=16, decimal_places=2,
                                        default=0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("monthly investment")
        verbose_name_plural = _("monthly investment")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="project_month_once"),
            models.CheckConstraint(condition=Q(planned_wan__gte=0) & Q(completed_wan__gte=0),
                                   name="project_month_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"


class CaseQuerySet(ScopedQuerySet["Case"]):
    """Cases a user may see: the region's for district roles, those about their parks for operators.

    Cases are negotiated by the district: only its staff change them.
    """

    scope = Scope(region="region", park="park", edit=EDIT_REGION)


class Case(TimeStamped):
    """A negotiated-policy case (一事一议 / 一企一议) about an enterprise, a lead or a project."""

    class Kind(models.TextChoices):
        ONE_MATTER = "one_matter", _("One matter, one negotiation")
        ONE_ENTERPRISE = "one_enterprise", _("One enterprise, one negotiation")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        STUDYING = "studying", _("Under study")
        AGREED = "agreed", _("Agreed")
        IMPLEMENTING = "implementing", _("Being implemented")
        CLOSED = "closed", _("Closed")

    ORDER = ("accepted", "studying", "agreed", "implementing", "closed")

    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    request = models.TextField(_("request"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name=_("enterprise"))
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                             verbose_name=_("lead"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                                verbose_name=_("project"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                             verbose_name=_("park"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("region"))

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(lead__isnull=False) | Q(project__isnull=False),
                name="case_has_subject",
                violation_error_message=_("Choose the enterprise, lead or project the case is about."),
            ),
            models.CheckConstraint(condition=Q(status__in=["accepted", "studying", "agreed", "implementing",
                                                           "closed"]), name="case_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class CaseMeeting(TimeStamped):
    """A meeting on a case, with its minutes and decisions."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("case"))
    on = models.DateField(_("date"))
    attendees = models.CharField(_("attendees"), max_length=300, blank=True)
    minutes = models.TextField(_("minutes"))
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        verbose_name = _("case meeting")
        verbose_name_plural = _("case meetings")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.on}"


class CaseMeasure(TimeStamped):
    """An agreed measure of a case: who does it, by when, and when it was done."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures", verbose_name=_("case"))
    text = models.CharField(_("measure"), max_length=300)
    owner = models.CharField(_("responsible"), max_length=100)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.done_on is None and self.due_on < timezone.localdate()
