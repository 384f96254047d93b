"""Pages of 亩均效益评价: methods (categories, indicators, weights, cut-offs), runs (results with indicators, score,
class and T reasons; filtered by class and park; exported; a chart of the classes), input records (企业填报/核对 →
部门审核 → 企业确认), an enterprise's own result with its appeal, and appeals decided by staff.

District staff edit; the leader reads; a park operator reads its parks' enterprises only; an enterprise user sees
its own records and its own published results. Every read goes through the models' scope, every write through
``services``."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yuanqu.core.forms import attach_errors
from yuanqu.core.listing import Column, Filter, ListSpec, paginate, run_list
from yuanqu.core.roles import BUSINESS_ROLES, EDIT_REGION, ENTERPRISE_SIDE, TENANT_READERS, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from . import selectors, services
from .forms import AppealForm, DecideForm, InputForm, MethodEditForm, MethodNewForm, RunForm
from .method import BONUS_SOURCES, CATEGORY_RULES, EXCLUSION_RULES, INDICATORS
from .models import Appeal, Evaluation, EvaluationInput, Method

READERS = TENANT_READERS
EDITORS = EDIT_REGION
GRADE_COLOURS = {"A": "#2fb344", "B": "#206bc4", "C": "#f59f00", "D": "#d63939", "T": "#9aa0ac"}


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


def _post(request: AuthedRequest, back: str, act: Callable[[], Any], done: str,
          form: forms.BaseForm | None = None) -> HttpResponse:
    """A button or small form: run ``act`` (a service) and return to the page with the outcome."""
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(
            f"{form.fields[f].label if f in form.fields else ''}：{' '.join(str(m) for m in e)}"
            for f, e in form.errors.items()))
        return redirect(back)
    try:
        act()
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(back)


# =========================================================================== methods


@login_required
def method_list(request: AuthedRequest) -> HttpResponse:
    require_page_role(request.user, READERS)
    rows = Method.objects.visible_to(request.user).select_related("region")
    return render(request, "evaluation/method_list.html", {
        "rows": rows, "can_edit": request.user.role in EDITORS,
        "new_form": MethodNewForm(initial={"year": timezone.localdate().year - 1})})


@login_required
@require_POST
def method_create(request: AuthedRequest) -> HttpResponse:
    """A new version for a year, from the shipped template."""
    require_page_role(request.user, EDITORS)
    form = MethodNewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for e in form.errors.values() for m in e))
        return redirect("evaluation:methods")
    try:
        method = services.method_create(actor=request.user, year=form.cleaned_data["year"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("evaluation:methods")
    messages.success(request, "已按模板建立评价办法，请按本地办法修改。")
    return redirect("evaluation:method", method.pk)


def method_tables(spec: dict[str, Any]) -> dict[str, Any]:
    """The method document as the page's tables: categories with their indicators, weights and benchmarks."""
    cats = []
    for cat in spec.get("categories", []):
        items = [{**INDICATORS.get(i["code"], {"name": i["code"], "unit": "", "definition": ""}), **i}
                 for i in cat.get("indicators", [])]
        cats.append({**cat, "rule_text": CATEGORY_RULES.get(cat.get("rule"), ""), "items": items,
                     "total": sum((Decimal(str(i.get("weight", 0))) for i in items), Decimal(0))})
    classes = spec.get("classes", {})
    return {"categories": cats, "classes": classes, "bonus": [
        {**b, "source_text": BONUS_SOURCES.get(b.get("source"), "")} for b in spec.get("bonus", [])],
        "exclusions": [{**x, "rule_text": EXCLUSION_RULES.get(x.get("rule"), "")} for x in spec.get("exclusions", [])],
        "measures": spec.get("measures", []), "scoring": spec.get("scoring", {}), "missing": spec.get("missing"),
        "power_factor": spec.get("power_kgce_per_kwh"), "plot_ratio": spec.get("tenant_plot_ratio", 1)}


