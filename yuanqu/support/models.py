"""Enterprise service requests (服务诉求 / 工单): the service catalogue of parks and the district, response times by
priority (12345 norms, as data), a working-day calendar (as data), requests from 受理 to 回访 with their timeline,
attachments, ratings (好差评) and the rectification a poor rating opens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import DICTIONARY_READERS, EDIT_ENTERPRISE, EDIT_PARK, EDIT_REGION
from yuanqu.core.scoping import Scope, ScopedQuerySet

#: The norm the default response times follow, quoted in help texts and the README.
NORM_12345 = _("12345 hotline norms: 国办发〔2020〕53号 (one 12345 number, 限时办理, 回访) and the local 接诉即办 "
               "limits: emergencies 2 hours, water/power/gas/heating 24 hours, ordinary requests 7 days, complex "
               "ones 15 days.")


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday week: a public holiday (放假) or a weekend working day (调休上班).

    National data, loaded by a data migration from the 国务院办公厅 notice of each year, with its source."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Adjusted working day")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("occasion"), max_length=40)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["holiday", "workday"]),
                                              name="support_calendar_kind_valid")]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class ResponseRuleQuerySet(ScopedQuerySet["ResponseRule"]):
    """The response-time rules are shared by the deployment: every business role reads them, staff set them."""

    scope = Scope(everyone=DICTIONARY_READERS, edit=EDIT_REGION)


class ResponseRule(TimeStamped):
    """How long a request of one priority may take (办理时限), counted in clock hours or in working days, and how
    long before the deadline its handler is warned. Data, not code: district staff change it."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours (around the clock)")
        WORKDAYS = "workdays", _("working days")

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("priority"), max_length=40)
    amount = models.PositiveIntegerField(_("time allowed"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("counted in"), max_length=10, choices=Unit.choices)
    warn_hours = models.PositiveIntegerField(_("warn this many hours before"), default=0,
                                             help_text=_("0: no warning before the deadline"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    basis = models.CharField(_("basis"), max_length=300, blank=True, help_text=NORM_12345)

    objects = ResponseRuleQuerySet.as_manager()

    name_fields = ("name",)

    class Meta:
        verbose_name = _("response-time rule")
        verbose_name_plural = _("response-time rules")
        ordering = ["order", "code"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=1), name="support_rule_amount_pos"),
                       models.CheckConstraint(condition=Q(unit__in=["hours", "workdays"]),
                                              name="support_rule_unit_valid")]

    def __str__(self) -> str:
        return self.name

    @property
    def describe(self) -> str:
        unit = "小时" if self.unit == self.Unit.HOURS else "个工作日"
        return f"{self.amount}{unit}"


class Category(models.TextChoices):
    """The kinds of service parks and the district offer."""

    PROPERTY = "property", _("Property management")
    POLICY = "policy", _("Policy consultation")
    REGISTRATION = "registration", _("Business registration agency")
    TALENT = "talent", _("Talent services")
    FINANCING = "financing", _("Financing matchmaking")
    IP = "ip", _("Intellectual property")
    TESTING = "testing", _("Inspection and testing")
    TECH_TRANSFER = "tech_transfer", _("Technology transfer")
    OTHER = "other", _("Other services")


class ServiceQuerySet(ScopedQuerySet["Service"]):
    """Services a user may see: the region's for district roles, their parks' for operators; an enterprise sees
    the services of the parks it is settled in and the district's own (``offered_region``). District staff and
    the park's operator change them."""

    scope = Scope(region="region", park="park",
                  enterprise=("park__settlements__enterprise", "offered_region__enterprises"), edit=EDIT_PARK)

    def active(self) -> ServiceQuerySet:
        return self.filter(active=True)


class Service(TimeStamped):
    """One service of the catalogue (服务事项): offered by a park (its operator handles it) or by the district
    (``park`` empty; district staff handle it), with its handlers and default priority."""

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="support_services",
                               verbose_name=_("region"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="support_services", verbose_name=_("park"),
                             help_text=_("Empty: a service of the district"))
    #: The region of a district service (empty for a park's): lets the region's enterprises see it.
    offered_region = models.ForeignKey("core.Region", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", editable=False)
    description = models.TextField(_("description"), blank=True)
    default_rule = models.ForeignKey(ResponseRule, on_delete=models.PROTECT, related_name="services",
                                     verbose_name=_("default priority"))
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="support_services",
                                      verbose_name=_("handlers"),
                                      help_text=_("Who receives new requests; empty: the park's operators or the "
                                                  "district staff dispatch them"))
    active = models.BooleanField(_("offered"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "park", "name"], name="support_service_once"),
            models.CheckConstraint(condition=Q(park__isnull=True, offered_region__isnull=False)
                                   | Q(park__isnull=False, offered_region__isnull=True),
                                   name="support_service_offered_region"),
        ]

    def __str__(self) -> str:
        return self.name


class RequestQuerySet(ScopedQuerySet["ServiceRequest"]):
    """Requests a user may see: the region's for district roles, their parks' for operators, its own
    enterprise's for an enterprise user."""

    scope = Scope(region="region", park="park", enterprise="enterprise", edit=EDIT_ENTERPRISE)

    def open(self) -> RequestQuerySet:
        return self.filter(status__in=ServiceRequest.OPEN)

    def overdue(self, now: dt.datetime | None = None) -> RequestQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())


