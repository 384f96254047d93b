"""产业链 and 链长制: a chain as a tree of segments (上游/中游/下游) → 环节 → 细分, each node mapped to GB/T 4754-2017
classes and keywords; enterprises linked to nodes (suggested by code or keyword, or by hand, then confirmed or
rejected); a 招商靶向清单 of external companies per node, each of which can become a lead; tasks per node; and the
people of the 链长制 (链长, 副链长, 工作专班)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import EDIT_REGION, TENANT_READERS
from yuanqu.core.scoping import Scope, ScopedQuerySet

#: A node's depth below its chain: a segment (上游/中游/下游), a 环节 under it, a 细分 under that.
MAX_DEPTH = 3
#: The largest target count or confidence anyone types: beyond it the number is a typing error.
MAX_TARGET = 10000


class ChainQuerySet(ScopedQuerySet["Chain"]):
    """A chain belongs to a region: district roles and the region's park operators read it (an operator sees only
    its own parks' enterprises on it, through the links' scope); district staff edit it. Enterprise users see no
    chain."""

    scope = Scope(region="region", region_roles=TENANT_READERS, edit=EDIT_REGION)


class Chain(TimeStamped):
    """An industry chain (产业链) of a region, e.g. 生物医药 or 数字经济, with its 链长制 people and node tree."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="chains",
                               verbose_name=_("region"))
    name = models.CharField(_("chain name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    template = models.CharField(_("reference template"), max_length=40, blank=True, editable=False)

    objects = ChainQuerySet.as_manager()

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="chain_name_once_per_region",
                                               violation_error_message=_("A chain of this name exists already."))]

    def __str__(self) -> str:
        return self.name


class ChainMemberQuerySet(ScopedQuerySet["ChainMember"]):
    """People of the 链长制 are read and edited with their chain."""

    scope = Scope(via="chain", edit=None)


class ChainNodeQuerySet(ScopedQuerySet["ChainNode"]):
    """Nodes are read and edited with their chain."""

    scope = Scope(via="chain", edit=None)


