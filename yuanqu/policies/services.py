"""Every write to policies, clauses, rule tests, matches, applications, payouts and agreements, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, IndustryCode, Region
from yuanqu.core.roles import EDIT_REGION, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import UNSET, Unset, assign, require_role, save_created, save_updated
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.investment.models import Case, Project
from yuanqu.parks.models import Park

from . import amounts, rules
from .facts import FACTS, facts_for, fixture_facts
from .models import (
    Agreement,
    AgreementStep,
    AgreementSubsidy,
    Application,
    ApplicationStep,
    Budget,
    Clause,
    ClauseVersion,
    Commitment,
    FailureClause,
    Match,
    Payout,
    Policy,
    PolicyNotice,
    RuleTest,
)

if TYPE_CHECKING:
    from yuanqu.accounts.models import User


def _err(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def review_days() -> int:
    return int(getattr(settings, "YUANQU_POLICY_REVIEW_WORKING_DAYS", 5))


def payment_days() -> int:
    return int(getattr(settings, "YUANQU_POLICY_PAYMENT_DAYS", 7))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days (Monday to Friday) after ``start``."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


# --------------------------------------------------------------------------- policies and budgets


@transaction.atomic
def policy_create(*, actor: User, title: str, issuer: str, effective_on: dt.date, region: Region | None = None,
                  doc_number: str = "", level: str = Policy.Level.DISTRICT, expires_on: dt.date | None = None,
                  status: str = Policy.Status.ACTIVE, text: str = "", attachment: Any = None,
                  industries: Iterable[IndustryCode] = (), tags: str = "") -> Policy:
    """Record a policy of the actor's region (district staff)."""
    require_role(actor, EDIT_REGION)
    policy = Policy(region_id=region.pk if region else actor.region_id, title=title, issuer=issuer,
                    effective_on=effective_on, doc_number=doc_number, level=level, expires_on=expires_on,
                    status=status, text=text, tags=tags)
    if attachment:
        policy.attachment = attachment
    if not region_within(policy.region_id, actor):
        raise _err("region", "该行政区划不在您的范围内。", "scope")
    return save_created(actor=actor, obj=policy, m2m={"industries": list(industries)})


@transaction.atomic
def policy_update(*, actor: User, policy: Policy, title: str | Unset = UNSET, issuer: str | Unset = UNSET,
                  doc_number: str | Unset = UNSET, level: str | Unset = UNSET,
                  effective_on: dt.date | Unset = UNSET, expires_on: dt.date | None | Unset = UNSET,
                  status: str | Unset = UNSET, text: str | Unset = UNSET, attachment: Any = UNSET,
                  industries: Iterable[IndustryCode] | Unset = UNSET, tags: str | Unset = UNSET) -> Policy:
    """Change a policy (district staff of its region)."""
    require_role(actor, EDIT_REGION)
    if not Policy.objects.editable_by(actor).filter(pk=policy.pk).exists():
        raise PermissionDenied("policy not editable")
    before = audit.snapshot(policy)
    assign(policy, title=title, issuer=issuer, doc_number=doc_number, level=level, effective_on=effective_on,
           expires_on=expires_on, status=status, text=text, tags=tags)
    if attachment is not UNSET and attachment:
        policy.attachment = attachment
    m2m: dict[str, Iterable[Any]] | None = None if industries is UNSET else {"industries": list(industries)}
    return save_updated(actor=actor, obj=policy, before=before, m2m=m2m)


@transaction.atomic
def budget_set(*, actor: User, policy: Policy, year: int, total_yuan: Decimal) -> Budget:
    """Set a policy's budget for a year; never below what is already committed."""
    require_role(actor, EDIT_REGION)
    if not Policy.objects.editable_by(actor).filter(pk=policy.pk).exists():
        raise PermissionDenied("policy not editable")
    budget = Budget.objects.select_for_update().filter(policy=policy, year=year).first()
    if budget is None:
        return save_created(actor=actor, obj=Budget(policy=policy, year=year, total_yuan=total_yuan))
    if total_yuan < budget.committed_yuan:
        raise _err("total_yuan", f"预算不能少于已承诺的 {budget.committed_yuan:,.2f} 元。", "below_committed")
    before = audit.snapshot(budget)
    budget.total_yuan = total_yuan
    return save_updated(actor=actor, obj=budget, before=before)


# --------------------------------------------------------------------------- clauses, rules, tests, versions


def validate_rule(rule: Any) -> None:
    """Refuse a malformed rule, an unknown fact or a number compared with text, naming the position."""
    try:
        rules.validate(rule, FACTS)
    except rules.RuleError as exc:
        raise _err("rule", f"资格规则有误（位置：{exc.position}）：{exc.message}", "rule") from exc


def validate_amount_rule(rule: Any) -> None:
    try:
        amounts.validate_amount(rule, FACTS)
    except rules.RuleError as exc:
        raise _err("amount_rule", f"金额规则有误（位置：{exc.position}）：{exc.message}", "amount_rule") from exc


