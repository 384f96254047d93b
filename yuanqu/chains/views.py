"""Pages of 产业链: the chain list, a chain's map (an ECharts tree coloured by strength and gap) with its 链长制,
and a node's page (enterprises confirmed and suggested, projects, leads, targets and tasks). District staff edit;
district roles and park operators read (an operator sees its own parks' enterprises); enterprise users see
nothing (404). Every read goes through the models' scope, every write through ``services``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yuanqu.core.forms import attach_errors
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.roles import EDIT_REGION, TENANT_READERS
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest

from . import selectors, services
from .forms import (
    AwardForm,
    ChainForm,
    FinancingForm,
    FundForm,
    LinkForm,
    MemberForm,
    NodeForm,
    PatentForm,
    PlatformForm,
    ProviderForm,
    TalentForm,
    TargetForm,
    TargetImportForm,
    TaskForm,
    TaskStatusForm,
    TemplateForm,
)
from .models import (
    Chain,
    ChainLink,
    ChainMember,
    ChainNode,
    ChainTarget,
    ChainTask,
    EcoProvider,
    FinancingEvent,
    Fund,
    InnovationPlatform,
    PatentYear,
    TalentAward,
    TalentHeadcount,
)

READERS = TENANT_READERS
EDITORS = EDIT_REGION


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def _form_error(form: forms.BaseForm) -> str:
    return " ".join(f"{form.fields[f].label if f in form.fields else ''}：{' '.join(str(m) for m in e)}"
                    for f, e in form.errors.items())


def _post(request: AuthedRequest, back: str, act: Callable[[], Any], form: forms.BaseForm | None = None,
          done: str = "") -> HttpResponse:
    """A button or small form on a page: run ``act`` (a service) and return to the page with the outcome."""
    if form is not None and not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(back)
    try:
        act()
        messages.success(request, done or _("Changes saved."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(back)


def _can_edit(request: AuthedRequest, chain: Chain) -> bool:
    return Chain.objects.editable_by(request.user).filter(pk=chain.pk).exists()


def _node_url(node: ChainNode) -> str:
    return reverse("chains:node_detail", args=[node.pk])


# =========================================================================== chains


@login_required
def chain_list(request: AuthedRequest) -> HttpResponse:
    """The chains of the user's region, each with its counts of nodes and gaps."""
    require_page_role(request.user, READERS)
    chains = list(selectors.chains_for(request.user).order_by("name"))
    rows = []
    for chain in chains:
        figs = selectors.chain_figures(chain, request.user)
        rows.append({"chain": chain, "nodes": len(figs),
                     "missing": sum(1 for f in figs.values() if f.status == selectors.Strength.MISSING),
                     "weak": sum(1 for f in figs.values() if f.status == selectors.Strength.WEAK),
                     "chief": ", ".join(m.name for m in chain.members.all() if m.role == ChainMember.Role.CHIEF)})
    can_create = request.user.role in EDITORS
    return render(request, "chains/list.html", {"rows": rows, "can_create": can_create,
                                                "template_form": TemplateForm() if can_create else None})


@login_required
def chain_create(request: AuthedRequest) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    form = ChainForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            chain = services.chain_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("chains:chain_detail", chain.pk)
    return render(request, "chains/form.html", {"form": form, "title": _("New chain")})


