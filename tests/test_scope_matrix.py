"""Role × URL: every URL pattern of the project is probed as every role, inside and outside its scope.

A new URL pattern without an entry in CASES fails ``test_it_covers_every_url_pattern``, so no
page or endpoint can ship without a scope test.

Rules checked for each case:
- a role not allowed gets 404 (anonymous: the log-in page, or 401 from the API);
- an allowed role reaches an object in its scope: 200 or 201 (a 302 or a 422 only where the case declares it);
- every role gets 404 for an object outside its scope, and nothing changes;
- a list (page, API, chart) shows exactly the rows the role may see: its ids are read from the response (JSON
  parsed, HTML rows' ``data-id``) and compared with an oracle written here from the world's layout (which
  object lies in which park and region), never with ``visible_to``. ``tests/test_scope_matrix_bites.py`` proves
  that a list returning every row fails here.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from yuanqu.accounts.models import User
from yuanqu.accounts.services import token_create
from yuanqu.core.demo import make_uscc
from yuanqu.core.models import SYSTEM_WIDE_ACTIONS, AuditEvent
from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.enterprises.models import EnterpriseRequest as EnterpriseRequestModel
from yuanqu.innovation import models as innovation_models
from yuanqu.investment.models import Case as CaseModel
from yuanqu.investment.models import Lead, Project
from yuanqu.investment.selectors import stale_leads
from yuanqu.parks.models import Park
from yuanqu.stats.models import Indicator, Report, ReportValue, Round
from yuanqu.support.models import ResponseRule, ServiceRequest
from yuanqu.support.models import Service as SupportService

from .chains.world import chains_of
from .conftest import ROLES, World, add_statistics, login
from .evaluation.world import evaluation_of
from .innovation.world import innovation_of
from .support.world import add_support
from .world_snapshot import layer_for_test

STAFF, LEADER, OPERATOR, ENTERPRISE = "region_staff", "leader", "park_operator", "enterprise_user"
ADMIN, AUDITOR = "region_admin", "auditor"
ALL = set(ROLES)


@dataclass
class Bundle:
    """One object of each kind, all in the same park (or region)."""

    park: Any
    building: Any
    unit: Any
    enterprise: Any
    contact: Any
    settlement: Any
    user: Any
    audit: Any
    lead: Any = None
    project: Any = None
    change: Any = None
    evidence: Any = None
    case: Any = None
    lead_contact: Any = None
    measure: Any = None
    briefing: Any = None
    round: Any = None
    report: Any = None
    indicator: Any = None
    request: Any = None
    #: 科技服务 objects of the bundle's place (tests/innovation/world.py).
    innov: dict[str, Any] = field(default_factory=dict)
    # Enterprise services (support): the park's service, a request of its enterprise, an attachment of it.
    service: Any = None
    ticket: Any = None
    attachment: Any = None
    # 惠企政策 (issue 16): a policy and clause of the bundle's region (smyz: 崂山's, as rounds), an application
    # and an agreement of the bundle's enterprise.
    policy: Any = None
    clause: Any = None
    application: Any = None
    agreement: Any = None
    intake_doc: Any = None
    proposal: Any = None
    fact: Any = None  # a fact of the bundle's document that matched nothing
    #: 产业链 (issue 17): chain, node, link, target, task, member of the bundle's place (tests/chains/world.py).
    chain: dict[str, Any] = field(default_factory=dict)
    #: 亩均评价: method, run, result, input record of the bundle's place (tests/evaluation/world.py).
    evaluation: dict[str, Any] = field(default_factory=dict)
    #: 梯度培育: a designation (上市后备, in 辅导) of the bundle's enterprise.
    designation: Any = None


def bundles(world: World) -> dict[str, Bundle]:
    """The three bundles, made once per world (the first call must be outside the per-role savepoints, as
    :func:`test_each_role_gets_exactly_its_scope` makes it: a bundle made inside one would be rolled back)."""
    made: dict[str, Bundle] | None = world.__dict__.get("_matrix_bundles")
    if made is None:
        made = world.__dict__["_matrix_bundles"] = _make_bundles(world)
    return made


def _make_bundles(world: World) -> dict[str, Bundle]:
    licang_event = AuditEvent.objects.filter(region_code="370213").first()
    laoshan_event = AuditEvent.objects.filter(region_code="370212").first()
    found = {
        "xltd": (world.round_licang, world.report_xltd),
        # A round belongs to a whole region, and every 李沧 round is in the operator's region: the smyz
        # bundle (outside the operator's and the enterprise user's scope) uses the 崂山 round.
        "smyz": (world.round_laoshan, world.report_smyz),
        "laoshan": (world.round_laoshan, world.report_laoshan),
    }
    # The indicator dictionary is shared by the deployment; its cases are marked ``shared``.
    indicator = Indicator.objects.get(code="output")
    made = {
        "xltd": Bundle(world.xltd, world.tower, world.units[0], world.ent_xltd, world.contact_xltd, world.st_xltd,
                       world.users[LEADER], licang_event, world.lead_xltd,
                       world.project_xltd, world.change_xltd, world.change_xltd.evidence.first(), world.case_xltd,
                       world.lead_contact_xltd, world.measure_xltd, briefing_for(world, world.xltd)),
        "smyz": Bundle(world.smyz, world.smyz_building, world.smyz_unit, world.ent_smyz, world.contact_smyz,
                       world.st_smyz, world.users[LEADER], licang_event, world.lead_smyz,
                       world.project_smyz, world.change_smyz, world.change_smyz.evidence.first(), world.case_smyz,
                       world.lead_contact_smyz, world.measure_smyz, briefing_for(world, world.smyz)),
        "laoshan": Bundle(world.laoshan_park, world.laoshan_building, world.laoshan_unit, world.ent_laoshan,
                          world.contact_laoshan,
                          world.st_laoshan, world.laoshan_staff, laoshan_event, world.lead_laoshan,
                          world.project_laoshan, world.change_laoshan,
                          world.change_laoshan.evidence.first(), world.case_laoshan,
                          world.lead_contact_laoshan, world.measure_laoshan,
                          briefing_for(world, world.laoshan_park)),
    }
    requests = requests_of(world)
    innov = innovation_of(world)
    sw = add_support(world)
    support = {"xltd": (sw.svc_xltd, sw.req_xltd), "smyz": (sw.svc_smyz, sw.req_smyz),
               "laoshan": (sw.svc_laoshan, sw.req_laoshan)}
    policy_rows = policy_objects(world)
    chain_rows = chains_of(world)
    evaluation_rows = evaluation_of(world)
    for key, bundle in made.items():
        bundle.chain = chain_rows[key]
        bundle.evaluation = evaluation_rows[key]
        bundle.round, bundle.report = found[key]
        bundle.indicator = indicator
        bundle.request = requests[key]
        bundle.innov = innov[key]
        bundle.service, bundle.ticket = support[key]
        bundle.attachment = bundle.ticket.attachments.first()
        region = "laoshan" if key in ("smyz", "laoshan") else "licang"
        bundle.policy, bundle.clause = policy_rows["policy"][region], policy_rows["clause"][region]
        bundle.application, bundle.agreement = policy_rows["application"][key], policy_rows["agreement"][key]
        bundle.intake_doc = intake_of(world, key, bundle.park)
        bundle.proposal = bundle.intake_doc.facts.get(proposal__isnull=False).proposal
        bundle.fact = bundle.intake_doc.facts.get(proposal__isnull=True)
        bundle.designation = designation_of(world, bundle.enterprise)
    return made


def designation_of(world: World, enterprise: Any) -> Any:
    """A 上市后备 of ``enterprise`` in 辅导, recorded by its region's staff through the designation service."""
    from yuanqu.enterprises.models import Designation

    found = Designation.objects.filter(enterprise=enterprise, kind="listing").first()
    staff = world.laoshan_staff if enterprise.region_id == world.laoshan.pk else world.users[STAFF]
    return found or ent.designation_grant(actor=staff, enterprise=enterprise, kind="listing", board="neeq",
                                          recognised_on=dt.date(2025, 1, 1), coaching_on=dt.date(2025, 1, 1))


def policy_objects(world: World) -> dict[str, dict[str, Any]]:
    """One published policy clause per region (its rule holds for every enterprise), an application and an
    agreement of each bundle's enterprise, and the matches of the clauses; made once through the services."""
    from yuanqu.policies import services as pol
    from yuanqu.policies.models import Agreement as AgreementModel
    from yuanqu.policies.models import Application as ApplicationModel
    from yuanqu.policies.models import Clause as ClauseModel

    out: dict[str, dict[str, Any]] = {"policy": {}, "clause": {}, "application": {}, "agreement": {}}
    for region, actor in (("licang", world.users[STAFF]), ("laoshan", world.laoshan_staff)):
        clause = ClauseModel.objects.filter(policy__region=actor.region_id, number="探针条").first()
        if clause is None:
            policy = pol.policy_create(actor=actor, title=f"探针政策{region}", issuer="区政府",
                                       effective_on=dt.date(2024, 1, 1))
            clause = pol.clause_create(actor=actor, policy=policy, number="探针条", title="探针条款", stats_year=2025,
                                       rule={"!=": [{"var": "region"}, "000000"]}, beneficiaries="全部企业",
                                       conditions_text="无", office="区政务服务中心", phone="0532-1")
            pol.rule_test_create(actor=actor, clause=clause, name="任一企业", facts={"region": "370213"},
                                 expected="eligible")
            clause = pol.clause_publish(actor=actor, clause=clause)
            pol.match_clause(clause=clause)
        out["policy"][region], out["clause"][region] = clause.policy, clause
    for key, enterprise, region, actor in (
            ("xltd", world.ent_xltd, "licang", world.users[STAFF]),
            ("smyz", world.ent_smyz, "licang", world.users[STAFF]),
            ("laoshan", world.ent_laoshan, "laoshan", world.laoshan_staff)):
        clause = out["clause"][region]
        app = ApplicationModel.objects.filter(clause=clause, enterprise=enterprise).first()
        out["application"][key] = app or pol.application_submit(actor=actor, clause=clause, enterprise=enterprise)
        agreement = AgreementModel.objects.filter(enterprise=enterprise).first()
        out["agreement"][key] = agreement or pol.agreement_create(
            actor=actor, title=f"探针协议{key}", enterprise=enterprise, signed_on=dt.date(2024, 1, 1),
            park={"xltd": world.xltd, "smyz": world.smyz, "laoshan": world.laoshan_park}[key])
    return out


#: Codes no enterprise of the world has, for settlement requests of an unregistered code.
UNREGISTERED = {"smyz": "91350100M000100Y43", "laoshan": "914403001922038216"}


def intake_of(world: World, key: str, park: Any) -> Any:
    """One source document per bundle naming its park's signed count (a proposal on the park that disagrees with
    the registry): at 信联天地 brought in by the operator, at 生命药洲 by 李沧 staff, at 崂山 by 崂山's staff."""
    from yuanqu.intake import services as intake
    from yuanqu.intake.models import SourceDocument

    title = f"探针 {key}"
    found = SourceDocument.objects.filter(title=title).first()
    if found is not None:
        return found
    actor = {"xltd": world.users[OPERATOR], "smyz": world.users[STAFF], "laoshan": world.laoshan_staff}[key]
    # and a project yuanqu does not know (a fact without a match, which district staff may make a lead of)
    unknown = {"xltd": "甲", "smyz": "乙", "laoshan": "丙"}[key]
    return intake.document_create(actor=actor, title=title, text=f"截至2025年6月底，{park.name}已签约企业9家。"
                                  f"总投资3亿元的青岛{unknown}探针科技产业园项目签约落地。",
                                  published_on=dt.date(2025, 7, 1))