def _require_clause_editor(actor: User, clause: Clause | None = None, policy: Policy | None = None) -> None:
    require_role(actor, EDIT_REGION)
    target = policy or (clause.policy if clause else None)
    if target is None or not Policy.objects.editable_by(actor).filter(pk=target.pk).exists():
        raise PermissionDenied("policy not editable")


CLAUSE_FIELDS = ("number", "title", "benefit", "stats_year", "rule", "amount_rule", "cap_yuan", "evidence",
                 "beneficiaries", "conditions_text", "payout_days", "office", "phone", "no_application")


def _snapshot(clause: Clause) -> dict[str, Any]:
    data = {f: getattr(clause, f) for f in CLAUSE_FIELDS}
    data["cap_yuan"] = str(clause.cap_yuan) if clause.cap_yuan is not None else None
    data["policy"] = clause.policy.title
    return data


@transaction.atomic
def clause_create(*, actor: User, policy: Policy, number: str, title: str, stats_year: int,
                  beneficiaries: str, conditions_text: str, office: str, phone: str,
                  rule: dict[str, Any], amount_rule: dict[str, Any] | None = None,
                  benefit: str = Clause.Benefit.CASH, cap_yuan: Decimal | None = None, evidence: str = "",
                  payout_days: int = 30, no_application: bool = False) -> Clause:
    """Add a draft clause; its rule and amount rule are checked now, its tests before it is published."""
    _require_clause_editor(actor, policy=policy)
    validate_rule(rule)
    validate_amount_rule(amount_rule or {})
    clause = Clause(policy=policy, number=number, title=title, stats_year=stats_year, beneficiaries=beneficiaries,
                    conditions_text=conditions_text, office=office, phone=phone, rule=rule,
                    amount_rule=amount_rule or {}, benefit=benefit, cap_yuan=cap_yuan, evidence=evidence,
                    payout_days=payout_days, no_application=no_application)
    return save_created(actor=actor, obj=clause)


@transaction.atomic
def clause_update(*, actor: User, clause: Clause, **changes: Any) -> Clause:
    """Change a clause. A published clause's change makes a new version, and its tests must still pass;
    applications keep the version they were judged by."""
    _require_clause_editor(actor, clause=clause)
    unknown = set(changes) - set(CLAUSE_FIELDS)
    if unknown:
        raise TypeError(f"clause_update() got unexpected keyword arguments {sorted(unknown)}")
    if "rule" in changes:
        validate_rule(changes["rule"])
    if "amount_rule" in changes:
        validate_amount_rule(changes["amount_rule"] or {})
        changes["amount_rule"] = changes["amount_rule"] or {}
    clause = Clause.objects.select_for_update().get(pk=clause.pk)
    before = audit.snapshot(clause)
    assign(clause, **changes)
    if clause.status == Clause.Status.PUBLISHED and _snapshot(clause) != _stored_snapshot(clause):
        _require_tests_pass(clause)
        clause.version += 1
        saved = save_updated(actor=actor, obj=clause, before=before)
        ClauseVersion.objects.create(clause=saved, number=saved.version, snapshot=_snapshot(saved), created_by=actor)
        transaction.on_commit(lambda: match_clause(clause=saved))
        return saved
    return save_updated(actor=actor, obj=clause, before=before)


def _stored_snapshot(clause: Clause) -> dict[str, Any]:
    version = clause.versions.filter(number=clause.version).first()
    return version.snapshot if version else {}


def run_tests(clause: Clause) -> list[tuple[RuleTest, rules.Evaluation, bool]]:
    """Each rule test of the clause: its evaluation and whether the outcome is the expected one."""
    out = []
    for test in clause.tests.all():
        ev = rules.evaluate(clause.rule, fixture_facts(test.facts), FACTS)
        out.append((test, ev, ev.outcome == test.expected))
    return out


def _require_tests_pass(clause: Clause) -> None:
    results = run_tests(clause)
    if not results:
        raise ValidationError("发布前须至少添加一个规则测试（样例企业及预期结果）。", code="no_tests")
    failed = [t.name for t, _ev, ok in results if not ok]
    if failed:
        raise ValidationError(f"规则测试未通过：{'、'.join(failed)}。请修改规则或测试后再发布。", code="tests_failed")


@transaction.atomic
def rule_test_create(*, actor: User, clause: Clause, name: str, facts: dict[str, Any], expected: str) -> RuleTest:
    """Add a fixture enterprise (stated facts) with the outcome the rule must give for it."""
    _require_clause_editor(actor, clause=clause)
    if not isinstance(facts, dict):
        raise _err("facts", "样例事实必须是 JSON 对象（事实名: 值）。")
    unknown = sorted(set(facts) - set(FACTS))
    if unknown:
        raise _err("facts", f"未知的事实：{'、'.join(unknown)}。")
    for key, value in facts.items():
        spec = FACTS[key]
        if value is None:
            continue
        ok = {rules.NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
              rules.BOOL: isinstance(value, bool), rules.TEXT: isinstance(value, str),
              rules.LIST: isinstance(value, list)}[spec.type]
        if not ok:
            raise _err("facts", f"事实“{spec.label}”应为{rules.TYPE_LABELS[spec.type]}。")
    return save_created(actor=actor, obj=RuleTest(clause=clause, name=name, facts=facts, expected=expected))