class ServiceRequest(TimeStamped):
    """An enterprise's request to its park or the district (工单): 受理 → 分派 → 办理 → 办结 → 回访, due by its
    priority's rule, warned before the deadline and escalated when it passes."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")
        VISITED = "visited", _("Visited back")

    OPEN = ("accepted", "assigned", "in_progress")
    ORDER = ("accepted", "assigned", "in_progress", "closed", "visited")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("request title"), max_length=100)
    description = models.TextField(_("description"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests",
                                verbose_name=_("service"))
    rule = models.ForeignKey(ResponseRule, on_delete=models.PROTECT, related_name="requests",
                             verbose_name=_("priority"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="service_requests", verbose_name=_("enterprise"))
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="service_requests", verbose_name=_("park"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="service_requests",
                               verbose_name=_("region"))
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="service_requests", verbose_name=_("requester"),
                                  help_text=_("The enterprise user who filed it; empty when staff entered it"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("entered by"))
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="handled_requests", verbose_name=_("handler"))
    accepted_at = models.DateTimeField(_("accepted at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    name_fields = ("title", "contact_name")

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["accepted", "assigned", "in_progress", "closed",
                                                           "visited"]), name="support_request_status_valid"),
            models.CheckConstraint(condition=Q(due_at__gt=models.F("accepted_at")),
                                   name="support_request_due_after_accepted"),
            models.CheckConstraint(condition=~Q(status__in=["closed", "visited"]) | Q(closed_at__isnull=False),
                                   name="support_request_closed_dated",
                                   violation_error_message=_("A closed request needs its closing time.")),
            models.CheckConstraint(condition=~Q(status__in=["assigned", "in_progress"]) | Q(handler__isnull=False),
                                   name="support_request_assigned_has_handler",
                                   violation_error_message=_("Choose who handles the request.")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def warning(self) -> bool:
        return self.is_open and not self.overdue and self.warn_at <= timezone.now()

    @property
    def on_time(self) -> bool | None:
        """Closed by its deadline (None while open)."""
        return None if self.closed_at is None else self.closed_at <= self.due_at


class EventQuerySet(ScopedQuerySet["RequestEvent"]):
    """The timeline of the requests a user may see."""

    scope = Scope(via="request", edit=None)


class RequestEvent(models.Model):
    """One step of a request's timeline: a stage, a transfer, a comment, a warning or an escalation."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        ASSIGNED = "assigned", _("Assigned")
        TRANSFERRED = "transferred", _("Transferred")
        STARTED = "started", _("Work started")
        COMMENT = "comment", _("Comment")
        CLOSED = "closed", _("Closed")
        VISITED = "visited", _("Visited back")
        RATED = "rated", _("Rated")
        WARNED = "warned", _("Deadline warning")
        ESCALATED = "escalated", _("Escalated: deadline passed")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("request"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("by"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("to"))
    text = models.TextField(_("text"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class AttachmentQuerySet(ScopedQuerySet["RequestAttachment"]):
    """Attachments of the requests a user may see."""

    scope = Scope(via="request", edit=None)


class RequestAttachment(TimeStamped):
    """A file added to a request (a photo of the fault, a scanned document): PDF or image, at most 20 MB, checked
    by content as project evidence is."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("request"))
    event = models.ForeignKey(RequestEvent, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="attachments", verbose_name=_("with"))
    file = models.FileField(_("file"), upload_to="support/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Level(models.IntegerChoices):
    """The five grades of 好差评 (the 政务服务"好差评" scale)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


#: 差评: dissatisfied or worse opens a rectification.
POOR = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
#: Working days a rectification of a 差评 is due in.
RECTIFY_WORKDAYS = 15


class RatingQuerySet(ScopedQuerySet["Rating"]):
    """Ratings of the requests a user may see."""

    scope = Scope(via="request", edit=None)


class Rating(TimeStamped):
    """The requester's rating of a closed request (好差评), once: an overall level and a score per dimension."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="rating",
                                   verbose_name=_("request"))
    level = models.PositiveSmallIntegerField(_("overall"), choices=Level.choices)
    speed = models.PositiveSmallIntegerField(_("response speed"), validators=[MinValueValidator(1),
                                                                            MaxValueValidator(5)])
    quality = models.PositiveSmallIntegerField(_("result"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    attitude = models.PositiveSmallIntegerField(_("attitude"), validators=[MinValueValidator(1),
                                                                          MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("rated by"))

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="support_rating_level_range"),
            models.CheckConstraint(condition=Q(speed__gte=1, speed__lte=5, quality__gte=1, quality__lte=5,
                                               attitude__gte=1, attitude__lte=5),
                                   name="support_rating_scores_range"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.level}"

    @property
    def is_poor(self) -> bool:
        return self.level in POOR


class RectificationQuerySet(ScopedQuerySet["Rectification"]):
    """Rectifications of the requests a user may see."""

    scope = Scope(via="request", edit=None)


class Rectification(TimeStamped):
    """The task a 差评 opens (整改): due in 15 working days, done with what was changed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="rectification",
                                   verbose_name=_("request"))
    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification",
                                  verbose_name=_("rating"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("responsible"))
    result = models.TextField(_("what was changed"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | (~Q(result="") & Q(done_at__isnull=False)),
                                   name="support_rectification_done_has_result",
                                   violation_error_message=_("Say what was changed.")),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.due_on}"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()
