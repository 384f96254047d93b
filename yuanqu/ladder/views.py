"""梯度培育 pages: the pipeline per step with its lists, the candidates for each next step, and the staff's
grant / end / advance actions (through the enterprises' designation services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yuanqu.chains.models import Chain
from yuanqu.core.export import export_response
from yuanqu.core.forms import attach_errors
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.roles import EDIT_REGION, TENANT_READERS
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises import services
from yuanqu.enterprises.models import Designation, Enterprise
from yuanqu.parks.models import Park

from . import rules
from .forms import AdvanceForm, EndForm, GrantForm

K = Designation.Kind
#: The ladder's steps in the order the pipeline shows them.
PIPELINE = (K.TECH_SME, K.INNOVATIVE_SME, K.HIGH_TECH, K.SRDI_SME, K.LITTLE_GIANT, K.CHAMPION, K.GAZELLE, K.UNICORN)


def _park_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Park.objects.visible_to(request.user).order_by("name_pinyin").values_list("pk", "name"))


def _chain_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return list(Chain.objects.visible_to(request.user).order_by("name").values_list("pk", "name"))


def _in_park(qs: QuerySet[Any], value: str, path: str = "enterprise__") -> QuerySet[Any]:
    return qs.filter(**{f"{path}pk__in": Enterprise.objects.filter(settlements__park_id=value).values("pk")})


def _in_chain(qs: QuerySet[Any], value: str, path: str = "enterprise__") -> QuerySet[Any]:
    return qs.filter(**{f"{path}pk__in": Enterprise.objects.filter(chain_links__node__chain_id=value).values("pk")})


def _state_filter(request: AuthedRequest, qs: QuerySet[Designation], value: str) -> QuerySet[Designation]:
    active = Designation.objects.active_on(timezone.localdate()).values("pk")
    return qs.filter(pk__in=active) if value == "active" else qs.exclude(pk__in=active)


def _spec() -> ListSpec:
    return ListSpec(
        filters=[Filter("kind", "认定类型", Designation.Kind.choices),
                 Filter("level", "级别", [c for c in Designation.Level.choices if c[0]]),
                 Filter("state", "状态", [("active", "有效"), ("ended", "已到期或终止")], apply=_state_filter),
                 Filter("park", "园区", _park_choices, apply=lambda r, qs, v: _in_park(qs, v)),
                 Filter("chain", "产业链", _chain_choices, apply=lambda r, qs, v: _in_chain(qs, v))],
        sorts={"recognised": ("recognised_on", "pk"), "name": ("enterprise__name_pinyin", "pk")},
        default_sort="-recognised",
        search=lambda qs, q: qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__startswith=q.upper())),
        columns=lambda r: [
            Column("企业", lambda d: d.enterprise.name), Column("统一社会信用代码", lambda d: d.enterprise.uscc),
            Column("认定类型", lambda d: d.get_kind_display()), Column("级别", lambda d: d.get_level_display()),
            Column("认定日期", lambda d: d.recognised_on), Column("有效期至", lambda d: d.valid_until),
            Column("证书编号", lambda d: d.certificate_no),
            Column("拟上市板块", lambda d: d.get_board_display() if d.board else ""),
            Column("上市阶段", lambda d: d.get_stage_display() if d.kind == K.LISTING else ""),
            Column("终止日期", lambda d: d.ended_on), Column("来源", lambda d: d.source)],
        export_name="梯度培育", per_page=25)


def _pipeline(request: AuthedRequest) -> dict[str, Any]:
    """Counts per step (enterprises holding it today) and the listing reserve by stage, under the page's park and
    chain filters."""
    qs: QuerySet[Designation] = Designation.objects.visible_to(request.user).active_on(timezone.localdate())
    park, chain = request.GET.get("park", ""), request.GET.get("chain", "")
    if park.isdigit() and int(park) in {p for p, _ in _park_choices(request)}:
        qs = _in_park(qs, park)
    if chain.isdigit() and int(chain) in {c for c, _ in _chain_choices(request)}:
        qs = _in_chain(qs, chain)
    counts = dict(qs.order_by().values_list("kind").annotate(n=Count("enterprise", distinct=True)))
    listing = qs.filter(kind=K.LISTING)
    stages = [(label, n) for label, n in (
        ("后备", listing.filter(coaching_on__isnull=True, filed_on__isnull=True, listed_on__isnull=True).count()),
        ("辅导", listing.filter(coaching_on__isnull=False, filed_on__isnull=True, listed_on__isnull=True).count()),
        ("申报", listing.filter(filed_on__isnull=False, listed_on__isnull=True).count()),
        ("已上市", listing.filter(listed_on__isnull=False).count()))]
    return {"steps": [(k, K(k).label, counts.get(k, 0)) for k in PIPELINE], "stages": stages}


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The ladder: counts per step, then the designations (filter by kind, park, chain), exportable."""
    require_page_role(request.user, TENANT_READERS)
    qs = Designation.objects.visible_to(request.user).select_related("enterprise")
    return run_list(request, qs, _spec(), "ladder/index.html",
                    {"pipeline": _pipeline(request), "targets": [(s.target, K(s.target).label) for s in rules.STEPS],
                     "can_grant": request.user.role in EDIT_REGION})


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    this = timezone.localdate().year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= this else this - 1