class ChainMember(TimeStamped):
    """A person of the chain's 链长制: 链长, 副链长 or a member of the 工作专班 (a person, not necessarily a user;
    no contact details are kept here)."""

    class Role(models.TextChoices):
        CHIEF = "chief", _("Chain chief")
        DEPUTY = "deputy", _("Deputy chain chief")
        TEAM = "team", _("Task force member")

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="members", verbose_name=_("chain"))
    role = models.CharField(_("chain role"), max_length=10, choices=Role.choices, default=Role.TEAM)
    name = models.CharField(_("person's name"), max_length=50)
    post = models.CharField(_("post"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)

    objects = ChainMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("chain member")
        verbose_name_plural = _("chain members")
        ordering = ["chain", "role", "id"]
        constraints = [models.CheckConstraint(condition=Q(role__in=["chief", "deputy", "team"]),
                                              name="chain_member_role_valid")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def region_id(self) -> str:
        return str(self.chain.region_id)


class ChainNode(TimeStamped):
    """A node of a chain's tree: a segment (上游/中游/下游, no parent), a 环节 under a segment, or a 细分 under a 环节.
    Its GB/T 4754-2017 classes, its classes of the NBS 数字经济分类 (through their GB/T 4754 correspondences) and
    keywords say which enterprises belong to it; a core node (核心) without a local
    enterprise is a gap (缺失), and any node below its target count is weak (薄弱)."""

    class Importance(models.TextChoices):
        CORE = "core", pgettext_lazy("chain node", "Core")
        SUPPORTING = "supporting", _("Supporting")

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("chain"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("parent node"))
    name = models.CharField(_("node name"), max_length=100)
    depth = models.PositiveSmallIntegerField(_("depth"), default=1, editable=False,
                                             validators=[MinValueValidator(1), MaxValueValidator(MAX_DEPTH)])
    importance = models.CharField(_("importance"), max_length=12, choices=Importance.choices,
                                  default=Importance.SUPPORTING)
    target_count = models.PositiveIntegerField(_("target number of enterprises"), null=True, blank=True,
                                               validators=[MaxValueValidator(MAX_TARGET)])
    industries = models.ManyToManyField("core.IndustryCode", blank=True, related_name="chain_nodes",
                                        verbose_name=_("industry classes"))
    digital_classes = models.ManyToManyField("core.DigitalEconomyClass", blank=True, related_name="chain_nodes",
                                             verbose_name=_("digital-economy classes"))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True,
                                help_text=_("Separated by commas; matched in enterprise names"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0, validators=[MaxValueValidator(999)])

    objects = ChainNodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        ordering = ["chain", "depth", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(importance__in=["core", "supporting"]), name="chain_node_importance"),
            models.CheckConstraint(condition=Q(depth__gte=1) & Q(depth__lte=MAX_DEPTH), name="chain_node_depth"),
            models.CheckConstraint(condition=Q(target_count__isnull=True) | Q(target_count__lte=MAX_TARGET),
                                   name="chain_node_target_bounded"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region_id(self) -> str:
        return str(self.chain.region_id)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", ",").replace("、", ",").split(",") if k.strip()]

    def clean(self) -> None:
        """The parent is a node of the same chain, not the node itself nor one below it, and not too deep."""
        super().clean()
        if self.parent_id is None:
            self.depth = 1
            return
        parent = self.parent
        assert parent is not None
        if parent.chain_id != self.chain_id:
            raise ValidationError({"parent": _("The parent node belongs to another chain.")}, code="other_chain")
        seen: ChainNode | None = parent
        while seen is not None:
            if self.pk is not None and seen.pk == self.pk:
                raise ValidationError({"parent": _("A node cannot be placed under itself or one of its own "
                                                   "sub-nodes.")}, code="cycle")
            seen = seen.parent
        self.depth = parent.depth + 1
        if self.depth > MAX_DEPTH or (self.pk is not None and self.depth + _height(self) > MAX_DEPTH):
            raise ValidationError({"parent": _("A chain has at most three levels: segment, link and sub-link.")},
                                  code="depth")


def _height(node: ChainNode) -> int:
    """How many levels lie below ``node`` (0 for a leaf)."""
    children = list(ChainNode.objects.filter(parent_id=node.pk))
    return 1 + max(_height(c) for c in children) if children else 0


class ChainLinkQuerySet(ScopedQuerySet["ChainLink"]):
    """An enterprise on a node: district roles see their region's chains' links; a park operator sees the links of
    enterprises settled in its parks; district staff decide them."""

    scope = Scope(region="node__chain__region", park="enterprise__settlements__park", edit=EDIT_REGION)


class ChainLink(TimeStamped):
    """An enterprise placed on a chain node, how it was found (行业代码, 关键词, 人工), with what confidence, and
    whether staff confirmed or rejected it. Only confirmed links count in the gap figures."""

    class Source(models.TextChoices):
        INDUSTRY = "industry", _("Industry code")
        KEYWORD = "keyword", _("Keyword")
        MANUAL = "manual", _("By hand")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", pgettext_lazy("chain link", "Rejected")

    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="links", verbose_name=_("node"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="chain_links",
                                   verbose_name=_("enterprise"))
    source = models.CharField(_("found by"), max_length=10, choices=Source.choices)
    confidence = models.PositiveSmallIntegerField(_("confidence (%)"), default=100,
                                                  validators=[MaxValueValidator(100)])
    matched = models.CharField(_("matched on"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ChainLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        ordering = ["node", "-confidence", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["node", "enterprise"], name="chain_link_once_per_node",
                                    violation_error_message=_("This enterprise is on this node already.")),
            models.CheckConstraint(condition=Q(confidence__lte=100), name="chain_link_confidence_pct"),
            models.CheckConstraint(condition=Q(source__in=["industry", "keyword", "manual"]),
                                   name="chain_link_source_valid"),
            models.CheckConstraint(condition=Q(status__in=["suggested", "confirmed", "rejected"]),
                                   name="chain_link_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id}:{self.enterprise_id}"

    @property
    def region_id(self) -> str:
        return str(self.node.chain.region_id)


class ChainTargetQuerySet(ScopedQuerySet["ChainTarget"]):
    """Targets are read and edited with their node (and so with its chain)."""

    scope = Scope(via="node", edit=None)


class ChainTaskQuerySet(ScopedQuerySet["ChainTask"]):
    """Tasks are read and edited with their node (and so with its chain)."""

    scope = Scope(via="node", edit=None)


class ChainTarget(TimeStamped):
    """An entry of a node's 招商靶向清单: an external company worth attracting (name, where it is, why, where the
    tip came from). One click makes it a lead in the 招商 pipeline; the target keeps the lead, and so the lead its
    node."""

    class Status(models.TextChoices):
        OPEN = "open", _("To approach")
        LEAD = "lead", _("Became a lead")
        DROPPED = "dropped", _("Dropped")

    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="targets", verbose_name=_("node"))
    name = models.CharField(_("company name"), max_length=150)
    location = models.CharField(_("located in"), max_length=100, blank=True)
    reason = models.CharField(_("why this company"), max_length=300, blank=True)
    source = models.CharField(_("source of the tip"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    lead = models.OneToOneField("investment.Lead", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="chain_target", verbose_name=_("lead"))

    objects = ChainTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("chain target")
        verbose_name_plural = _("chain targets")
        ordering = ["node", "status", "id"]
        constraints = [
            models.UniqueConstraint(fields=["node", "name"], name="chain_target_once_per_node",
                                    violation_error_message=_("This company is on the node's target list already.")),
            models.CheckConstraint(condition=Q(status__in=["open", "lead", "dropped"]), name="chain_target_status"),
            models.CheckConstraint(condition=Q(status="lead", lead__isnull=False) | (~Q(status="lead")
                                                                                     & Q(lead__isnull=True)),
                                   name="chain_target_lead_iff_status"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region_id(self) -> str:
        return str(self.node.chain.region_id)


class ChainTask(TimeStamped):
    """A task of the 链长制 on a node (走访, 对接, 补链招商 …): who owns it (a person, by name), when it is due, how
    far it got."""

    class Status(models.TextChoices):
        TODO = "todo", pgettext_lazy("chain task", "Not started")
        DOING = "doing", pgettext_lazy("chain task", "In progress")
        DONE = "done", _("Done")

    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("node"))
    title = models.CharField(_("task"), max_length=200)
    owner = models.CharField(_("owner"), max_length=50)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TODO)

    objects = ChainTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("chain task")
        verbose_name_plural = _("chain tasks")
        ordering = ["node", "due_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(status__in=["todo", "doing", "done"]),
                                              name="chain_task_status_valid")]

    def __str__(self) -> str:
        return self.title

    @property
    def region_id(self) -> str:
        return str(self.node.chain.region_id)


# =========================================================================== the four chains (创新链, 人才链, 生态链)

#: The years a yearly record may be of: the platform's history, not before records of the kind were kept.
MIN_YEAR = 1980
#: The largest headcount or count anyone types for one enterprise and year: beyond it the number is a typing error.
MAX_COUNT = 100_000


class Level(models.TextChoices):
    """The level of a recognition (平台、人才计划): 国家级, 省级, 市级, 区级."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


def _year_field(label: Any) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(MIN_YEAR),
                                                               MaxValueValidator(2100)])


def _count_field(label: Any) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(label, default=0, validators=[MaxValueValidator(MAX_COUNT)])


class EnterpriseRecordQuerySet(ScopedQuerySet[Any]):
    """A yearly record of one enterprise (人才, 专利, 融资): district roles see their region's enterprises', a park
    operator those of the enterprises settled in its parks; district staff keep them. Enterprise users see none
    (the chains are the district's view)."""

    scope = Scope(region=("enterprise__region", "enterprise__settlements__park__region"),
                  park="enterprise__settlements__park", enterprise_roles=frozenset(), edit=EDIT_REGION)


class RegionRecordQuerySet(ScopedQuerySet[Any]):
    """A record of the region's ecosystem (服务机构, 基金): every district role and the region's park operators read
    it, as they read the chains; district staff keep it."""

    scope = Scope(region="region", region_roles=TENANT_READERS, edit=EDIT_REGION)


class PlatformQuerySet(ScopedQuerySet["InnovationPlatform"]):
    """Innovation platforms: the region's for district roles, those of enterprises settled in its parks for a park
    operator (an institution's platform, without an enterprise, is the district's); district staff keep them."""

    scope = Scope(region="region", park="enterprise__settlements__park", enterprise_roles=frozenset(),
                  edit=EDIT_REGION)


class InnovationPlatform(TimeStamped):
    """An innovation platform (创新链): a 重点实验室, 工程技术研究中心, 企业技术中心, 新型研发机构 … recognised at a
    level in a year, held by an enterprise of the registry or by an institution (named), serving chain nodes."""

    class Kind(models.TextChoices):
        KEY_LAB = "key_lab", _("Key laboratory")
        ENGINEERING = "engineering", _("Engineering technology research centre")
        ENTERPRISE_CENTRE = "enterprise_centre", _("Enterprise technology centre")
        NEW_RD = "new_rd", _("New-type R&D institution")
        ACADEMICIAN = "academician", _("Academician workstation")
        POSTDOC = "postdoc", _("Postdoctoral workstation")
        INNOVATION_CENTRE = "innovation_centre", _("Manufacturing innovation centre")
        OTHER = "other", _("Other platform")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="innovation_platforms",
                               verbose_name=_("region"))
    name = models.CharField(_("platform name"), max_length=150)
    kind = models.CharField(_("platform kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    recognised_year = _year_field(_("year recognised"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="innovation_platforms", verbose_name=_("enterprise"))
    holder = models.CharField(_("held by (institution)"), max_length=150, blank=True,
                              help_text=_("When the platform is not held by an enterprise of the registry"))
    nodes = models.ManyToManyField(ChainNode, blank=True, related_name="platforms", verbose_name=_("chain nodes"))

    objects = PlatformQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation platform")
        verbose_name_plural = _("innovation platforms")
        ordering = ["-recognised_year", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name", "kind"], name="chain_platform_once",
                                    violation_error_message=_("This platform is registered already.")),
            models.CheckConstraint(condition=Q(kind__in=["key_lab", "engineering", "enterprise_centre", "new_rd",
                                                         "academician", "postdoc", "innovation_centre", "other"]),
                                   name="chain_platform_kind_valid"),
            models.CheckConstraint(condition=Q(level__in=["national", "provincial", "city", "district"]),
                                   name="chain_platform_level_valid"),
            models.CheckConstraint(condition=Q(enterprise__isnull=False) | ~Q(holder=""),
                                   name="chain_platform_has_holder",
                                   violation_error_message=_("Name the enterprise or the institution holding "
                                                             "the platform.")),
        ]

    def __str__(self) -> str:
        return self.name


class TalentHeadcount(TimeStamped):
    """An enterprise's talent of a year (人才链), as counts only — no person is named: 博士, 硕士, 高级职称, and the
    people introduced through talent programmes by the programme's level."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="talent_years",
                                   verbose_name=_("enterprise"))
    year = _year_field(_("year"))
    doctors = _count_field(_("doctors"))
    masters = _count_field(_("masters"))
    senior_titles = _count_field(_("senior professional titles"))
    introduced_national = _count_field(_("introduced talent, national programmes"))
    introduced_provincial = _count_field(_("introduced talent, provincial programmes"))
    introduced_city = _count_field(_("introduced talent, city programmes"))
    introduced_district = _count_field(_("introduced talent, district programmes"))

    objects = EnterpriseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent headcount")
        verbose_name_plural = _("talent headcounts")
        ordering = ["-year", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="chain_talent_once_a_year",
                                               violation_error_message=_("This enterprise's talent of this year "
                                                                         "is recorded already."))]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.year}"

    @property
    def introduced(self) -> int:
        return self.introduced_national + self.introduced_provincial + self.introduced_city + self.introduced_district


class TalentAward(TimeStamped):
    """People of an enterprise selected by a talent programme or award in a year (人才计划、人才奖项), counted by
    programme and level; the persons are not recorded here (personal information stays out of the chains)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="talent_awards",
                                   verbose_name=_("enterprise"))
    year = _year_field(_("year"))
    programme = models.CharField(_("programme or award"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    count = models.PositiveIntegerField(_("people"), default=1, validators=[MinValueValidator(1),
                                                                            MaxValueValidator(MAX_COUNT)])

    objects = EnterpriseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent award")
        verbose_name_plural = _("talent awards")
        ordering = ["-year", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "programme"], name="chain_award_once",
                                    violation_error_message=_("This programme of this year is recorded for the "
                                                              "enterprise already.")),
            models.CheckConstraint(condition=Q(level__in=["national", "provincial", "city", "district"]),
                                   name="chain_award_level_valid"),
        ]

    def __str__(self) -> str:
        return self.programme


class PatentYear(TimeStamped):
    """An enterprise's patents granted in a year (创新链), by kind. The 科技服务 app keeps patents only for
    incubatees; this is the simple record for every enterprise on a chain."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="patent_years",
                                   verbose_name=_("enterprise"))
    year = _year_field(_("year"))
    invention = _count_field(_("invention patents granted"))
    utility = _count_field(_("utility models granted"))
    design = _count_field(_("industrial designs granted"))

    objects = EnterpriseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("patents of a year")
        verbose_name_plural = _("patents of a year")
        ordering = ["-year", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="chain_patents_once_a_year",
                                               violation_error_message=_("This enterprise's patents of this year "
                                                                         "are recorded already."))]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.year}"

    @property
    def total(self) -> int:
        return self.invention + self.utility + self.design


class EcoProvider(TimeStamped):
    """A service provider of the chain's ecosystem (生态链): a bank or investor, a law firm, an IP agency, a testing
    lab, an incubator, an HR firm, a public service platform … and the chain nodes it serves."""

    class Kind(models.TextChoices):
        FINANCE = "finance", _("Finance")
        LAW = "law", _("Legal services")
        IP = "ip", _("Intellectual property")
        TESTING = "testing", _("Testing and certification")
        INCUBATOR = "incubator", _("Incubator")
        HR = "hr", _("Human resources")
        PLATFORM = "platform", _("Public service platform")
        OTHER = "other", _("Other service")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="eco_providers",
                               verbose_name=_("region"))
    name = models.CharField(_("provider name"), max_length=150)
    kind = models.CharField(_("service kind"), max_length=12, choices=Kind.choices)
    services = models.CharField(_("services offered"), max_length=300, blank=True)
    nodes = models.ManyToManyField(ChainNode, blank=True, related_name="providers", verbose_name=_("chain nodes"))

    objects = RegionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="chain_provider_once",
                                    violation_error_message=_("This provider is registered already.")),
            models.CheckConstraint(condition=Q(kind__in=["finance", "law", "ip", "testing", "incubator", "hr",
                                                         "platform", "other"]), name="chain_provider_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Fund(TimeStamped):
    """A fund serving the chains (政府引导基金, 产业基金, 创投基金): its size in 万元, its manager, the nodes it
    invests in."""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("Government guidance fund")
        INDUSTRY = "industry", _("Industry fund")
        VENTURE = "venture", _("Venture capital fund")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="chain_funds",
                               verbose_name=_("region"))
    name = models.CharField(_("fund name"), max_length=150)
    kind = models.CharField(_("fund kind"), max_length=10, choices=Kind.choices)
    size_wan = models.DecimalField(_("fund size (10k yuan)"), max_digits=14, decimal_places=2,
                                   validators=[MinValueValidator(0)], help_text=_("In 万元"))
    manager = models.CharField(_("fund manager"), max_length=150, blank=True)
    nodes = models.ManyToManyField(ChainNode, blank=True, related_name="funds", verbose_name=_("chain nodes"))

    objects = RegionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="chain_fund_once",
                                    violation_error_message=_("This fund is registered already.")),
            models.CheckConstraint(condition=Q(size_wan__gte=0), name="chain_fund_size_nonneg",
                                   violation_error_message=_("Amounts cannot be negative.")),
            models.CheckConstraint(condition=Q(kind__in=["guidance", "industry", "venture"]),
                                   name="chain_fund_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class FinancingEvent(TimeStamped):
    """A financing an enterprise on the chains received (生态链): round, amount in 万元, date, the investors by
    name, and the fund among them when it is one of the region's."""

    class Round(models.TextChoices):
        SEED = "seed", _("Seed")
        ANGEL = "angel", _("Angel")
        A = "a", _("Series A")
        B = "b", _("Series B")
        LATER = "later", _("Series C or later")
        STRATEGIC = "strategic", _("Strategic investment")
        IPO = "ipo", _("Listing (IPO)")
        DEBT = "debt", _("Debt financing")

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="chain_financings", verbose_name=_("enterprise"))
    on = models.DateField(_("date"))
    round = models.CharField(_("round"), max_length=10, choices=Round.choices)
    amount_wan = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=2,
                                     validators=[MinValueValidator(0)], help_text=_("In 万元"))
    investors = models.CharField(_("investors"), max_length=300)
    fund = models.ForeignKey(Fund, on_delete=models.SET_NULL, null=True, blank=True, related_name="financings",
                             verbose_name=_("fund"))

    objects = EnterpriseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("financing event")
        verbose_name_plural = _("financing events")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_wan__gte=0), name="chain_financing_nonneg",
                                   violation_error_message=_("Amounts cannot be negative.")),
            models.CheckConstraint(condition=Q(round__in=["seed", "angel", "a", "b", "later", "strategic", "ipo",
                                                          "debt"]), name="chain_financing_round_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.on:%Y-%m-%d} · {self.get_round_display()}"

    def clean(self) -> None:
        super().clean()
        if self.on and self.on > timezone.localdate():
            raise ValidationError({"on": _("The date cannot be in the future.")}, code="future")
