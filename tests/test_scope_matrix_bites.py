"""The scope matrix bites: a list that returns every tenant's rows makes it fail.

Each case runs the matrix's own list check (``check_list``) twice on the matrix's list world: as the code is,
where it must pass, then with one model's scope removed for the duration of the test, where it must raise
AssertionError naming the leaked rows. So the matrix stays able to catch a leak as the code changes: if a
list stopped being checked by parsed ids, or the world lost its out-of-scope rows, this file fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models

from yuanqu.chains.models import Chain, FinancingEvent, Fund, PatentYear, TalentAward
from yuanqu.enterprises.models import Enterprise, EnterpriseRequest
from yuanqu.innovation.models import Achievement, CoopProject, Incubatee, Incubator, Partner, TechContract, TechNeed
from yuanqu.innovation.models import Match as TechMatch
from yuanqu.intake.models import Proposal, SourceDocument
from yuanqu.investment.models import Case, Lead, Project
from yuanqu.parks.models import Park
from yuanqu.policies.models import Agreement, Application, Match
from yuanqu.stats.models import Report, ReportValue
from yuanqu.support.models import Service, ServiceRequest

from .conftest import World
from .test_scope_matrix import CASES, STAFF, check_list, matrix_list_world


def leak_every_row(monkeypatch: pytest.MonkeyPatch, model: type[models.Model], user: Any) -> None:
    """Make ``model``'s ``visible_to(user)`` return every row, for this model only, until the test ends.

    Patched where every read of the model starts, its manager: ``Model.objects`` builds each queryset from
    its ``_queryset_class``, which is replaced by a subclass whose ``visible_to`` ignores the user. That holds
    whether ``visible_to`` is written on the model's own queryset class (as today) or generated once on a
    shared ``ScopedQuerySet`` from a declared scope, and it leaves the other models' scope alone, so the failure
    is this list's. Should a manager build its querysets some other way, the queryset class itself is patched
    (which may leak other models too: still a leak in this list). Either way, the leak is checked to be real.
    """
    manager: Any = model._default_manager

    def everything(self: models.QuerySet[Any], user: Any) -> models.QuerySet[Any]:
        return self.all()

    base = manager._queryset_class
    monkeypatch.setattr(manager, "_queryset_class", type(f"Leaking{base.__name__}", (base,),
                                                          {"visible_to": everything}))
    if manager.visible_to(user).count() != manager.count():
        monkeypatch.setattr(type(manager.all()), "visible_to", everything)
    assert manager.visible_to(user).count() == manager.count() > 0, "the patch did not remove the scope"


#: (URL pattern, the model whose scope is removed): HTML lists, the API lists of issue 10 and the charts.
MUTANTS = [
    ("enterprises:list", Enterprise),
    ("enterprises:requests", EnterpriseRequest),  # issue 12: the requests page
    ("investment:leads", Lead),
    ("stats:reports", Report),
    ("api:list_enterprises", Enterprise),
    ("api:list_leads", Lead),
    ("api:list_projects", Project),
    ("api:list_cases", Case),
    ("dashboards:chart", Park),  # the park map (JSON)
    ("dashboards:figures", ReportValue),  # reads the values through ReportValue's own scope
    ("api:get_aggregates", Park),
    ("search", Enterprise),  # the header's global search
    ("innovation:incubatees", Incubatee),  # issue 15: 科技服务
    ("innovation:contracts", TechContract),
    ("innovation:needs", TechNeed),
    ("api:list_tech_contracts", TechContract),
    ("api:list_incubators", Incubator),
    ("api:list_incubatees", Incubatee),
    ("api:list_tech_needs", TechNeed),
    ("api:list_achievements", Achievement),
    ("api:list_tech_matches", TechMatch),
    ("api:list_partners", Partner),
    ("api:list_coop_projects", CoopProject),
    ("support:requests", ServiceRequest),
    ("support:overdue", ServiceRequest),
    ("support:catalogue", Service),
    ("api:list_service_requests", ServiceRequest),
    ("policies:applications", Application),  # issue 16: 惠企政策 and 履约
    ("policies:agreements", Agreement),
    ("policies:matches", Match),
    ("api:list_policy_applications", Application),
    ("api:list_agreements", Agreement),
    ("intake:documents", SourceDocument),
    ("api:list_proposals", Proposal),
    ("chains:chains", Chain),  # issue 17: 产业链 (a node's enterprises, as an operator: tests/chains/test_scope.py)
    ("chains:awards", TalentAward),  # the four chains' record lists
    ("chains:funds", Fund),
    ("chains:financings", FinancingEvent),
    ("chains:patents", PatentYear),
]


@pytest.mark.parametrize(("name", "model"), MUTANTS, ids=[name for name, _model in MUTANTS])
def test_a_list_that_returns_every_row_fails_the_matrix(world: World, monkeypatch: pytest.MonkeyPatch, name: str,
                                                        model: type[models.Model]) -> None:
    assert CASES[name].listing is not None, f"{name} is no longer checked as a list"
    world = matrix_list_world(world)
    check_list(world, name, STAFF)  # the code as it is: passes
    leak_every_row(monkeypatch, model, world.users[STAFF])
    with pytest.raises(AssertionError, match="rows outside the scope"):
        check_list(world, name, STAFF)


def _archive_enterprise(world: World, actor: Any, bundle: Any) -> None:
    from yuanqu.enterprises.services import enterprise_archive

    enterprise_archive(actor=actor, enterprise=bundle.enterprise, reason="探针")


def _archive_lead(world: World, actor: Any, bundle: Any) -> None:
    from yuanqu.investment.services import lead_archive

    lead_archive(actor=actor, lead=bundle.lead, reason="探针")


#: The 已归档 lists (issue 14: ``?archived=1`` on the list): (URL pattern, kind of row, model, how to archive one).
ARCHIVED_MUTANTS = [
    ("enterprises:list", "enterprise", Enterprise, _archive_enterprise),
    ("investment:leads", "lead", Lead, _archive_lead),
]


@pytest.mark.parametrize(("name", "kind", "model", "archive_one"), ARCHIVED_MUTANTS,
                         ids=[name for name, *_rest in ARCHIVED_MUTANTS])
def test_an_archived_list_that_returns_every_row_fails_the_matrix(
        world: World, monkeypatch: pytest.MonkeyPatch, name: str, kind: str, model: type[models.Model],
        archive_one: Any) -> None:
    """The 已归档 list read through the same check: one row archived in each park, inside the scope and outside
    it (崂山, archived by its own district); the list shows the scope's archived rows only, and with the scope
    removed it shows 崂山's too, which the check must catch."""
    from dataclasses import replace

    from .test_scope_matrix import Listing, bundles

    world = matrix_list_world(world)
    for key, bundle in bundles(world).items():
        actor = world.laoshan_staff if key == "laoshan" else world.users[STAFF]
        archive_one(world, actor, bundle)

    def archived(world: World, role: str) -> set[int]:
        return set(model._default_manager.filter(archived_at__isnull=False).values_list("pk", flat=True))

    assert len(archived(world, STAFF)) == len(bundles(world)) > 1
    monkeypatch.setitem(CASES, name, replace(CASES[name], query="?archived=1", listing=Listing(kind, shows=archived)))
    check_list(world, name, STAFF)  # the code as it is: passes
    leak_every_row(monkeypatch, model, world.users[STAFF])
    with pytest.raises(AssertionError, match="rows outside the scope"):
        check_list(world, name, STAFF)
