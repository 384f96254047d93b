"""Every write of the intake: a source document with its facts and proposals, and the review of a proposal.

A proposal is applied through the registry's own services (``investment.services.project_update``,
``parks.services.park_update``), so their validation, scope and audit hold; the review itself is audited with
the source document and the quote it came from.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, Region
from yuanqu.core.roles import EDIT_PARK, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import require_role
from yuanqu.core.text import pinyin_keys
from yuanqu.figures.periods import Period
from yuanqu.investment.models import Lead, Project
from yuanqu.parks.models import Park

from . import extract as ex
from .models import TEXT_LIMIT, Fact, Proposal, SourceDocument

if TYPE_CHECKING:
    from yuanqu.accounts.models import User


class StaleProposal(Exception):
    """The target changed since the fact was extracted: ``current`` is what yuanqu holds now."""

    def __init__(self, current: Decimal | None) -> None:
        super().__init__(str(current))
        self.current = current


# ---------------------------------------------------------------------------------------------------------------
# Text checks


def check_text(text: str) -> str:
    """The text to keep (line ends normalised), or a ValidationError saying in Chinese why not."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": [ValidationError(_("Paste the text of a news report or a release."),
                                                        code="empty")]})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({"text": [ValidationError(
            _("The text has %(n)d characters; at most %(max)d are read. Paste one article at a time.")
            % {"n": len(text), "max": TEXT_LIMIT}, code="too_long")]})
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = [c for c in text if (ord(c) < 32 and c not in "\n\t") or c == "\ufffd"]
    if len(bad) > 0:
        raise ValidationError({"text": [ValidationError(
            _("This is not readable text (it holds binary or control characters)."), code="binary")]})
    if not re.search(r"[0-9０-９零〇一二两三四五六七八九十百千万亿]", text):
        raise ValidationError({"text": [ValidationError(_("The text holds no numbers, so there is nothing to "
                                                          "extract."), code="no_numbers")]})
    return text


# ---------------------------------------------------------------------------------------------------------------
# Registry names and matching


@dataclass(frozen=True)
class Target:
    """A registry object a fact can be about."""

    kind: str  # park, project
    pk: int
    name: str
    pinyin: str


def registry_targets(actor: User) -> list[Target]:
    """The parks, projects and enterprises (with former names) ``actor`` may see, by name: the entity dictionary
    and the matching (proposals are made for parks and projects)."""
    targets = [Target("park", p.pk, p.name, p.name_pinyin)
               for p in Park.objects.visible_to(actor).only("pk", "name", "name_pinyin")]
    for project in Project.objects.visible_to(actor).only("pk", "name"):
        targets.append(Target("project", project.pk, project.name, pinyin_keys(project.name)[0]))
    # enterprises and their former names (曾用名), for recognising them in the text; the most recent ones first,
    # bounded so that the user dictionary stays quick to build at a city's scale
    from yuanqu.enterprises.models import Enterprise, EnterpriseName

    enterprises = Enterprise.objects.visible_to(actor)
    for pk, name, pinyin in enterprises.order_by("-pk").values_list("pk", "name", "name_pinyin")[:ENTERPRISE_NAMES]:
        targets.append(Target("enterprise", pk, name, pinyin))
    for pk, name in (EnterpriseName.objects.filter(enterprise__in=enterprises.values("pk"))
                     .order_by("-pk").values_list("enterprise_id", "name")[:ENTERPRISE_NAMES]):
        targets.append(Target("enterprise", pk, name, ""))
    return targets


#: How many enterprise names (and as many former names) go into the extractor's dictionary.
ENTERPRISE_NAMES = 20_000


def registry_names(targets: list[Target]) -> list[ex.Name]:
    """The extractor's dictionary: every name, and its short form without （演示） or a trailing 项目."""
    names = []
    for t in targets:
        names.append(ex.Name(t.name, t.name, t.kind))
        short = re.sub(r"（演示）$|项目$", "", t.name)
        if short != t.name and len(short) >= 2:
            names.append(ex.Name(short, t.name, t.kind))
        for part in re.split(r"[·・]", t.name):
            if part != t.name and len(part) >= 4:
                names.append(ex.Name(part, t.name, t.kind))
    return names


