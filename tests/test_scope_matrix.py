"""Role × URL: every URL pattern of the project is probed as every role, inside and outside its scope.

A new URL pattern without an entry in CASES fails ``test_it_covers_every_url_pattern``, so no
page or endpoint can ship without a scope test.

Rules checked for each case:
- a role not allowed gets 404 (anonymous: the log-in page, or 401 from the API);
- an allowed role reaches an object in its scope;
- every role gets 404 for an object outside its scope, and nothing changes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from yuanqu.accounts.services import token_create
from yuanqu.core.demo import make_uscc
from yuanqu.core.models import AuditEvent
from yuanqu.core.roles import Role
from yuanqu.enterprises.models import Enterprise
from yuanqu.stats.models import Indicator

from .conftest import ROLES, World

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


def bundles(world: World) -> dict[str, Bundle]:
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
    for key, bundle in made.items():
        bundle.round, bundle.report = found[key]
        bundle.indicator = indicator
    return made


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


@dataclass
class Case:
    """How to call one URL pattern, and who may."""

    method: str
    allowed: set[str]
    kwargs: Callable[[Bundle], dict[str, Any]] | None = None
    data: dict[str, Any] | Callable[[Bundle], dict[str, Any]] = field(default_factory=dict)
    api: bool = False
    public: bool = False
    # For list endpoints: the text of an out-of-scope object that must not appear.
    leak: Callable[[Bundle], str] | None = None
    # The object is shared by the whole deployment (the indicator dictionary): only the role limits it.
    shared: bool = False


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


def with_batch(b: Bundle) -> dict[str, Any]:
    batch_of(b)  # exists before the list is fetched, so the leak check is meaningful
    return {}


CASES: dict[str, Case] = {
    "home": Case("GET", ALL),
    "set_language": Case("POST", ALL, data={"language": "en"}, public=True),
    "healthz": Case("GET", ALL, public=True),
    "accounts:login": Case("GET", ALL, public=True),
    "accounts:logout": Case("POST", ALL),
    "accounts:users": Case("GET", {ADMIN}, leak=lambda b: b.user.username),
    "accounts:user_create": Case("GET", {ADMIN}),
    "accounts:user_edit": Case("GET", {ADMIN}, pk("user")),
    "accounts:user_reset_password": Case("POST", {ADMIN}, pk("user")),
    "accounts:tokens": Case("GET", ALL),
    "parks:list": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.park.name),
    "parks:create": Case("GET", {STAFF}),
    "parks:detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("park")),
    "parks:edit": Case("GET", {STAFF, OPERATOR}, pk("park")),
    "parks:building_create": Case("GET", {STAFF, OPERATOR}, pk("park")),
    "parks:building_edit": Case("GET", {STAFF, OPERATOR}, pk("building")),
    "parks:unit_create": Case("GET", {STAFF, OPERATOR}, pk("building")),
    "parks:unit_edit": Case("GET", {STAFF, OPERATOR}, pk("unit")),
    "enterprises:list": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.enterprise.name),
    "enterprises:create": Case("GET", {STAFF, OPERATOR}),
    "enterprises:detail": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("enterprise")),
    "enterprises:edit": Case("GET", {STAFF, OPERATOR, ENTERPRISE}, pk("enterprise")),
    "enterprises:contact_create": Case("GET", {STAFF, OPERATOR, ENTERPRISE}, pk("enterprise")),
    "enterprises:contact_edit": Case("GET", {STAFF, OPERATOR, ENTERPRISE}, pk("contact")),
    "enterprises:contact_delete": Case("POST", {STAFF, OPERATOR, ENTERPRISE}, pk("contact")),
    "enterprises:settlements": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.enterprise.name),
    "enterprises:settlement_create": Case("GET", {STAFF, OPERATOR}),
    "enterprises:settlement_detail": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("settlement")),
    "enterprises:settlement_advance": Case("POST", {STAFF, OPERATOR}, pk("settlement"),
                                           data={"to_stage": "exited", "on": "2025-01-01", "reason": "probe"}),
    "enterprises:settlement_units": Case("POST", {STAFF, OPERATOR}, pk("settlement"), data={"on": "2025-01-01"}),
    "investment:board": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.lead.name),
    "investment:leads": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.lead.name),
    "investment:pool": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.lead.name),
    "investment:due": Case("GET", {STAFF, OPERATOR}, leak=lambda b: b.lead.name),
    "investment:stale": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.lead.name),
    "investment:lead_create": Case("GET", {STAFF, OPERATOR}),
    "investment:lead_detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("lead")),
    "investment:lead_edit": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:lead_claim": Case("POST", {STAFF, OPERATOR}, pk("lead")),
    "investment:lead_release": Case("POST", {STAFF, OPERATOR}, pk("lead")),
    "investment:lead_status": Case("POST", {STAFF, OPERATOR}, pk("lead"),
                                   data={"status": "lost", "reason": "probe"}),
    "investment:lead_merge": Case("POST", {STAFF, OPERATOR}, pk("lead"), data={"target": ""}),
    "investment:lead_convert": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:lead_convert_project": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:contact_create": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:contact_edit": Case("GET", {STAFF, OPERATOR}, pk("lead_contact")),
    "investment:contact_delete": Case("POST", {STAFF, OPERATOR}, pk("lead_contact")),
    "investment:follow_up_create": Case("GET", {STAFF, OPERATOR}, pk("lead")),
    "investment:projects": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.project.name),
    "investment:project_create": Case("GET", {STAFF, OPERATOR}),
    "investment:project_detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("project")),
    "investment:project_stage": Case("POST", {STAFF, OPERATOR}, pk("project"),
                                     data={"to_stage": "terminated", "on": "2025-03-01", "reason": "probe"}),
    "investment:project_follow_up": Case("GET", {STAFF, OPERATOR}, pk("project")),
    "investment:project_plan": Case("POST", {STAFF, OPERATOR}, pk("project"), data={"full": "2030-01-01"}),
    "investment:project_month": Case("POST", {STAFF, OPERATOR}, pk("project"),
                                     data={"month": "2025-01-01", "planned_wan": "1", "completed_wan": "1"}),
    "investment:change_approve": Case("POST", {STAFF}, pk("change")),
    "investment:change_return": Case("POST", {STAFF}, pk("change"), data={"reason": "probe"}),
    "investment:evidence": Case("GET", {STAFF, LEADER, OPERATOR}, pk("evidence")),
    "investment:cases": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.case.title),
    "investment:case_create": Case("GET", {STAFF}),
    "investment:case_detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("case")),
    "investment:case_advance": Case("POST", {STAFF}, pk("case"), data={"status": "studying"}),
    "investment:case_meeting": Case("POST", {STAFF}, pk("case"), data={"on": "2025-01-01", "minutes": "probe"}),
    "investment:case_measure": Case("POST", {STAFF}, pk("case"),
                                    data={"text": "probe", "owner": "probe", "due_on": "2025-01-01"}),
    "investment:case_measure_done": Case("POST", {STAFF}, pk("measure"), data={"on": "2025-01-01"}),
    "investment:settings": Case("GET", {STAFF, ADMIN}),
    "dashboards:cockpit": Case("GET", {STAFF, LEADER, OPERATOR}),
    "dashboards:chart": Case("GET", {STAFF, LEADER, OPERATOR}, lambda b: {"chart": "park_map"},
                             leak=lambda b: b.park.name),
    "dashboards:figures": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: b.enterprise.name),
    "dashboards:park": Case("GET", {STAFF, LEADER, OPERATOR}, pk("park")),
    "dashboards:park_chart": Case("GET", {STAFF, LEADER, OPERATOR},
                                  lambda b: {"pk": b.park.pk, "chart": "settlement_stages"}),
    "dashboards:enterprise": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("enterprise")),
    "dashboards:enterprise_chart": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE},
                                        lambda b: {"pk": b.enterprise.pk, "code": "output"}),
    "briefings:list": Case("GET", {STAFF, LEADER, OPERATOR}, leak=lambda b: f"/briefings/{b.briefing.pk}/"),
    "briefings:create": Case("GET", {STAFF, LEADER, OPERATOR}),
    "briefings:detail": Case("GET", {STAFF, LEADER, OPERATOR}, pk("briefing")),
    "briefings:download": Case("GET", {STAFF, LEADER, OPERATOR}, lambda b: {"pk": b.briefing.pk, "fmt": "pdf"}),
    "briefings:regenerate": Case("POST", {STAFF, LEADER, OPERATOR}, pk("briefing")),
    "tabular:imports": Case("GET", {STAFF, OPERATOR}, data=with_batch, leak=lambda b: batch_of(b).filename),
    "tabular:template": Case("GET", {STAFF, OPERATOR}),
    "tabular:batch": Case("GET", {STAFF, OPERATOR}, batch_pk),
    "tabular:progress": Case("GET", {STAFF, OPERATOR}, batch_pk),
    "tabular:errors": Case("GET", {STAFF, OPERATOR}, batch_pk),
    # Only the user who uploaded a batch maps and commits it: on 信联天地 that is the operator.
    "tabular:mapping": Case("POST", {OPERATOR}, batch_pk, data={"col_0": "uscc", "col_1": "name"}),
    "tabular:commit": Case("POST", {OPERATOR}, batch_pk),
    "core:audit": Case("GET", {AUDITOR}, leak=lambda b: f"/audit/{b.audit.pk}/"),
    "core:audit_detail": Case("GET", {AUDITOR}, pk("audit")),
    "api:openapi-json": Case("GET", ALL, api=True),
    "api:openapi-view": Case("GET", ALL, api=True),
    "api:list_parks": Case("GET", ALL, api=True, leak=lambda b: b.park.name),
    "api:create_park": Case("POST", {STAFF}, api=True,
                            data={"name": "探针园区", "region": "370213", "kind": "industrial"}),
    "api:get_park": Case("GET", {STAFF, LEADER, OPERATOR}, pk("park", "park_id"), api=True),
    "api:update_park": Case("PATCH", {STAFF, OPERATOR}, pk("park", "park_id"), api=True,
                            data={"description": "probe"}),
    "api:list_enterprises": Case("GET", ALL, api=True, leak=lambda b: b.enterprise.name),
    "api:create_enterprise": Case("POST", {STAFF, OPERATOR}, api=True, data=lambda b: {
        "uscc": make_uscc(random.Random(99)), "name": "探针企业", "region": "370213", "park": b.park.pk}),
    "api:get_enterprise": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("enterprise", "enterprise_id"),
                               api=True),
    "api:update_enterprise": Case("PATCH", {STAFF, OPERATOR, ENTERPRISE}, pk("enterprise", "enterprise_id"),
                                  api=True, data={"is_four_new": True}),
    "api:list_settlements": Case("GET", ALL, api=True, leak=lambda b: b.enterprise.name),
    "api:create_settlement": Case("POST", {STAFF, OPERATOR}, api=True, data=lambda b: {
        "uscc": Enterprise.objects.get(name="青岛药研生物有限公司").uscc, "park": b.park.pk,
        "signed_on": "2025-01-01"}),
    "api:get_settlement": Case("GET", {STAFF, LEADER, OPERATOR, ENTERPRISE}, pk("settlement", "settlement_id"),
                               api=True),
    "api:update_settlement": Case("PATCH", {STAFF, OPERATOR}, pk("settlement", "settlement_id"), api=True,
                                  data={"note": "probe"}),
    "api:advance_settlement": Case("POST", {STAFF, OPERATOR}, pk("settlement", "settlement_id"), api=True,
                                   data={"to_stage": "exited", "on": "2025-01-01", "reason": "probe"}),
    "api:list_leads": Case("GET", ALL, api=True, leak=lambda b: b.lead.name),
    "api:get_lead": Case("GET", {STAFF, LEADER, OPERATOR}, pk("lead", "lead_id"), api=True),
    "api:create_lead": Case("POST", {STAFF, OPERATOR}, api=True,
                            data=lambda b: {"name": "探针线索公司", "target_park": b.park.pk}),
    "api:claim_lead": Case("POST", {STAFF, OPERATOR}, pk("lead", "lead_id"), api=True),
    "api:release_lead": Case("POST", {STAFF, OPERATOR}, pk("lead", "lead_id"), api=True),
    "api:set_lead_status": Case("POST", {STAFF, OPERATOR}, pk("lead", "lead_id"), api=True,
                                data={"status": "lost", "reason": "probe"}),
    "api:list_follow_ups": Case("GET", {STAFF, LEADER, OPERATOR}, pk("lead", "lead_id"), api=True),
    "api:create_follow_up": Case("POST", {STAFF, OPERATOR}, pk("lead", "lead_id"), api=True,
                                 data={"kind": "call", "on": "2025-01-01", "summary": "probe"}),
    "api:list_projects": Case("GET", ALL, api=True, leak=lambda b: b.project.name),
    "api:get_project": Case("GET", {STAFF, LEADER, OPERATOR}, pk("project", "project_id"), api=True),
    "api:create_project": Case("POST", {STAFF, OPERATOR}, api=True,
                               data=lambda b: {"name": "探针项目", "park": b.park.pk, "total_investment_wan": "1"}),
    "api:submit_stage": Case("POST", {STAFF, OPERATOR}, pk("project", "project_id"), api=True,
                             data={"to_stage": "terminated", "on": "2025-01-01", "reason": "probe"}),
    "api:approve_stage": Case("POST", {STAFF}, pk("change", "change_id"), api=True),
    "api:list_cases": Case("GET", ALL, api=True, leak=lambda b: b.case.title),
    "api:get_case": Case("GET", {STAFF, LEADER, OPERATOR}, pk("case", "case_id"), api=True),
    "api:create_case": Case("POST", {STAFF}, api=True,
                            data=lambda b: {"title": "探针", "kind": "one_matter", "request": "x",
                                            "project": b.project.pk}),
}
STATS_ROLES = {STAFF, LEADER, OPERATOR}
CASES.update({
    "stats:aggregates": Case("GET", STATS_ROLES, leak=lambda b: b.park.name),
    "stats:reports": Case("GET", STATS_ROLES | {ENTERPRISE}, leak=lambda b: b.enterprise.name),
    "stats:report_detail": Case("GET", STATS_ROLES | {ENTERPRISE}, pk("report")),
    "stats:report_fill": Case("GET", {STAFF, ENTERPRISE}, pk("report")),
    "stats:report_check": Case("POST", {STAFF, ENTERPRISE}, pk("report"),
                               data=lambda b: {"indicator": b.indicator.pk, f"v_{b.indicator.pk}": "1"}),
    "stats:report_park_review": Case("POST", {STAFF, OPERATOR}, pk("report")),
    "stats:report_approve": Case("POST", {STAFF}, pk("report")),
    "stats:report_return": Case("POST", {STAFF, OPERATOR}, pk("report"), data={"reason": "probe"}),
    "stats:report_remind": Case("POST", {STAFF, OPERATOR}, pk("report")),
    "stats:rounds": Case("GET", STATS_ROLES, leak=lambda b: f"/stats/rounds/{b.round.pk}/"),
    "stats:round_create": Case("GET", {STAFF}),
    "stats:round_detail": Case("GET", STATS_ROLES, pk("round")),
    "stats:round_remind": Case("POST", {STAFF, OPERATOR}, pk("round")),
    "stats:round_lock": Case("POST", {STAFF}, pk("round")),
    "stats:round_reopen": Case("POST", {STAFF}, pk("round"), data={"reason": "probe"}),
    "stats:indicators": Case("GET", {STAFF, ADMIN, LEADER, OPERATOR}),
    "stats:indicator_create": Case("GET", {STAFF, ADMIN}),
    "stats:indicator_edit": Case("GET", {STAFF, ADMIN}, pk("indicator"), shared=True),
    "stats:targets": Case("GET", STATS_ROLES),
    "stats:target_set": Case("GET", {STAFF}),
    "stats:notices": Case("GET", {ENTERPRISE}),
    "stats:notice_read": Case("POST", {ENTERPRISE}),
    "api:list_indicators": Case("GET", ALL, api=True),
    "api:list_reports": Case("GET", ALL, api=True, leak=lambda b: b.enterprise.name),
    "api:get_report": Case("GET", STATS_ROLES | {ENTERPRISE}, pk("report", "report_id"), api=True),
    "api:save_report_entries": Case("POST", {STAFF, ENTERPRISE}, pk("report", "report_id"), api=True,
                                    data={"entries": [{"indicator": "output", "value": "1"}]}),
    "api:park_review_report": Case("POST", {STAFF, OPERATOR}, pk("report", "report_id"), api=True),
    "api:approve_report": Case("POST", {STAFF}, pk("report", "report_id"), api=True),
    "api:return_report": Case("POST", {STAFF, OPERATOR}, pk("report", "report_id"), api=True,
                              data={"reason": "probe"}),
    "api:get_aggregates": Case("GET", STATS_ROLES, api=True, leak=lambda b: b.park.name),
})
# Patterns that are not views of their own (the API root only lists nothing).
NOT_VIEWS = {"api:api-root"}
# Patterns tested separately because their object is per user: a token only its owner may revoke.
SEPARATE = {"accounts:token_revoke": "tests/accounts/test_tokens.py"}


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
        return client.get(url)
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
    client = Client()
    client.force_login(world.users[role])
    return client


def changed_marker() -> tuple[int, int]:
    """Business writes leave audit events; reads and refusals do not (log-ins aside)."""
    writes = AuditEvent.objects.exclude(action__in=["login", "login_failed", "logout", "export"])
    return writes.count(), writes.order_by("-id").values_list("id", flat=True).first() or 0


def each_role(check: Callable[[str], None]) -> None:
    """Run ``check`` for every role, each in a savepoint rolled back after it, so one role's write
    never changes what the next role sees; report every role that fails, not just the first."""
    failures = []
    for role in ROLES:
        try:
            with transaction.atomic():
                check(role)
                transaction.set_rollback(True)
        except AssertionError as exc:
            failures.append(f"{role}: {exc}")
    assert not failures, "\n".join(failures)


def check_outside_scope(world: World, name: str, role: str) -> None:
    """An object outside the role's scope: 404 and nothing written, or absent from the list."""
    case = CASES[name]
    outside = bundles(world)[outside_bundle_for(role)]
    if case.kwargs is not None and case.leak is None:
        client = client_for(world, role, case)
        before = changed_marker()
        response = call(client, case, reverse(name, kwargs=case.kwargs(outside)), outside)
        assert response.status_code == 404, (name, role, response.status_code)
        assert changed_marker() == before
    else:
        assert case.leak is not None
        url = reverse(name, kwargs=case.kwargs(outside) if case.kwargs else None)
        response = call(client_for(world, role, case), case, url, outside)
        assert case.leak(outside) not in response.content.decode(), (name, role)


