"""Briefings (简报): request one for a region or a park and a period, read it, download .docx/.pdf,
regenerate it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.forms import attach_errors
from yuanqu.core.listing import Filter, ListSpec, run_list
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.types import AuthedRequest
from yuanqu.parks.models import Park

from . import services
from .forms import BriefingForm
from .models import Briefing


def _require(request: AuthedRequest) -> None:
    if request.user.role not in services.REQUEST_ROLES:
        raise Http404


@login_required
def briefing_list(request: AuthedRequest) -> HttpResponse:
    """The briefings of the user's scope, newest first."""
    _require(request)
    spec = ListSpec(filters=[Filter("status", _("Status"), Briefing.Status.choices),
                             Filter("park", _("Park"), lambda r: list(Park.objects.visible_to(r.user)
                                                                      .values_list("pk", "name")))],
                    sorts={"created": ("created_at",), "period": ("year", "month")}, default_sort="-created",
                    search=lambda qs, q: qs.filter(title__icontains=q))
    qs = Briefing.objects.visible_to(request.user).select_related("region", "park", "created_by")
    return run_list(request, qs, spec, "briefings/list.html")


@login_required
def briefing_create(request: AuthedRequest) -> HttpResponse:
    """Choose a scope and a period; the briefing is saved and queued, and the task worker writes it."""
    _require(request)
    if request.method == "POST":
        form = BriefingForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                briefing = services.briefing_request(
                    actor=request.user, year=form.cleaned_data["year"], month=form.cleaned_data["month"],
                    park=form.cleaned_data["park"], region=request.user.region)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect("briefings:detail", pk=briefing.pk)
    else:
        initial = {k: request.GET[k] for k in ("park", "year", "month") if request.GET.get(k)}
        form = BriefingForm(initial=initial, user=request.user)
    return render(request, "briefings/form.html", {"form": form})


@login_required
def briefing_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The briefing as a page: its narrative, tables and charts, with downloads."""
    _require(request)
    briefing = get_visible_or_404(Briefing.objects.select_related("region", "park"), request.user, pk=pk)
    return render(request, "briefings/detail.html", {"b": briefing, "c": briefing.content})


@login_required
def briefing_download(request: AuthedRequest, pk: int, fmt: str) -> FileResponse:
    """The .docx or .pdf of a written briefing."""
    _require(request)
    briefing = get_visible_or_404(Briefing.objects.all(), request.user, pk=pk)
    field = {"docx": briefing.docx, "pdf": briefing.pdf}.get(fmt)
    if field is None or not field or briefing.status != Briefing.Status.DONE:
        raise Http404
    name = f"{briefing.title or briefing.pk}.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def briefing_regenerate(request: AuthedRequest, pk: int) -> HttpResponse:
    """Write the briefing again from today's data, with its saved parameters."""
    _require(request)
    briefing = get_visible_or_404(Briefing.objects.all(), request.user, pk=pk)
    try:
        services.briefing_regenerate(actor=request.user, briefing=briefing)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("The briefing is being written again from the current data."))
    return redirect("briefings:detail", pk=pk)
