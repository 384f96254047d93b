"""Every write to the service catalogue, the response-time rules and the requests: filing, dispatch, transfer,
work, closing, the visit back, ratings, rectifications, and the deadline check the timer runs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.roles import CONFIGURERS, EDIT_PARK, Role
from yuanqu.core.scoping import region_contains
from yuanqu.core.services import UNSET, Unset, assign, require_role, save_created, save_updated
from yuanqu.core.validators import clean_phone
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.investment.services import MAX_EVIDENCE_BYTES, sniff_evidence
from yuanqu.parks.models import Park

from . import calendar
from .models import (
    RECTIFY_WORKDAYS,
    Level,
    Rating,
    Rectification,
    RequestAttachment,
    RequestEvent,
    ResponseRule,
    Service,
    ServiceRequest,
)

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

log = logging.getLogger(__name__)


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


# --- Response-time rules -------------------------------------------------------------------------

@transaction.atomic
def rule_update(*, actor: User, rule: ResponseRule, name: str | Unset = UNSET, amount: int | Unset = UNSET,
                unit: str | Unset = UNSET, warn_hours: int | Unset = UNSET, basis: str | Unset = UNSET
                ) -> ResponseRule:
    """Change a priority's time allowed (district staff: a business rule). Requests already filed keep their
    deadline; new ones get the new one."""
    require_role(actor, CONFIGURERS)
    before = audit.snapshot(rule)
    assign(rule, name=name, amount=amount, unit=unit, warn_hours=warn_hours, basis=basis)
    limit = rule.amount * (24 if rule.unit == ResponseRule.Unit.WORKDAYS else 1)
    if rule.warn_hours >= limit:
        raise _error("warn_hours", _("The warning must come before the time allowed runs out."), "warn_too_late")
    return save_updated(actor=actor, obj=rule, before=before)


# --- The catalogue -------------------------------------------------------------------------------

def _check_handlers(*, park: Park | None, region: Region, handlers: Iterable[User]) -> list[User]:
    """Handlers of a park's service are its operators or the district's staff; of a district service, staff."""
    checked = []
    for user in handlers:
        staff = user.role == Role.REGION_STAFF and region_contains(user.region_id, region.code)
        operator = (park is not None and user.role == Role.PARK_OPERATOR
                    and user.parks.filter(pk=park.pk).exists())
        if not (staff or operator):
            raise _error("handlers", _("%(name)s cannot handle requests of this service.") % {"name": user},
                         "handler")
        checked.append(user)
    return checked


@transaction.atomic
def service_create(*, actor: User, name: str, category: str, default_rule: ResponseRule, park: Park | None = None,
                   region: Region | None = None, description: str = "", handlers: Iterable[User] = (),
                   active: bool = True) -> Service:
    """Add a service to a park's catalogue (its operator or district staff) or the district's (staff)."""
    require_role(actor, EDIT_PARK)
    if park is not None:
        if not Park.objects.editable_by(actor).filter(pk=park.pk).exists():
            raise _error("park", _("This park is outside your scope."), "scope")
        region = park.region
    else:
        if actor.role != Role.REGION_STAFF:
            raise _error("park", _("Choose the park that offers the service."), "required")
        region = region or actor.region
        if region is None or not region_contains(actor.region_id, region.code):
            raise _error("region", _("This region is outside your scope."), "scope")
    service = Service(name=(name or "").strip(), category=category, park=park, region=region,
                      offered_region=None if park is not None else region, description=description,
                      default_rule=default_rule, active=active)
    if Service.objects.filter(region=region, park=park, name=service.name).exists():
        raise _error("name", _("This catalogue has a service of that name already."), "duplicate")
    return save_created(actor=actor, obj=service,
                        m2m={"handlers": _check_handlers(park=park, region=region, handlers=handlers)})


@transaction.atomic
def service_update(*, actor: User, service: Service, name: str | Unset = UNSET, category: str | Unset = UNSET,
                   default_rule: ResponseRule | Unset = UNSET, description: str | Unset = UNSET,
                   handlers: Iterable[User] | Unset = UNSET, active: bool | Unset = UNSET) -> Service:
    """Change a service of the catalogue (its park and region stay)."""
    if not Service.objects.editable_by(actor).filter(pk=service.pk).exists():
        raise PermissionDenied("service not editable")
    before = audit.snapshot(service)
    assign(service, name=name, category=category, default_rule=default_rule, description=description,
           active=active)
    service.name = (service.name or "").strip()
    if Service.objects.filter(region=service.region, park=service.park, name=service.name).exclude(
            pk=service.pk).exists():
        raise _error("name", _("This catalogue has a service of that name already."), "duplicate")
    m2m: dict[str, Iterable[Any]] | None = None
    if handlers is not UNSET:
        m2m = {"handlers": _check_handlers(park=service.park, region=service.region, handlers=handlers)}
    return save_updated(actor=actor, obj=service, before=before, m2m=m2m)


# --- Requests ------------------------------------------------------------------------------------

def _check_files(files: Iterable[Any]) -> list[tuple[Any, str]]:
    """Attachments as project evidence is checked: PDF or image by content, at most 20 MB each."""
    checked = []
    for f in files:
        name = getattr(f, "name", "") or "file"
        if f.size > MAX_EVIDENCE_BYTES:
            raise _error("attachments", _("%(name)s is larger than 20 MB.") % {"name": name}, "too_large")
        f.seek(0)
        kind = sniff_evidence(f.read(16))
        f.seek(0)
        if not kind:
            raise _error("attachments", _("%(name)s is not a PDF or an image (judged by its content, not its "
                                          "name).") % {"name": name}, "file_type")
        checked.append((f, kind))
    return checked


def _attach(*, actor: User, request: ServiceRequest, files: list[tuple[Any, str]],
            event: RequestEvent | None = None) -> None:
    for f, kind in files:
        save_created(actor=actor, obj=RequestAttachment(
            request=request, event=event, file=f, original_name=(getattr(f, "name", "") or "file")[:200],
            content_type=kind, size=f.size, uploaded_by=actor))


def _event(request: ServiceRequest, kind: str, *, author: User | None, text: str = "",
           to_user: User | None = None, at: dt.datetime | None = None) -> RequestEvent:
    return RequestEvent.objects.create(request=request, kind=kind, author=author, text=text, to_user=to_user,
                                       at=at or timezone.now())


def settled_parks(enterprise: Enterprise) -> list[int]:
    """The parks the enterprise is settled in now (signed, fitting out or moved in; not exited)."""
    return list(Settlement.objects.filter(enterprise=enterprise).exclude(stage=Settlement.Stage.EXITED)
                .values_list("park_id", flat=True))


def _check_service_for(enterprise: Enterprise, service: Service) -> None:
    """A park's service is for that park's tenants; a district's, for enterprises of its region."""
    if not service.active:
        raise _error("service", _("This service is not offered any more."), "inactive")
    if service.park_id is not None:
        if service.park_id not in settled_parks(enterprise):
            raise _error("service", _("This service is offered to the tenants of %(park)s only.")
                         % {"park": service.park}, "not_tenant")
    elif not region_contains(service.region_id, enterprise.region_id):
        raise _error("service", _("This district service is for enterprises of its district only."), "region")