#: A money amount in 万元 per unit as written.
MONEY_FACTOR = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000), "万亿元": Decimal(10) ** 8}
#: Statistics a fact can be checked against: (metric pattern, indicator code). A 亩均, a 增加值 or a share is
#: another figure, not the total.
STAT_METRICS = ((re.compile(r"产值"), "output"), (re.compile(r"营业收入|营收|销售收入"), "revenue"),
                (re.compile(r"税收|纳税|税金"), "tax"))
NOT_A_TOTAL = re.compile(r"亩均|增加值|人均|占比|比重|增速|增长|目标|任务|计划")
#: Qualifiers that make a figure something other than an actual (a plan, a forecast).
NOT_AN_ACTUAL = ("目标", "预计", "计划", "力争")


def _field_for(metric: str, unit: str) -> tuple[str, Decimal] | None:
    """(proposal field, factor into the field's unit) for a fact's metric and unit; None when yuanqu holds
    nothing comparable."""
    money = MONEY_FACTOR
    if unit == "家":
        if "签约" in metric:
            return Proposal.Field.SIGNED, Decimal(1)
        if "入驻" in metric and not metric.startswith("新增"):
            return Proposal.Field.MOVED_IN, Decimal(1)
        return None
    if unit in money and not NOT_A_TOTAL.search(metric):
        for pattern, code in STAT_METRICS:
            if pattern.search(metric):
                return code, money[unit]
    if unit in money and "投资" in metric and not re.search(r"完成|到位|固定资产|年度|风险", metric):
        return "investment", money[unit]
    if unit in ("亩", "万亩") and re.search(r"占地|用地", metric):
        return Proposal.Field.PARK_LAND, Decimal(10000) if unit == "万亩" else Decimal(1)
    if unit in ("平方米", "万平方米", "㎡", "平米") and "建筑面积" in metric:
        return Proposal.Field.PARK_FLOOR, Decimal(10000) if unit.startswith("万") else Decimal(1)
    return None