@login_required
def method_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, READERS)
    method = get_visible_or_404(Method.objects.all(), request.user, pk=pk)
    return render(request, "evaluation/method_detail.html", {
        "method": method, **method_tables(method.spec),
        "can_edit": request.user.role in EDITORS and not method.in_use})


@login_required
def method_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    method = get_visible_or_404(Method.objects.editable_by(request.user), request.user, pk=pk)
    form = MethodEditForm(request.POST or None, initial={
        "name": method.name, "source": method.source, "spec": json.dumps(method.spec, ensure_ascii=False, indent=2)})
    if request.method == "POST" and form.is_valid():
        try:
            services.method_update(actor=request.user, method=method, spec=form.cleaned_data["spec"],
                                   name=form.cleaned_data["name"], source=form.cleaned_data["source"])
        except ValidationError as exc:
            attach_errors(form, ValidationError({"spec": exc.messages}) if not hasattr(exc, "error_dict") else exc)
        else:
            messages.success(request, "评价办法已保存。")
            return redirect("evaluation:method", method.pk)
    return render(request, "evaluation/form.html", {"form": form, "title": f"修改 {method}", "method": method})


# =========================================================================== runs


@login_required
def run_list_view(request: AuthedRequest) -> HttpResponse:
    require_page_role(request.user, READERS)
    runs = list(Evaluation.objects.visible_to(request.user).select_related("method"))
    for run in runs:
        run.counts = selectors.distribution(selectors.results_for(request.user, run))  # type: ignore[attr-defined]
    return render(request, "evaluation/run_list.html", {"rows": runs, "can_edit": request.user.role in EDITORS})


