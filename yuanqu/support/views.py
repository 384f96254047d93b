"""Enterprise-service pages: the catalogue, request lists (all, my queue, overdue), filing, the request page with
its timeline and the handler's steps, the rating, rectifications and the response-time rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core import audit
from yuanqu.core.forms import call_service
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.roles import CONFIGURERS, EDIT_PARK, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from . import selectors, services
from .forms import HandlerForm, RatingForm, RequestForm, RuleForm, ServiceForm, TextForm
from .models import (
    Category,
    Rectification,
    RequestAttachment,
    RequestEvent,
    ResponseRule,
    Service,
    ServiceRequest,
)

READERS = {Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR, Role.ENTERPRISE_USER}
HANDLERS = EDIT_PARK



def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def _park_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Park.objects.visible_to(request.user).values_list("pk", "name"))


def _service_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Service.objects.visible_to(request.user).values_list("pk", "name"))


# --- The catalogue -------------------------------------------------------------------------------

@login_required
def catalogue(request: AuthedRequest) -> HttpResponse:
    """The services the user may see, with their priority and handlers."""
    require_page_role(request.user, READERS)
    spec = ListSpec(
        filters=[Filter("category", _("Category"), Category.choices), Filter("park", _("Park"), _park_choices)],
        sorts={"name": ("name",), "category": ("category", "name")}, default_sort="category",
        search=lambda qs, q: qs.filter(name__icontains=q),
        columns=lambda r: [Column(_("Service"), lambda s: s.name),
                           Column(_("Category"), lambda s: s.get_category_display()),
                           Column(_("Park"), lambda s: s.park.name if s.park else _("District")),
                           Column(_("Default priority"), lambda s: s.default_rule.name),
                           Column(_("Time allowed"), lambda s: s.default_rule.describe),
                           Column(_("Handlers"), lambda s: "、".join(str(u) for u in s.handlers.all())),
                           Column(_("Description"), lambda s: s.description)],
        export_name="services")
    return run_list(request, selectors.services_for(request.user).prefetch_related("handlers"), spec,
                    "support/catalogue.html", {
                        "can_create": request.user.role in HANDLERS,
                        "can_file": request.user.role == Role.ENTERPRISE_USER,
                        "editable": set(Service.objects.editable_by(request.user).values_list("pk", flat=True)),
                        "rules": ResponseRule.objects.all()})


@login_required
def service_create(request: AuthedRequest) -> HttpResponse:
    """Add a service to a park's or the district's catalogue."""
    require_page_role(request.user, HANDLERS)
    form = ServiceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        service = call_service(form, lambda: services.service_create(actor=request.user, **form.cleaned_data))
        if service is not None:
            messages.success(request, _("Service %(name)s added.") % {"name": service.name})
            return redirect("support:catalogue")
    return render(request, "support/form.html", {"form": form, "title": _("New service")})


@login_required
def service_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a service of the catalogue."""
    service = get_visible_or_404(Service.objects.editable_by(request.user), request.user, pk=pk)
    initial = {"name": service.name, "category": service.category, "default_rule": service.default_rule,
               "description": service.description, "active": service.active,
               "handlers": [str(pk) for pk in service.handlers.values_list("pk", flat=True)]}
    form = ServiceForm(request.POST or None, user=request.user, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        stored = Service.objects.get(pk=service.pk)
        try:
            done = call_service(form, lambda: services.service_update(actor=request.user, service=stored,
                                                                      **form.cleaned_data))
        except PermissionDenied as exc:
            raise Http404 from exc
        if done is not None:
            messages.success(request, _("Changes saved."))
            return redirect("support:catalogue")
    return render(request, "support/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": service}})


# --- Request lists -------------------------------------------------------------------------------