def requests_of(world: World) -> dict[str, Any]:
    """One pending request per bundle, filed once through the services: at 信联天地 the operator asks to sign
    生命药洲's enterprise (李沧 staff decide); at 生命药洲 李沧 staff ask for an unregistered code; at 崂山 崂山's
    staff do (崂山 decides)."""
    from yuanqu.enterprises import services as ent
    from yuanqu.enterprises.models import EnterpriseRequest

    filed = {}
    for key, actor, uscc, park in (
            ("xltd", world.users[OPERATOR], world.ent_smyz.uscc, world.xltd),
            ("smyz", world.users[STAFF], UNREGISTERED["smyz"], world.smyz),
            ("laoshan", world.laoshan_staff, UNREGISTERED["laoshan"], world.laoshan_park)):
        found = EnterpriseRequest.objects.filter(uscc=uscc, park=park, kind="settle").first()
        filed[key] = found or ent.enterprise_request_settle(actor=actor, uscc=uscc, park=park,
                                                            signed_on=dt.date(2025, 1, 2))
    return filed


def change_request_of(world: World) -> Any:
    """The enterprise user's request to change its designations (for the lists: its own row)."""
    from yuanqu.enterprises import services as ent
    from yuanqu.enterprises.models import EnterpriseRequest

    found = EnterpriseRequest.objects.filter(kind="change", enterprise=world.ent_xltd).first()
    return found or ent.enterprise_change_request(actor=world.users[ENTERPRISE], enterprise=world.ent_xltd,
                                                  changes={"is_high_tech": True})


def briefing_for(world: World, park: Any) -> Any:
    """A briefing of one park, marked written with stand-in files: the matrix probes pages, not the generator."""
    from django.core.files.base import ContentFile

    from yuanqu.briefings.models import Briefing

    briefing, made = Briefing.objects.get_or_create(region=park.region, park=park, year=2024, month=12,
                                                    defaults={"created_by": world.users[STAFF], "status": "done"})
    if made:
        briefing.pdf.save("probe.pdf", ContentFile(b"%PDF-1.4 probe"))
        briefing.docx.save("probe.docx", ContentFile(b"PK probe"))
    return briefing


def outside_bundle_for(role: str) -> str:
    """The bundle that lies outside ``role``'s scope."""
    return "laoshan" if role in (STAFF, LEADER, ADMIN, AUDITOR) else "smyz"


# --- Reading a list: the ids it shows, parsed, never text searched for in a raw body ---


class _DataIds(HTMLParser):
    """Collects the ``data-id`` of every element: each list template marks its rows (or cards) with one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        value = dict(attrs).get("data-id")
        if value is not None:
            self.ids.append(int(value))


def html_rows(response: Any) -> list[int]:
    """The ids of an HTML list's rows."""
    parser = _DataIds()
    parser.feed(response.content.decode())
    parser.close()
    return parser.ids


def search_hits(kind: str) -> Callable[[Any], list[int]]:
    """The ids of the global search's hits of one kind, read from the page (``data-kind``/``data-hit``)."""
    import re

    def read(response: Any) -> list[int]:
        pattern = rf'data-kind="{kind}" data-hit="(\d+)"'
        return [int(n) for n in re.findall(pattern, response.content.decode())]
    return read


def api_items(response: Any) -> list[int]:
    """The ids of an API list: ninja's LimitOffsetPagination wraps them as {"items": [...], "count": n}."""
    payload = json.loads(response.content)
    if isinstance(payload, dict):
        items = payload["items"]
        assert payload["count"] == len(items), ("the count is not the rows'", payload["count"], len(items))
    else:
        items = payload
    return [int(row["id"]) for row in items]


def aggregate_parks(response: Any) -> list[int]:
    """The parks of the statistics API's aggregate rows."""
    return [int(row["park"]) for row in json.loads(response.content)["parks"]]


def map_points(response: Any) -> list[int]:
    """The parks on the park map: each point links to its park's dashboard, whose id we read from the link;
    its label must be that park's name (compared as strings after json.loads, never on the raw body)."""
    payload = json.loads(response.content)
    ids = []
    for series in payload["option"]["series"]:
        for point in series["data"]:
            match = resolve(urlsplit(point["link"]).path)
            assert match.view_name == "dashboards:park", point
            park_id = int(match.kwargs["pk"])
            assert point["name"] == Park.objects.get(pk=park_id).name, point
            ids.append(park_id)
    return ids


@dataclass
class Listing:
    """What a list shows: rows of one kind (a key of :func:`world_rows`), read from the response by ``read``.

    ``shows`` narrows the rows to those the list is about (the pool: unowned open leads), ignoring scope: it
    uses the models' own non-scope filters, so scope is decided by the oracle alone. ``page`` is the page size of
    a list longer than a page (the audit log): then the ids must be a page of the expected ones.
    """

    kind: str
    read: Callable[[Any], list[int]] = html_rows
    shows: Callable[[World, str], set[int]] | None = None
    page: int | None = None


@dataclass
class Case:
    """How to call one URL pattern, and who may."""

    method: str
    allowed: set[str]
    kwargs: Callable[[Bundle], dict[str, Any]] | None = None
    data: dict[str, Any] | Callable[[Bundle], dict[str, Any]] = field(default_factory=dict)
    api: bool = False
    public: bool = False
    # For lists: which rows they show, checked by parsed ids with an exact count (see check_list).
    listing: Listing | None = None
    # The object is shared by the whole deployment (the indicator dictionary): only the role limits it.
    shared: bool = False
    # An allowed role gets 200 or 201; a 302 (a form that redirects after its write) or a 422 (the API refusing
    # the probe's data, e.g. a state the object is no longer in) only where the case says so.
    redirects: bool = False
    refuses: bool = False
    # Appended to the URL of a GET (a list's period).
    query: str = ""


# --- The oracle: which row lies where, from the world's layout; never from visible_to ---

#: Where a role's scope reaches, per kind of row, as tags of the places rows lie in: a region ("licang"), a park
#: ("xltd"), "own" (the enterprise user's own enterprise), "by_operator" (uploaded by the operator). From
#: DESIGN.md's table of roles: district roles see their region, an operator its parks, an enterprise user its own.
DISTRICT = {STAFF: {"licang"}, LEADER: {"licang"}}
IN_PARKS = {**DISTRICT, OPERATOR: {"xltd"}}
SEES: dict[str, dict[str, set[str]]] = {
    "park": IN_PARKS, "lead": IN_PARKS, "project": IN_PARKS, "case": IN_PARKS, "briefing": IN_PARKS,
    "value": IN_PARKS,
    "enterprise": {**IN_PARKS, ENTERPRISE: {"own"}},
    "settlement": {**IN_PARKS, ENTERPRISE: {"own"}},
    "report": {**IN_PARKS, ENTERPRISE: {"own"}},
    # A round belongs to a whole region: operators see their region's; an enterprise those it reports in.
    "round": {**DISTRICT, OPERATOR: {"licang"}, ENTERPRISE: {"own"}},
    # District staff see their region's import batches; an operator only the ones it uploaded.
    "batch": {STAFF: {"licang"}, OPERATOR: {"by_operator"}},
    "user": {ADMIN: {"licang"}},
    "audit": {AUDITOR: {"licang"}},
    # Requests: district roles see those their region decides; others the ones they filed.
    "request": {**DISTRICT, OPERATOR: {"by_operator"}, ENTERPRISE: {"own"}},
    # 科技服务 (issue 15): an enterprise sees its own incubation record, listings and contracts.
    "incubator": IN_PARKS, "partner": IN_PARKS, "coop_base": IN_PARKS,
    "incubatee": {**IN_PARKS, ENTERPRISE: {"own"}}, "contract": {**IN_PARKS, ENTERPRISE: {"own"}},
    "need": {**IN_PARKS, ENTERPRISE: {"own"}}, "achievement": {**IN_PARKS, ENTERPRISE: {"own"}},
    # A match with its need and achievement; a cooperation project with its partner, and the enterprises in it.
    "tech_match": {**IN_PARKS, ENTERPRISE: {"own"}}, "coop_project": {**IN_PARKS, ENTERPRISE: {"own"}},
    # Service requests (support): the region's, the operator's parks', the enterprise's own; the catalogue as
    # well, where "own" marks the services of the enterprise's park and its district.
    "ticket": {**IN_PARKS, ENTERPRISE: {"own"}},
    "service": {**IN_PARKS, ENTERPRISE: {"own"}},
    # Policies and their clauses are published to the whole region: every business role of it reads them.
    "policy": {**DISTRICT, OPERATOR: {"licang"}, ENTERPRISE: {"licang"}},
    "clause": {**DISTRICT, OPERATOR: {"licang"}, ENTERPRISE: {"licang"}},
    "application": {**IN_PARKS, ENTERPRISE: {"own"}},
    "agreement": {**IN_PARKS, ENTERPRISE: {"own"}},
    "match": {**IN_PARKS, ENTERPRISE: {"own"}},
    # Source documents: district roles their region's; an operator the ones it brought in. Proposals: by park.
    "intake_doc": {**DISTRICT, OPERATOR: {"by_operator"}},
    "proposal": IN_PARKS,
    # 产业链: a chain belongs to a region (its operators read it); an enterprise on a node lies where it is settled.
    "chain": {**DISTRICT, OPERATOR: {"licang"}},
    "chain_link": IN_PARKS,
    # Its targets with a chain; the region's service providers as chains; platforms and talent with the enterprise.
    "chain_target": {**DISTRICT, OPERATOR: {"licang"}},
    "chain_provider": {**DISTRICT, OPERATOR: {"licang"}},
    "chain_platform": IN_PARKS,
    "chain_talent": IN_PARKS,
    # The records of an enterprise (patents, awards, financing) with it; the region's funds as chains.
    "chain_patent": IN_PARKS,
    "chain_award": IN_PARKS,
    "chain_financing": IN_PARKS,
    "chain_fund": {**DISTRICT, OPERATOR: {"licang"}},
    # 亩均评价: a method and a run belong to a region (its operators read them); a result lies in the park its
    # enterprise was counted in (the enterprise user sees its own, once published); an input record with its
    # enterprise.
    "eval_method": {**DISTRICT, OPERATOR: {"licang"}},
    "eval_run": {**DISTRICT, OPERATOR: {"licang"}},
    "eval_result": {**IN_PARKS, ENTERPRISE: {"own"}},
    "eval_input": {**IN_PARKS, ENTERPRISE: {"own"}},
    # 梯度培育: a designation is read with its enterprise.
    "designation": {**IN_PARKS, ENTERPRISE: {"own"}},
}


def named_qingdao(world: World, role: str) -> set[int]:
    """Enterprises whose name holds 青岛 (what the search case types), whoever may see them."""
    return set(Enterprise.objects.filter(name__contains="青岛").values_list("pk", flat=True))


def world_rows(world: World) -> dict[str, dict[int, frozenset[str]]]:
    """Every row of each kind a list shows, by id, with the places it lies in.

    Written out from how the world is built (tests/conftest.py); ``check_world_rows`` asserts that it names
    every row in the database, so a row added to the world without a place here fails loudly. Computed once
    per list world (:func:`list_world` makes it, before any role's savepoint).
    """
    rows: dict[str, dict[int, frozenset[str]]] | None = world.__dict__.get("_matrix_rows")
    if rows is None:
        rows = world.__dict__["_matrix_rows"] = _world_rows(world)
    return rows