@login_required
def run_create(request: AuthedRequest) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    form = RunForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.evaluation_create(actor=request.user, method=form.cleaned_data["method"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "已建立评价，请在企业填报核对后测算。")
            return redirect("evaluation:run", run.pk)
    return render(request, "evaluation/form.html", {"form": form, "title": "新建亩均效益评价"})


def _parks(request: AuthedRequest) -> list[tuple[Any, Any]]:
    return list(Park.objects.visible_to(request.user).values_list("pk", "name"))


def _result_spec(run: Evaluation) -> ListSpec:
    cats = selectors.category_names(run)
    indicators = selectors.indicator_columns(run)

    def columns(request: AuthedRequest) -> list[Column]:
        cols = [Column("统一社会信用代码", lambda r: r.enterprise.uscc),
                Column("企业名称", lambda r: r.enterprise.name),
                Column("园区", lambda r: r.park.name if r.park else ""),
                Column("评价类别", lambda r: cats.get(r.category, "")),
                Column("用地面积（亩）", lambda r: r.land_mu)]
        for code, name, unit in indicators:
            cols.append(Column(f"{name}（{unit}）", _reader("values", code)))
            cols.append(Column(f"{name}得分", _reader("scores", code)))
        cols += [Column("加减分", lambda r: r.bonus), Column("总分", lambda r: r.total),
                 Column("等级", lambda r: r.grade), Column("不参评原因", lambda r: "；".join(r.excluded)),
                 Column("试算", lambda r: "是" if run.trial else "否")]
        return cols

    return ListSpec(
        filters=[Filter("grade", "等级", [(g, g) for g in selectors.GRADES]),
                 Filter("park", "园区", _parks, lookup="park_id"),
                 Filter("category", "评价类别", list(cats.items()))],
        sorts={"total": ("total",), "name": ("enterprise__name",), "grade": ("grade", "-total")},
        default_sort="grade", search=lambda qs, q: qs.filter(enterprise__in=Enterprise.objects.search(q)),
        columns=columns, export_name=f"{run.year}年亩均效益评价{'（试算）' if run.trial else ''}", per_page=50)


def _reader(attr: str, code: str) -> Callable[[Any], Decimal | None]:
    return lambda r: _dec(getattr(r, attr).get(code))


def _dec(value: Any) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


@login_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A run: its stage and actions, the class distribution, and its results (filtered, sorted, exported)."""
    require_page_role(request.user, READERS)
    run = get_visible_or_404(Evaluation.objects.select_related("method"), request.user, pk=pk)
    results = selectors.results_for(request.user, run)
    appeals = (Appeal.objects.visible_to(request.user).filter(result__evaluation=run)
               .select_related("result__enterprise").order_by("status", "-filed_on"))
    return run_list(request, results, _result_spec(run), "evaluation/run_detail.html", {
        "run": run, "counts": selectors.distribution(results), "indicators": selectors.indicator_columns(run),
        "categories": selectors.category_names(run), "appeals": appeals, "decide_form": DecideForm(),
        "can_edit": Evaluation.objects.editable_by(request.user).filter(pk=run.pk).exists(),
        "today": timezone.localdate()})


@login_required
def run_chart(request: AuthedRequest, pk: int) -> JsonResponse:
    """The ECharts option of the run's class distribution (A/B/C/D/T counts of the user's scope)."""
    require_page_role(request.user, READERS)
    run = get_visible_or_404(Evaluation.objects.all(), request.user, pk=pk)
    counts = selectors.distribution(selectors.results_for(request.user, run))
    option = {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 20, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{g}类" for g in counts]},
        "yAxis": {"type": "value", "name": "企业数", "minInterval": 1},
        "series": [{"type": "bar", "name": "企业数", "label": {"show": True, "position": "top"},
                    "data": [{"value": n, "itemStyle": {"color": GRADE_COLOURS[g]}} for g, n in counts.items()]}],
    }
    return JsonResponse({"option": option, "empty": not any(counts.values()), "counts": counts})


def _run_action(request: AuthedRequest, pk: int, act: Callable[[Evaluation], Any], done: str) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    run = get_visible_or_404(Evaluation.objects.editable_by(request.user), request.user, pk=pk)
    return _post(request, reverse("evaluation:run", args=[run.pk]), lambda: act(run), done)


@login_required
@require_POST
def run_compute(request: AuthedRequest, pk: int) -> HttpResponse:
    return _run_action(request, pk, lambda run: services.evaluation_compute(actor=request.user, evaluation=run),
                       "测算完成。")


@login_required
@require_POST
def run_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    return _run_action(request, pk, lambda run: services.evaluation_publish(actor=request.user, evaluation=run),
                       "评价结果已公示。")


@login_required
@require_POST
def run_finalize(request: AuthedRequest, pk: int) -> HttpResponse:
    return _run_action(request, pk, lambda run: services.evaluation_finalize(actor=request.user, evaluation=run),
                       "评价等级已确定。")


# =========================================================================== results and appeals


@login_required
def result_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One enterprise's result: indicators, scores, class, its appeals, its class history; the enterprise appeals
    here during 公示."""
    require_page_role(request.user, BUSINESS_ROLES)
    result = get_visible_or_404(selectors.results_for(request.user), request.user, pk=pk)
    run = result.evaluation
    cat = next((c for c in run.method.spec.get("categories", []) if c["code"] == result.category), None)
    rows = []
    for item in (cat or {}).get("indicators", []):
        spec = INDICATORS[item["code"]]
        rows.append({"name": spec["name"], "unit": spec["unit"], "definition": spec["definition"],
                     "weight": item["weight"], "benchmark": item.get("benchmark"),
                     "value": _dec(result.values.get(item["code"])), "score": _dec(result.scores.get(item["code"])),
                     "imputed": item["code"] in result.imputed})
    own = request.user.role in ENTERPRISE_SIDE and request.user.enterprise_id == result.enterprise_id
    return render(request, "evaluation/result_detail.html", {
        "result": result, "run": run, "rows": rows, "category": cat,
        "appeals": Appeal.objects.visible_to(request.user).filter(result=result),
        "history": selectors.history(request.user, result.enterprise),
        "can_appeal": own and run.in_publicity(timezone.localdate()), "appeal_form": AppealForm()})