def _request_spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("status", _("Status"), ServiceRequest.Status.choices),
                 Filter("category", _("Category"), Category.choices, "service__category"),
                 Filter("service", _("Service"), _service_choices),
                 Filter("park", _("Park"), _park_choices)],
        sorts={"accepted": ("accepted_at",), "due": ("due_at",), "number": ("number",)},
        default_sort="-accepted",
        search=lambda qs, q: qs.filter(Q(number__icontains=q) | Q(title__icontains=q)
                                       | Q(enterprise__name__icontains=q)),
        columns=lambda r: [
            Column(_("Number"), lambda x: x.number), Column(_("Request title"), lambda x: x.title),
            Column(_("Enterprise"), lambda x: x.enterprise.name), Column(_("Service"), lambda x: x.service.name),
            Column(_("Park"), lambda x: x.park.name if x.park else _("District")),
            Column(_("Priority"), lambda x: x.rule.name), Column(_("Status"), lambda x: x.get_status_display()),
            Column(_("Handler"), lambda x: str(x.handler) if x.handler else ""),
            Column(_("Accepted at"), lambda x: timezone.localtime(x.accepted_at).strftime("%Y-%m-%d %H:%M")),
            Column(_("Due at"), lambda x: timezone.localtime(x.due_at).strftime("%Y-%m-%d %H:%M")),
            Column(_("Closed at"), lambda x: timezone.localtime(x.closed_at).strftime("%Y-%m-%d %H:%M")
                   if x.closed_at else ""),
            Column(_("On time"), lambda x: "" if x.on_time is None else (_("Yes") if x.on_time else _("No"))),
            Column(_("Rating"), lambda x: x.rating.get_level_display() if hasattr(x, "rating") else ""),
        ],
        export_name="service-requests",
    )


def _list(request: AuthedRequest, qs: QuerySet[ServiceRequest], title: str, which: str) -> HttpResponse:
    return run_list(request, qs, _request_spec(), "support/request_list.html", {
        "title": title, "which": which, "now": timezone.now(),
        "can_file": request.user.role == Role.ENTERPRISE_USER,
        "can_handle": request.user.role in HANDLERS})


@login_required
def request_list(request: AuthedRequest) -> HttpResponse:
    """Every request in scope: the enterprise's own, the operator's parks', the region's."""
    require_page_role(request.user, READERS)
    return _list(request, selectors.requests_for(request.user), _("Service requests"), "all")


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """My queue: the open requests I handle, and those awaiting dispatch that I may dispatch."""
    require_page_role(request.user, HANDLERS)
    return _list(request, selectors.queue_for(request.user), _("My request queue"), "queue")


@login_required
def overdue(request: AuthedRequest) -> HttpResponse:
    """Open requests past their deadline."""
    require_page_role(request.user, READERS - {Role.ENTERPRISE_USER})
    return _list(request, selectors.overdue_for(request.user), _("Overdue requests"), "overdue")


# --- Filing --------------------------------------------------------------------------------------

def _file(request: AuthedRequest, enterprise: Enterprise) -> HttpResponse:
    offered = Service.objects.visible_to(request.user).active().filter(
        Q(park_id__in=services.settled_parks(enterprise)) | Q(park__isnull=True,
                                                              region_id__in=[enterprise.region_id[:n]
                                                                             for n in (2, 4, 6)]))
    form = RequestForm(request.POST or None, request.FILES or None, services=offered)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("attachments", None)
        try:
            made = call_service(form, lambda: services.request_create(
                actor=request.user, enterprise=enterprise, attachments=request.FILES.getlist("attachments"),
                **data))
        except PermissionDenied as exc:
            raise Http404 from exc
        if made is not None:
            messages.success(request, _("Request %(number)s accepted; it is due by %(due)s.") % {
                "number": made.number, "due": timezone.localtime(made.due_at).strftime("%Y-%m-%d %H:%M")})
            return redirect("support:request_detail", pk=made.pk)
    return render(request, "support/form.html", {"form": form, "multipart": True, "enterprise": enterprise,
                                                 "title": _("New service request")})


@login_required
def request_create(request: AuthedRequest) -> HttpResponse:
    """An enterprise user files a request for its own enterprise."""
    require_page_role(request.user, {Role.ENTERPRISE_USER})
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=request.user.enterprise_id)
    return _file(request, enterprise)


@login_required
def request_create_for(request: AuthedRequest, pk: int) -> HttpResponse:
    """District staff or a park's operator file a request on an enterprise's behalf; an enterprise outside their
    scope is a 404."""
    require_page_role(request.user, HANDLERS)
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk)
    return _file(request, enterprise)