def _world_rows(world: World) -> dict[str, dict[int, frozenset[str]]]:
    place = {world.xltd.pk: {"licang", "xltd"}, world.smyz.pk: {"licang", "smyz"},
             world.laoshan_park.pk: {"laoshan", "laoshan_park"}}

    def at(park: Any, *extra: str) -> frozenset[str]:
        return frozenset(place[park.pk] | set(extra))

    by_status = world.reports_by_status
    batches = {batch_of(b): b for b in bundles(world).values()}
    values = {r: ReportValue.objects.get(report=r, indicator__code="output")
              for r in (world.report_xltd, world.report_smyz, world.report_laoshan)}
    requests = requests_of(world)
    innov = innovation_of(world)
    sw = add_support(world)
    pol = policy_objects(world)
    from yuanqu.policies.models import Match

    matches = {m.pk: m.enterprise_id for m in Match.objects.all()}
    chain_rows = chains_of(world)
    ev = evaluation_of(world)
    december = Round.objects.filter(region_id="370213", year=2025, month=12, frequency="month")
    enterprise_at = {world.ent_xltd.pk: at(world.xltd, "own"), world.ent_xltd_fitout.pk: at(world.xltd),
                     world.ent_smyz.pk: at(world.smyz), world.ent_laoshan.pk: at(world.laoshan_park)}
    parks_of = {"xltd": world.xltd, "smyz": world.smyz, "laoshan": world.laoshan_park}

    def innovation_rows(kind: str, own: bool) -> dict[int, frozenset[str]]:
        return {innov[k][kind].pk: at(p, *(["own"] if own and k == "xltd" else [])) for k, p in parks_of.items()}

    return {
        "incubator": innovation_rows("incubator", False), "partner": innovation_rows("partner", False),
        "coop_base": innovation_rows("base", False), "incubatee": innovation_rows("incubatee", True),
        "contract": innovation_rows("contract", True), "need": innovation_rows("need", True),
        "achievement": innovation_rows("achievement", True), "tech_match": innovation_rows("match", True),
        "coop_project": innovation_rows("coop_project", True),
        "ticket": {sw.req_xltd.pk: at(world.xltd, "own"), sw.req_smyz.pk: at(world.smyz),
                   sw.req_laoshan.pk: at(world.laoshan_park)},
        "service": {sw.svc_xltd.pk: at(world.xltd, "own"), sw.svc_smyz.pk: at(world.smyz),
                    sw.svc_laoshan.pk: at(world.laoshan_park), sw.svc_district.pk: frozenset({"licang", "own"})},
        "policy": {p.pk: frozenset({region}) for region, p in pol["policy"].items()},
        "clause": {c.pk: frozenset({region}) for region, c in pol["clause"].items()},
        "application": {a.pk: enterprise_at[a.enterprise_id] for a in pol["application"].values()},
        "agreement": {a.pk: enterprise_at[a.enterprise_id] for a in pol["agreement"].values()},
        "match": {pk: enterprise_at[eid] for pk, eid in matches.items()},
        "request": {requests["xltd"].pk: frozenset({"licang", "by_operator"}),
                    requests["smyz"].pk: frozenset({"licang"}), requests["laoshan"].pk: frozenset({"laoshan"}),
                    change_request_of(world).pk: frozenset({"licang", "own"})},
        "park": {p.pk: at(p) for p in (world.xltd, world.smyz, world.laoshan_park)},
        "enterprise": {world.ent_xltd.pk: at(world.xltd, "own"), world.ent_xltd_fitout.pk: at(world.xltd),
                       world.ent_smyz.pk: at(world.smyz), world.ent_laoshan.pk: at(world.laoshan_park)},
        "settlement": {world.st_xltd.pk: at(world.xltd, "own"), world.st_xltd_fitout.pk: at(world.xltd),
                       world.st_smyz.pk: at(world.smyz), world.st_laoshan.pk: at(world.laoshan_park)},
        "lead": {world.lead_xltd.pk: at(world.xltd), world.lead_smyz.pk: at(world.smyz),
                 world.lead_laoshan.pk: at(world.laoshan_park)},
        "project": {world.project_xltd.pk: at(world.xltd), world.project_smyz.pk: at(world.smyz),
                    world.project_laoshan.pk: at(world.laoshan_park)},
        "case": {world.case_xltd.pk: at(world.xltd), world.case_smyz.pk: at(world.smyz),
                 world.case_laoshan.pk: at(world.laoshan_park)},
        "briefing": {b.briefing.pk: at(b.park) for b in bundles(world).values()},
        "round": {**{r.pk: frozenset(tags) for r, tags in (
            (world.round_licang, {"licang", "own"}), (world.round_licang_2024, {"licang", "own"}),
            (world.round_licang_march, {"licang", "own"}), (world.round_licang_april, {"licang", "own"}),
            (world.round_laoshan, {"laoshan"}), (world.round_laoshan_april, {"laoshan"}))},
                  # the December 2025 round of the evaluation's statistics (tests/evaluation/world.py)
                  **{r.pk: frozenset({"licang", "own"}) for r in december}},
        "report": {**{r.pk: tags for r, tags in (
            (world.report_xltd, at(world.xltd, "own")), (world.report_xltd_2024, at(world.xltd, "own")),
            (world.report_smyz, at(world.smyz)), (world.report_laoshan, at(world.laoshan_park)),
            (by_status["pending"], at(world.xltd, "own")), (by_status["draft"], at(world.xltd, "own")),
            (by_status["submitted"], at(world.xltd)), (by_status["returned"], at(world.smyz)),
            (by_status["park_reviewed"], at(world.laoshan_park)))},
                   # the December 2025 round's, and the June 2024 one 生命药洲's enterprise got on moving in
                   # (tests/evaluation/world.py): where their park lies
                   **{r.pk: at(r.park, *(["own"] if r.enterprise_id == world.ent_xltd.pk else []))
                      for r in Report.objects.filter(Q(round__in=december) | Q(enterprise=world.ent_smyz,
                                                                               round__year=2024))
                      .select_related("park")}},
        "batch": {batch.pk: at(b.park, *(["by_operator"] if b.park == world.xltd else [])) for batch, b in
                  batches.items()},
        "user": {**{u.pk: frozenset({"licang"}) for u in world.users.values()},
                 world.laoshan_staff.pk: frozenset({"laoshan"})},
        "value": {v.pk: at(v.park) for v in values.values()},
        "intake_doc": {b.intake_doc.pk: at(b.park, *(["by_operator"] if key == "xltd" else []))
                       for key, b in bundles(world).items()},
        "proposal": {b.proposal.pk: at(b.park) for b in bundles(world).values()},
        "chain": {chain_rows["xltd"]["chain"].pk: frozenset({"licang"}),
                  chain_rows["laoshan"]["chain"].pk: frozenset({"laoshan"})},
        "chain_link": {link.pk: enterprise_at[eid] for eid, link in
                       {**chain_rows["xltd"]["links"], **chain_rows["laoshan"]["links"]}.items()},
        "chain_target": {chain_rows["xltd"]["target"].pk: frozenset({"licang"}),
                         chain_rows["laoshan"]["target"].pk: frozenset({"laoshan"})},
        "chain_provider": {chain_rows["xltd"]["provider"].pk: frozenset({"licang"}),
                           chain_rows["laoshan"]["provider"].pk: frozenset({"laoshan"})},
        "chain_platform": {chain_rows[k]["platform"].pk: enterprise_at[chain_rows[k]["platform"].enterprise_id]
                           for k in ("xltd", "laoshan")},
        "chain_talent": {pk: enterprise_at[eid] for pk, eid in _chain_model("TalentHeadcount").objects.values_list(
            "pk", "enterprise_id")},
        **{kind: {chain_rows[k][key].pk: enterprise_at[chain_rows[k][key].enterprise_id] for k in ("xltd", "laoshan")}
           for kind, key in (("chain_patent", "patents"), ("chain_award", "award"),
                             ("chain_financing", "financing"))},
        "chain_fund": {chain_rows["xltd"]["fund"].pk: frozenset({"licang"}),
                       chain_rows["laoshan"]["fund"].pk: frozenset({"laoshan"})},
        "eval_method": {ev["xltd"]["method"].pk: frozenset({"licang"}),
                        ev["laoshan"]["method"].pk: frozenset({"laoshan"})},
        "eval_run": {ev["xltd"]["run"].pk: frozenset({"licang"}), ev["laoshan"]["run"].pk: frozenset({"laoshan"})},
        "eval_result": {ev[k]["result"].pk: enterprise_at[ev[k]["result"].enterprise_id] for k in ev},
        "eval_input": {ev[k]["input"].pk: enterprise_at[ev[k]["input"].enterprise_id] for k in ev},
        # every designation lies where its enterprise does (the oracle's place, not its scope)
        "designation": {pk: enterprise_at[eid] for pk, eid in _designation_model().objects.values_list(
            "pk", "enterprise_id")},
        # Audit events are too many to write out: each lies in the region its event records.
        # Installation-wide events (failed log-ins under unknown names, archive anchors) lie in every region.
        "audit": {pk: frozenset({"licang"} if code.startswith("370213") else {"laoshan"}
                                if code.startswith("370212") else {"licang", "laoshan"}
                                if code == "" and action in SYSTEM_WIDE_ACTIONS
                                else set())
                  for pk, code, action in AuditEvent.objects.values_list("pk", "region_code", "action")},
    }


#: What the database holds of each kind, to check the oracle names every row.
ALL_ROWS: dict[str, Callable[[], Any]] = {
    "park": lambda: Park.objects.all(), "enterprise": lambda: Enterprise.objects.all(),
    "settlement": lambda: Settlement.objects.all(), "lead": lambda: Lead.objects.all(),
    "project": lambda: Project.objects.all(), "case": lambda: CaseModel.objects.all(),
    "round": lambda: Round.objects.all(), "report": lambda: Report.objects.all(),
    "user": lambda: User.objects.all(),
    "request": lambda: EnterpriseRequestModel.objects.all(),
    "value": lambda: ReportValue.objects.filter(indicator__code="output", year=2025, month=6),
    "incubator": lambda: innovation_models.Incubator.objects.all(),
    "incubatee": lambda: innovation_models.Incubatee.objects.all(),
    "contract": lambda: innovation_models.TechContract.objects.all(),
    "need": lambda: innovation_models.TechNeed.objects.all(),
    "achievement": lambda: innovation_models.Achievement.objects.all(),
    "partner": lambda: innovation_models.Partner.objects.all(),
    "coop_base": lambda: innovation_models.CoopBase.objects.all(),
    "tech_match": lambda: innovation_models.Match.objects.all(),
    "coop_project": lambda: innovation_models.CoopProject.objects.all(),
    "ticket": lambda: ServiceRequest.objects.all(), "service": lambda: SupportService.objects.all(),
    "policy": lambda: _policy_model("Policy").objects.all(),
    "clause": lambda: _policy_model("Clause").objects.all(),
    "application": lambda: _policy_model("Application").objects.all(),
    "agreement": lambda: _policy_model("Agreement").objects.all(),
    "match": lambda: _policy_model("Match").objects.all(),
    "intake_doc": lambda: _intake_models()[0].objects.all(),
    "proposal": lambda: _intake_models()[1].objects.all(),
    "chain": lambda: _chain_model("Chain").objects.all(),
    "chain_link": lambda: _chain_model("ChainLink").objects.all(),
    "chain_target": lambda: _chain_model("ChainTarget").objects.all(),
    "chain_provider": lambda: _chain_model("EcoProvider").objects.all(),
    "chain_platform": lambda: _chain_model("InnovationPlatform").objects.all(),
    "chain_talent": lambda: _chain_model("TalentHeadcount").objects.all(),
    "chain_patent": lambda: _chain_model("PatentYear").objects.all(),
    "chain_award": lambda: _chain_model("TalentAward").objects.all(),
    "chain_financing": lambda: _chain_model("FinancingEvent").objects.all(),
    "chain_fund": lambda: _chain_model("Fund").objects.all(),
    "eval_method": lambda: _evaluation_model("Method").objects.all(),
    "eval_run": lambda: _evaluation_model("Evaluation").objects.all(),
    "eval_result": lambda: _evaluation_model("Result").objects.all(),
    "eval_input": lambda: _evaluation_model("EvaluationInput").objects.all(),
    "designation": lambda: _designation_model().objects.all(),
}


def _evaluation_model(name: str) -> Any:
    from django.apps import apps

    return apps.get_model("evaluation", name)


def _designation_model() -> Any:
    from yuanqu.enterprises.models import Designation

    return Designation


def _chain_model(name: str) -> Any:
    from django.apps import apps

    return apps.get_model("chains", name)


def _policy_model(name: str) -> Any:
    from django.apps import apps

    return apps.get_model("policies", name)


def _intake_models() -> tuple[Any, Any]:
    from yuanqu.intake.models import Proposal, SourceDocument

    return SourceDocument, Proposal


def undecided_discrepancies(world: World, role: str) -> set[int]:
    from django.db.models import F

    from yuanqu.intake.models import Proposal

    return set(Proposal.objects.filter(status="proposed", held__isnull=False).exclude(value=F("held"))
               .values_list("pk", flat=True))


def check_world_rows(world: World) -> None:
    """The oracle is complete: every row of these kinds in the database has its place in ``world_rows``."""
    rows = world_rows(world)
    for kind, everything in ALL_ROWS.items():
        assert set(rows[kind]) == set(everything().values_list("pk", flat=True)), f"unplaced {kind} rows"


