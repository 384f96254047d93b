"""The node page's enterprise list bites as a park operator sees it: with the links' scope removed, 生命药洲's
enterprise (outside the operator's parks) shows up and the matrix's list check fails. (As district staff every link
of a 李沧 node is in scope, so the shared mutant file, which probes as staff, cannot show this leak.)"""

from __future__ import annotations

import pytest

from yuanqu.chains.models import ChainLink

from ..test_scope_matrix import OPERATOR, check_list, list_world
from ..test_scope_matrix_bites import leak_every_row


def test_a_node_page_listing_every_link_fails_the_matrix_for_an_operator(world, monkeypatch):
    list_world(world)
    check_list(world, "chains:node_detail", OPERATOR)  # as the code is: passes
    leak_every_row(monkeypatch, ChainLink, world.users[OPERATOR])
    with pytest.raises(AssertionError, match="rows outside the scope"):
        check_list(world, "chains:node_detail", OPERATOR)


def test_the_record_lists_and_the_four_chain_view_follow_the_operators_parks(world, client, monkeypatch):
    """An operator of 信联天地 sees the talent of its park's enterprise, not 生命药洲's on the same 李沧 node; with
    the talent rows' scope removed, 生命药洲's shows up, so this check bites."""
    from django.urls import reverse

    from yuanqu.chains import selectors
    from yuanqu.chains.models import TalentHeadcount

    from ..conftest import login
    from .world import chains_of

    rows = chains_of(world)
    staff = world.users["region_staff"]
    from yuanqu.chains import services

    services.talent_record(actor=staff, enterprise=world.ent_smyz, year=2025, doctors=7)
    operator = world.users[OPERATOR]
    c = login(client, operator)

    def listed() -> set[int]:
        page = c.get(reverse("chains:talent")).content.decode()
        return {t.enterprise_id for t in TalentHeadcount.objects.all() if f'data-id="{t.pk}"' in page}
    assert listed() == {world.ent_xltd.pk}
    node = rows["xltd"]["node"]
    row = next(r for r in selectors.four_chains(node.chain, operator, 2025) if r.node == node)
    assert row.doctors == 1  # 信联天地's only (生命药洲's 7 is outside the operator's parks)
    leak_every_row(monkeypatch, TalentHeadcount, operator)
    assert world.ent_smyz.pk in listed()