# --- One request ---------------------------------------------------------------------------------

@login_required
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A request: its data, deadline, timeline with attachments, and the steps the user may take."""
    require_page_role(request.user, READERS)
    req = get_visible_or_404(ServiceRequest.objects.select_related(
        "service", "enterprise", "park", "handler", "rule", "requester", "filed_by"), request.user, pk=pk)
    user = request.user
    dispatcher = services._may_dispatch(user, req)
    handles = req.handler_id == user.pk or dispatcher
    handlers = selectors.handler_choices(req) if dispatcher or handles else []
    rect = getattr(req, "rectification", None) if hasattr(req, "rectification") else None
    return render(request, "support/request_detail.html", {
        "req": req,
        "events": RequestEvent.objects.visible_to(user).filter(request=req).select_related("author", "to_user")
        .prefetch_related("attachments"),
        "rating": req.rating if hasattr(req, "rating") else None,
        "rectification": rect,
        "can_rectify": rect is not None and rect.status == Rectification.Status.OPEN and (
            rect.owner_id == user.pk or dispatcher),
        "can_assign": dispatcher and req.status == ServiceRequest.Status.ACCEPTED,
        "can_transfer": handles and req.is_open and req.status != ServiceRequest.Status.ACCEPTED,
        "can_start": handles and req.status == ServiceRequest.Status.ASSIGNED,
        "can_close": handles and req.status in (ServiceRequest.Status.ASSIGNED, ServiceRequest.Status.IN_PROGRESS),
        "can_visit": dispatcher and req.status == ServiceRequest.Status.CLOSED,
        "can_comment": user.role in (Role.ENTERPRISE_USER, *HANDLERS),
        "can_rate": services.may_rate(user, req),
        "handler_form": HandlerForm(handlers=handlers) if handlers else None,
        "text_form": TextForm(),
        "now": timezone.now(),
    })


def _act(request: AuthedRequest, pk: int, act: Callable[[ServiceRequest], Any], done: str) -> HttpResponse:
    """Run one step on a visible request; a refusal by role is a 404, a ValidationError a message."""
    req = get_visible_or_404(ServiceRequest.objects.all(), request.user, pk=pk)
    require_page_role(request.user, Role.ENTERPRISE_USER, HANDLERS)
    try:
        act(req)
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect("support:request_detail", pk=pk)


def _handler_from_post(request: AuthedRequest, req: ServiceRequest) -> Any:
    form = HandlerForm(request.POST, handlers=selectors.handler_choices(req))
    if not form.is_valid():
        raise ValidationError({"handler": [_("Choose who handles the request.")]})
    return form.cleaned_data["handler"], form.cleaned_data["reason"]


@login_required
@require_POST
def request_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    """Dispatch (分派) to a handler."""
    def act(req: ServiceRequest) -> Any:
        if not services._may_dispatch(request.user, req):
            raise PermissionDenied
        handler, note = _handler_from_post(request, req)
        return services.request_assign(actor=request.user, request=req, handler=handler, note=note)
    return _act(request, pk, act, _("Dispatched."))


@login_required
@require_POST
def request_transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    """Transfer (转办) to another handler, with the reason."""
    def act(req: ServiceRequest) -> Any:
        if not services._may_handle(request.user, req):
            raise PermissionDenied
        handler, reason = _handler_from_post(request, req)
        return services.request_transfer(actor=request.user, request=req, handler=handler, reason=reason)
    return _act(request, pk, act, _("Transferred."))


def _text(request: AuthedRequest) -> str:
    return str(request.POST.get("text", ""))[:2000]


@login_required
@require_POST
def request_start(request: AuthedRequest, pk: int) -> HttpResponse:
    """Start work (办理)."""
    return _act(request, pk, lambda r: services.request_start(actor=request.user, request=r, note=_text(request)),
                _("Work started."))


@login_required
@require_POST
def request_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close (办结) with the result."""
    return _act(request, pk, lambda r: services.request_close(actor=request.user, request=r,
                                                              result=_text(request)), _("Closed."))