def expected_ids(world: World, rows: dict[int, frozenset[str]], listing: Listing, role: str) -> set[int]:
    """The ids the list must show ``role``: the rows in its scope (by the oracle) that the list is about."""
    reach = SEES[listing.kind].get(role, set())
    ids = {pk for pk, tags in rows.items() if tags & reach}
    return ids & listing.shows(world, role) if listing.shows else ids


def shown_outside(world: World, rows: dict[int, frozenset[str]], listing: Listing, role: str) -> set[int]:
    """Rows the list would show ``role`` if it ignored scope, but must not: what a leak would add."""
    every = set(rows) & listing.shows(world, role) if listing.shows else set(rows)
    return every - expected_ids(world, rows, listing, role)


def pool(world: World, role: str) -> set[int]:
    return set(Lead.objects.pool().values_list("pk", flat=True))


def due(world: World, role: str) -> set[int]:
    return set(Lead.objects.open().filter(owner=world.users[role], next_step_on__lte=timezone.localdate())
               .values_list("pk", flat=True))


def stale(world: World, role: str) -> set[int]:
    return set(stale_leads(Lead.objects.all()).values_list("pk", flat=True))


def in_queue(world: World, role: str) -> set[int]:
    """A handler's queue: the open requests it handles, and those awaiting dispatch."""
    return set(ServiceRequest.objects.open().filter(Q(handler=world.users[role]) | Q(status="accepted"))
               .values_list("pk", flat=True))


def overdue_requests(world: World, role: str) -> set[int]:
    return set(ServiceRequest.objects.overdue().values_list("pk", flat=True))


def on_the_map(world: World, role: str) -> set[int]:
    return set(Park.objects.filter(longitude__isnull=False, latitude__isnull=False).values_list("pk", flat=True))


def approved(world: World, role: str) -> set[int]:
    return set(ReportValue.objects.filter(report__status=Report.Status.APPROVED).values_list("pk", flat=True))


def list_world(world: World) -> World:
    """The world the lists are probed on: with statistics (approved values in every park, reports in every
    status, coordinates: so a chart that leaked would show it), one import batch per park, and leads that
    appear on the due and stale lists inside and outside the operator's scope."""
    add_statistics(world)
    for bundle in bundles(world).values():
        batch_of(bundle)
    operator = world.users[OPERATOR]
    long_ago = timezone.make_aware(dt.datetime(2025, 1, 2))
    # Time travel, not a business write: leads claimed long ago (stale once N days pass without a follow-up),
    # and a 崂山 lead its owner handed to the operator, due but outside the operator's parks.
    Lead.objects.update(owned_since=long_ago)
    Lead.objects.filter(pk=world.lead_laoshan.pk).update(owner=operator, next_step_on=dt.date(2025, 3, 1))
    requests_of(world)
    change_request_of(world)
    # Service requests: 生命药洲's and 崂山's past their deadline (time travel), so the overdue list has a row
    # in scope and one a leak would add.
    sw = add_support(world)
    past = timezone.now() - dt.timedelta(days=1)
    ServiceRequest.objects.filter(pk__in=[sw.req_smyz.pk, sw.req_laoshan.pk]).update(
        accepted_at=past - dt.timedelta(days=30), warn_at=past - dt.timedelta(days=1), due_at=past)
    world.__dict__.pop("_matrix_rows", None)
    world_rows(world)
    return world


def pk(attr: str, name: str = "pk") -> Callable[[Bundle], dict[str, Any]]:
    return lambda b: {name: getattr(b, attr).pk}


def batch_of(b: Bundle) -> Any:
    """An import batch of the bundle's park: by its operator (信联天地) or by district staff of its region."""
    from yuanqu.accounts.models import User
    from yuanqu.tabular.models import ImportBatch

    name = f"probe-{b.park.pk}.csv"
    batch = ImportBatch.objects.filter(filename=name).first()
    if batch is not None:
        return batch
    if b.park.name == "信联天地":
        creator = User.objects.get(username="park_operator")
    else:
        creator = User.objects.filter(role=STAFF, region_id=b.park.region_id).first()
    return ImportBatch.objects.create(
        entity="enterprises", filename=name, fmt="csv", content="统一社会信用代码,企业名称\n".encode(),
        created_by=creator, region_code=creator.region_id, status="previewed", sheets=["CSV"], sheet="CSV",
        header_rows=[1], columns=[{"index": 0, "header": "统一社会信用代码", "unit": "", "field": "uscc",
                                   "confidence": 1.0, "sample": []},
                                  {"index": 1, "header": "企业名称", "unit": "", "field": "name",
                                   "confidence": 1.0, "sample": []}],
        mapping={"0": "uscc", "1": "name"}, counts={"total": 0}, report=[])


def batch_pk(b: Bundle) -> dict[str, Any]:
    return {"pk": batch_of(b).pk}


