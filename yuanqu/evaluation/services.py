"""Every write of 亩均效益评价: methods (from the template, edited, new versions), input records (企业填报/核对 →
部门审核 → 企业确认), runs (测算 → 公示 → 定级), appeals (申诉 → 复核). Keyword-only, atomic, validated, audited; the
actor's scope is checked on every object it names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent
from yuanqu.core.roles import EDIT_REGION, Role
from yuanqu.core.services import require_editable, require_role, save_created, save_updated
from yuanqu.enterprises.models import Enterprise, Occupancy, Settlement
from yuanqu.figures.enterprise_values import enterprise_year_values
from yuanqu.figures.periods import Period
from yuanqu.figures.selectors import period_status, scope_for_region

from . import method as methods
from .models import PUBLICITY_DAYS, Appeal, Evaluation, EvaluationInput, Method, Result
from .scoring import Inputs, score

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: Industry sections (门类) evaluated as industry: B 采矿业, C 制造业, D 电力、热力、燃气及水生产和供应业.
INDUSTRIAL_SECTIONS = ("B", "C", "D")
#: Statistics read through the figures layer for a run.
STAT_CODES = ("tax", "revenue", "rnd", "employees", "power")
#: Fields of an input record the enterprise fills and staff may correct.
INPUT_FIELDS = ("value_added_wan", "emission_t", "other_energy_tce", "owns_land", "land_parcel_mu",
                "production_year", "utility", "relocated", "safety_incident", "environment_violation")


def _today(on: dt.date | None) -> dt.date:
    today = timezone.localdate()
    if on is not None and on > today:
        raise ValidationError("日期不能晚于今天。", code="future")
    return on or today


def _stage(actor: User, obj: Any, action: str, before: dict[str, Any]) -> None:
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=obj, before=before,
                 after={**audit.snapshot(obj), "step": action})


# =========================================================================== methods


@transaction.atomic
def method_create(*, actor: User, year: int, spec: dict[str, Any] | None = None, name: str = "",
                  source: str = "") -> Method:
    """A new method version of the actor's region for ``year``, from ``spec`` or the shipped template."""
    require_role(actor, EDIT_REGION)
    spec = spec if spec is not None else methods.template()
    methods.validate(spec)
    latest = Method.objects.filter(region_id=actor.region_id, year=year).aggregate(v=Max("version"))["v"] or 0
    method = Method(region_id=actor.region_id, year=year, version=latest + 1, spec=spec,
                    name=name or str(spec.get("name") or "亩均效益综合评价办法"),
                    source=source or str(spec.get("source") or ""))
    return save_created(actor=actor, obj=method)


@transaction.atomic
def method_update(*, actor: User, method: Method, spec: dict[str, Any], name: str | None = None,
                  source: str | None = None) -> Method:
    """Change a version no run has used; a used version stays as it was (make a new version instead)."""
    require_editable(Method.objects, actor, method)
    if method.in_use:
        raise ValidationError("该版本已用于评价测算，不能修改；请另存为新版本。", code="in_use")
    methods.validate(spec)
    before = audit.snapshot(method)
    method.spec = spec
    if name is not None:
        method.name = name
    if source is not None:
        method.source = source
    return save_updated(actor=actor, obj=method, before=before)


# =========================================================================== input records


def _input_of(actor: User, enterprise: Enterprise, year: int) -> EvaluationInput | None:
    return EvaluationInput.objects.filter(enterprise=enterprise, year=year).first()


@transaction.atomic
def input_save(*, actor: User, enterprise: Enterprise, year: int, **values: Any) -> EvaluationInput:
    """Fill or correct an enterprise's input record (企业填报/核对, or staff's correction): the record goes back to
    "filled" for review when anything changes."""
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError("企业不存在。", code="scope")
    require_role(actor, {Role.REGION_STAFF, Role.ENTERPRISE_USER})
    unknown = set(values) - set(INPUT_FIELDS)
    if unknown:
        raise TypeError(f"unknown input fields: {sorted(unknown)}")
    record = _input_of(actor, enterprise, year)
    if record is None:
        region = actor.region_id if actor.role == Role.REGION_STAFF else enterprise.region_id
        record = EvaluationInput(region_id=region, enterprise=enterprise, year=year, **values)
        return save_created(actor=actor, obj=record)
    require_editable(EvaluationInput.objects, actor, record)
    before = audit.snapshot(record)
    changed = False
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    if changed:
        record.status, record.reviewed_by, record.reviewed_at, record.confirmed_at = (
            EvaluationInput.Status.FILLED, None, None, None)
    return save_updated(actor=actor, obj=record, before=before)