@transaction.atomic
def clause_publish(*, actor: User, clause: Clause) -> Clause:
    """Publish a clause: refused without a rule test or when one fails; makes version 1 (or the next), then
    matches the region's enterprises after commit (notices, 免申即享 applications)."""
    _require_clause_editor(actor, clause=clause)
    clause = Clause.objects.select_for_update().get(pk=clause.pk)
    if clause.status == Clause.Status.PUBLISHED:
        raise ValidationError("该条款已发布。", code="published")
    validate_rule(clause.rule)
    _require_tests_pass(clause)
    before = audit.snapshot(clause)
    if clause.versions.exists():
        clause.version = (clause.versions.order_by("-number").first().number or 0) + 1  # type: ignore[union-attr]
    clause.status = Clause.Status.PUBLISHED
    saved = save_updated(actor=actor, obj=clause, before=before)
    ClauseVersion.objects.create(clause=saved, number=saved.version, snapshot=_snapshot(saved), created_by=actor)
    transaction.on_commit(lambda: match_clause(clause=saved))
    return saved


@transaction.atomic
def clause_withdraw(*, actor: User, clause: Clause) -> Clause:
    """Withdraw a published clause (no new matches; applications already made go on)."""
    _require_clause_editor(actor, clause=clause)
    before = audit.snapshot(clause)
    clause.status = Clause.Status.WITHDRAWN
    return save_updated(actor=actor, obj=clause, before=before)


# --------------------------------------------------------------------------- matching and pushing


def evaluate_for(clause: Clause, enterprises: Iterable[Enterprise]) -> dict[int, rules.Evaluation]:
    """The clause's rule over real enterprises (the editor's preview and the matching use this)."""
    ents = list(enterprises)
    facts = facts_for(ents, clause.stats_year)
    return {e.pk: rules.evaluate(clause.rule, facts[e.pk], FACTS) for e in ents}


def region_enterprises(region_code: str) -> Any:
    return Enterprise.objects.in_region(region_code).filter(status=Enterprise.Status.ACTIVE)


def _deliver(notice_ids: list[int]) -> None:
    from yuanqu.stats.notify import deliver

    for notice in PolicyNotice.objects.filter(pk__in=notice_ids).select_related("enterprise"):
        delivered = deliver(notice)
        if delivered:
            PolicyNotice.objects.filter(pk=notice.pk).update(channels=",".join(delivered))


@transaction.atomic
def match_clause(*, clause: Clause, enterprises: Iterable[Enterprise] | None = None) -> dict[str, int]:
    """Evaluate a published clause for the region's enterprises (or those given): store each match, notify those
    newly eligible, and for a 免申即享 clause create the application on their behalf. Returns counts."""
    clause = Clause.objects.select_related("policy").get(pk=clause.pk)
    counts = {"eligible": 0, "not_eligible": 0, "unknown": 0, "notified": 0, "granted": 0}
    if clause.status != Clause.Status.PUBLISHED or clause.policy.status != Policy.Status.ACTIVE:
        return counts
    ents = list(enterprises) if enterprises is not None else list(region_enterprises(clause.policy.region_id))
    evaluations = evaluate_for(clause, ents)
    notices: list[int] = []
    for e in ents:
        ev = evaluations[e.pk]
        counts[ev.outcome] += 1
        match, _created = Match.objects.update_or_create(
            clause=clause, enterprise=e,
            defaults={"version": clause.version, "outcome": ev.outcome, "trace": [r.as_dict() for r in ev.trace]})
        if ev.outcome != rules.ELIGIBLE:
            continue
        if match.notified_at is None:
            n = PolicyNotice.objects.create(enterprise=e, clause=clause, message=(
                f"您的企业符合“{clause.policy.title}”{clause.number}“{clause.title}”的条件"
                + ("，已为您免申即享办理，无需申报。" if clause.no_application else "，可在线申报。")))
            notices.append(n.pk)
            Match.objects.filter(pk=match.pk).update(notified_at=timezone.now())  # type: ignore[misc]  # see selectors
            counts["notified"] += 1
        if clause.no_application and _grant_automatically(clause, e, ev):
            counts["granted"] += 1
    audit.record(actor=None, action=AuditEvent.Action.UPDATE, obj=clause,
                 after={"matched": {k: v for k, v in counts.items()}}, region_code=clause.policy.region_id)
    if notices:
        transaction.on_commit(lambda: _deliver(notices))
    return counts


def _park_of(enterprise: Enterprise) -> Park | None:
    st = (Settlement.objects.filter(enterprise=enterprise).exclude(stage=Settlement.Stage.EXITED)
          .select_related("park").order_by("pk").first())
    return st.park if st else None