def statistics_period(period: str) -> Period | None:
    """The months a flow figure covers, from a fact's normalised period (2022, 2022-03, 2022-01~2022-11,
    2022-H1, 2022-Q3, 2022-Q1~Q3, 2022-12-31 for 截至年底); None when the text states none (a period inferred
    from the publication date alone is not one) or the months cannot be told."""
    text = period.replace(ex.INFERRED, "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) and ex.INFERRED in period:
        return None
    patterns: list[tuple[str, Any]] = [
        (r"(\d{4})", lambda y: Period.whole_year(y)),
        (r"(\d{4})-(\d{2})", lambda y, m: Period.month(y, m)),
        (r"(\d{4})-(\d{2})~\d{4}-(\d{2})", lambda y, a, b: Period(y, a, b) if a <= b else None),
        (r"(\d{4})-H([12])", lambda y, h: Period(y, 1, 6) if h == 1 else Period(y, 7, 12)),
        (r"(\d{4})-Q([1-4])", lambda y, q: Period.quarter(y, q)),
        (r"(\d{4})-Q1~Q([1-4])", lambda y, q: Period.to_month(y, 3 * q)),
        # 截至10月底 / 年底: January to that month, when the day closes it
        (r"(\d{4})-(\d{2})-(\d{2})",
         lambda y, m, d: Period.to_month(y, m) if d == calendar.monthrange(y, m)[1] else None),
    ]
    for pattern, make in patterns:
        m = re.fullmatch(pattern, text)
        if m:
            try:
                found: Period | None = make(*(int(g) for g in m.groups()))
            except ValueError:
                return None
            if found is not None and not (1 <= found.first <= found.last <= 12):
                return None
            return found
    return None


def agrees(value: Decimal | None, held: Decimal | None, *, written: Decimal | None = None, factor: Decimal = Decimal(1),
           qualifier: str = "") -> bool | None:
    """Whether a stated ``value`` (in the field's unit) agrees with what yuanqu ``held``: to the precision the
    text wrote it in (``written``, the number as written, in its unit; ``factor`` into the field's unit: 55亿元
    is 55 ± 0.5 亿元), and as its qualifier says (超, 以上, 余, 逾, 多: at least; 近, 不足: at most and
    within a tenth below). None when either is
    missing."""
    if value is None or held is None:
        return None
    exponent = written.normalize().as_tuple().exponent if written is not None else 0
    step = Decimal(1).scaleb(min(int(exponent), 0)) * factor if written is not None else Decimal(0)
    if any(q in qualifier for q in ("超", "以上", "余", "逾", "多")):
        return held >= value
    if any(q in qualifier for q in ("近", "不足", "以下")):
        return value * Decimal("0.9") <= held <= value
    return abs(held - value) <= step / 2


def match_target(entity: str, field: str, targets: list[Target]) -> Target | None:
    """The registry object an entity names: its exact name, a name containing it or contained in it (at least 4
    characters), or the same pinyin; a project for an investment, a park for counts and areas."""
    if not entity or entity in ("园区", "全区", "全市"):
        return None
    want = "project" if field == "investment" else "park"
    targets = [t for t in targets if t.kind in ("park", "project")]
    key = re.sub(r"（演示）|\s", "", ex.normalize(entity))
    pinyin = pinyin_keys(key)[0]

    def score(t: Target) -> int:
        name = re.sub(r"（演示）|\s", "", t.name)
        if name == key:
            return 4
        if len(key) >= 4 and (key in name or name in key):
            return 3
        if pinyin and pinyin == t.pinyin:
            return 2
        return 0

    ranked = sorted(((score(t) + (1 if t.kind == want else 0), t) for t in targets), key=lambda x: -x[0])
    best = [t for s, t in ranked if s >= 2]
    if not best:
        return None
    # an investment of a park that is also a project's name: the project; counts and areas: the park
    preferred = [t for t in best if t.kind == want and score(t) == score(best[0])]
    return preferred[0] if preferred else best[0]


def _as_of(fact: ex.ExtractedFact, published: dt.date | None) -> dt.date | None:
    text = fact.period.replace(ex.INFERRED, "")
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.match(r"(\d{4})(?:-(\d{2}))?", text)
    if m:
        year, month = int(m.group(1)), int(m.group(2) or 12)
        end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        return end
    return published


def held_value(*, actor: User, field: str, park: Park | None, project: Project | None,
               as_of: dt.date | None, period: Period | None = None) -> Decimal | None:
    """What yuanqu holds for the target and period: counts as of the date and 产值/营业收入/税收 of the period
    (the approved reports' sum, 万元; None when no report of the period is approved) through the figures layer;
    an investment or an area as recorded."""
    if (field in Proposal.COMPUTED or field in Proposal.STATISTICS) and park is not None:
        from yuanqu.figures.selectors import indicator, scope_for, scope_for_region, stage_counts

        scope = scope_for(actor, park=park) if actor.role != Role.REGION_ADMIN else scope_for_region(
            park.region_id, park)
        if field in Proposal.STATISTICS:
            fig = indicator(scope, period, field) if period is not None else None
            return None if fig is None or not fig.reporters or fig.value is None else fig.value.quantize(
                Decimal("0.01"))
        on = min(as_of or timezone.localdate(), timezone.localdate())
        counts = stage_counts(scope, on)
        return Decimal(counts.moved_in if field == Proposal.Field.MOVED_IN else counts.signed)
    if field == Proposal.Field.PROJECT_INVESTMENT and project is not None:
        return project.total_investment_wan
    if park is not None:
        value = {Proposal.Field.PARK_INVESTMENT: park.total_investment_wan,
                 Proposal.Field.PARK_LAND: park.land_area_mu,
                 Proposal.Field.PARK_FLOOR: park.floor_area_m2}.get(field)  # type: ignore[call-overload]
        return value
    return None


# ---------------------------------------------------------------------------------------------------------------
# Documents


@transaction.atomic
def document_create(*, actor: User, title: str, text: str, publisher: str = "", published_on: dt.date | None = None,
                    address: str = "", kind: str = SourceDocument.Kind.PASTE, file_name: str = "",
                    is_demo: bool = False, region: Region | None = None) -> SourceDocument:
    """Keep a source document, extract its facts, match each to a park or project the actor may see and compare
    it with what yuanqu holds for that period. Nothing in the registry changes. One audit event names the
    document and its counts. A text without a single fact is refused and nothing is stored."""
    require_role(actor, EDIT_PARK)
    text = check_text(text)
    region_code = region.pk if region is not None else actor.region_id
    if not region_within(region_code, actor):
        raise ValidationError({"region": [ValidationError(_("This region is outside your scope."), code="scope")]})
    targets = registry_targets(actor)
    found = ex.extract(text, names=registry_names(targets), published=published_on)
    if not found:
        raise ValidationError({"text": [ValidationError(
            _("No figures were found in this text (dates, phone numbers and page furniture are not figures)."),
            code="no_facts")]})
    title = (title or "").strip() or _first_line(text)
    document = SourceDocument(region_id=region_code, title=title[:200], publisher=publisher, address=address,
                              published_on=published_on or ex.publication_date(text), text=text, kind=kind,
                              file_name=file_name[:200], is_demo=is_demo, created_by=actor)
    document.full_clean()
    document.save()
    by_pk = {(t.kind, t.pk): t for t in targets}
    parks = {p.pk: p for p in Park.objects.visible_to(actor).filter(pk__in=[t.pk for t in targets
                                                                             if t.kind == "park"])}
    projects = {p.pk: p for p in Project.objects.visible_to(actor).select_related("park")
                .filter(pk__in=[t.pk for t in targets if t.kind == "project"])}
    proposals = 0
    for position, f in enumerate(found, start=1):
        low = f.value[0] if isinstance(f.value, list) else f.value
        high = f.value[1] if isinstance(f.value, list) else None
        fact = Fact(document=document, position=position, entity=f.entity[:100], metric=f.metric[:60], value=low,
                    value_high=high, unit=f.unit[:20], period=f.period[:40], period_inferred=f.period_inferred,
                    qualifier=f.qualifier[:20], quote=f.quote[:2000], start=f.start, end=f.end)
        spec = _field_for(f.metric, f.unit)
        period = None
        if spec is not None and spec[0] in Proposal.STATISTICS:
            # a flow is compared over the months the text states, and only as an actual
            period = statistics_period(f.period)
            if period is None or any(q in f.qualifier for q in NOT_AN_ACTUAL):
                spec = None
        target = match_target(f.entity, spec[0], targets) if spec is not None and high is None else None
        if spec is None or target is None or target.kind not in ("park", "project") \
                or (target.kind, target.pk) not in by_pk:
            fact.full_clean()
            fact.save()
            continue
        field, factor = spec
        park = parks.get(target.pk) if target.kind == "park" else None
        project = projects.get(target.pk) if target.kind == "project" else None
        if field == "investment":
            field = Proposal.Field.PROJECT_INVESTMENT if project is not None else Proposal.Field.PARK_INVESTMENT
        fact.park = park if park is not None else (project.park if project is not None else None)
        fact.full_clean()
        fact.save()
        as_of = period.end if period is not None else _as_of(f, document.published_on)
        value = (low * factor).quantize(Decimal("0.01"))
        held = held_value(actor=actor, field=field, park=park, project=project, as_of=as_of, period=period)
        proposal = Proposal(fact=fact, park=fact.park if project is None else project.park, project=project,
                            field=field, value=value, as_of=as_of, held=held,
                            agrees=agrees(value, held, written=low, factor=factor, qualifier=f.qualifier))
        proposal.full_clean()
        proposal.save()
        proposals += 1
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=document,
                 after={"title": document.title, "facts": len(found), "proposals": proposals,
                        "kind": document.kind, "file_name": document.file_name})
    return document


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return _("Untitled")