def _number(now: dt.datetime) -> str:
    prefix = "FW" + timezone.localtime(now).strftime("%Y%m%d")
    last = (ServiceRequest.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    seq = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _may_dispatch(actor: User, request: ServiceRequest) -> bool:
    """District staff of the request's region and the operators of its park dispatch, transfer and visit."""
    if actor.role not in EDIT_PARK:
        return False
    return ServiceRequest.objects.visible_to(actor).filter(pk=request.pk).exists()


def _may_handle(actor: User, request: ServiceRequest) -> bool:
    return request.handler_id == actor.pk or _may_dispatch(actor, request)


def _eligible_handler(user: User, request: ServiceRequest) -> bool:
    """A handler is district staff or an operator who can see the request."""
    return (user.is_active and user.role in EDIT_PARK
            and ServiceRequest.objects.visible_to(user).filter(pk=request.pk).exists())


@transaction.atomic
def request_create(*, actor: User, enterprise: Enterprise, service: Service, title: str, description: str,
                   rule: ResponseRule | None = None, contact_name: str = "", contact_phone: str = "",
                   attachments: Iterable[Any] = (), now: dt.datetime | None = None) -> ServiceRequest:
    """File a request (受理): by an enterprise user for its own enterprise, or by district staff or the park's
    operator on an enterprise's behalf. The deadline follows the priority's rule and the working-day calendar;
    a service with one named handler is dispatched to them at once."""
    require_role(actor, {Role.ENTERPRISE_USER, Role.PARK_OPERATOR, Role.REGION_STAFF})
    if actor.role == Role.ENTERPRISE_USER:
        if enterprise.pk != actor.enterprise_id:
            raise PermissionDenied("not the user's enterprise")
    elif not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("enterprise outside the scope")
    if not Service.objects.visible_to(actor).filter(pk=service.pk).exists():
        raise _error("service", _("Choose a service of the catalogue."), "scope")
    _check_service_for(enterprise, service)
    files = _check_files(attachments)
    rule = rule or service.default_rule
    now = now or timezone.now()
    due = calendar.due_at(now, rule)
    request = ServiceRequest(
        number=_number(now), title=(title or "").strip(), description=description, service=service, rule=rule,
        enterprise=enterprise, park=service.park, region=service.region,
        requester=actor if actor.role == Role.ENTERPRISE_USER else None, filed_by=actor,
        contact_name=contact_name, contact_phone=clean_phone(contact_phone), accepted_at=now, due_at=due,
        warn_at=calendar.warn_at(now, due, rule))
    save_created(actor=actor, obj=request)
    event = _event(request, RequestEvent.Kind.ACCEPTED, author=actor, at=now,
                   text=_("Due by %(due)s (%(rule)s: %(limit)s).") % {
                       "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"), "rule": rule.name,
                       "limit": rule.describe})
    _attach(actor=actor, request=request, files=files, event=event)
    handlers = list(service.handlers.filter(is_active=True))
    if len(handlers) == 1 and _eligible_handler(handlers[0], request):
        _set_handler(actor=actor, request=request, handler=handlers[0], kind=RequestEvent.Kind.ASSIGNED,
                     text=_("Dispatched to the service's handler."), now=now)
    return request