@login_required
def candidates(request: AuthedRequest) -> HttpResponse:
    """Candidates for a next step by the approved figures of a year, each condition shown with its value."""
    require_page_role(request.user, TENANT_READERS)
    target = request.GET.get("step", K.HIGH_TECH)
    if target not in rules.STEP_BY_TARGET:
        target = K.HIGH_TECH
    year = _year(request)
    ents: QuerySet[Enterprise] = Enterprise.objects.visible_to(request.user)
    park, chain = request.GET.get("park", ""), request.GET.get("chain", "")
    if park.isdigit() and int(park) in {p for p, _ in _park_choices(request)}:
        ents = _in_park(ents, park, "")
    if chain.isdigit() and int(chain) in {c for c, _ in _chain_choices(request)}:
        ents = _in_chain(ents, chain, "")
    everyone = request.GET.get("all") == "1"
    found = rules.candidates(ents, target, year, everyone=everyone)
    if request.GET.get("export") == "xlsx":
        step = rules.STEP_BY_TARGET[target]
        headers = ["企业", "统一社会信用代码", "是否符合", *[f"条件{i + 1}" for i in range(len(step.conditions))]]
        rows = [[c.enterprise.name, c.enterprise.uscc, "符合" if c.eligible else "不符合",
                 *[f"{k.text}：{k.value}（{'满足' if k.holds else '未知' if k.holds is None else '不满足'}）"
                   for k in c.checks]] for c in found]
        return export_response(actor=request.user, fmt="xlsx", name=f"{K(target).label}培育对象{year}",
                               headers=headers, rows=rows, object_type="enterprises.Enterprise",
                               filters={"step": target, "year": year, "park": park, "chain": chain})
    step = rules.STEP_BY_TARGET[target]
    return render(request, "ladder/candidates.html", {
        "found": found, "target": target, "target_label": K(target).label, "year": year, "everyone": everyone,
        "start": rules.start_text(step), "note": step.note,
        "targets": [(s.target, K(s.target).label) for s in rules.STEPS],
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        "parks": _park_choices(request), "chains": _chain_choices(request), "park": park, "chain": chain})


@login_required
def grant(request: AuthedRequest) -> HttpResponse:
    """Record a designation (district staff)."""
    require_page_role(request.user, EDIT_REGION)
    initial: dict[str, Any] = {"recognised_on": timezone.localdate()}
    if request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = request.GET["enterprise"]
    if request.GET.get("kind") in K.values:
        initial["kind"] = request.GET["kind"]
    form = GrantForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = services.designation_grant(
                actor=request.user, enterprise=d["enterprise"], kind=d["kind"], recognised_on=d["recognised_on"],
                level=d["level"], certificate_no=d["certificate_no"], valid_until=d["valid_until"],
                source=d["source"], board=d["board"], coaching_on=d["coaching_on"])
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "已记录认定。")
            return redirect("enterprises:detail", pk=made.enterprise_id)
    return render(request, "ladder/form.html", {"form": form, "title": "记录认定"})


def _act(request: AuthedRequest, pk: int, form: Any, act: Any) -> HttpResponse:
    require_page_role(request.user, EDIT_REGION)
    designation = get_visible_or_404(Designation.objects.editable_by(request.user), request.user, pk=pk)
    if not form.is_valid():
        messages.error(request, "；".join(str(m) for errs in form.errors.values() for m in errs))
    else:
        try:
            act(designation, form.cleaned_data)
            messages.success(request, "已保存。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionDenied as exc:
            raise Http404 from exc
    return redirect("enterprises:detail", pk=designation.enterprise_id)


@login_required
@require_POST
def end(request: AuthedRequest, pk: int) -> HttpResponse:
    """End a designation (revoked) or withdraw a listing."""
    return _act(request, pk, EndForm(request.POST), lambda d, c: services.designation_revoke(
        actor=request.user, designation=d, on=c["on"], reason=c["reason"]))


@login_required
@require_POST
def advance(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a listing reserve to its next step."""
    return _act(request, pk, AdvanceForm(request.POST), lambda d, c: services.listing_advance(
        actor=request.user, designation=d, to_stage=c["to_stage"], on=c["on"]))