def _new_application(*, clause: Clause, enterprise: Enterprise, ev: rules.Evaluation, origin: str,
                     actor: User | None, evidence_note: str = "") -> Application:
    version = clause.versions.get(number=clause.version)
    facts = facts_for([enterprise], clause.stats_year)[enterprise.pk]
    amount, how = amounts.compute_amount(clause.amount_rule, facts, clause.cap_yuan)
    now = timezone.now()
    park = _park_of(enterprise)
    app = Application(clause=clause, version=version, enterprise=enterprise, park=park,
                      region_id=enterprise.region_id, origin=origin, budget_year=timezone.localdate().year,
                      outcome=ev.outcome, trace=[r.as_dict() for r in ev.trace], computed_yuan=amount,
                      amount_yuan=amount, evidence_note=evidence_note, submitted_at=now,
                      review_due=add_working_days(timezone.localdate(), review_days()), note=how)
    if Application.objects.filter(clause=clause, enterprise=enterprise, budget_year=app.budget_year).exclude(
            status__in=("returned", "declined")).exists():
        raise ValidationError("本年度已申报该条款，请勿重复申报。", code="duplicate")
    try:
        with transaction.atomic():
            save_created(actor=actor, obj=app)
    except IntegrityError as exc:
        raise ValidationError("本年度已申报该条款，请勿重复申报。", code="duplicate") from exc
    ApplicationStep.objects.create(application=app, to_status=app.status, by=actor,
                                   reason="免申即享：全部条件已知且满足"
                                   if origin == Application.Origin.AUTOMATIC else "")
    return app


def _grant_automatically(clause: Clause, enterprise: Enterprise, ev: rules.Evaluation) -> bool:
    if ev.outcome != rules.ELIGIBLE or ev.missing:
        return False
    if Application.objects.filter(clause=clause, enterprise=enterprise,
                                  budget_year=timezone.localdate().year).exists():
        return False
    try:
        _new_application(clause=clause, enterprise=enterprise, ev=ev, origin=Application.Origin.AUTOMATIC, actor=None)
    except ValidationError:
        return False
    return True


@transaction.atomic
def match_enterprise(*, enterprise: Enterprise) -> int:
    """Re-match one enterprise against every published clause of its region (its data changed)."""
    n = 0
    for clause in Clause.objects.published().filter(policy__region_id__in=[
            enterprise.region_id[:k] for k in (2, 4, 6)]):
        match_clause(clause=clause, enterprises=[enterprise])
        n += 1
    return n


@transaction.atomic
def notice_read(*, actor: User, notice: PolicyNotice) -> None:
    """Mark a notice read (the enterprise's own)."""
    if actor.enterprise_id is None or not PolicyNotice.objects.visible_to(actor).filter(
            pk=notice.pk, enterprise_id=actor.enterprise_id).exists():
        raise PermissionDenied("not your notice")
    PolicyNotice.objects.filter(pk=notice.pk).update(read_at=timezone.now())


# --------------------------------------------------------------------------- applications


@transaction.atomic
def application_submit(*, actor: User, clause: Clause, enterprise: Enterprise, evidence_note: str = "") -> Application:
    """Apply for a published clause (the enterprise, or district staff on its behalf). Refused when the rule says
    not eligible; data missing may be applied for, the reviewer decides with the evidence."""
    require_role(actor, {Role.ENTERPRISE_USER, Role.REGION_STAFF})
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("enterprise not visible")
    if actor.role == Role.ENTERPRISE_USER and actor.enterprise_id != enterprise.pk:
        raise PermissionDenied("not your enterprise")
    clause = Clause.objects.select_related("policy").get(pk=clause.pk)
    if clause.status != Clause.Status.PUBLISHED or clause.policy.status != Policy.Status.ACTIVE:
        raise ValidationError("该条款未发布或已失效，不能申报。", code="not_published")
    ev = evaluate_for(clause, [enterprise])[enterprise.pk]
    if ev.outcome == rules.NOT_ELIGIBLE:
        names = "；".join(r.condition for r in ev.failed)
        raise ValidationError(f"不符合申报条件：{names}。", code="not_eligible")
    return _new_application(clause=clause, enterprise=enterprise, ev=ev, origin=Application.Origin.APPLIED,
                            actor=actor, evidence_note=evidence_note)


#: Moves district staff make, and the statuses each starts from.
STAFF_MOVES: dict[str, tuple[str, ...]] = {
    "supplement": ("submitted", "review"),
    "review": ("submitted", "supplement"),
    "return": ("submitted", "supplement", "review", "objection"),
    "archive": ("paid",),
    "publicity_end": ("publicity",),
    "objection_upheld": ("objection",),
    "objection_rejected": ("objection",),
}
TARGET = {"supplement": "supplement", "review": "review", "return": "returned", "archive": "archived",
          "publicity_end": "approved", "objection_upheld": "returned", "objection_rejected": "approved"}


def _step(app: Application, to: str, actor: User | None, reason: str) -> None:
    ApplicationStep.objects.create(application=app, from_status=app.status, to_status=to, by=actor, reason=reason)
    app.status = to
    if reason:
        app.note = reason[:500]