CASES: dict[str, Case] = {
    "home": Case("GET", ALL, redirects=True),
    # Every enterprise of the world is named 青岛…; the search shows the first 8 the user may see.
    "search": Case("GET", ALL, query="?q=青岛", listing=Listing("enterprise", read=search_hits("enterprise"),
                                                                shows=named_qingdao, page=8)),
    # Pickers (issue 14): JSON lists of the same shape as the API's ({"items": [{"id": …}], "count": n}).
    # Industries are shared reference data; parks and enterprises are read through the scope, a page of 20 at most.
    "pick_industry": Case("GET", ALL, query="?q=rj", shared=True),
    "parks:pick": Case("GET", ALL, listing=Listing("park", read=api_items, page=20)),
    "enterprises:pick": Case("GET", ALL, query="?q=青岛", listing=Listing("enterprise", read=api_items,
                                                                        shows=named_qingdao, page=20)),
    # A park's units: the park must be one the user sees (404 otherwise, as its page).
    "parks:pick_units": Case("GET", {STAFF, LEADER, OPERATOR}, pk("park")),
    "set_language": Case("POST", ALL, data={"language": "en"}, public=True, redirects=True),
    "healthz": Case("GET", ALL, public=True),
    "readyz": Case("GET", ALL, public=True),
    "accounts:login": Case("GET", ALL, public=True),
    "accounts:logout": Case("POST", ALL, redirects=True),
    "accounts:users": Case("GET", {ADMIN}, listing=Listing("user")),
    "accounts:user_create": Case("GET", {ADMIN}),
    "accounts:user_edit": Case("GET", {ADMIN}, pk("user")),
    "accounts:user_reset_password": Case("POST", {ADMIN}, pk("user")),
    "accounts:tokens": Case("GET", ALL),
    # One's own second factor and password: every role, nobody else's (no argument names a user).
    "accounts:otp_setup": Case("GET", ALL, redirects=True),
    "accounts:otp_verify": Case("GET", ALL, redirects=True),
    "accounts:recovery_codes": Case("POST", ALL, redirects=True),
    "accounts:password_change": Case("GET", ALL),
    "accounts:security": Case("GET", ALL),
    "parks:list": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("park")),
    "parks:create": Case("GET", {STAFF}),
    "parks:detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("park")),
    "parks:edit": Case("GET", {STAFF, OPERATOR}, pk("park")),
    # Archive (issue 14): parks and enterprises are district staff's; leads and projects also their park's operator.
    # Restore and delete answer an allowed role with a message (the probe row is not archived; it has history).
    "parks:archive": Case("POST", {STAFF}, pk("park"), data={"reason": "探针"}, redirects=True),
    "parks:restore": Case("POST", {STAFF}, pk("park"), redirects=True),
    "parks:delete": Case("POST", {STAFF}, pk("park"), redirects=True),
    "parks:building_create": Case("GET", {STAFF, OPERATOR}, pk("park")),
    "parks:building_edit": Case("GET", {STAFF, OPERATOR}, pk("building")),
    "parks:unit_create": Case("GET", {STAFF, OPERATOR}, pk("building")),
    "parks:unit_edit": Case("GET", {STAFF, OPERATOR}, pk("unit")),
    "enterprises:list": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("enterprise")),
    "enterprises:create": Case("GET", {STAFF, OPERATOR}),
    "enterprises:detail": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("enterprise")),
    "enterprises:edit": Case("GET", {STAFF, OPERATOR, ENTERPRISE}, pk("enterprise")),
    "enterprises:archive": Case("POST", {STAFF}, pk("enterprise"), data={"reason": "探针"}, redirects=True),
    "enterprises:restore": Case("POST", {STAFF}, pk("enterprise"), redirects=True),
    "enterprises:delete": Case("POST", {STAFF}, pk("enterprise"), redirects=True),
    "enterprises:contact_create": Case("GET", {STAFF, OPERATOR, ENTERPRISE}, pk("enterprise")),
    "enterprises:contact_edit": Case("GET", {STAFF, OPERATOR, ENTERPRISE}, pk("contact")),
    "enterprises:contact_delete": Case("POST", {STAFF, OPERATOR, ENTERPRISE}, pk("contact"), redirects=True),
    "enterprises:settlements": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("settlement")),
    "enterprises:settlement_create": Case("GET", {STAFF, OPERATOR}),
    "enterprises:settlement_detail": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("settlement")),
    "enterprises:settlement_advance": Case("POST", {STAFF, OPERATOR}, pk("settlement"),
                                           data={"to_stage": "exited", "on": "2025-01-01", "reason": "probe"},
                                           redirects=True),
    "enterprises:settlement_units": Case("POST", {STAFF, OPERATOR}, pk("settlement"), data={"on": "2025-01-01"},
                                         redirects=True),
    "enterprises:requests": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, listing=Listing("request")),
    # Deciding is district staff's, of the request's region; the requester (the operator) never decides.
    "enterprises:request_approve": Case("POST", {STAFF}, pk("request"), redirects=True),
    "enterprises:request_reject": Case("POST", {STAFF}, pk("request"), data={"reason": "probe"}, redirects=True),
    "investment:board": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("lead")),
    "investment:leads": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("lead")),
    "investment:pool": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("lead", shows=pool)),
    "investment:due": Case("GET", {STAFF, OPERATOR}, listing=Listing("lead", shows=due)),
    "investment:stale": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("lead", shows=stale)),
    "investment:lead_create": Case("GET", {STAFF, OPERATOR}),
    "investment:lead_detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("lead")),
    "investment:lead_edit": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:lead_archive": Case("POST", {STAFF, OPERATOR}, pk("lead"), data={"reason": "探针"}, redirects=True),
    "investment:lead_restore": Case("POST", {STAFF, OPERATOR}, pk("lead"), redirects=True),
    "investment:lead_delete": Case("POST", {STAFF, OPERATOR}, pk("lead"), redirects=True),
    "investment:project_archive": Case("POST", {STAFF, OPERATOR}, pk("project"), data={"reason": "探针"},
                                       redirects=True),
    "investment:project_restore": Case("POST", {STAFF, OPERATOR}, pk("project"), redirects=True),
    "investment:project_delete": Case("POST", {STAFF, OPERATOR}, pk("project"), redirects=True),
    "investment:lead_claim": Case("POST", {STAFF, OPERATOR}, pk("lead"), redirects=True),
    "investment:lead_release": Case("POST", {STAFF, OPERATOR}, pk("lead"), redirects=True),
    "investment:lead_status": Case("POST", {STAFF, OPERATOR}, pk("lead"),
                                   data={"status": "lost", "reason": "probe"}, redirects=True),
    "investment:lead_merge": Case("POST", {STAFF, OPERATOR}, pk("lead"), data={"target": ""}, redirects=True),
    "investment:lead_convert": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:lead_convert_project": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:contact_create": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:contact_edit": Case("GET", {STAFF, OPERATOR}, pk("lead_contact")),
    "investment:contact_delete": Case("POST", {STAFF, OPERATOR}, pk("lead_contact"), redirects=True),
    "investment:follow_up_create": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:projects": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("project")),
    "investment:project_create": Case("GET", {STAFF, OPERATOR}),
    "investment:project_detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("project")),
    "investment:project_stage": Case("POST", {STAFF, OPERATOR}, pk("project"),
                                     data={"to_stage": "terminated", "on": "2025-03-01", "reason": "probe"},
                                     redirects=True),
    "investment:project_follow_up": Case("GET", {STAFF, OPERATOR}, pk("project")),
    "investment:project_plan": Case("POST", {STAFF, OPERATOR}, pk("project"), data={"full": "2030-01-01"},
                                    redirects=True),
    "investment:project_month": Case("POST", {STAFF, OPERATOR}, pk("project"),
                                     data={"month": "2025-01-01", "planned_wan": "1", "completed_wan": "1"},
                                     redirects=True),
    "investment:change_approve": Case("POST", {STAFF}, pk("change"), redirects=True),
    "investment:change_return": Case("POST", {STAFF}, pk("change"), data={"reason": "probe"}, redirects=True),
    "investment:evidence": Case("GET", {STAFF, LEADER, OPERATOR}, pk("evidence")),
    "investment:cases": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("case")),
    "investment:case_create": Case("GET", {STAFF}),
    "investment:case_detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("case")),
    "investment:case_advance": Case("POST", {STAFF}, pk("case"), data={"status": "studying"}, redirects=True),
    "investment:case_meeting": Case("POST", {STAFF}, pk("case"), data={"on": "2025-01-01", "minutes": "probe"},
                                    redirects=True),
    "investment:case_measure": Case("POST", {STAFF}, pk("case"),
                                    data={"text": "probe", "owner": "probe", "due_on": "2025-01-01"}, redirects=True),
    "investment:case_measure_done": Case("POST", {STAFF}, pk("measure"), data={"on": "2025-01-01"}, redirects=True),
    # A business rule: district staff's, not the system administrator's (issue 12 M5).
    "investment:settings": Case("GET", {STAFF}),
    "dashboards:cockpit": Case("GET", {STAFF, LEADER, OPERATOR}),
    "dashboards:chart": Case("GET", {STAFF, LEADER, OPERATOR}, lambda b: {"chart": "park_map"},
                             listing=Listing("park", map_points, on_the_map)),
    "dashboards:figures": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("value", shows=approved),
                               query="?indicator=output&year=2025&month=6"),
    "dashboards:park": Case("GET", {STAFF, LEADER, OPERATOR}, pk("park")),
    "dashboards:park_chart": Case("GET", {STAFF, LEADER, OPERATOR},
                                  lambda b: {"pk": b.park.pk, "chart": "settlement_stages"}),
    "dashboards:enterprise": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("enterprise")),
    "dashboards:enterprise_chart": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE},
                                        lambda b: {"pk": b.enterprise.pk, "code": "output"}),
    "briefings:list": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("briefing")),
    "briefings:create": Case("GET", {STAFF, LEADER, OPERATOR}),
    "briefings:detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("briefing")),
    "briefings:download": Case("GET", {STAFF, LEADER, OPERATOR}, lambda b: {"pk": b.briefing.pk, "fmt": "pdf"}),
    "briefings:regenerate": Case("POST", {STAFF, LEADER, OPERATOR}, pk("briefing"), redirects=True),
    # Editing and issuing are district staff's: the probe briefing has no text yet, so both answer with a message.
    "briefings:edit": Case("POST", {STAFF}, pk("briefing"), data={"bulletin_name": "探针", "issuer": "探针"},
                           redirects=True),
    "briefings:issue": Case("POST", {STAFF}, pk("briefing"), redirects=True),
    "tabular:imports": Case("GET", {STAFF, OPERATOR}, listing=Listing("batch")),
    "tabular:template": Case("GET", {STAFF, OPERATOR}),
    "tabular:batch": Case("GET", {STAFF, OPERATOR}, batch_pk),
    "tabular:progress": Case("GET", {STAFF, OPERATOR}, batch_pk),
    "tabular:errors": Case("GET", {STAFF, OPERATOR}, batch_pk),
    # Only the user who uploaded a batch maps and commits it: on 信联天地 that is the operator.
    "tabular:mapping": Case("POST", {OPERATOR}, batch_pk, data={"col_0": "uscc", "col_1": "name"}, redirects=True),
    "tabular:commit": Case("POST", {OPERATOR}, batch_pk, redirects=True),
    # Reverting: the uploader, or district staff of the batch's region (the probe batch is not committed, so the
    # allowed roles are answered with a message; nothing is reverted).
    "tabular:revert": Case("POST", {STAFF, OPERATOR}, batch_pk, redirects=True),
    "core:audit": Case("GET", {AUDITOR}, listing=Listing("audit", page=50)),
    "intake:documents": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("intake_doc")),
    "intake:document_create": Case("GET", {STAFF, OPERATOR}),
    "intake:document_detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("intake_doc")),
    "intake:proposal_review": Case("POST", {STAFF, OPERATOR}, pk("proposal"), data={"decision": "reject"},
                                   redirects=True),
    "intake:fact_lead": Case("POST", {STAFF}, pk("fact"), redirects=True),
    "intake:fact_park": Case("POST", {STAFF}, pk("fact"), data={"kind": "industrial", "status": "building"},
                             redirects=True),
    "intake:discrepancies": Case("GET", {STAFF, LEADER, OPERATOR},
                                 listing=Listing("proposal", shows=undecided_discrepancies)),
    "api:extract_facts": Case("POST", {STAFF, LEADER, OPERATOR}, api=True,
                              data={"text": "信联天地已签约企业118家，已有113家企业完成装修并入驻办公。"}),
    "api:list_documents": Case("GET", ALL, api=True, listing=Listing("intake_doc", api_items)),
    "api:create_document": Case("POST", {STAFF, OPERATOR}, api=True,
                                data={"title": "探针", "text": "信联天地已签约企业118家。"}),
    "api:get_document": Case("GET", {STAFF, LEADER, OPERATOR}, pk("intake_doc", "document_id"), api=True),
    "api:document_facts": Case("GET", {STAFF, LEADER, OPERATOR}, pk("intake_doc", "document_id"), api=True),
    "api:list_proposals": Case("GET", ALL, api=True, listing=Listing("proposal", api_items)),
    "api:get_proposal": Case("GET", {STAFF, LEADER, OPERATOR}, pk("proposal", "proposal_id"), api=True),
    "api:review_proposal": Case("POST", {STAFF, OPERATOR}, pk("proposal", "proposal_id"), api=True,
                                data={"decision": "reject"}, refuses=True),
    "core:audit_detail": Case("GET", {AUDITOR}, pk("audit")),
    # The API's document is for people reading it in a browser: a session, not a token.
    "api:openapi-json": Case("GET", ALL),
    "api:openapi-view": Case("GET", ALL),
    "api:list_parks": Case("GET", ALL, api=True, listing=Listing("park", api_items)),
    "api:create_park": Case("POST", {STAFF}, api=True,
                            data={"name": "探针园区", "region": "370213", "kind": "industrial"}),
    "api:get_park": Case("GET", {STAFF, LEADER, OPERATOR}, pk("park", "park_id"), api=True),
    "api:update_park": Case("PATCH", {STAFF, OPERATOR}, pk("park", "park_id"), api=True,
                            data={"description": "probe"}),
    "api:list_enterprises": Case("GET", ALL, api=True, listing=Listing("enterprise", api_items)),
    "api:create_enterprise": Case("POST", {STAFF, OPERATOR}, api=True, data=lambda b: {
        "uscc": make_uscc(random.Random(99)), "name": "探针企业", "region": "370213", "park": b.park.pk}),
    "api:get_enterprise": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("enterprise", "enterprise_id"),
                               api=True),
    "api:update_enterprise": Case("PATCH", {STAFF, OPERATOR, ENTERPRISE}, pk("enterprise", "enterprise_id"),
                                  api=True, data={"is_four_new": True}),
    # The enterprise's own designations: a request (202) for district staff to confirm.
    "api:request_designation_change": Case("POST", {ENTERPRISE}, pk("enterprise", "enterprise_id"), api=True,
                                           data={"is_high_tech": True}),
    "api:list_settlements": Case("GET", ALL, api=True, listing=Listing("settlement", api_items)),
    "api:create_settlement": Case("POST", {STAFF, OPERATOR}, api=True, data=lambda b: {
        "uscc": Enterprise.objects.get(name="青岛药研生物有限公司").uscc, "park": b.park.pk,
        "signed_on": "2025-01-01"}),
    "api:get_settlement": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("settlement", "settlement_id"),
                               api=True),
    "api:update_settlement": Case("PATCH", {STAFF, OPERATOR}, pk("settlement", "settlement_id"), api=True,
                                  data={"note": "probe"}),
    "api:advance_settlement": Case("POST", {STAFF, OPERATOR}, pk("settlement", "settlement_id"), api=True,
                                   data={"to_stage": "exited", "on": "2025-01-01", "reason": "probe"}),
    "api:list_leads": Case("GET", ALL, api=True, listing=Listing("lead", api_items)),
    "api:get_lead": Case("GET", {STAFF, LEADER, OPERATOR}, pk("lead", "lead_id"), api=True),
    "api:create_lead": Case("POST", {STAFF, OPERATOR}, api=True,
                            data=lambda b: {"name": "探针线索公司", "target_park": b.park.pk}),
    "api:claim_lead": Case("POST", {STAFF, OPERATOR}, pk("lead", "lead_id"), api=True, refuses=True),
    "api:release_lead": Case("POST", {STAFF, OPERATOR}, pk("lead", "lead_id"), api=True),
    "api:set_lead_status": Case("POST", {STAFF, OPERATOR}, pk("lead", "lead_id"), api=True,
                                data={"status": "lost", "reason": "probe"}),
    "api:list_follow_ups": Case("GET", {STAFF, LEADER, OPERATOR}, pk("lead", "lead_id"), api=True),
    "api:create_follow_up": Case("POST", {STAFF, OPERATOR}, pk("lead", "lead_id"), api=True,
                                 data={"kind": "call", "on": "2025-01-01", "summary": "probe"}),
    "api:list_projects": Case("GET", ALL, api=True, listing=Listing("project", api_items)),
    "api:get_project": Case("GET", {STAFF, LEADER, OPERATOR}, pk("project", "project_id"), api=True),
    "api:create_project": Case("POST", {STAFF, OPERATOR}, api=True,
                               data=lambda b: {"name": "探针项目", "park": b.park.pk, "total_investment_wan": "1"}),
    "api:submit_stage": Case("POST", {STAFF, OPERATOR}, pk("project", "project_id"), api=True,
                             data={"to_stage": "terminated", "on": "2025-01-01", "reason": "probe"}, refuses=True),
    "api:approve_stage": Case("POST", {STAFF}, pk("change", "change_id"), api=True),
    "api:list_cases": Case("GET", ALL, api=True, listing=Listing("case", api_items)),
    "api:get_case": Case("GET", {STAFF, LEADER, OPERATOR}, pk("case", "case_id"), api=True),
    "api:create_case": Case("POST", {STAFF}, api=True,
                            data=lambda b: {"title": "探针", "kind": "one_matter", "request": "x",
                                            "project": b.project.pk}),
}
STATS_ROLES = {STAFF, LEADER, OPERATOR}
CASES.update({
    "stats:aggregates": Case("GET", STATS_ROLES, listing=Listing("park")),
    "stats:reports": Case("GET", STATS_ROLES | {ENTERPRISE}, listing=Listing("report")),
    "stats:report_detail": Case("GET", STATS_ROLES | {ENTERPRISE}, pk("report")),
    "stats:report_fill": Case("GET", {STAFF, ENTERPRISE}, pk("report")),
    "stats:report_check": Case("POST", {STAFF, ENTERPRISE}, pk("report"),
                               data=lambda b: {"indicator": b.indicator.pk, f"v_{b.indicator.pk}": "1"}),
    "stats:report_park_review": Case("POST", {STAFF, OPERATOR}, pk("report"), redirects=True),
    "stats:report_approve": Case("POST", {STAFF}, pk("report"), redirects=True),
    "stats:report_return": Case("POST", {STAFF, OPERATOR}, pk("report"), data={"reason": "probe"}, redirects=True),
    "stats:report_remind": Case("POST", {STAFF, OPERATOR}, pk("report"), redirects=True),
    # Bulk review: the ids are in the POST, so the wrong park is a skipped row named only by its number
    # (tests/stats/test_bulk.py); the role is checked here.
    "stats:report_bulk": Case("POST", {STAFF, OPERATOR}, data=lambda b: {"action": "return", "reason": "probe",
                                                                          "ids": [b.report.pk]}),
    "stats:rounds": Case("GET", STATS_ROLES, listing=Listing("round")),
    "stats:round_create": Case("GET", {STAFF}),
    "stats:round_detail": Case("GET", STATS_ROLES, pk("round")),
    "stats:round_remind": Case("POST", {STAFF, OPERATOR}, pk("round"), redirects=True),
    "stats:round_lock": Case("POST", {STAFF}, pk("round"), redirects=True),
    "stats:round_reopen": Case("POST", {STAFF}, pk("round"), data={"reason": "probe"}, redirects=True),
    "stats:indicators": Case("GET", {STAFF, ADMIN, LEADER, OPERATOR}),
    "stats:indicator_create": Case("GET", {STAFF}),
    "stats:indicator_edit": Case("GET", {STAFF}, pk("indicator"), shared=True),
    "stats:targets": Case("GET", STATS_ROLES),
    "stats:target_set": Case("GET", {STAFF}),
    "stats:notices": Case("GET", {ENTERPRISE}),
    "stats:notice_read": Case("POST", {ENTERPRISE}, redirects=True),
    "api:list_indicators": Case("GET", ALL, api=True),
    "api:list_reports": Case("GET", ALL, api=True, listing=Listing("report", api_items)),
    "api:get_report": Case("GET", STATS_ROLES | {ENTERPRISE}, pk("report", "report_id"), api=True),
    "api:save_report_entries": Case("POST", {STAFF, ENTERPRISE}, pk("report", "report_id"), api=True,
                                    data={"entries": [{"indicator": "output", "value": "1"}]}),
    "api:park_review_report": Case("POST", {STAFF, OPERATOR}, pk("report", "report_id"), api=True, refuses=True),
    "api:approve_report": Case("POST", {STAFF}, pk("report", "report_id"), api=True, refuses=True),
    "api:return_report": Case("POST", {STAFF, OPERATOR}, pk("report", "report_id"), api=True,
                              data={"reason": "probe"}, refuses=True),
    "api:get_aggregates": Case("GET", STATS_ROLES, api=True, listing=Listing("park", aggregate_parks)),
    # The figures of a scope: a park or enterprise outside it is a 404 (tests/figures/test_api.py).
    "api:get_figures": Case("GET", STATS_ROLES, api=True),
})