# ---------------------------------------------------------------------------------------------------------------
# Review


def _parse_value(value: Decimal | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError({"value": [ValidationError(_("Enter a number."), code="invalid")]}) from exc
    if number < 0 or not number.is_finite():
        raise ValidationError({"value": [ValidationError(_("Enter a number of at least 0."), code="invalid")]})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def proposal_review(*, actor: User, proposal: Proposal, decision: str, value: Decimal | str | None = None,
                    expected: Decimal | str | None = None, note: str = "") -> Proposal:
    """Accept, edit or reject a proposal.

    ``accept`` applies a writable proposal (a project's or park's investment, a park's areas) through the
    registry's services with the proposed value, ``edit`` with ``value``; a computed count is only marked
    accepted. If the target's value changed since extraction, :class:`StaleProposal` carries the new value and
    nothing is written, until the call repeats with ``expected`` equal to it. ``reject`` writes nothing but the
    review. Each review is audited with the document and the quote."""
    require_role(actor, EDIT_PARK)
    if not Proposal.objects.editable_by(actor).filter(pk=proposal.pk).exists():
        raise PermissionDenied("proposal outside the actor's scope")
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been reviewed (%(status)s).")
                              % {"status": proposal.get_status_display()}, code="reviewed")
    if decision not in ("accept", "edit", "reject"):
        raise ValidationError(_("Choose accept, edit or reject."), code="decision")
    if not proposal.field and decision != "reject":
        raise ValidationError(_("This fact matches nothing in yuanqu; it can only be rejected."), code="no_target")
    before = {"status": proposal.status, "value": str(proposal.value), "held": str(proposal.held)}
    new_value = proposal.value
    if decision == "edit":
        new_value = _parse_value(value)
        if new_value is None:
            raise ValidationError({"value": [ValidationError(_("Enter the value to apply."), code="required")]})
    status = Proposal.Status.REJECTED
    if decision != "reject":
        if proposal.writable:
            current = _current(actor, proposal)
            expected_value = _parse_value(expected)
            if current != proposal.held and expected_value != current:
                raise StaleProposal(current)
            _apply(actor, proposal, new_value)
            status = Proposal.Status.EDITED if decision == "edit" and new_value != proposal.value \
                else Proposal.Status.APPLIED
            proposal.held = new_value
            proposal.agrees = True
        else:
            status = Proposal.Status.ACCEPTED
        proposal.value = new_value
    proposal.status = status
    proposal.reviewed_by = actor
    proposal.reviewed_at = timezone.now()
    proposal.note = (note or "")[:300]
    proposal.full_clean()
    proposal.save()
    fact = proposal.fact
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=proposal, before=before,
                 after={"status": status, "value": str(proposal.value), "held": str(proposal.held),
                        "target": proposal.target_name, "field": proposal.field, "document": fact.document.title,
                        "document_id": fact.document_id, "quote": fact.quote, "note": proposal.note})
    return proposal