def _locked_application(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("clause__policy").get(pk=application.pk)


def _release(app: Application) -> None:
    """Give back the budget an approved application held (returned after 公示 objection)."""
    budget = Budget.objects.select_for_update().get(policy=app.clause.policy, year=app.budget_year)
    budget.committed_yuan -= app.amount_yuan or Decimal(0)
    budget.full_clean()
    budget.save(update_fields=["committed_yuan"])


@transaction.atomic
def application_move(*, actor: User, application: Application, move: str, reason: str = "") -> Application:
    """A reviewer's move: ask for supplements, start review, return (with reason), end the 公示, decide an
    objection, archive a paid one."""
    require_role(actor, EDIT_REGION)
    if not Application.objects.editable_by(actor).filter(pk=application.pk).exists():
        raise PermissionDenied("application not editable")
    if move not in STAFF_MOVES:
        raise ValidationError("未知的操作。", code="move")
    app = _locked_application(application)
    if app.status not in STAFF_MOVES[move]:
        raise ValidationError(f"当前状态（{app.get_status_display()}）不能执行该操作。", code="state")
    if move in ("return", "supplement", "objection_upheld") and not reason.strip():
        raise _err("reason", "请填写理由。", "required")
    before = audit.snapshot(app)
    if move == "objection_upheld":
        _release(app)
    if move == "publicity_end" or move == "objection_rejected":
        app.payment_due = timezone.localdate() + dt.timedelta(days=payment_days())
    _step(app, TARGET[move], actor, reason)
    return save_updated(actor=actor, obj=app, before=before)


@transaction.atomic
def application_approve(*, actor: User, application: Application, amount_yuan: Decimal | None = None,
                        reason: str = "", publicity_days: int = 0) -> Application:
    """Approve an application under review: commit its amount against the policy's budget for its year, under a
    row lock on the budget so two approvals racing cannot commit beyond it. An amount other than the computed
    one needs a reason; the clause's cap applies. With ``publicity_days`` it goes to 公示 first."""
    require_role(actor, EDIT_REGION)
    if not Application.objects.editable_by(actor).filter(pk=application.pk).exists():
        raise PermissionDenied("application not editable")
    app = _locked_application(application)
    if app.status not in ("submitted", "supplement", "review"):
        raise ValidationError(f"当前状态（{app.get_status_display()}）不能审核通过。", code="state")
    amount = app.amount_yuan if amount_yuan is None else amount_yuan
    if amount is None:
        raise _err("amount_yuan", "请填写核定金额。", "required")
    if amount < 0:
        raise _err("amount_yuan", "金额不能为负数。", "negative")
    cap = app.clause.cap_yuan
    if cap is not None and amount > cap:
        raise _err("amount_yuan", f"金额超过条款上限 {cap:,.2f} 元。", "cap")
    if amount != app.computed_yuan and not reason.strip():
        raise _err("reason", "核定金额与按规则计算的金额不同，请填写理由。", "required")
    if publicity_days < 0 or publicity_days > 30:
        raise _err("publicity_days", "公示期应在 0 至 30 天之间。", "range")
    budget = Budget.objects.select_for_update().filter(policy=app.clause.policy, year=app.budget_year).first()
    if budget is None:
        raise ValidationError(f"该政策尚未设置 {app.budget_year} 年预算，不能审核通过。", code="no_budget")
    if budget.committed_yuan + amount > budget.total_yuan:
        raise ValidationError(f"超出预算：{app.budget_year} 年预算 {budget.total_yuan:,.2f} 元，已承诺 "
                              f"{budget.committed_yuan:,.2f} 元，剩余 {budget.available_yuan:,.2f} 元。",
                              code="over_budget")
    b_before = audit.snapshot(budget)
    budget.committed_yuan += amount
    save_updated(actor=actor, obj=budget, before=b_before)
    before = audit.snapshot(app)
    if amount != app.amount_yuan:
        app.amount_reason = reason.strip()[:300]
    app.amount_yuan = amount
    app.approved_at = timezone.now()
    if publicity_days:
        app.publicity_until = timezone.localdate() + dt.timedelta(days=publicity_days)
        _step(app, Application.Status.PUBLICITY, actor, reason)
    else:
        app.payment_due = timezone.localdate() + dt.timedelta(days=payment_days())
        _step(app, Application.Status.APPROVED, actor, reason)
    return save_updated(actor=actor, obj=app, before=before)


@transaction.atomic
def payout_create(*, actor: User, application: Application, paid_on: dt.date, reference: str = "") -> Payout:
    """Pay an approved application, exactly once: the application row is locked and the payout is unique to it,
    so a second click (another tab) is refused and nothing is paid twice."""
    require_role(actor, EDIT_REGION)
    if not Application.objects.editable_by(actor).filter(pk=application.pk).exists():
        raise PermissionDenied("application not editable")
    app = _locked_application(application)
    if Payout.objects.filter(application=app).exists():
        raise ValidationError("该申报已拨付，不能重复拨付。", code="paid_twice")
    if app.status != Application.Status.APPROVED:
        raise ValidationError("审核通过（且公示期满）后才能拨付。", code="not_approved")
    if paid_on > timezone.localdate():
        raise _err("paid_on", "拨付日期不能晚于今天。", "future")
    if paid_on < timezone.localtime(app.submitted_at).date():
        raise _err("paid_on", "拨付日期不能早于申报日期。", "before_submission")
    amount = app.amount_yuan or Decimal(0)
    payout = save_created(actor=actor, obj=Payout(application=app, amount_yuan=amount, paid_on=paid_on,
                                                  reference=reference, created_by=actor))
    budget = Budget.objects.select_for_update().get(policy=app.clause.policy, year=app.budget_year)
    b_before = audit.snapshot(budget)
    budget.paid_yuan += amount
    save_updated(actor=actor, obj=budget, before=b_before)
    before = audit.snapshot(app)
    _step(app, Application.Status.PAID, actor, reference)
    save_updated(actor=actor, obj=app, before=before)
    return payout


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


@transaction.atomic
def application_record_past(*, actor: User, clause: Clause, enterprise: Enterprise, budget_year: int,
                            submitted_on: dt.date, approved_on: dt.date, amount_yuan: Decimal,
                            paid_on: dt.date | None = None, reference: str = "") -> Application:
    """Record an application decided before yuanqu (a district's 兑现台账): submitted, approved for an amount and
    perhaps paid on the dates given, through the same approval and payout as any other, so the budget of its year,
    the clause's cap, the once-per-year rule, the payout-once rule and the audit all hold. It is judged by the
    clause's current version and today's facts (shown as its trace); the outcome does not refuse it, since the
    decision was made on the facts of its time."""
    require_role(actor, EDIT_REGION)
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("enterprise not visible")
    if not Clause.objects.editable_by(actor).filter(pk=clause.pk).exists():
        raise PermissionDenied("clause not editable")
    today = timezone.localdate()
    if approved_on < submitted_on:
        raise _err("approved_on", "审核通过日期不能早于申报日期。", "order")
    if paid_on is not None and paid_on < approved_on:
        raise _err("paid_on", "拨付日期不能早于审核通过日期。", "order")
    if max(d for d in (submitted_on, approved_on, paid_on) if d is not None) > today:
        raise _err("submitted_on", "日期不能晚于今天。", "future")
    version = clause.versions.filter(number=clause.version).first()
    if version is None:
        raise ValidationError("该条款尚未发布，没有可依据的版本。", code="no_version")
    ev = evaluate_for(clause, [enterprise])[enterprise.pk]
    facts = facts_for([enterprise], clause.stats_year)[enterprise.pk]
    computed, how = amounts.compute_amount(clause.amount_rule, facts, clause.cap_yuan)
    app = Application(clause=clause, version=version, enterprise=enterprise, park=_park_of(enterprise),
                      region_id=enterprise.region_id, origin=Application.Origin.APPLIED, budget_year=budget_year,
                      outcome=ev.outcome, trace=[r.as_dict() for r in ev.trace], computed_yuan=computed,
                      amount_yuan=computed, submitted_at=_local_start(submitted_on), note=how)
    if Application.objects.filter(clause=clause, enterprise=enterprise, budget_year=budget_year).exclude(
            status__in=("returned", "declined")).exists():
        raise ValidationError("该企业该年度已有此条款的申报。", code="duplicate")
    try:
        with transaction.atomic():
            save_created(actor=actor, obj=app)
    except IntegrityError as exc:
        raise ValidationError("该企业该年度已有此条款的申报。", code="duplicate") from exc
    ApplicationStep.objects.create(application=app, to_status=app.status, by=actor, reason="从兑现台账导入")
    app = application_approve(actor=actor, application=app, amount_yuan=amount_yuan,
                              reason="" if amount_yuan == computed else "按兑现台账核定的金额")
    before = audit.snapshot(app)
    app.approved_at = _local_start(approved_on)
    app.payment_due = approved_on + dt.timedelta(days=payment_days())
    app = save_updated(actor=actor, obj=app, before=before)
    if paid_on is not None:
        payout_create(actor=actor, application=app, paid_on=paid_on, reference=reference)
        app.refresh_from_db()
    return app


@transaction.atomic
def application_decline(*, actor: User, application: Application, reason: str = "") -> Application:
    """The enterprise declines an application (a 免申即享 grant it does not want), before approval."""
    require_role(actor, {Role.ENTERPRISE_USER})
    app = _locked_application(application)
    if app.enterprise_id != actor.enterprise_id:
        raise PermissionDenied("not your application")
    if app.status not in ("submitted", "supplement", "review"):
        raise ValidationError("已审核的申报不能放弃。", code="state")
    before = audit.snapshot(app)
    _step(app, Application.Status.DECLINED, actor, reason or "企业放弃")
    return save_updated(actor=actor, obj=app, before=before)


@transaction.atomic
def application_supplement(*, actor: User, application: Application, evidence_note: str) -> Application:
    """The enterprise answers a request for supplements: the application goes back to review."""
    require_role(actor, {Role.ENTERPRISE_USER})
    app = _locked_application(application)
    if app.enterprise_id != actor.enterprise_id:
        raise PermissionDenied("not your application")
    if app.status != Application.Status.SUPPLEMENT:
        raise ValidationError("当前无需补正材料。", code="state")
    if not evidence_note.strip():
        raise _err("evidence_note", "请说明补正的材料。", "required")
    before = audit.snapshot(app)
    app.evidence_note = (app.evidence_note + "\n" + evidence_note).strip()
    _step(app, Application.Status.REVIEW, actor, "已补正材料")
    return save_updated(actor=actor, obj=app, before=before)


@transaction.atomic
def application_object(*, actor: User, application: Application, reason: str) -> Application:
    """An objection (异议) during the 公示 (the enterprise itself here; others by letter, recorded by staff)."""
    require_role(actor, {Role.ENTERPRISE_USER, Role.REGION_STAFF})
    if not Application.objects.visible_to(actor).filter(pk=application.pk).exists():
        raise PermissionDenied("application not visible")
    app = _locked_application(application)
    if app.status != Application.Status.PUBLICITY:
        raise ValidationError("只能在公示期内提出异议。", code="state")
    if not reason.strip():
        raise _err("reason", "请填写异议理由。", "required")
    before = audit.snapshot(app)
    _step(app, Application.Status.OBJECTION, actor, reason)
    return save_updated(actor=actor, obj=app, before=before)


# --------------------------------------------------------------------------- agreements


def _check_agreement_links(actor: User, agreement: Agreement) -> None:
    if not Enterprise.objects.visible_to(actor).filter(pk=agreement.enterprise_id).exists():
        raise _err("enterprise", "该企业不在您的范围内。", "scope")
    if agreement.project_id and not Project.objects.visible_to(actor).filter(pk=agreement.project_id).exists():
        raise _err("project", "该项目不在您的范围内。", "scope")
    if agreement.case_id and not Case.objects.visible_to(actor).filter(pk=agreement.case_id).exists():
        raise _err("case", "该一企一议事项不在您的范围内。", "scope")
    if agreement.park_id and not Park.objects.visible_to(actor).filter(pk=agreement.park_id).exists():
        raise _err("park", "该园区不在您的范围内。", "scope")


@transaction.atomic
def agreement_create(*, actor: User, title: str, enterprise: Enterprise, signed_on: dt.date,
                     project: Project | None = None, case: Case | None = None, park: Park | None = None,
                     land_parcel: str = "", land_area_mu: Decimal | None = None,
                     full_production_on: dt.date | None = None, deposit_yuan: Decimal = Decimal(0)) -> Agreement:
    """Record an investment agreement (district staff); a 达产 date before signing is refused."""
    require_role(actor, EDIT_REGION)
    if park is None and project is not None:
        park = project.park
    agreement = Agreement(title=title, enterprise=enterprise, signed_on=signed_on, project=project, case=case,
                          park=park or _park_of(enterprise), region_id=enterprise.region_id, land_parcel=land_parcel,
                          land_area_mu=land_area_mu, full_production_on=full_production_on,
                          deposit_yuan=deposit_yuan)
    _check_agreement_links(actor, agreement)
    if full_production_on is not None and full_production_on < signed_on:
        raise _err("full_production_on", "达产日期不能早于签约日期。", "order")
    return save_created(actor=actor, obj=agreement)


@transaction.atomic
def agreement_update(*, actor: User, agreement: Agreement, park: Park | None | Unset = UNSET,
                     land_parcel: str | Unset = UNSET, land_area_mu: Decimal | None | Unset = UNSET,
                     signed_on: dt.date | Unset = UNSET, full_production_on: dt.date | None | Unset = UNSET,
                     deposit_yuan: Decimal | Unset = UNSET) -> Agreement:
    """Correct an agreement's park, land, dates or deposit (district staff); the 达产 date stays after signing."""
    _require_agreement_editor(actor, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    before = audit.snapshot(agreement)
    assign(agreement, park=park, land_parcel=land_parcel, land_area_mu=land_area_mu, signed_on=signed_on,
           full_production_on=full_production_on, deposit_yuan=deposit_yuan)
    _check_agreement_links(actor, agreement)
    if agreement.full_production_on is not None and agreement.full_production_on < agreement.signed_on:
        raise _err("full_production_on", "达产日期不能早于签约日期。", "order")
    return save_updated(actor=actor, obj=agreement, before=before)


def _require_agreement_editor(actor: User, agreement: Agreement) -> None:
    require_role(actor, EDIT_REGION)
    if not Agreement.objects.editable_by(actor).filter(pk=agreement.pk).exists():
        raise PermissionDenied("agreement not editable")


@transaction.atomic
def commitment_add(*, actor: User, agreement: Agreement, year: int, indicator: str, target: Decimal, unit: str,
                   basis: str = Commitment.Basis.ANNUAL, tolerance_pct: Decimal = Decimal(10)) -> Commitment:
    """Add a yearly commitment; a negative target or a tolerance outside 0–100% is refused."""
    _require_agreement_editor(actor, agreement)
    _check_commitment(target, tolerance_pct)
    if Commitment.objects.filter(agreement=agreement, year=year, indicator=indicator).exists():
        raise _err("indicator", "该年度已有此项承诺。", "duplicate")
    return save_created(actor=actor, obj=Commitment(agreement=agreement, year=year, indicator=indicator,
                                                     target=target, unit=unit, basis=basis,
                                                     tolerance_pct=tolerance_pct))


def _check_commitment(target: Decimal | None, tolerance_pct: Decimal | None) -> None:
    if target is not None and target < 0:
        raise _err("target", "承诺目标不能为负数。", "negative")
    if tolerance_pct is not None and not (0 <= tolerance_pct <= 100):
        raise _err("tolerance_pct", "容差应在 0% 至 100% 之间。", "range")


@transaction.atomic
def commitment_update(*, actor: User, commitment: Commitment, target: Decimal | Unset = UNSET,
                      unit: str | Unset = UNSET, basis: str | Unset = UNSET,
                      tolerance_pct: Decimal | Unset = UNSET) -> Commitment:
    """Correct a commitment's target, unit, basis or tolerance (its year and indicator are its identity)."""
    _require_agreement_editor(actor, commitment.agreement)
    _check_commitment(None if target is UNSET else target, None if tolerance_pct is UNSET else tolerance_pct)
    before = audit.snapshot(commitment)
    assign(commitment, target=target, unit=unit, basis=basis, tolerance_pct=tolerance_pct)
    return save_updated(actor=actor, obj=commitment, before=before)


@transaction.atomic
def failure_clause_add(*, actor: User, agreement: Agreement, kind: str, share_pct: Decimal | None = None,
                       interest_rate_pct: Decimal | None = None, per_mu_yuan: Decimal | None = None,
                       fixed_yuan: Decimal | None = None, per_shortfall_pct: Decimal | None = None,
                       note: str = "") -> FailureClause:
    """Add a clause that applies if a commitment fails."""
    _require_agreement_editor(actor, agreement)
    needs = {"refund": "share_pct", "land_topup": "per_mu_yuan"}
    if kind in needs and locals()[needs[kind]] is None:
        raise _err(needs[kind], "请填写该违约条款的计算参数。", "required")
    if kind == "land_topup" and not agreement.land_area_mu:
        raise _err("kind", "协议未登记用地面积（亩），不能按亩补缴地价。", "no_land")
    if kind == "penalty" and fixed_yuan is None and per_shortfall_pct is None:
        raise _err("fixed_yuan", "违约金须写固定金额或按差额比例。", "required")
    fc = FailureClause(agreement=agreement, kind=kind, share_pct=share_pct, interest_rate_pct=interest_rate_pct,
                       per_mu_yuan=per_mu_yuan, fixed_yuan=fixed_yuan, per_shortfall_pct=per_shortfall_pct, note=note)
    fc.full_clean()
    fc.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=fc, after=audit.snapshot(fc))
    return fc


@transaction.atomic
def agreement_link_payout(*, actor: User, agreement: Agreement, payout: Payout) -> AgreementSubsidy:
    """Count a payout to the agreement's enterprise as paid under the agreement (the base of a refund)."""
    _require_agreement_editor(actor, agreement)
    if payout.application.enterprise_id != agreement.enterprise_id:
        raise _err("payout", "只能关联该企业获得的兑现。", "enterprise")
    link = AgreementSubsidy(agreement=agreement, payout=payout)
    link.full_clean()
    link.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=link, after=audit.snapshot(link))
    return link