@login_required
@require_POST
def appeal_create(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, {Role.ENTERPRISE_USER})
    result = get_visible_or_404(selectors.results_for(request.user), request.user, pk=pk)
    form = AppealForm(request.POST)
    return _post(request, reverse("evaluation:result", args=[result.pk]),
                 lambda: services.appeal_file(actor=request.user, result=result,
                                              reason=form.cleaned_data["reason"]), "申诉已提交，请等待复核。", form)


@login_required
@require_POST
def appeal_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    appeal = get_visible_or_404(Appeal.objects.select_related("result__evaluation"), request.user, pk=pk)
    form = DecideForm(request.POST)
    return _post(request, reverse("evaluation:run", args=[appeal.result.evaluation_id]),
                 lambda: services.appeal_decide(actor=request.user, appeal=appeal, upheld=form.cleaned_data["upheld"],
                                                decision=form.cleaned_data["decision"],
                                                corrections=form.corrections()), "申诉已复核。", form)


@login_required
def my_results(request: AuthedRequest) -> HttpResponse:
    """An enterprise's own published results, latest first (its class history)."""
    require_page_role(request.user, {Role.ENTERPRISE_USER})
    rows = selectors.results_for(request.user).order_by("-evaluation__year", "-evaluation_id")
    return render(request, "evaluation/mine.html", {"rows": rows})


# =========================================================================== input records


def _inputs(request: AuthedRequest) -> QuerySet[EvaluationInput]:
    return EvaluationInput.objects.visible_to(request.user).select_related("enterprise")


@login_required
def input_list(request: AuthedRequest) -> HttpResponse:
    """Input records (企业填报): staff review them, the enterprise fills and confirms its own."""
    require_page_role(request.user, BUSINESS_ROLES)
    qs = _inputs(request)
    year = request.GET.get("year", "").strip()
    if year.isdigit():
        qs = qs.filter(year=int(year))
    ctx = paginate(request, qs, 50)
    own = request.user.enterprise if request.user.role in ENTERPRISE_SIDE else None
    return render(request, "evaluation/input_list.html", {
        **ctx, "rows": ctx["page_obj"].object_list, "year": year, "own": own,
        "can_review": request.user.role in EDITORS, "statuses": EvaluationInput.Status})


@login_required
def input_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Fill or correct the input record of an enterprise (``pk``) for a year (企业填报/核对; staff's correction)."""
    require_page_role(request.user, {Role.REGION_STAFF, Role.ENTERPRISE_USER})
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk)
    year = request.GET.get("year") or request.POST.get("year") or str(timezone.localdate().year - 1)
    record = (EvaluationInput.objects.visible_to(request.user)
              .filter(enterprise=enterprise, year=int(year) if str(year).isdigit() else 0).first())
    initial: dict[str, Any] = {"year": year}
    if record is not None:
        initial.update({f: getattr(record, f) for f in services.INPUT_FIELDS})
    form = InputForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.input_save(actor=request.user, enterprise=enterprise, year=data.pop("year"), **data)
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "填报数据已保存，等待部门审核。")
            return redirect("evaluation:inputs")
    return render(request, "evaluation/form.html", {"form": form, "title": f"{enterprise.name} 亩均评价填报"})


@login_required
@require_POST
def input_review(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, EDITORS)
    record = get_visible_or_404(EvaluationInput.objects.all(), request.user, pk=pk)
    return _post(request, reverse("evaluation:inputs"),
                 lambda: services.input_review(actor=request.user, record=record), "已审核。")


@login_required
@require_POST
def input_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, {Role.ENTERPRISE_USER})
    record = get_visible_or_404(EvaluationInput.objects.all(), request.user, pk=pk)
    return _post(request, reverse("evaluation:inputs"),
                 lambda: services.input_confirm(actor=request.user, record=record), "已确认。")

