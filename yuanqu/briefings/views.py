"""Briefings (简报): request one for a region or a park and a period, read it, edit a draft's text, issue it,
download .docx/.pdf, write it again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core import audit
from yuanqu.core.forms import attach_errors
from yuanqu.core.listing import Filter, ListSpec, run_list
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.figures.selectors import default_period, scope_for_region
from yuanqu.parks.models import Park

from . import services
from .forms import BriefingEditForm, BriefingForm
from .models import Briefing
from .render import document


def _editable_or_404(request: AuthedRequest, pk: int) -> Briefing:
    """A briefing the user may edit and issue (district staff, their region's); any other: 404."""
    require_page_role(request.user, services.REQUEST_ROLES)
    require_page_role(request.user, services.EDIT_ROLES)
    return get_visible_or_404(Briefing.objects.editable_by(request.user).select_related("region", "park"),
                              request.user, pk=pk)


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
def briefing_list(request: AuthedRequest) -> HttpResponse:
    """The briefings of the user's scope, newest first."""
    require_page_role(request.user, services.REQUEST_ROLES)
    spec = ListSpec(filters=[Filter("lifecycle", _("Stage"), Briefing.Lifecycle.choices),
                             Filter("status", _("Status"), Briefing.Status.choices),
                             Filter("park", _("Park"), lambda r: list(Park.objects.visible_to(r.user)
                                                                      .values_list("pk", "name")))],
                    sorts={"created": ("created_at",), "period": ("year", "month")}, default_sort="-created",
                    search=lambda qs, q: qs.filter(title__icontains=q))
    qs = Briefing.objects.visible_to(request.user).select_related("region", "park", "created_by")
    return run_list(request, qs, spec, "briefings/list.html")


@login_required
def briefing_create(request: AuthedRequest) -> HttpResponse:
    """Choose a scope and a period; the briefing is saved as a draft and queued, and the task worker writes it.
    A new briefing opens on the latest locked period (its figures are final)."""
    require_page_role(request.user, services.REQUEST_ROLES)
    if request.method == "POST":
        form = BriefingForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                briefing = services.briefing_request(
                    actor=request.user, period=form.cleaned_data["period"], park=form.cleaned_data["park"],
                    region=request.user.region)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect("briefings:detail", pk=briefing.pk)
    else:
        if request.GET.get("park"):  # a link to a park's briefing: a park outside the scope is not found
            get_visible_or_404(Park.objects.all(), request.user, pk=request.GET["park"])
        initial: dict[str, Any] = BriefingForm.initial_for(default_period(scope_for_region(request.user.region_id)))
        initial.update({k: request.GET[k] for k in ("park", "kind", "year", "from_month", "month", "quarter")
                        if request.GET.get(k)})
        form = BriefingForm(initial=initial, user=request.user)
    return render(request, "briefings/form.html", {"form": form})


def _detail(request: AuthedRequest, briefing: Briefing, form: BriefingEditForm | None = None,
            status: int = 200) -> HttpResponse:
    can_edit = (request.user.role in services.EDIT_ROLES and not briefing.is_issued and briefing.is_written
                and Briefing.objects.editable_by(request.user).filter(pk=briefing.pk).exists())
    if can_edit and form is None:
        form = BriefingEditForm(briefing=briefing)
    context = {"b": briefing, "d": document(briefing) if briefing.is_written else None, "form": form,
               "can_edit": can_edit, "can_issue": can_edit and briefing.status == Briefing.Status.DONE}
    return render(request, "briefings/detail.html", context, status=status)


@login_required
def briefing_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The briefing as a page: masthead, sections, tables and notes, with downloads; for district staff, a draft's
    edit form and its issue button."""
    require_page_role(request.user, services.REQUEST_ROLES)
    briefing = get_visible_or_404(Briefing.objects.select_related("region", "park", "issued_by", "created_by",
                                                                  "derived_from"), request.user, pk=pk)
    return _detail(request, briefing)


@login_required
@require_POST
def briefing_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save a draft's text (sections, 下步工作), bulletin name and 编发单位; its files are rendered again."""
    briefing = _editable_or_404(request, pk)
    if briefing.is_issued or not briefing.is_written:
        try:  # the service says why, in the user's language
            services.briefing_edit(actor=request.user, briefing=briefing)
        except ValidationError as exc:
            for text in _messages_of(exc):
                messages.error(request, text)
        return redirect("briefings:detail", pk=pk)
    form = BriefingEditForm(request.POST, briefing=briefing)
    if form.is_valid():
        try:
            services.briefing_edit(actor=request.user, briefing=briefing, sections=form.sections(),
                                   bulletin_name=form.cleaned_data["bulletin_name"],
                                   issuer=form.cleaned_data["issuer"])
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The text is saved; the documents are being written again."))
            return redirect("briefings:detail", pk=pk)
    return _detail(request, briefing, form)


@login_required
@require_POST
def briefing_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    """Issue a draft: it is numbered (第N期), locked and rendered again with its number."""
    briefing = _editable_or_404(request, pk)
    try:
        issued = services.briefing_issue(actor=request.user, briefing=briefing)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for text in _messages_of(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("Issued as %(number)s.") % {"number": issued.issue_label})
    return redirect("briefings:detail", pk=pk)


@login_required
def briefing_download(request: AuthedRequest, pk: int, fmt: str) -> FileResponse:
    """The .docx or .pdf of a written briefing."""
    require_page_role(request.user, services.REQUEST_ROLES)
    briefing = get_visible_or_404(Briefing.objects.all(), request.user, pk=pk)
    field = {"docx": briefing.docx, "pdf": briefing.pdf}.get(fmt)
    if field is None or not field or briefing.status != Briefing.Status.DONE:
        raise Http404
    name = f"{briefing.title or briefing.pk}.{fmt}"
    audit.record_download(actor=request.user, obj=briefing, filename=name, kind=fmt)
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def briefing_regenerate(request: AuthedRequest, pk: int) -> HttpResponse:
    """Write the briefing again from today's data, with its saved parameters: a draft in place, an issued one as
    a new draft (the issued one stays as it was)."""
    require_page_role(request.user, services.REQUEST_ROLES)
    briefing = get_visible_or_404(Briefing.objects.all(), request.user, pk=pk)
    try:
        written = services.briefing_regenerate(actor=request.user, briefing=briefing)
    except PermissionDenied as exc:
        raise Http404 from exc
    if written.pk != briefing.pk:
        messages.success(request, _("An issued briefing is not changed: a new draft is being written from the "
                                    "current data."))
    else:
        messages.success(request, _("The briefing is being written again from the current data."))
    return redirect("briefings:detail", pk=written.pk)