def inn(kind: str) -> Callable[[Bundle], dict[str, Any]]:
    """The pk of the bundle's 科技服务 object of ``kind``."""
    return lambda b: {"pk": b.innov[kind].pk}


def inn_api(kind: str, name: str) -> Callable[[Bundle], dict[str, Any]]:
    return lambda b: {name: b.innov[kind].pk}


INNOVATION_READERS = {STAFF, LEADER, OPERATOR}
WITH_ENTERPRISE = {STAFF, LEADER, OPERATOR, ENTERPRISE}
INNOVATION_WRITERS = {STAFF, OPERATOR}
CASES.update({
    "innovation:incubators": Case("GET", INNOVATION_READERS, listing=Listing("incubator")),
    "innovation:incubator_create": Case("GET", INNOVATION_WRITERS),
    "innovation:incubator_detail": Case("GET", INNOVATION_READERS, inn("incubator")),
    "innovation:incubator_edit": Case("GET", INNOVATION_WRITERS, inn("incubator")),
    "innovation:incubator_mentor": Case("POST", INNOVATION_WRITERS, inn("incubator"), data={"name": "探针导师"},
                                        redirects=True),
    "innovation:incubator_activity": Case("POST", INNOVATION_WRITERS, inn("incubator"), redirects=True,
                                          data={"kind": "training", "title": "探针", "on": "2025-01-01",
                                                "attendance": "1"}),
    "innovation:incubator_year": Case("POST", INNOVATION_WRITERS, inn("incubator"), data={"year": "2025"},
                                      redirects=True),
    "innovation:incubator_return": Case("GET", INNOVATION_READERS, inn("incubator")),
    "innovation:incubatees": Case("GET", WITH_ENTERPRISE, listing=Listing("incubatee")),
    "innovation:incubatee_create": Case("GET", INNOVATION_WRITERS),
    "innovation:incubatee_detail": Case("GET", WITH_ENTERPRISE, inn("incubatee")),
    "innovation:incubatee_advance": Case("POST", INNOVATION_WRITERS, inn("incubatee"), redirects=True,
                                         data={"status": "assessing", "on": "2025-02-01"}),
    "innovation:incubatee_graduate": Case("POST", INNOVATION_WRITERS, inn("incubatee"), data={"on": "2025-02-01"},
                                          redirects=True),
    "innovation:incubatee_financing": Case("POST", INNOVATION_WRITERS, inn("incubatee"), redirects=True,
                                           data={"on": "2025-02-01", "round": "angel", "amount_wan": "10",
                                                 "investor": "探针"}),
    "innovation:incubatee_year": Case("POST", INNOVATION_WRITERS, inn("incubatee"), data={"year": "2025"},
                                      redirects=True),
    "innovation:incubatee_mentors": Case("POST", INNOVATION_WRITERS, inn("incubatee"), redirects=True),
    "innovation:contracts": Case("GET", WITH_ENTERPRISE, listing=Listing("contract")),
    "innovation:contract_create": Case("GET", INNOVATION_WRITERS),
    "innovation:contract_stats": Case("GET", INNOVATION_READERS),
    "innovation:contract_detail": Case("GET", WITH_ENTERPRISE, inn("contract")),
    "innovation:contract_edit": Case("GET", INNOVATION_WRITERS, inn("contract")),
    "innovation:needs": Case("GET", WITH_ENTERPRISE, listing=Listing("need")),
    "innovation:need_create": Case("GET", {STAFF, OPERATOR, ENTERPRISE}),
    "innovation:need_detail": Case("GET", WITH_ENTERPRISE, inn("need")),
    "innovation:need_status": Case("POST", {STAFF, OPERATOR, ENTERPRISE}, inn("need"), data={"status": "withdrawn"},
                                   redirects=True),
    "innovation:match_create": Case("POST", INNOVATION_WRITERS, inn("need"), redirects=True,
                                    data=lambda b: {"achievement": b.innov["achievement"].pk}),
    "innovation:achievements": Case("GET", WITH_ENTERPRISE, listing=Listing("achievement")),
    "innovation:achievement_create": Case("GET", {STAFF, OPERATOR, ENTERPRISE}),
    "innovation:achievement_detail": Case("GET", WITH_ENTERPRISE, inn("achievement")),
    "innovation:achievement_status": Case("POST", {STAFF, OPERATOR, ENTERPRISE}, inn("achievement"),
                                          data={"status": "withdrawn"}, redirects=True),
    "innovation:match_detail": Case("GET", WITH_ENTERPRISE, inn("match")),
    "innovation:match_advance": Case("POST", INNOVATION_WRITERS, inn("match"), data={"status": "negotiating"},
                                     redirects=True),
    "innovation:match_follow_up": Case("POST", INNOVATION_WRITERS, inn("match"), redirects=True,
                                       data={"on": "2025-01-01", "summary": "探针"}),
    "innovation:partners": Case("GET", INNOVATION_READERS, listing=Listing("partner")),
    "innovation:partner_create": Case("GET", INNOVATION_WRITERS),
    "innovation:partner_detail": Case("GET", INNOVATION_READERS, inn("partner")),
    "innovation:partner_agreement": Case("POST", INNOVATION_WRITERS, inn("partner"), redirects=True,
                                         data={"title": "探针", "signed_on": "2025-01-01"}),
    "innovation:partner_activity": Case("POST", INNOVATION_WRITERS, inn("partner"), redirects=True,
                                        data={"kind": "visit", "title": "探针", "starts_on": "2025-01-01"}),
    "innovation:partner_project": Case("POST", INNOVATION_WRITERS, inn("partner"), redirects=True,
                                       data={"title": "探针", "starts_on": "2025-01-01"}),
    "innovation:bases": Case("GET", INNOVATION_READERS, listing=Listing("coop_base")),
    "innovation:base_create": Case("GET", INNOVATION_WRITERS),
    # The incubation thresholds are rule data shared by the deployment: district staff's (a business rule).
    "innovation:thresholds": Case("GET", {STAFF}),
    "api:list_tech_contracts": Case("GET", ALL, api=True, listing=Listing("contract", api_items)),
    "api:get_tech_contract": Case("GET", WITH_ENTERPRISE, inn_api("contract", "contract_id"), api=True),
    "api:create_tech_contract": Case("POST", INNOVATION_WRITERS, api=True, data=lambda b: {
        "registration_no": "PROBE-1", "title": "探针合同", "kind": "service", "field": "urban",
        "signed_on": "2025-01-01", "registered_on": "2025-01-02", "seller_name": "甲", "buyer_name": "乙",
        "total_wan": "1", "tech_wan": "1", "park": b.park.pk}),
    "api:list_incubatees": Case("GET", ALL, api=True, listing=Listing("incubatee", api_items)),
    "api:get_incubatee": Case("GET", WITH_ENTERPRISE, inn_api("incubatee", "incubatee_id"), api=True),
    "api:list_tech_needs": Case("GET", ALL, api=True, listing=Listing("need", api_items)),
    "api:list_incubators": Case("GET", ALL, api=True, listing=Listing("incubator", api_items)),
    "api:get_incubator": Case("GET", INNOVATION_READERS, inn_api("incubator", "incubator_id"), api=True),
    "api:create_incubatee": Case("POST", INNOVATION_WRITERS, api=True, data=lambda b: {
        "incubator": b.innov["incubator"].pk, "applied_on": "2025-02-01",
        "enterprise": Enterprise.objects.get(name="青岛装修中科技有限公司").pk}),
    "api:advance_incubatee": Case("POST", INNOVATION_WRITERS, inn_api("incubatee", "incubatee_id"), api=True,
                                  data={"status": "assessing", "on": "2025-02-01"}),
    # An application cannot graduate: the writers get a 422, everyone else a 404.
    "api:graduate_incubatee": Case("POST", INNOVATION_WRITERS, inn_api("incubatee", "incubatee_id"), api=True,
                                   data={"on": "2025-02-01"}, refuses=True),
    "api:get_tech_need": Case("GET", WITH_ENTERPRISE, inn_api("need", "need_id"), api=True),
    "api:create_tech_need": Case("POST", {STAFF, OPERATOR, ENTERPRISE}, api=True, data=lambda b: {
        "enterprise": b.enterprise.pk, "title": "探针需求", "field": "urban"}),
    "api:set_tech_need_status": Case("POST", {STAFF, OPERATOR, ENTERPRISE}, inn_api("need", "need_id"), api=True,
                                     data={"status": "withdrawn"}),
    "api:list_achievements": Case("GET", ALL, api=True, listing=Listing("achievement", api_items)),
    "api:get_achievement": Case("GET", WITH_ENTERPRISE, inn_api("achievement", "achievement_id"), api=True),
    "api:create_achievement": Case("POST", {STAFF, OPERATOR, ENTERPRISE}, api=True, data=lambda b: {
        "owner_kind": "enterprise", "enterprise": b.enterprise.pk, "title": "探针成果", "field": "urban"}),
    "api:set_achievement_status": Case("POST", {STAFF, OPERATOR, ENTERPRISE}, inn_api("achievement", "achievement_id"),
                                       api=True, data={"status": "withdrawn"}),
    "api:list_tech_matches": Case("GET", ALL, api=True, listing=Listing("tech_match", api_items)),
    "api:get_tech_match": Case("GET", WITH_ENTERPRISE, inn_api("match", "match_id"), api=True),
    # The place's need and achievement are matched already: the writers get a 422, everyone else a 404.
    "api:create_tech_match": Case("POST", INNOVATION_WRITERS, api=True, refuses=True, data=lambda b: {
        "need": b.innov["need"].pk, "achievement": b.innov["achievement"].pk}),
    "api:advance_tech_match": Case("POST", INNOVATION_WRITERS, inn_api("match", "match_id"), api=True,
                                   data={"status": "negotiating"}),
    "api:create_tech_match_follow_up": Case("POST", INNOVATION_WRITERS, inn_api("match", "match_id"), api=True,
                                            data={"on": "2025-01-01", "summary": "探针"}),
    "api:list_partners": Case("GET", ALL, api=True, listing=Listing("partner", api_items)),
    "api:get_partner": Case("GET", INNOVATION_READERS, inn_api("partner", "partner_id"), api=True),
    "api:list_coop_projects": Case("GET", ALL, api=True, listing=Listing("coop_project", api_items)),
    "api:get_coop_project": Case("GET", WITH_ENTERPRISE, inn_api("coop_project", "project_id"), api=True),
})