@transaction.atomic
def input_review(*, actor: User, record: EvaluationInput) -> EvaluationInput:
    """部门审核: district staff accept the record as filled."""
    require_role(actor, EDIT_REGION)
    require_editable(EvaluationInput.objects, actor, record)
    if record.status != EvaluationInput.Status.FILLED:
        raise ValidationError("该填报已审核。", code="state")
    before = audit.snapshot(record)
    record.status, record.reviewed_by, record.reviewed_at = EvaluationInput.Status.REVIEWED, actor, timezone.now()
    record.full_clean()
    record.save()
    _stage(actor, record, "review", before)
    return record


@transaction.atomic
def input_confirm(*, actor: User, record: EvaluationInput) -> EvaluationInput:
    """企业确认: the enterprise confirms the reviewed figures (its own record only)."""
    if actor.role != Role.ENTERPRISE_USER or actor.enterprise_id != record.enterprise_id:
        raise ValidationError("只能确认本企业的填报数据。", code="scope")
    if record.status != EvaluationInput.Status.REVIEWED:
        raise ValidationError("填报数据经部门审核后才能确认。", code="state")
    before = audit.snapshot(record)
    record.status, record.confirmed_at = EvaluationInput.Status.CONFIRMED, timezone.now()
    record.full_clean()
    record.save()
    _stage(actor, record, "confirm", before)
    return record


# =========================================================================== runs


@transaction.atomic
def evaluation_create(*, actor: User, method: Method) -> Evaluation:
    """A run of the method's year over the actor's region."""
    require_role(actor, EDIT_REGION)
    if not Method.objects.visible_to(actor).filter(pk=method.pk).exists():
        raise ValidationError({"method": "评价办法不存在。"}, code="scope")
    methods.validate(method.spec)
    return save_created(actor=actor, obj=Evaluation(region_id=method.region_id, method=method, year=method.year))


def statistics_final(region_code: str, year: int) -> bool:
    """Whether the year's statistics are final in the region (its December round locked): else a run is 试算."""
    return period_status(scope_for_region(region_code), Period.whole_year(year)).final


def gather(evaluation: Evaluation) -> tuple[list[Inputs], dict[int, int | None]]:
    """Every enterprise moved in to a park of the region by the year's end (and not gone before it), with its
    figures: statistics through the figures layer, land from its units or its input record's parcel, the rest from
    its input record. Returns the inputs and each enterprise's park."""
    year, end = evaluation.year, dt.date(evaluation.year, 12, 31)
    settlements = (Settlement.objects.in_region(evaluation.region_id)
                   .filter(moved_in_on__lte=end, enterprise__archived_at__isnull=True)
                   .filter(Q(exited_on__isnull=True) | Q(exited_on__gt=end))
                   .select_related("enterprise__industry").order_by("enterprise_id", "moved_in_on", "pk"))
    first: dict[int, Settlement] = {}
    for s in settlements:
        first.setdefault(s.enterprise_id, s)
    ids = list(first)
    leased = dict(Occupancy.objects.filter(settlement__in=[s.pk for s in settlements], since__lte=end)
                  .filter(Q(until__isnull=True) | Q(until__gt=end)).order_by()
                  .values("settlement__enterprise_id").annotate(a=Sum("unit__area_m2"))
                  .values_list("settlement__enterprise_id", "a"))
    stats = enterprise_year_values(ids, year, STAT_CODES)
    records = {r.enterprise_id: r for r in EvaluationInput.objects.filter(enterprise_id__in=ids, year=year)}
    items = []
    for eid, s in first.items():
        e = s.enterprise
        values = {code: v.value for code, v in stats.get(eid, {}).items()}
        record = records.get(eid)
        started = (record.production_year if record and record.production_year
                   else (s.moved_in_on.year if s.moved_in_on else None))
        flags = {name for name, on in (
            ("is_high_tech", e.is_high_tech), ("is_srdi", e.srdi_level in ("provincial", "little_giant")),
            ("is_listed", e.listing != Enterprise.Listing.UNLISTED)) if on}
        if record is not None:
            flags |= {f for f in ("utility", "relocated", "safety_incident", "environment_violation")
                      if getattr(record, f)}
        items.append(Inputs(
            key=eid, name=e.name, industrial=bool(e.industry and e.industry.section in INDUSTRIAL_SECTIONS),
            above_scale=e.is_above_scale, owns_land=bool(record and record.owns_land),
            land_parcel_mu=record.land_parcel_mu if record else None,
            leased_m2=Decimal(leased[eid]) if leased.get(eid) else None,
            tax=values.get("tax"), revenue=values.get("revenue"), rnd=values.get("rnd"),
            employees=values.get("employees"), power_kwh=values.get("power"),
            value_added=record.value_added_wan if record else None,
            emission_t=record.emission_t if record else None,
            other_energy_tce=record.other_energy_tce if record else None,
            production_years=year - started if started else None, flags=frozenset(flags)))
    return items, {eid: s.park_id for eid, s in first.items()}