@login_required
@require_POST
def chain_template(request: AuthedRequest) -> HttpResponse:
    """Load a shipped reference chain into the user's region."""
    require_page_role(request.user, EDITORS)
    form = TemplateForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect("chains:chains")
    try:
        chain = services.chain_from_template(actor=request.user, key=form.cleaned_data["template"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("chains:chains")
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("Chain created from the template."))
    return redirect("chains:chain_detail", chain.pk)


@login_required
def chain_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A chain's map, its nodes with their figures, and its 链长制 people."""
    require_page_role(request.user, READERS)
    chain = get_visible_or_404(Chain.objects.all(), request.user, pk=pk)
    figs = selectors.chain_figures(chain, request.user)
    can_edit = _can_edit(request, chain)
    ordered = _tree_order(list(figs.values()))
    return render(request, "chains/chain_detail.html", {
        "chain": chain, "rows": ordered, "can_edit": can_edit, "year": selectors.figures_year(),
        "map_height": max(420, 34 * sum(1 for f in ordered if not any(o.node.parent_id == f.node.pk
                                                                        for o in ordered))),
        "members": chain.members.all(),
        "missing": [f for f in ordered if f.status == selectors.Strength.MISSING],
        "member_form": MemberForm(user=request.user) if can_edit else None,
        "legend": [(selectors.Strength.LABELS[k], selectors.Strength.BADGES[k]) for k in selectors.Strength.LABELS],
    })


def _tree_order(figs: list[selectors.NodeFigures]) -> list[selectors.NodeFigures]:
    """Nodes depth-first, each after its parent, siblings by their order."""
    by_parent: dict[int | None, list[selectors.NodeFigures]] = {}
    for f in figs:
        by_parent.setdefault(f.node.parent_id, []).append(f)
    out: list[selectors.NodeFigures] = []

    def walk(parent: int | None) -> None:
        for f in sorted(by_parent.get(parent, []), key=lambda f: (f.node.sort_order, f.node.pk)):
            out.append(f)
            walk(f.node.pk)
    walk(None)
    return out


@login_required
def chain_tree(request: AuthedRequest, pk: int) -> JsonResponse:
    """The chain map's ECharts option (read by ``dashboards.js``: each node links to its page)."""
    require_page_role(request.user, READERS)
    chain = get_visible_or_404(Chain.objects.all(), request.user, pk=pk)
    figs = selectors.chain_figures(chain, request.user)
    return JsonResponse({"option": selectors.tree_option(chain, figs, _node_url), "empty": not figs})


@login_required
def chain_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    chain = get_visible_or_404(Chain.objects.editable_by(request.user), request.user, pk=pk)
    form = ChainForm(request.POST or None, user=request.user,
                     initial={"name": chain.name, "description": chain.description})
    if request.method == "POST" and form.is_valid():
        try:
            services.chain_update(actor=request.user, chain=chain, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("chains:chain_detail", chain.pk)
    return render(request, "chains/form.html", {"form": form, "title": _("Edit chain"), "chain": chain})


@login_required
@require_POST
def chain_suggest(request: AuthedRequest, pk: int) -> HttpResponse:
    """Suggest enterprises for every node (by industry class and keyword); staff confirm them on the node pages."""
    require_page_role(request.user, EDITORS)
    chain = get_visible_or_404(Chain.objects.all(), request.user, pk=pk)
    back = reverse("chains:chain_detail", args=[chain.pk])
    result: dict[str, int] = {}

    def act() -> None:
        result["n"] = services.links_suggest(actor=request.user, chain=chain)
    response = _post(request, back, act)
    if "n" in result:
        messages.info(request, _("%(n)d new suggestions.") % {"n": result["n"]})
    return response


@login_required
@require_POST
def member_create(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    chain = get_visible_or_404(Chain.objects.all(), request.user, pk=pk)
    form = MemberForm(request.POST, user=request.user)
    return _post(request, reverse("chains:chain_detail", args=[chain.pk]),
                 lambda: services.member_create(actor=request.user, chain=chain, **form.cleaned_data), form)


@login_required
@require_POST
def member_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    member = get_visible_or_404(ChainMember.objects.all(), request.user, pk=pk)
    return _post(request, reverse("chains:chain_detail", args=[member.chain_id]),
                 lambda: services.member_delete(actor=request.user, member=member))


# =========================================================================== nodes


@login_required
def node_create(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    chain = get_visible_or_404(Chain.objects.editable_by(request.user), request.user, pk=pk)
    initial = {"parent": request.GET.get("parent")} if request.method == "GET" else None
    form = NodeForm(request.POST or None, user=request.user, chain=chain, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            node = services.node_create(actor=request.user, chain=chain, **_node_fields(form))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("chains:node_detail", node.pk)
    return render(request, "chains/form.html", {"form": form, "title": _("New node"), "chain": chain})


def _node_fields(form: NodeForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["sort_order"] = data.get("sort_order") or 0
    return data


@login_required
def node_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    node = get_visible_or_404(ChainNode.objects.editable_by(request.user), request.user, pk=pk)
    initial = {"parent": node.parent_id, "name": node.name, "importance": node.importance,
               "target_count": node.target_count, "keywords": node.keywords, "sort_order": node.sort_order,
               "industries": " ".join(i.code for i in node.industries.order_by("code")),
               "digital_classes": " ".join(d.code for d in node.digital_classes.order_by("code"))}
    form = NodeForm(request.POST or None, user=request.user, chain=node.chain, node=node, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.node_update(actor=request.user, node=node, **_node_fields(form))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("chains:node_detail", node.pk)
    return render(request, "chains/form.html", {"form": form, "title": _("Edit node"), "chain": node.chain})


@login_required
def node_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A node: its figures and status, enterprises (confirmed, then suggested with confirm/reject), projects, leads,
    the 招商 target list (with 转为线索) and the tasks."""
    require_page_role(request.user, READERS)
    node = get_visible_or_404(ChainNode.objects.select_related("chain", "parent"), request.user, pk=pk)
    chain = node.chain
    figs = selectors.chain_figures(chain, request.user)
    can_edit = _can_edit(request, chain)
    links = (selectors.visible_links(request.user).filter(node=node)
             .select_related("enterprise", "enterprise__industry").order_by("status", "-confidence",
                                                                             "enterprise__name"))
    by_status: dict[str, list[ChainLink]] = {s: [] for s in ChainLink.Status.values}
    for link in links:
        by_status[link.status].append(link)
    fig = figs[node.pk]
    return render(request, "chains/node_detail.html", {
        "node": node, "chain": chain, "fig": fig, "can_edit": can_edit,
        "children": [figs[c.pk] for c in node.children.order_by("sort_order", "pk")],
        "confirmed": by_status["confirmed"], "suggested": by_status["suggested"], "rejected": by_status["rejected"],
        "link_groups": [by_status["confirmed"], by_status["suggested"], by_status["rejected"]],
        "projects": selectors.node_projects(node, request.user)[:50],
        "leads": selectors.node_leads(node, request.user)[:50],
        "targets": ChainTarget.objects.visible_to(request.user).filter(node=node).select_related("lead"),
        "tasks": ChainTask.objects.visible_to(request.user).filter(node=node),
        "classes": node.industries.order_by("code"),
        "digital_classes": node.digital_classes.order_by("code"),
        "link_form": LinkForm(user=request.user, region=chain.region_id) if can_edit else None,
        "target_form": TargetForm(user=request.user) if can_edit else None,
        "import_form": TargetImportForm(user=request.user) if can_edit else None,
        "task_form": TaskForm(user=request.user) if can_edit else None,
        "task_statuses": ChainTask.Status.choices,
    })


@login_required
@require_POST
def link_create(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    node = get_visible_or_404(ChainNode.objects.select_related("chain"), request.user, pk=pk)
    form = LinkForm(request.POST, user=request.user, region=node.chain.region_id)
    return _post(request, _node_url(node), lambda: services.link_create(
        actor=request.user, node=node, enterprise=form.cleaned_data["enterprise"]), form)


@login_required
@require_POST
def link_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm (``decision=confirm``) or reject (``decision=reject``) a link."""
    require_page_role(request.user, EDITORS)
    link = get_visible_or_404(ChainLink.objects.select_related("node"), request.user, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        messages.error(request, _("Choose confirm or reject."))
        return redirect(_node_url(link.node))
    return _post(request, _node_url(link.node), lambda: services.link_decide(
        actor=request.user, link=link, confirm=decision == "confirm"))


@login_required
@require_POST
def target_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add one target, or (with ``lines``) paste many."""
    require_page_role(request.user, EDITORS)
    node = get_visible_or_404(ChainNode.objects.all(), request.user, pk=pk)
    if "lines" in request.POST:
        form: forms.Form = TargetImportForm(request.POST, user=request.user)
        return _post(request, _node_url(node), lambda: services.targets_import(
            actor=request.user, node=node, rows=form.cleaned_data["lines"]), form)
    form = TargetForm(request.POST, user=request.user)
    return _post(request, _node_url(node), lambda: services.target_create(
        actor=request.user, node=node, **form.cleaned_data), form)


@login_required
@require_POST
def target_lead(request: AuthedRequest, pk: int) -> HttpResponse:
    """转为线索: the target becomes a lead the user owns; the page says which."""
    require_page_role(request.user, EDITORS)
    target = get_visible_or_404(ChainTarget.objects.select_related("node"), request.user, pk=pk)
    return _post(request, _node_url(target.node), lambda: services.target_to_lead(actor=request.user, target=target),
                 done=_("The target is now a lead in the investment pipeline."))


@login_required
@require_POST
def target_drop(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    target = get_visible_or_404(ChainTarget.objects.select_related("node"), request.user, pk=pk)
    return _post(request, _node_url(target.node), lambda: services.target_drop(actor=request.user, target=target))


@login_required
@require_POST
def task_create(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    node = get_visible_or_404(ChainNode.objects.all(), request.user, pk=pk)
    form = TaskForm(request.POST, user=request.user)
    return _post(request, _node_url(node), lambda: services.task_create(
        actor=request.user, node=node, **form.cleaned_data), form)


@login_required
@require_POST
def task_update(request: AuthedRequest, pk: int) -> HttpResponse:
    """A task's status (the buttons of the node page)."""
    require_page_role(request.user, EDITORS)
    task = get_visible_or_404(ChainTask.objects.select_related("node"), request.user, pk=pk)
    form = TaskStatusForm(request.POST, user=request.user)
    return _post(request, _node_url(task.node), lambda: services.task_update(
        actor=request.user, task=task, status=form.cleaned_data["status"]), form)


# =========================================================================== the four chains: records


def _node_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    return [(n.pk, f"{n.chain.name} › {n.name}") for n in ChainNode.objects.visible_to(request.user)
            .select_related("chain").order_by("chain__name", "depth", "sort_order", "pk")]


def _year_choices(request: AuthedRequest) -> list[tuple[Any, str]]:
    this = selectors.figures_year() + 1
    return [(y, str(y)) for y in range(this, this - 8, -1)]


def _by_node(how: str) -> Callable[[AuthedRequest, Any, str], Any]:
    """The ``?node=`` filter: records of the node's enterprises (``enterprise``) or linked to the node or one below
    it (``nodes``); platforms both. An unknown or unseen node shows nothing."""
    def apply(request: AuthedRequest, qs: Any, value: str) -> Any:
        node = ChainNode.objects.visible_to(request.user).filter(pk=value).first() if value.isdigit() else None
        if node is None:
            return qs.none()
        cond = Q()
        if how in ("enterprise", "both"):
            cond |= Q(enterprise_id__in=selectors.node_enterprise_ids(node, request.user))
        if how in ("nodes", "both"):
            cond |= Q(nodes__in=selectors.node_subtree(node))
        return qs.filter(pk__in=qs.filter(cond).values("pk"))
    return apply


@dataclass(frozen=True)
class RecordKind:
    """One kind of four-chain record: its model, form, services, list columns and filters."""

    key: str
    title: Any
    new_title: Any
    model: Any
    form: type[forms.Form]
    create: Callable[..., Any]
    columns: Callable[[], list[Column]]
    node_filter: str
    year_lookup: str
    search: str = "enterprise__name__icontains"
    update: Callable[..., Any] | None = None
    update_arg: str = ""
    related: tuple[str, ...] = ("enterprise",)


def _ent(x: Any) -> str:
    return x.enterprise.name if x.enterprise_id else "—"


def _nodes(x: Any) -> str:
    return "、".join(n.name for n in x.nodes.all()) or "—"


RECORDS: dict[str, RecordKind] = {k.key: k for k in (
    RecordKind("platforms", gettext_lazy("Innovation platforms"),
               gettext_lazy("New innovation platform"), InnovationPlatform,
               PlatformForm, services.platform_create, lambda: [
                   Column(_("platform name"), lambda x: x.name),
                   Column(_("platform kind"), lambda x: x.get_kind_display()),
                   Column(_("level"), lambda x: x.get_level_display()),
                   Column(_("year recognised"), lambda x: x.recognised_year),
                   Column(_("held by"), lambda x: _ent(x) if x.enterprise_id else x.holder),
                   Column(_("chain nodes"), _nodes)],
               "both", "recognised_year", "name__icontains", services.platform_update, "platform"),
    RecordKind("talent", gettext_lazy("Talent headcounts"),
               gettext_lazy("Record talent headcounts"), TalentHeadcount, TalentForm,
               services.talent_record, lambda: [
                   Column(_("enterprise"), _ent), Column(_("year"), lambda x: x.year),
                   Column(_("doctors"), lambda x: x.doctors), Column(_("masters"), lambda x: x.masters),
                   Column(_("senior professional titles"), lambda x: x.senior_titles),
                   Column(_("introduced talent"), lambda x: x.introduced)],
               "enterprise", "year"),
    RecordKind("awards", gettext_lazy("Talent programmes and awards"),
               gettext_lazy("Record a talent award"), TalentAward,
               AwardForm, services.award_create, lambda: [
                   Column(_("enterprise"), _ent), Column(_("year"), lambda x: x.year),
                   Column(_("programme or award"), lambda x: x.programme),
                   Column(_("level"), lambda x: x.get_level_display()), Column(_("people"), lambda x: x.count)],
               "enterprise", "year", update=services.award_update, update_arg="award"),
    RecordKind("patents", gettext_lazy("Patents granted"),
               gettext_lazy("Record patents of a year"), PatentYear, PatentForm,
               services.patents_record, lambda: [
                   Column(_("enterprise"), _ent), Column(_("year"), lambda x: x.year),
                   Column(_("invention patents granted"), lambda x: x.invention),
                   Column(_("utility models granted"), lambda x: x.utility),
                   Column(_("industrial designs granted"), lambda x: x.design)],
               "enterprise", "year"),
    RecordKind("providers", gettext_lazy("Service providers"),
               gettext_lazy("New service provider"), EcoProvider, ProviderForm,
               services.provider_create, lambda: [
                   Column(_("provider name"), lambda x: x.name),
                   Column(_("service kind"), lambda x: x.get_kind_display()),
                   Column(_("services offered"), lambda x: x.services or "—"), Column(_("chain nodes"), _nodes)],
               "nodes", "", "name__icontains", services.provider_update, "provider", ()),
    RecordKind("funds", gettext_lazy("Funds"),
               gettext_lazy("New fund"), Fund, FundForm, services.fund_create, lambda: [
        Column(_("fund name"), lambda x: x.name), Column(_("fund kind"), lambda x: x.get_kind_display()),
        Column(_("fund size (10k yuan)"), lambda x: x.size_wan), Column(_("fund manager"), lambda x: x.manager or "—"),
        Column(_("chain nodes"), _nodes)], "nodes", "", "name__icontains", services.fund_update, "fund", ()),
    RecordKind("financings", gettext_lazy("Financing events"),
               gettext_lazy("Record a financing"), FinancingEvent, FinancingForm,
               services.financing_create, lambda: [
                   Column(_("enterprise"), _ent), Column(_("date"), lambda x: x.on),
                   Column(_("financing round"), lambda x: x.get_round_display()),
                   Column(_("amount (10k yuan)"), lambda x: x.amount_wan),
                   Column(_("investors"), lambda x: x.investors)],
               "enterprise", "on__year", update=services.financing_update, update_arg="financing",
               related=("enterprise", "fund")),
)}


def _kind(key: str) -> RecordKind:
    kind = RECORDS.get(key)
    if kind is None:
        raise Http404
    return kind


def _record_spec(kind: RecordKind) -> ListSpec:
    filters = [Filter("node", _("Chain node"), _node_choices, apply=_by_node(kind.node_filter))]
    if kind.year_lookup:
        filters.append(Filter("year", _("year"), _year_choices, kind.year_lookup))
    return ListSpec(filters=filters, search=lambda qs, q: qs.filter(**{kind.search: q}),
                    columns=lambda r: kind.columns(), export_name=f"chains_{kind.key}", per_page=50)


def record_list(request: AuthedRequest, key: str) -> HttpResponse:
    """A list of four-chain records the user may see, filtered by node (the four-chain view's cells link here) and
    year, searchable and exportable."""
    require_page_role(request.user, READERS)
    kind = _kind(key)
    qs = kind.model.objects.visible_to(request.user).select_related(*kind.related)
    if "nodes" in [f.name for f in kind.model._meta.many_to_many]:
        qs = qs.prefetch_related("nodes")
    can_edit = request.user.role in EDITORS
    return run_list(request, qs.order_by(*kind.model._meta.ordering), _record_spec(kind), "chains/records.html", {
        "title": kind.title, "kind": kind.key, "columns": kind.columns(), "can_edit": can_edit,
        "editable": can_edit and kind.update is not None, "kinds": [(k.key, k.title) for k in RECORDS.values()]})


def record_create(request: AuthedRequest, key: str) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    kind = _kind(key)
    form = kind.form(request.POST or None, user=request.user)  # type: ignore[call-arg]
    if request.method == "POST" and form.is_valid():
        try:
            kind.create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("chains:" + kind.key)
    return render(request, "chains/form.html", {"form": form, "title": kind.new_title})


def record_edit(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    kind = _kind(key)
    if kind.update is None:
        raise Http404
    obj = get_visible_or_404(kind.model.objects.editable_by(request.user), request.user, pk=pk)
    initial = {f: getattr(obj, f) for f in kind.form.base_fields}
    if hasattr(obj, "nodes"):
        initial["nodes"] = list(obj.nodes.values_list("pk", flat=True))
    for fk in ("enterprise", "fund"):  # fields the forms add per user
        if hasattr(obj, f"{fk}_id"):
            initial[fk] = getattr(obj, f"{fk}_id")
    form = kind.form(request.POST or None, user=request.user, initial=initial)  # type: ignore[call-arg]
    if request.method == "POST" and form.is_valid():
        try:
            kind.update(actor=request.user, **{kind.update_arg: obj}, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("chains:" + kind.key)
    return render(request, "chains/form.html", {"form": form, "title": _("Edit") + " · " + str(obj)})


def _record_views(key: str) -> tuple[Callable[..., HttpResponse], ...]:
    """The list, create and edit views of one kind, each its own URL name (so each has its scope row)."""
    @login_required
    def listing(request: AuthedRequest) -> HttpResponse:
        return record_list(request, key)

    @login_required
    def create(request: AuthedRequest) -> HttpResponse:
        return record_create(request, key)

    @login_required
    def edit(request: AuthedRequest, pk: int) -> HttpResponse:
        return record_edit(request, key, pk)
    return listing, create, edit


# =========================================================================== the four-chain view


@login_required
def chain_four(request: AuthedRequest, pk: int) -> HttpResponse:
    """The four-chain view of a chain: one row per node, its industry strength, innovation, talent and ecosystem
    side by side for a year, gaps coloured, each cell linking to the list behind it."""
    require_page_role(request.user, READERS)
    chain = get_visible_or_404(Chain.objects.all(), request.user, pk=pk)
    year = _asked_year(request)
    rows = selectors.four_chains(chain, request.user, year)
    if request.GET.get("chart") == "heat":
        return JsonResponse({"option": _heat_option(rows), "empty": not rows})
    summary = selectors.chain_summary(chain, request.user, year)
    return render(request, "chains/four.html", {
        "chain": chain, "rows": rows, "year": year, "summary": summary, "years": _year_choices(request),
        "heat_height": max(320, 28 * len(rows) + 100)})


def _asked_year(request: AuthedRequest) -> int:
    value = request.GET.get("year", "")
    default = selectors.figures_year()
    if value.isdigit() and 1980 <= int(value) <= default + 1:
        return int(value)
    return default


#: The heat map's columns: (row attribute, heading).
HEAT = (("enterprises", "企业"), ("platforms", "创新平台"), ("patents", "专利"), ("contracts", "技术合同"),
        ("doctors", "博士"), ("masters", "硕士"), ("introduced", "引进人才"), ("providers", "服务机构"),
        ("financings", "融资事件"))


def _heat_option(rows: list[selectors.FourChainRow]) -> dict[str, Any]:
    """An ECharts heat map: nodes by measures, a cell's colour by whether the node has any (0 = gap, red)."""
    names = [("　" * (r.node.depth - 1)) + r.node.name for r in rows]
    data = []
    for y, r in enumerate(rows):
        for x, (key, _label) in enumerate(HEAT):
            value = r.fig.enterprises if key == "enterprises" else getattr(r, key)
            data.append([x, y, value])
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 180, "right": 20, "top": 30, "bottom": 60},
        "xAxis": {"type": "category", "data": [h for _k, h in HEAT], "position": "top"},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "visualMap": {"type": "piecewise", "orient": "horizontal", "left": "center", "bottom": 0,
                      "pieces": [{"value": 0, "label": "缺口", "color": "#d63939"},
                                 {"gte": 1, "lte": 2, "label": "1–2", "color": "#ffd8a8"},
                                 {"gt": 2, "label": "≥3", "color": "#2fb344"}]},
        "series": [{"type": "heatmap", "data": data, "label": {"show": True}}],
    }