def _current(actor: User, proposal: Proposal) -> Decimal | None:
    park = Park.objects.get(pk=proposal.park_id) if proposal.park_id else None
    project = Project.objects.get(pk=proposal.project_id) if proposal.project_id else None
    return held_value(actor=actor, field=proposal.field, park=park, project=project, as_of=proposal.as_of)


def _apply(actor: User, proposal: Proposal, value: Decimal | None) -> None:
    """Write through the registry's own service (its validation, scope and audit)."""
    if proposal.field == Proposal.Field.PROJECT_INVESTMENT:
        from yuanqu.investment.services import project_update

        project = Project.objects.editable_by(actor).get(pk=proposal.project_id or 0)
        project_update(actor=actor, project=project, total_investment_wan=value)  # type: ignore[arg-type]
        return
    from yuanqu.parks.services import park_update

    park = Park.objects.editable_by(actor).get(pk=proposal.park_id or 0)
    if proposal.field == Proposal.Field.PARK_INVESTMENT:
        park_update(actor=actor, park=park, total_investment_wan=value)
    elif proposal.field == Proposal.Field.PARK_LAND:
        park_update(actor=actor, park=park, land_area_mu=value)
    elif proposal.field == Proposal.Field.PARK_FLOOR:
        park_update(actor=actor, park=park, floor_area_m2=value)




# ---------------------------------------------------------------------------------------------------------------
# A fact that matched nothing: one click makes it a 招商 lead

#: Entities that name no company or project (a lead needs one).
GENERIC_ENTITIES = frozenset({"", "园区", "全区", "全市", "全省", "全国", "本区", "我区", "企业", "项目"})


def names_a_company(entity: str) -> bool:
    """Whether a fact's entity could be a company or project to court: not a word like 园区 or 全区, not a
    region's name."""
    name = re.sub(r"（演示）$", "", (entity or "").strip())
    return len(name) >= 2 and name not in GENERIC_ENTITIES and not Region.objects.filter(name=name).exists()