def _compute(evaluation: Evaluation) -> dict[int, str]:
    """Score the run and store its results (replacing any); returns the classes before, by enterprise."""
    items, parks = gather(evaluation)
    outcomes = score(evaluation.method.spec, items)
    existing = {r.enterprise_id: r for r in evaluation.results.all()}
    before = {eid: r.grade for eid, r in existing.items()}
    # Results are updated in place, so an appeal keeps its result when an upheld appeal computes the run again.
    evaluation.results.exclude(enterprise_id__in=[o.key for o in outcomes]).delete()
    fresh: list[Result] = []
    changed: list[Result] = []
    for o in outcomes:
        row = existing.get(o.key) or Result(evaluation=evaluation, enterprise_id=o.key)
        row.park_id, row.category, row.land_mu, row.energy_tce = parks.get(o.key), o.category, o.land_mu, o.energy_tce
        row.values = {k: (str(v) if v is not None else None) for k, v in o.values.items()}
        row.scores = {k: str(v) for k, v in o.scores.items()}
        row.imputed, row.bonus, row.total, row.grade, row.excluded = o.imputed, o.bonus, o.total, o.grade, o.excluded
        (changed if row.pk else fresh).append(row)
    Result.objects.bulk_create(fresh, batch_size=500)
    Result.objects.bulk_update(changed, ["park", "category", "land_mu", "energy_tce", "values", "scores", "imputed",
                                         "bonus", "total", "grade", "excluded"], batch_size=500)
    return before