def _set_handler(*, actor: User, request: ServiceRequest, handler: User, kind: str, text: str,
                 now: dt.datetime | None = None) -> None:
    before = audit.snapshot(request)
    request.handler = handler
    if request.status == ServiceRequest.Status.ACCEPTED:
        request.status = ServiceRequest.Status.ASSIGNED
    request.full_clean()
    request.save()
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=request, before=before,
                 after=audit.snapshot(request))
    _event(request, kind, author=actor, to_user=handler, text=text, at=now)
    email = getattr(handler, "email", "")
    if email and handler.pk != actor.pk:
        message = _("Service request %(number)s (%(title)s) is yours to handle, due by %(due)s.") % {
            "number": request.number, "title": request.title,
            "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")}
        transaction.on_commit(lambda: _mail([email], message))


def _mail(to: list[str], message: str) -> None:
    """Send a notice by e-mail after commit; a broken mail server loses nothing (the timeline has it)."""
    try:
        send_mail("企业服务诉求提醒", message, None, to, fail_silently=False)
    except Exception:  # the in-app timeline and lists carry the notice whatever the mail server does
        log.exception("support notice mail failed")


def _locked(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_assign(*, actor: User, request: ServiceRequest, handler: User, note: str = "",
                   now: dt.datetime | None = None) -> ServiceRequest:
    """Dispatch a newly accepted request (分派) to a handler who can see it."""
    if not _may_dispatch(actor, request):
        raise PermissionDenied("may not dispatch")
    request = _locked(request)
    if request.status != ServiceRequest.Status.ACCEPTED:
        raise _error("handler", _("The request is dispatched already; transfer it instead."), "dispatched")
    if not _eligible_handler(handler, request):
        raise _error("handler", _("%(name)s cannot handle this request.") % {"name": handler}, "handler")
    _set_handler(actor=actor, request=request, handler=handler, kind=RequestEvent.Kind.ASSIGNED, text=note,
                 now=now)
    return request


@transaction.atomic
def request_transfer(*, actor: User, request: ServiceRequest, handler: User, reason: str,
                     now: dt.datetime | None = None) -> ServiceRequest:
    """Hand an open request to another handler (转办), with the reason; the deadline stays."""
    if not _may_handle(actor, request):
        raise PermissionDenied("may not transfer")
    request = _locked(request)
    if not request.is_open:
        raise _error("handler", _("The request is closed; it cannot be transferred."), "closed")
    if not reason.strip():
        raise _error("reason", _("Give the reason for the transfer."), "required")
    if handler.pk == request.handler_id:
        raise _error("handler", _("%(name)s handles the request already.") % {"name": handler}, "same")
    if not _eligible_handler(handler, request):
        raise _error("handler", _("%(name)s cannot handle this request.") % {"name": handler}, "handler")
    _set_handler(actor=actor, request=request, handler=handler, kind=RequestEvent.Kind.TRANSFERRED,
                 text=reason.strip(), now=now)
    return request


def _move(*, actor: User, request: ServiceRequest, status: str, event: str, text: str = "",
          now: dt.datetime | None = None, **fields: Any) -> ServiceRequest:
    before = audit.snapshot(request)
    request.status = status
    for name, value in fields.items():
        setattr(request, name, value)
    request.full_clean()
    request.save()
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=request, before=before,
                 after=audit.snapshot(request))
    _event(request, event, author=actor, text=text, at=now)
    return request