@transaction.atomic
def fact_to_lead(*, actor: User, fact: Fact) -> Lead:
    """Make a 招商 lead of a fact that matched nothing in yuanqu: the entity as the company, an investment stated
    in the text as the intended investment, the document and quote in the lead's note. Written through
    ``investment.services.lead_create`` (its checks, duplicates and audit; the creator owns the lead); the fact
    keeps the lead, and the step is audited with the document and quote. District staff's (an operator sees
    only the facts about its parks, which matched)."""
    from yuanqu.investment.services import lead_create

    require_role(actor, {Role.REGION_STAFF})
    if not Fact.objects.editable_by(actor).filter(pk=fact.pk).exists():
        raise PermissionDenied("fact outside the actor's scope")
    fact = Fact.objects.select_for_update().select_related("document").get(pk=fact.pk)
    if fact.lead_id is not None:
        raise ValidationError(_("A lead has already been made from this figure."), code="done")
    if Proposal.objects.filter(fact=fact).exists():
        raise ValidationError(_("This figure matches a park or project in yuanqu; review its proposal instead."),
                              code="matched")
    if fact.park_id is not None:  # a park was registered from it
        raise ValidationError(_("A park or a lead has already been made from this figure."), code="done")
    name = re.sub(r"（演示）$", "", (fact.entity or "").strip())
    if not names_a_company(name):
        raise ValidationError(_("This figure names no company or project to make a lead of."), code="no_entity")
    investment = None
    if fact.unit in MONEY_FACTOR and "投资" in fact.metric and fact.value_high is None:
        investment = (fact.value * MONEY_FACTOR[fact.unit]).quantize(Decimal("0.01"))
    document = fact.document
    note = (f"来自资讯「{document.title}」（{document.published_on:%Y-%m-%d}）：{fact.quote}" if document.published_on
            else f"来自资讯「{document.title}」：{fact.quote}")
    lead = lead_create(actor=actor, name=name[:150], region=document.region, source=Lead.Source.ONLINE,
                       intended_investment_wan=investment, note=note[:1000])
    fact.lead = lead
    fact.save(update_fields=["lead"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=fact, before={"lead": None},
                 after={"lead": lead.pk, "lead_name": lead.name, "document": document.title,
                        "document_id": document.pk, "quote": fact.quote})
    return lead


# ---------------------------------------------------------------------------------------------------------------
# A fact naming a park yuanqu does not hold: one click (with its kind and status) registers the park

#: The endings of a park's name (产业园, 科技园, 孵化器, U谷, 创新区 …), after a trailing 项目 is dropped.
PARK_NAME = re.compile(r"(产业园|科技园|工业园|园区|创新园|创新区|孵化器|众创空间|加速器|基地|谷|小镇|中心|园)$")


def park_name_of(entity: str) -> str:
    """The park an unmatched fact's entity names (海岳智能装备产业园项目 → 海岳智能装备产业园), or "" when it names
    none."""
    name = re.sub(r"（演示）$", "", (entity or "").strip())
    name = re.sub(r"(建设)?项目$", "", name)
    return name if len(name) >= 4 and names_a_company(name) and PARK_NAME.search(name) else ""


@transaction.atomic
def fact_to_park(*, actor: User, fact: Fact, kind: str, status: str) -> Park:
    """Register the park an unmatched fact names, with the kind and status district staff chose, and what the fact
    states of it (总投资, 占地, 建筑面积) — through ``parks.services.park_create`` (its checks and audit); the
    document and quote go to its description, the fact keeps the park, and the step is audited with the quote."""
    from yuanqu.parks.services import park_create

    require_role(actor, {Role.REGION_STAFF})
    if not Fact.objects.editable_by(actor).filter(pk=fact.pk).exists():
        raise PermissionDenied("fact outside the actor's scope")
    fact = Fact.objects.select_for_update().select_related("document").get(pk=fact.pk)
    if Proposal.objects.filter(fact=fact).exists():
        raise ValidationError(_("This figure matches a park or project in yuanqu; review its proposal instead."),
                              code="matched")
    if fact.park_id is not None or fact.lead_id is not None:
        raise ValidationError(_("A park or a lead has already been made from this figure."), code="done")
    name = park_name_of(fact.entity)
    if not name:
        raise ValidationError(_("This figure names no park to register."), code="no_park")
    if kind not in Park.Kind.values or status not in Park.Status.values:
        raise ValidationError(_("Choose the park's kind and status."), code="kind")
    values: dict[str, Decimal] = {}
    spec = _field_for(fact.metric, fact.unit)
    if spec is not None and fact.value_high is None:
        field = {"investment": "total_investment_wan", Proposal.Field.PARK_LAND: "land_area_mu",
                 Proposal.Field.PARK_FLOOR: "floor_area_m2"}.get(spec[0])
        if field:
            values[field] = (fact.value * spec[1]).quantize(Decimal("0.01"))
    document = fact.document
    note = (f"来自资讯「{document.title}」（{document.published_on:%Y-%m-%d}）：{fact.quote}" if document.published_on
            else f"来自资讯「{document.title}」：{fact.quote}")
    park = park_create(actor=actor, name=name[:100], region=document.region, kind=kind, status=status,
                       description=note[:2000], **values)  # type: ignore[arg-type]
    fact.park = park
    fact.save(update_fields=["park"])
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=fact, before={"park": None},
                 after={"park": park.pk, "park_name": park.name, "document": document.title,
                        "document_id": document.pk, "quote": fact.quote})
    return park