def check_inside_scope(world: World, name: str, role: str) -> None:
    """An object inside the scope: allowed roles reach it, every other role gets 404."""
    case = CASES[name]
    inside = bundles(world)["xltd"]
    url = reverse(name, kwargs=case.kwargs(inside) if case.kwargs else None)
    response = call(client_for(world, role, case), case, url, inside)
    if role in case.allowed:
        assert response.status_code in (200, 201, 302, 422), (name, role, response.status_code)
    else:
        assert response.status_code == 404, (name, role, response.status_code)


def check_anonymous(world: World, name: str) -> None:
    case = CASES[name]
    if case.public:
        return
    inside = bundles(world)["xltd"]
    url = reverse(name, kwargs=case.kwargs(inside) if case.kwargs else None)
    response = call(Client(), case, url, inside)
    if case.api and name not in ("api:openapi-json", "api:openapi-view"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (name, response.status_code)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_role_gets_exactly_its_scope(world: World, name: str) -> None:
    """One world per URL pattern; every role probed inside and outside its scope, then anonymous."""
    each_role(lambda role: check_inside_scope(world, name, role))
    case = CASES[name]
    if (case.kwargs or case.leak) and not case.shared:
        each_role(lambda role: check_outside_scope(world, name, role))
    check_anonymous(world, name)


def test_every_role_has_a_user(world: World) -> None:
    assert {u.role for u in world.users.values()} == set(Role.values)