SUPPORT_READERS = {STAFF, LEADER, OPERATOR, ENTERPRISE}
SUPPORT_HANDLERS = {STAFF, OPERATOR}
CASES.update({
    "support:requests": Case("GET", SUPPORT_READERS, listing=Listing("ticket")),
    "support:queue": Case("GET", SUPPORT_HANDLERS, listing=Listing("ticket", shows=in_queue)),
    "support:overdue": Case("GET", {STAFF, LEADER, OPERATOR}, listing=Listing("ticket", shows=overdue_requests)),
    "support:request_create": Case("GET", {ENTERPRISE}),
    # Filing on an enterprise's behalf: an enterprise outside the operator's parks (or staff's region) is a 404.
    "support:request_create_for": Case("GET", SUPPORT_HANDLERS, pk("enterprise")),
    "support:request_detail": Case("GET", SUPPORT_READERS, pk("ticket")),
    "support:request_assign": Case("POST", SUPPORT_HANDLERS, pk("ticket"), redirects=True,
                                   data=lambda b: {"handler": User.objects.get(username="staff").pk}),
    "support:request_transfer": Case("POST", SUPPORT_HANDLERS, pk("ticket"), redirects=True,
                                     data=lambda b: {"handler": User.objects.get(username="staff").pk,
                                                     "reason": "probe"}),
    "support:request_start": Case("POST", SUPPORT_HANDLERS, pk("ticket"), redirects=True),
    "support:request_close": Case("POST", SUPPORT_HANDLERS, pk("ticket"), data={"text": "probe"},
                                  redirects=True),
    "support:request_visit": Case("POST", SUPPORT_HANDLERS, pk("ticket"), data={"text": "probe"},
                                  redirects=True),
    "support:request_comment": Case("POST", SUPPORT_HANDLERS | {ENTERPRISE}, pk("ticket"), data={"text": "probe"},
                                    redirects=True),
    # The rating page of a request not yet closed sends its requester back to the request.
    "support:request_rate": Case("GET", {ENTERPRISE}, pk("ticket"), redirects=True),
    "support:attachment": Case("GET", SUPPORT_READERS, pk("attachment")),
    "support:catalogue": Case("GET", SUPPORT_READERS, listing=Listing("service")),
    "support:service_create": Case("GET", SUPPORT_HANDLERS),
    "support:service_edit": Case("GET", SUPPORT_HANDLERS, pk("service")),
    "support:rectifications": Case("GET", {STAFF, LEADER, OPERATOR}),
    "support:rules": Case("GET", SUPPORT_READERS),
    "support:rule_edit": Case("GET", {STAFF}, lambda b: {"pk": ResponseRule.objects.get(code="general").pk},
                              shared=True),
    "api:list_support_services": Case("GET", ALL, api=True, listing=Listing("service", api_items)),
    "api:list_service_requests": Case("GET", ALL, api=True, listing=Listing("ticket", api_items)),
    "api:get_service_request": Case("GET", SUPPORT_READERS, pk("ticket", "request_id"), api=True),
    "api:create_service_request": Case("POST", SUPPORT_HANDLERS | {ENTERPRISE}, api=True, data=lambda b: {
        "service": b.service.pk, "enterprise": b.enterprise.pk, "title": "探针", "description": "probe"}),
    # Only the requester rates, once the request is closed: the probe's is open, so the requester gets a 422.
    "api:rate_service_request": Case("POST", {ENTERPRISE}, pk("ticket", "request_id"), api=True, refuses=True,
                                     data={"level": 5, "speed": 5, "quality": 5, "attitude": 5}),
})


BUSINESS = {STAFF, LEADER, OPERATOR, ENTERPRISE}
CASES.update({
    "policies:policies": Case("GET", BUSINESS, listing=Listing("policy")),
    "policies:policy_create": Case("GET", {STAFF}),
    "policies:policy_detail": Case("GET", BUSINESS, pk("policy")),
    "policies:policy_edit": Case("GET", {STAFF}, pk("policy")),
    "policies:budget_set": Case("POST", {STAFF}, pk("policy"), data={"year": "2026", "total_yuan": "100"},
                                redirects=True),
    "policies:clause_create": Case("GET", {STAFF}, pk("policy")),
    "policies:clause_detail": Case("GET", BUSINESS, pk("clause")),
    "policies:clause_edit": Case("GET", {STAFF}, pk("clause")),
    "policies:rule_test_create": Case("POST", {STAFF}, pk("clause"),
                                      data={"name": "探针", "facts": "{}", "expected": "unknown"}, redirects=True),
    "policies:clause_publish": Case("POST", {STAFF}, pk("clause"), redirects=True),
    "policies:clause_apply": Case("POST", {ENTERPRISE}, pk("clause"), redirects=True),
    "policies:matches": Case("GET", BUSINESS, listing=Listing("match")),
    "policies:applications": Case("GET", BUSINESS, listing=Listing("application")),
    "policies:application_detail": Case("GET", BUSINESS, pk("application")),
    "policies:application_act": Case("POST", {STAFF, ENTERPRISE}, pk("application"),
                                     data={"action": "move", "move": "review"}, redirects=True),
    "policies:agreements": Case("GET", BUSINESS, listing=Listing("agreement")),
    "policies:agreement_create": Case("GET", {STAFF}),
    "policies:agreement_detail": Case("GET", BUSINESS, pk("agreement")),
    "policies:agreement_act": Case("POST", {STAFF}, pk("agreement"),
                                   data={"action": "step", "to_stage": "warned", "reason": "探针"}, redirects=True),
    "policies:figures": Case("GET", STATS_ROLES),
    "api:list_policy_clauses": Case("GET", ALL, api=True, listing=Listing("clause", api_items)),
    "api:evaluate_policy_clause": Case("GET", {ENTERPRISE}, pk("clause", "clause_id"), api=True),
    "api:apply_policy_clause": Case("POST", {STAFF, ENTERPRISE}, pk("clause", "clause_id"), api=True,
                                    data=lambda b: {"enterprise": b.enterprise.pk}, refuses=True),
    "api:list_policy_applications": Case("GET", ALL, api=True, listing=Listing("application", api_items)),
    "api:get_policy_application": Case("GET", BUSINESS, pk("application", "application_id"), api=True),
    "api:list_agreements": Case("GET", ALL, api=True, listing=Listing("agreement", api_items)),
    "api:get_agreement": Case("GET", BUSINESS, pk("agreement", "agreement_id"), api=True),
})


def chain_pk(key: str) -> Callable[[Bundle], dict[str, Any]]:
    return lambda b: {"pk": b.chain[key].pk}


CHAIN_READERS = {STAFF, LEADER, OPERATOR}
CASES.update({
    # 产业链 (issue 17): district roles and the region's park operators read chains; district staff write; an
    # enterprise user sees nothing of chains. A node's page lists its enterprises by link (data-id): an operator
    # only those settled in its parks.
    "chains:chains": Case("GET", CHAIN_READERS, listing=Listing("chain")),
    "chains:chain_create": Case("GET", {STAFF}),
    "chains:chain_template": Case("POST", {STAFF}, data={"template": "biomed"}, redirects=True),
    "chains:chain_detail": Case("GET", CHAIN_READERS, chain_pk("chain")),
    "chains:chain_tree": Case("GET", CHAIN_READERS, chain_pk("chain")),
    "chains:chain_edit": Case("GET", {STAFF}, chain_pk("chain")),
    "chains:chain_suggest": Case("POST", {STAFF}, chain_pk("chain"), redirects=True),
    "chains:member_create": Case("POST", {STAFF}, chain_pk("chain"), redirects=True,
                                 data={"role": "team", "name": "探针人"}),
    "chains:member_delete": Case("POST", {STAFF}, chain_pk("member"), redirects=True),
    "chains:node_create": Case("GET", {STAFF}, chain_pk("chain")),
    "chains:node_detail": Case("GET", CHAIN_READERS, chain_pk("node"), listing=Listing("chain_link")),
    "chains:node_edit": Case("GET", {STAFF}, chain_pk("node")),
    "chains:link_create": Case("POST", {STAFF}, chain_pk("node"), redirects=True,
                               data=lambda b: {"enterprise": b.enterprise.pk}),
    "chains:link_decide": Case("POST", {STAFF}, chain_pk("link"), redirects=True, data={"decision": "reject"}),
    "chains:target_create": Case("POST", {STAFF}, chain_pk("node"), redirects=True, data={"name": "探针新目标"}),
    "chains:target_lead": Case("POST", {STAFF}, chain_pk("target"), redirects=True),
    "chains:target_drop": Case("POST", {STAFF}, chain_pk("target"), redirects=True),
    "chains:task_create": Case("POST", {STAFF}, chain_pk("node"), redirects=True,
                               data={"title": "探针", "owner": "张三", "due_on": "2026-03-01", "status": "todo"}),
    "chains:task_update": Case("POST", {STAFF}, chain_pk("task"), redirects=True, data={"status": "done"}),
    # The four chains (issue 17 item 3): the four-chain view reads as the chain map; the records' lists read as
    # chains do (an operator: its parks' enterprises' records, tests/chains/test_scope.py), district staff write.
    "chains:chain_four": Case("GET", CHAIN_READERS, chain_pk("chain")),
    "api:list_chains": Case("GET", ALL, api=True, listing=Listing("chain", api_items)),
    "api:get_chain_four": Case("GET", CHAIN_READERS, lambda b: {"chain_id": b.chain["chain"].pk}, api=True),
    "api:list_chain_nodes": Case("GET", CHAIN_READERS, lambda b: {"chain_id": b.chain["chain"].pk}, api=True),
    "api:list_chain_links": Case("GET", ALL, api=True, listing=Listing("chain_link", api_items)),
    "api:confirm_chain_link": Case("POST", {STAFF}, lambda b: {"link_id": b.chain["link"].pk}, api=True),
    "api:reject_chain_link": Case("POST", {STAFF}, lambda b: {"link_id": b.chain["link"].pk}, api=True),
    "api:list_chain_targets": Case("GET", ALL, api=True, listing=Listing("chain_target", api_items)),
    # The probe may find the target a lead already (a second call): 422, as the service refuses.
    "api:lead_chain_target": Case("POST", {STAFF}, lambda b: {"target_id": b.chain["target"].pk}, api=True,
                                  refuses=True),
    "api:list_chain_platforms": Case("GET", ALL, api=True, listing=Listing("chain_platform", api_items)),
    "api:list_chain_talent": Case("GET", ALL, api=True, listing=Listing("chain_talent", api_items)),
    "api:list_chain_providers": Case("GET", ALL, api=True, listing=Listing("chain_provider", api_items)),
    "chains:platforms_edit": Case("GET", {STAFF}, chain_pk("platform")),
    "chains:providers_edit": Case("GET", {STAFF}, chain_pk("provider")),
    "chains:awards_edit": Case("GET", {STAFF}, chain_pk("award")),
    "chains:funds_edit": Case("GET", {STAFF}, chain_pk("fund")),
    "chains:financings_edit": Case("GET", {STAFF}, chain_pk("financing")),
    # Each record list by parsed ids (data-id) against the oracle.
    **{f"chains:{kind}": Case("GET", CHAIN_READERS, listing=Listing(rows, html_rows)) for kind, rows in (
        ("platforms", "chain_platform"), ("talent", "chain_talent"), ("awards", "chain_award"),
        ("patents", "chain_patent"), ("providers", "chain_provider"), ("funds", "chain_fund"),
        ("financings", "chain_financing"))},
    **{f"chains:{kind}_create": Case("GET", {STAFF}) for kind in ("platforms", "talent", "awards", "patents",
                                                                    "providers", "funds", "financings")},
})