@login_required
@require_POST
def request_visit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record the visit back (回访)."""
    return _act(request, pk, lambda r: services.request_visit(actor=request.user, request=r, note=_text(request)),
                _("Visit recorded."))


@login_required
@require_POST
def request_comment(request: AuthedRequest, pk: int) -> HttpResponse:
    """Comment, with attachments."""
    return _act(request, pk, lambda r: services.request_comment(
        actor=request.user, request=r, text=_text(request), attachments=request.FILES.getlist("attachments")),
        _("Comment added."))


@login_required
def request_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    """The requester rates a closed request (好差评), once."""
    require_page_role(request.user, {Role.ENTERPRISE_USER})
    req = get_visible_or_404(ServiceRequest.objects.all(), request.user, pk=pk)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rating = call_service(form, lambda: services.request_rate(actor=request.user, request=req,
                                                                  **form.cleaned_data))
        if rating is not None:
            messages.success(request, _("Thank you for your rating."))
            return redirect("support:request_detail", pk=pk)
    elif request.method != "POST" and not services.may_rate(request.user, req):
        messages.error(request, _("This request cannot be rated by you now: only its requester rates it, once, "
                                  "after it is closed."))
        return redirect("support:request_detail", pk=pk)
    return render(request, "support/form.html", {"form": form, "req": req,
                                                 "title": _("Rate request %(number)s") % {"number": req.number}})


@login_required
def attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """An attachment, for whoever may see its request."""
    require_page_role(request.user, READERS)
    att = get_visible_or_404(RequestAttachment.objects.all(), request.user, pk=pk)
    audit.record_download(actor=request.user, obj=att, filename=att.original_name, kind="support_attachment")
    return FileResponse(att.file.open("rb"), content_type=att.content_type, as_attachment=False,
                        filename=att.original_name)


# --- Rectifications and rules --------------------------------------------------------------------

@login_required
def rectifications(request: AuthedRequest) -> HttpResponse:
    """The rectifications poor ratings opened, open first."""
    require_page_role(request.user, READERS - {Role.ENTERPRISE_USER})
    spec = ListSpec(filters=[Filter("status", _("Status"), Rectification.Status.choices)],
                    sorts={"due": ("due_on",)}, default_sort="due",
                    columns=lambda r: [Column(_("Request"), lambda x: x.request.number),
                                       Column(_("Enterprise"), lambda x: x.request.enterprise.name),
                                       Column(_("Rating"), lambda x: x.rating.get_level_display()),
                                       Column(_("Due on"), lambda x: x.due_on),
                                       Column(_("Status"), lambda x: x.get_status_display()),
                                       Column(_("What was changed"), lambda x: x.result)],
                    export_name="rectifications")
    return run_list(request, selectors.rectifications_for(request.user), spec, "support/rectifications.html",
                    {"today": timezone.localdate()})


@login_required
@require_POST
def rectification_done(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close a rectification with what was changed."""
    require_page_role(request.user, HANDLERS)
    rect = get_visible_or_404(Rectification.objects.select_related("request"), request.user, pk=pk)
    try:
        services.rectification_done(actor=request.user, rectification=rect, result=_text(request))
        messages.success(request, _("Rectification done."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect("support:request_detail", pk=rect.request_id)


@login_required
def rules(request: AuthedRequest) -> HttpResponse:
    """The response-time rules (12345 norms) and the working-day calendar they count in."""
    require_page_role(request.user, READERS)
    from .models import CalendarDay

    return render(request, "support/rules.html", {
        "rules": ResponseRule.objects.all(), "can_edit": request.user.role in CONFIGURERS,
        "days": CalendarDay.objects.filter(day__year=timezone.localdate().year)})


@login_required
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a priority's time allowed (district staff)."""
    require_page_role(request.user, CONFIGURERS)
    rule = get_visible_or_404(ResponseRule.objects.editable_by(request.user), request.user, pk=pk)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        stored = ResponseRule.objects.get(pk=rule.pk)
        data = {k: form.cleaned_data[k] for k in ("name", "amount", "unit", "warn_hours", "basis")}
        if call_service(form, lambda: services.rule_update(actor=request.user, rule=stored, **data)) is not None:
            messages.success(request, _("Changes saved."))
            return redirect("support:rules")
    return render(request, "support/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": rule}})