@transaction.atomic
def request_start(*, actor: User, request: ServiceRequest, note: str = "",
                  now: dt.datetime | None = None) -> ServiceRequest:
    """The handler starts work (办理)."""
    if not _may_handle(actor, request):
        raise PermissionDenied("may not handle")
    request = _locked(request)
    if request.status != ServiceRequest.Status.ASSIGNED:
        raise _error("status", _("Only a dispatched request can be started."), "order")
    return _move(actor=actor, request=request, status=ServiceRequest.Status.IN_PROGRESS,
                 event=RequestEvent.Kind.STARTED, text=note, now=now)


@transaction.atomic
def request_close(*, actor: User, request: ServiceRequest, result: str,
                  now: dt.datetime | None = None) -> ServiceRequest:
    """Close a request in hand (办结) with what was done; the requester is then invited to rate it."""
    if not _may_handle(actor, request):
        raise PermissionDenied("may not handle")
    request = _locked(request)
    if request.status not in (ServiceRequest.Status.ASSIGNED, ServiceRequest.Status.IN_PROGRESS):
        raise _error("status", _("Only a request in hand can be closed."), "order")
    if not result.strip():
        raise _error("result", _("Say what was done."), "required")
    return _move(actor=actor, request=request, status=ServiceRequest.Status.CLOSED,
                 event=RequestEvent.Kind.CLOSED, text=result.strip(), result=result.strip(),
                 closed_at=now or timezone.now(), now=now)


@transaction.atomic
def request_visit(*, actor: User, request: ServiceRequest, note: str,
                  now: dt.datetime | None = None) -> ServiceRequest:
    """Record the visit back (回访) to the enterprise after closing."""
    if not _may_dispatch(actor, request):
        raise PermissionDenied("may not visit")
    request = _locked(request)
    if request.status != ServiceRequest.Status.CLOSED:
        raise _error("status", _("Only a closed request can be visited back."), "order")
    if not note.strip():
        raise _error("note", _("Say what the enterprise said."), "required")
    return _move(actor=actor, request=request, status=ServiceRequest.Status.VISITED,
                 event=RequestEvent.Kind.VISITED, text=note.strip(), visited_at=now or timezone.now(), now=now)


@transaction.atomic
def request_comment(*, actor: User, request: ServiceRequest, text: str,
                    attachments: Iterable[Any] = ()) -> RequestEvent:
    """A comment on a request, with files: by the enterprise, its handler or the dispatchers."""
    if actor.role not in {Role.ENTERPRISE_USER, *EDIT_PARK} or not (
            ServiceRequest.objects.visible_to(actor).filter(pk=request.pk).exists()):
        raise PermissionDenied("may not comment")
    files = _check_files(attachments)
    if not text.strip() and not files:
        raise _error("text", _("Write a comment or attach a file."), "required")
    event = _event(request, RequestEvent.Kind.COMMENT, author=actor, text=text.strip())
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=event, after=audit.snapshot(event))
    _attach(actor=actor, request=request, files=files, event=event)
    return event


def may_rate(actor: Any, request: ServiceRequest) -> bool:
    """Whether ``actor`` is invited to rate: the requester (for a request staff entered, a user of the
    enterprise), once the request is closed, if nobody rated it yet."""
    if getattr(actor, "role", None) != Role.ENTERPRISE_USER:
        return False
    if request.requester_id is not None:
        mine = request.requester_id == actor.pk
    else:
        mine = request.enterprise_id == actor.enterprise_id
    return (mine and request.status in (ServiceRequest.Status.CLOSED, ServiceRequest.Status.VISITED)
            and not Rating.objects.filter(request=request).exists())


