"""One role check for pages and endpoints (``yuanqu.core.services.require_page_role``): refusals are the audited
404 of ``RoleRefused`` everywhere, and no app writes its own."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from yuanqu.core.roles import Role
from yuanqu.core.services import RoleRefused, require_page_role

PACKAGE = Path(__file__).resolve().parents[2] / "yuanqu"


def test_it_lets_the_roles_given_through_and_refuses_the_rest():
    staff, operator = SimpleNamespace(role=Role.REGION_STAFF), SimpleNamespace(role=Role.PARK_OPERATOR)
    require_page_role(staff, Role.REGION_STAFF)
    require_page_role(operator, {Role.REGION_STAFF, Role.PARK_OPERATOR})
    require_page_role(operator, Role.LEADER, [Role.PARK_OPERATOR])
    for user, roles in ((operator, (Role.REGION_STAFF,)), (AnonymousUser(), (Role.REGION_STAFF,)),
                        (staff, ()), (staff, ({Role.LEADER, Role.AUDITOR},))):
        with pytest.raises(RoleRefused):
            require_page_role(user, *roles)


def test_no_app_raises_role_refused_by_hand():
    """``raise RoleRefused`` appears only in the helper itself: a hand-written check elsewhere fails here."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.exc is not None:
                name = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(name, ast.Name) and name.id == "RoleRefused":
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert [o.split(":")[0] for o in offenders] == ["core/services.py"], offenders
    assert "_require(" not in "".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("views.py"))