def ev_pk(key: str, name: str = "pk") -> Callable[[Bundle], dict[str, Any]]:
    return lambda b: {name: b.evaluation[key].pk}


EVAL_READERS = {STAFF, LEADER, OPERATOR}
CASES.update({
    # 亩均评价: district roles and the region's park operators read methods and runs; an operator sees its parks'
    # results only; an enterprise user its own published results and input records; district staff run it.
    "evaluation:runs": Case("GET", EVAL_READERS, listing=Listing("eval_run")),
    "evaluation:run_create": Case("GET", {STAFF}),
    "evaluation:run": Case("GET", EVAL_READERS, ev_pk("run"), listing=Listing("eval_result")),
    "evaluation:run_chart": Case("GET", EVAL_READERS, ev_pk("run")),
    "evaluation:run_compute": Case("POST", {STAFF}, ev_pk("run"), redirects=True),
    "evaluation:run_publish": Case("POST", {STAFF}, ev_pk("run"), redirects=True),
    "evaluation:run_finalize": Case("POST", {STAFF}, ev_pk("run"), redirects=True),
    "evaluation:methods": Case("GET", EVAL_READERS, listing=Listing("eval_method")),
    "evaluation:method_create": Case("POST", {STAFF}, data={"year": 2024}, redirects=True),
    "evaluation:method": Case("GET", EVAL_READERS, ev_pk("method")),
    "evaluation:method_edit": Case("GET", {STAFF}, ev_pk("method")),
    "evaluation:result": Case("GET", BUSINESS, ev_pk("result")),
    "evaluation:appeal_create": Case("POST", {ENTERPRISE}, ev_pk("result"), redirects=True,
                                     data={"reason": "探针申诉"}),
    "evaluation:mine": Case("GET", {ENTERPRISE}, listing=Listing("eval_result")),
    "evaluation:inputs": Case("GET", BUSINESS, listing=Listing("eval_input")),
    "evaluation:input_edit": Case("GET", {STAFF, ENTERPRISE}, pk("enterprise")),
    "evaluation:input_review": Case("POST", {STAFF}, ev_pk("input"), redirects=True),
    "evaluation:input_confirm": Case("POST", {ENTERPRISE}, ev_pk("input"), redirects=True),
    "api:list_evaluations": Case("GET", ALL, api=True, listing=Listing("eval_run", api_items)),
    "api:get_evaluation": Case("GET", EVAL_READERS, ev_pk("run", "evaluation_id"), api=True),
    "api:list_evaluation_results": Case("GET", ALL, api=True, listing=Listing("eval_result", api_items)),
    "api:appeal_evaluation_result": Case("POST", {ENTERPRISE}, ev_pk("result", "result_id"), api=True,
                                         data={"reason": "探针申诉"}),
})
def designation_pk(name: str = "pk") -> Callable[[Bundle], dict[str, Any]]:
    return lambda b: {name: b.designation.pk}


LADDER_READERS = {STAFF, LEADER, OPERATOR}
CASES.update({
    # 梯度培育 (issue 17 item 4): district roles and operators read the ladder and its candidates; district staff
    # grant, end and advance; an enterprise user reads its own designations through the API (and its profile).
    "ladder:index": Case("GET", LADDER_READERS, listing=Listing("designation")),
    "ladder:candidates": Case("GET", LADDER_READERS, query="?all=1"),
    "ladder:grant": Case("GET", {STAFF}),
    "ladder:end": Case("POST", {STAFF}, designation_pk(), redirects=True,
                       data={"on": "2025-06-01", "reason": "withdrawn"}),
    "ladder:advance": Case("POST", {STAFF}, designation_pk(), redirects=True,
                           data={"to_stage": "filed", "on": "2025-06-01"}),
    "api:list_designations": Case("GET", ALL, api=True, listing=Listing("designation", api_items)),
    "api:list_candidates": Case("GET", LADDER_READERS, api=True, query="?all=true&year=2025"),
    "api:get_designation": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, designation_pk("designation_id"),
                                api=True),
    "api:create_designation": Case("POST", {STAFF}, api=True, data=lambda b: {
        "enterprise": b.enterprise.pk, "kind": "gazelle", "recognised_on": "2025-01-01"}),
    "api:end_designation": Case("POST", {STAFF}, designation_pk("designation_id"), api=True,
                                data={"on": "2025-06-01", "reason": "withdrawn"}),
    "api:advance_listing": Case("POST", {STAFF}, designation_pk("designation_id"), api=True,
                                data={"to_stage": "filed", "on": "2025-06-01"}),
})
# Patterns that are not views of their own (the API root only lists nothing).
NOT_VIEWS = {"api:api-root"}
# Patterns tested separately because their object is per user: a token only its owner may revoke.
SEPARATE = {"accounts:token_revoke": "tests/accounts/test_tokens.py",
            # A rectification needs a 差评 by an enterprise user of each park's enterprise, users the shared world
            # does not have: its scope (wrong park 404, nothing written) is tested there.
            "support:rectification_done": "tests/support/test_scope.py",
            # An appeal needs a user of its own enterprise, which only the 信联天地 place has: the decision's scope
            # (another region's staff, the leader, the operator: 404, nothing decided) is tested there.
            "evaluation:appeal_decide": "tests/evaluation/test_process.py"}


def url_names() -> set[str]:
    def walk(resolver: URLResolver, ns: str = "") -> set[str]:
        names: set[str] = set()
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
                names |= walk(p, inner)
            elif isinstance(p, URLPattern):
                names.add(f"{ns}:{p.name}" if ns else str(p.name))
        return names

    return walk(get_resolver())


def test_it_covers_every_url_pattern() -> None:
    missing = url_names() - set(CASES) - NOT_VIEWS - set(SEPARATE)
    assert not missing, f"URL patterns without a scope case: {sorted(missing)}"


def call(client: Client, case: Case, url: str, bundle: Bundle | None = None) -> Any:
    data = case.data(bundle) if callable(case.data) else case.data
    if case.method == "GET":
        return client.get(url + case.query)
    if case.api:
        return client.generic(case.method, url, data=json.dumps(data), content_type="application/json")
    return client.post(url, data)


def api_client(world: World, role: str) -> Client:
    """API calls go with a bearer token, as scripts make them."""
    _token, raw = token_create(actor=world.users[role], name="matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def client_for(world: World, role: str, case: Case) -> Client:
    if case.api:
        return api_client(world, role)
    return login(Client(), world.users[role])


def changed_marker() -> tuple[int, int]:
    """Business writes leave audit events; reads and refusals do not (log-ins, exports, downloads and reads of
    personal data in full aside: those are audited reads; a refused attempt is audited too, and writes nothing)."""
    writes = AuditEvent.objects.exclude(action__in=["login", "login_failed", "logout", "export", "download",
                                                    "view_personal"]).exclude(after__has_key="refused")
    return writes.count(), writes.order_by("-id").values_list("id", flat=True).first() or 0


def each_role(check: Callable[[str], None], roles: list[str] = ROLES) -> None:
    """Run ``check`` for every role, each in a savepoint rolled back after it, so one role's write
    never changes what the next role sees; report every role that fails, not just the first."""
    failures = []
    for role in roles:
        try:
            with transaction.atomic():
                check(role)
                transaction.set_rollback(True)
        except AssertionError as exc:
            failures.append(f"{role}: {exc}")
    assert not failures, "\n".join(failures)


def check_outside_scope(world: World, name: str, role: str) -> None:
    """An object outside the role's scope: 404 and nothing written."""
    case = CASES[name]
    assert case.kwargs is not None and case.listing is None
    outside = bundles(world)[outside_bundle_for(role)]
    client = client_for(world, role, case)
    before = changed_marker()
    response = call(client, case, reverse(name, kwargs=case.kwargs(outside)), outside)
    assert response.status_code == 404, (name, role, response.status_code)
    assert changed_marker() == before


def allowed_statuses(case: Case) -> set[int]:
    # 202: a request filed for district staff to decide (issue 12), the answer of an allowed role too.
    return {200, 201, 202} | ({302} if case.redirects else set()) | ({422} if case.refuses else set())


def check_inside_scope(world: World, name: str, role: str) -> None:
    """An object inside the scope: allowed roles reach it, every other role gets 404."""
    case = CASES[name]
    inside = bundles(world)["xltd"]
    url = reverse(name, kwargs=case.kwargs(inside) if case.kwargs else None)
    response = call(client_for(world, role, case), case, url, inside)
    if role in case.allowed:
        assert response.status_code in allowed_statuses(case), (name, role, response.status_code)
    else:
        assert response.status_code == 404, (name, role, response.status_code)


def check_list(world: World, name: str, role: str) -> None:
    """A list as ``role`` sees it: its parsed ids are exactly the oracle's, once each (so the count is exact),
    the in-scope rows present and the out-of-scope ones absent. ``world`` must be a :func:`list_world`."""
    case = CASES[name]
    listing = case.listing
    assert listing is not None and role in case.allowed
    rows = world_rows(world)[listing.kind]
    expected = expected_ids(world, rows, listing, role)
    inside = bundles(world)["xltd"]
    url = reverse(name, kwargs=case.kwargs(inside) if case.kwargs else None)
    response = call(client_for(world, role, case), case, url, inside)
    assert response.status_code == 200, (name, role, response.status_code)
    ids = listing.read(response)
    assert len(ids) == len(set(ids)), (name, role, "a row listed twice", ids)
    leaked = set(ids) - expected
    assert not leaked, (name, role, "rows outside the scope", sorted(leaked))
    if listing.page is not None and len(expected) > listing.page:
        assert len(ids) == listing.page, (name, role, "a full first page", len(ids))
    else:
        missing = expected - set(ids)
        assert not missing, (name, role, "rows in scope missing", sorted(missing))
        assert len(ids) == len(expected), (name, role, len(ids), len(expected))


def check_anonymous(world: World, name: str) -> None:
    case = CASES[name]
    if case.public:
        return
    inside = bundles(world)["xltd"]
    url = reverse(name, kwargs=case.kwargs(inside) if case.kwargs else None)
    response = call(Client(), case, url, inside)
    if case.api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (name, response.status_code)


LISTS = sorted(name for name, case in CASES.items() if case.listing is not None)


def check_the_list_can_fail(world: World, name: str) -> None:
    """The world gives the list something to show in scope, and something a leak would add, for some role:
    otherwise its check would pass whatever the view did."""
    case = CASES[name]
    assert case.listing is not None
    rows = world_rows(world)[case.listing.kind]
    roles = sorted(case.allowed)
    assert any(expected_ids(world, rows, case.listing, r) for r in roles), (name, "nothing in scope to list")
    assert any(shown_outside(world, rows, case.listing, r) for r in roles), (name, "no row a leak would add")


def matrix_world(world: World) -> World:
    """The shared world with the three bundles, made once per test process and restored as rows into each test
    (tests/world_snapshot.py): for every module that probes pages with the matrix's objects."""
    return layer_for_test("matrix", world, bundles)


def matrix_list_world(world: World) -> World:
    """The shared world with the bundles and the list world (rows inside and outside every scope), made once per
    test process and restored as rows into each test."""
    return layer_for_test("matrix-list", world, lambda w: (bundles(w), list_world(w)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_role_gets_exactly_its_scope(world: World, name: str) -> None:
    """One world per URL pattern; every role probed inside and outside its scope, then anonymous. A list is
    probed on the list world, by parsed ids against the oracle."""
    case = CASES[name]
    # Made once per test process and restored as rows into each test (tests/world_snapshot.py), outside the
    # savepoints each role runs in.
    if case.listing is not None:
        world = matrix_list_world(world)
        check_world_rows(world)
        check_the_list_can_fail(world, name)
    else:
        world = matrix_world(world)
    each_role(lambda role: check_inside_scope(world, name, role))
    if case.listing is not None:
        each_role(lambda role: check_list(world, name, role), sorted(case.allowed))
    elif case.kwargs and not case.shared:
        each_role(lambda role: check_outside_scope(world, name, role))
    check_anonymous(world, name)


def test_every_role_has_a_user(world: World) -> None:
    assert {u.role for u in world.users.values()} == set(Role.values)
