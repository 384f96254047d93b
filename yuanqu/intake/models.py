"""News and report intake: source documents, the facts extracted from them, and the updates they propose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import EDIT_PARK
from yuanqu.core.scoping import Scope, ScopedQuerySet

#: The longest text kept (characters): a long government work report fits; a 10 MB paste does not.
TEXT_LIMIT = 200_000


class SourceDocumentQuerySet(ScopedQuerySet["SourceDocument"]):
    """Documents of the region for district roles; a park operator sees the documents it brought in."""

    scope = Scope(region="region", owner="created_by", edit=EDIT_PARK)


class SourceDocument(TimeStamped):
    """A news report or an official release as it was published, kept as the source of its facts."""

    class Kind(models.TextChoices):
        PASTE = "paste", _("Pasted text")
        TXT = "txt", _("Text file")
        DOCX = "docx", _("Word document")
        PDF = "pdf", _("PDF")

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="source_documents",
                               verbose_name=_("region"))
    title = models.CharField(_("title"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=100, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    address = models.URLField(_("web address"), max_length=500, blank=True)
    text = models.TextField(_("text"), max_length=TEXT_LIMIT)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PASTE)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["paste", "txt", "docx", "pdf"]),
                                   name="intake_document_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class FactQuerySet(ScopedQuerySet["Fact"]):
    """Facts of the region's documents for district roles; a park operator sees the facts about its parks."""

    scope = Scope(region="document__region", park="park", edit=EDIT_PARK)


class Fact(models.Model):
    """One number found in a document: entity, metric, value (or range), unit, period, qualifier and quote."""

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="facts",
                                 verbose_name=_("source document"))
    position = models.PositiveIntegerField(_("position"))
    entity = models.CharField(_("entity"), max_length=100)
    metric = models.CharField(_("metric"), max_length=60)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    value_high = models.DecimalField(_("upper value"), max_digits=20, decimal_places=6, null=True, blank=True,
                                     help_text=_("The upper end when the text gives a range."))
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    period = models.CharField(_("period"), max_length=40, blank=True)
    period_inferred = models.BooleanField(_("period inferred"), default=False)
    qualifier = models.CharField(_("qualifier"), max_length=20, blank=True)
    quote = models.TextField(_("quote"), max_length=2000)
    start = models.PositiveIntegerField(_("quote start"))
    end = models.PositiveIntegerField(_("quote end"))
    #: The park the fact is about (or the park of the project or enterprise it names): its scope.
    park = models.ForeignKey("parks.Park", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("park"))
    #: The 招商 lead made from a fact that matched nothing in yuanqu (one click, by district staff).
    lead = models.ForeignKey("investment.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("lead"))

    objects = FactQuerySet.as_manager()

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="intake_fact_position_unique"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="intake_fact_quote_span"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.metric} {self.value}{self.unit}"


class ProposalQuerySet(ScopedQuerySet["Proposal"]):
    """Proposals of the region's documents for district roles; a park operator sees those about its parks."""

    scope = Scope(region="fact__document__region", park="park", edit=EDIT_PARK)


class Proposal(TimeStamped):
    """The update a fact proposes to a registry object, compared with what yuanqu holds for that period.

    Nothing is written until a person accepts it. Counts of settled and signed enterprises are computed from the
    dated settlements, so a proposal about them is checked (accepted or rejected), never written; a project's or
    a park's investment and areas are applied through the existing services."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        EDITED = "edited", _("Edited and applied")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied to yuanqu")

    class Field(models.TextChoices):
        MOVED_IN = "moved_in", _("Enterprises moved in")
        SIGNED = "signed", _("Enterprises signed")
        PROJECT_INVESTMENT = "project_investment", _("Project total investment")
        PARK_INVESTMENT = "park_investment", _("Park total investment")
        PARK_LAND = "park_land", _("Park land area")
        PARK_FLOOR = "park_floor", _("Park floor area")
        OUTPUT = "output", _("Output value (approved statistics)")
        REVENUE = "revenue", _("Operating revenue (approved statistics)")
        TAX = "tax", _("Tax (approved statistics)")
        NONE = "", _("Nothing to compare")

    #: Fields whose value is computed from other records: checked, never written. The counts come from the dated
    #: settlements; 产值, 营业收入 and 税收 from the enterprises' approved reports (a press release never
    #: overwrites reported statistics).
    COMPUTED = ("moved_in", "signed", "output", "revenue", "tax")
    #: The statistics a fact is compared with, by field: the indicator's code.
    STATISTICS = ("output", "revenue", "tax")

    fact = models.OneToOneField(Fact, on_delete=models.CASCADE, related_name="proposal", verbose_name=_("fact"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("park"))
    project = models.ForeignKey("investment.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("project"))
    field = models.CharField(_("field"), max_length=30, choices=Field.choices, blank=True)
    value = models.DecimalField(_("proposed value"), max_digits=20, decimal_places=2, null=True, blank=True,
                                help_text=_("In the field's unit: enterprises, 万元, 亩 or m²."))
    held = models.DecimalField(_("value in yuanqu"), max_digits=20, decimal_places=2, null=True, blank=True)
    #: Whether the text and yuanqu agree, to the precision the text states (55亿元 agrees with 54.7亿元; 超50家
    #: with 53); None when yuanqu holds nothing to compare.
    agrees = models.BooleanField(_("agrees"), null=True, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["fact__document", "fact__position"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["proposed", "accepted", "edited", "rejected", "applied"]),
                                   name="intake_proposal_status_valid"),
            models.CheckConstraint(condition=Q(field="") | Q(park__isnull=False) | Q(project__isnull=False),
                                   name="intake_proposal_has_target"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0),
                                   name="intake_proposal_value_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.target_name} {self.get_field_display()} {self.value}"

    @property
    def target_name(self) -> str:
        target = self.project or self.park
        return str(target) if target is not None else ""

    @property
    def field_unit(self) -> str:
        """The unit of ``value`` and ``held``."""
        return {"moved_in": "家", "signed": "家", "project_investment": "万元", "park_investment": "万元",
                "park_land": "亩", "park_floor": "平方米", "output": "万元", "revenue": "万元",
                "tax": "万元"}.get(self.field, "")

    @property
    def writable(self) -> bool:
        return bool(self.field) and self.field not in self.COMPUTED
