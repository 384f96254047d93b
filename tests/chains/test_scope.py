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