@transaction.atomic
def evaluation_compute(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """测算: score every enterprise of the region under the run's method. Over statistics that are not final the
    run is a 试算 (trial) and can never be published. A published run is not computed again (except through an
    upheld appeal)."""
    require_editable(Evaluation.objects, actor, evaluation)
    if evaluation.stage not in (Evaluation.Stage.COLLECTING, Evaluation.Stage.COMPUTED):
        raise ValidationError("评价结果已公示，不能重新测算；如有错误请通过申诉复核。", code="state")
    before = audit.snapshot(evaluation)
    _compute(evaluation)
    evaluation.trial = not statistics_final(evaluation.region_id, evaluation.year)
    evaluation.stage, evaluation.computed_at = Evaluation.Stage.COMPUTED, timezone.now()
    evaluation.full_clean()
    evaluation.save()
    _stage(actor, evaluation, "compute", before)
    return evaluation


@transaction.atomic
def evaluation_publish(*, actor: User, evaluation: Evaluation, on: dt.date | None = None) -> Evaluation:
    """公示: the results are shown to the enterprises for :data:`PUBLICITY_DAYS` days from ``on``. A 试算 is refused."""
    require_editable(Evaluation.objects, actor, evaluation)
    on = _today(on)
    if evaluation.trial:
        raise ValidationError(f"{evaluation.year}年统计数据尚未锁定（快报），本次为试算，不能公示。", code="trial")
    if evaluation.stage != Evaluation.Stage.COMPUTED:
        raise ValidationError("只有已测算、未公示的评价才能公示。", code="state")
    if not statistics_final(evaluation.region_id, evaluation.year):
        raise ValidationError(f"{evaluation.year}年统计数据尚未锁定（快报），不能公示。", code="trial")
    before = audit.snapshot(evaluation)
    evaluation.stage = Evaluation.Stage.PUBLICIZED
    evaluation.publicity_from, evaluation.publicity_until = on, on + dt.timedelta(days=PUBLICITY_DAYS - 1)
    evaluation.full_clean()
    evaluation.save()
    _stage(actor, evaluation, "publish", before)
    return evaluation


@transaction.atomic
def evaluation_finalize(*, actor: User, evaluation: Evaluation, on: dt.date | None = None) -> Evaluation:
    """定级: once 公示 has ended and every appeal is decided, the classes are final (and trigger their measures)."""
    require_editable(Evaluation.objects, actor, evaluation)
    on = _today(on)
    if evaluation.stage != Evaluation.Stage.PUBLICIZED or evaluation.publicity_until is None:
        raise ValidationError("只有公示中的评价才能定级。", code="state")
    if on <= evaluation.publicity_until:
        raise ValidationError(f"公示期至{evaluation.publicity_until:%Y年%m月%d日}，期满后才能定级。", code="early")
    if Appeal.objects.filter(result__evaluation=evaluation, status=Appeal.Status.OPEN).exists():
        raise ValidationError("尚有未处理的申诉，处理后才能定级。", code="appeals")
    before = audit.snapshot(evaluation)
    evaluation.stage, evaluation.finalized_on = Evaluation.Stage.FINAL, on
    evaluation.full_clean()
    evaluation.save()
    _stage(actor, evaluation, "finalize", before)
    return evaluation


# =========================================================================== appeals


@transaction.atomic
def appeal_file(*, actor: User, result: Result, reason: str, on: dt.date | None = None) -> Appeal:
    """申诉: the enterprise (its own user) objects to its result during 公示; later, or by anyone else, refused."""
    on = _today(on)
    if actor.role != Role.ENTERPRISE_USER or actor.enterprise_id != result.enterprise_id:
        raise ValidationError("只能对本企业的评价结果提出申诉。", code="scope")
    evaluation = result.evaluation
    if not evaluation.in_publicity(on):
        until = evaluation.publicity_until
        raise ValidationError(f"申诉须在公示期内提出（公示期至{until:%Y年%m月%d日}）。" if until
                              else "评价结果尚未公示，不能申诉。", code="period")
    if result.appeals.filter(status=Appeal.Status.OPEN).exists():
        raise ValidationError("已有一项申诉在处理中。", code="open")
    appeal = Appeal(result=result, filed_by=actor, filed_on=on, reason=(reason or "").strip())
    if not appeal.reason:
        raise ValidationError({"reason": "请写明申诉理由。"}, code="required")
    return save_created(actor=actor, obj=appeal)


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, upheld: bool, decision: str,
                  corrections: dict[str, Any] | None = None) -> Appeal:
    """复核: staff uphold the appeal (correcting the enterprise's input record; the run is computed again and the
    class may change) or reject it, with the reason."""
    require_role(actor, EDIT_REGION)
    if not Appeal.objects.visible_to(actor).filter(pk=appeal.pk).exists():
        raise ValidationError("申诉不存在。", code="scope")
    if appeal.status != Appeal.Status.OPEN:
        raise ValidationError("该申诉已处理。", code="state")
    if not (decision or "").strip():
        raise ValidationError({"decision": "请写明复核意见。"}, code="required")
    result = appeal.result
    evaluation = result.evaluation
    before = audit.snapshot(appeal)
    if upheld:
        if corrections:
            input_save(actor=actor, enterprise=result.enterprise, year=evaluation.year, **corrections)
        old = _compute(evaluation)
        grades = dict(evaluation.results.values_list("enterprise_id", "grade"))
        changes = {eid: (old.get(eid, ""), g) for eid, g in grades.items() if old.get(eid) and old[eid] != g}
        for eid, (was, _now) in changes.items():
            Result.objects.filter(evaluation=evaluation, enterprise_id=eid).update(grade_before_appeal=was)
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=evaluation,
                     before={"grades": {str(k): v[0] for k, v in changes.items()}},
                     after={"grades": {str(k): v[1] for k, v in changes.items()}, "appeal": appeal.pk})
        appeal = Appeal.objects.get(pk=appeal.pk)
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.decision, appeal.decided_by, appeal.decided_at = decision.strip(), actor, timezone.now()
    return save_updated(actor=actor, obj=appeal, before=before)


def open_appeals(evaluations: Iterable[Evaluation]) -> int:
    return Appeal.objects.filter(result__evaluation__in=list(evaluations), status=Appeal.Status.OPEN).count()