#: The follow-up of an agreement: which stage may follow which.
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    "monitoring": ("warned",),
    "warned": ("interview", "waived", "monitoring"),
    "interview": ("rectification", "waived"),
    "rectification": ("recheck",),
    "recheck": ("disposed", "waived", "monitoring"),
    "disposed": (),
    "waived": ("monitoring",),
}


@transaction.atomic
def agreement_advance(*, actor: User, agreement: Agreement, to_stage: str, reason: str) -> Agreement:
    """Move an agreement's follow-up on (预警 → 约谈 → 整改期 → 复核 → 处置/豁免), with a reason; audited."""
    _require_agreement_editor(actor, agreement)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if to_stage not in NEXT_STAGES.get(agreement.stage, ()):
        raise _err("to_stage", f"“{agreement.get_stage_display()}”之后不能转为该阶段。", "order")
    if not reason.strip():
        raise _err("reason", "请填写理由。", "required")
    before = audit.snapshot(agreement)
    AgreementStep.objects.create(agreement=agreement, from_stage=agreement.stage, to_stage=to_stage,
                                 reason=reason.strip()[:500], by=actor)
    agreement.stage = to_stage
    agreement.stage_reason = reason.strip()[:500]
    return save_updated(actor=actor, obj=agreement, before=before)