@transaction.atomic
def request_rate(*, actor: User, request: ServiceRequest, level: int, speed: int, quality: int, attitude: int,
                 comment: str = "") -> Rating:
    """The requester's rating (好差评), once, after closing. 不满意 or worse opens a rectification due in 15
    working days, owned by the request's handler."""
    request = _locked(request)
    if getattr(actor, "role", None) != Role.ENTERPRISE_USER or (
            request.requester_id is not None and request.requester_id != actor.pk) or (
            request.requester_id is None and request.enterprise_id != actor.enterprise_id):
        raise _error("level", _("Only the requester can rate this request."), "not_requester")
    if Rating.objects.filter(request=request).exists():
        raise _error("level", _("This request has been rated already; a rating is given once."), "rated")
    if request.status not in (ServiceRequest.Status.CLOSED, ServiceRequest.Status.VISITED):
        raise _error("level", _("A request can be rated once it is closed."), "open")
    if level not in Level.values:
        raise _error("level", _("Choose one of the five grades."), "invalid")
    if level in (Level.DISSATISFIED, Level.VERY_DISSATISFIED) and not comment.strip():
        raise _error("comment", _("Tell us what was wrong, so it can be put right."), "required")
    rating = save_created(actor=actor, obj=Rating(request=request, level=level, speed=speed, quality=quality,
                                                 attitude=attitude, comment=comment.strip(), rated_by=actor))
    _event(request, RequestEvent.Kind.RATED, author=actor,
           text=f"{Level(level).label}{'：' + comment.strip() if comment.strip() else ''}")
    if rating.is_poor:
        today = timezone.localdate()
        rect = Rectification(request=request, rating=rating, owner=request.handler,
                             due_on=calendar.add_workdays(today, RECTIFY_WORKDAYS))
        save_created(actor=actor, obj=rect)
    return rating


@transaction.atomic
def rectification_done(*, actor: User, rectification: Rectification, result: str) -> Rectification:
    """Close a rectification with what was changed (its owner or the request's dispatchers)."""
    request = rectification.request
    if not (rectification.owner_id == actor.pk or _may_dispatch(actor, request)):
        raise PermissionDenied("may not rectify")
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rectification.status != Rectification.Status.OPEN:
        raise _error("result", _("This rectification is done already."), "done")
    if not result.strip():
        raise _error("result", _("Say what was changed."), "required")
    before = audit.snapshot(rectification)
    rectification.status = Rectification.Status.DONE
    rectification.result = result.strip()
    rectification.done_at = timezone.now()
    return save_updated(actor=actor, obj=rectification, before=before)


# --- Deadlines: warnings and escalation (run by the timer) ---------------------------------------

def _escalation_addresses(request: ServiceRequest) -> list[str]:
    """District staff of the request's region (or above it) who have an e-mail address."""
    from yuanqu.accounts.models import User

    codes = [request.region_id[:n] for n in (2, 4, 6)]
    return list(User.objects.filter(role=Role.REGION_STAFF, is_active=True, region_id__in=codes)
                .exclude(email="").values_list("email", flat=True))


@transaction.atomic
def check_deadlines(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Warn the handlers of open requests whose warning time has come, and escalate those past their deadline
    to the district staff (each once). Returns (warned, escalated). Run by ``yuanqu support_deadlines``."""
    now = now or timezone.now()
    open_requests = ServiceRequest.objects.open().select_for_update(of=("self",))
    warned = escalated = 0
    for request in open_requests.filter(warned_at__isnull=True, warn_at__lte=now, due_at__gte=now):
        before = audit.snapshot(request)
        request.warned_at = now
        request.save(update_fields=["warned_at", "updated_at"])
        left = request.due_at - now
        hours = int(left.total_seconds() // 3600)
        _event(request, RequestEvent.Kind.WARNED, author=None, to_user=request.handler, at=now,
               text=_("About %(hours)s hour(s) left before the deadline %(due)s.") % {
                   "hours": hours, "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")})
        audit.record(actor=None, action=AuditEvent.Action.UPDATE, obj=request, before=before,
                     after=audit.snapshot(request))
        if request.handler is not None and request.handler.email:
            message = _("Service request %(number)s (%(title)s) is due by %(due)s.") % {
                "number": request.number, "title": request.title,
                "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")}
            transaction.on_commit(partial(_mail, [request.handler.email], message))
        warned += 1
    for request in open_requests.filter(escalated_at__isnull=True, due_at__lt=now).select_related("handler"):
        before = audit.snapshot(request)
        request.escalated_at = now
        request.warned_at = request.warned_at or now
        request.save(update_fields=["escalated_at", "warned_at", "updated_at"])
        _event(request, RequestEvent.Kind.ESCALATED, author=None, to_user=request.handler, at=now,
               text=_("The deadline %(due)s has passed; reported to the district.") % {
                   "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")})
        audit.record(actor=None, action=AuditEvent.Action.UPDATE, obj=request, before=before,
                     after=audit.snapshot(request))
        to = _escalation_addresses(request)
        if to:
            message = _("Service request %(number)s (%(title)s) is overdue: it was due by %(due)s.") % {
                "number": request.number, "title": request.title,
                "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")}
            transaction.on_commit(partial(_mail, to, message))
        escalated += 1
    return warned, escalated


def my_queue_q(user: Any) -> Q:
    """The open requests a handler holds."""
    return Q(handler=user, status__in=ServiceRequest.OPEN)
