"""The accounts' share of the Licang demo: the loader account first, then one account per role.

Both loaders are registered with ``yuanqu.core.registry.demo`` from ``AccountsConfig.ready()``. The loader
account comes first because every demo write is recorded under it; its presence also tells a second load
that the demo is there already. The role accounts come after the enterprises, since the park operator and the
enterprise user are scoped to a park and an enterprise of the demo.
"""

from __future__ import annotations

from typing import Any

from yuanqu.core.demo import DemoContext
from yuanqu.core.models import Region
from yuanqu.core.roles import Role
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks.models import Park

from .models import User
from .services import user_create_on_server

LOADER_USERNAME = "demo-loader"


def load_loader_account(ctx: DemoContext) -> None:
    """Make the inactive account the demo writes as; if it exists, the demo is loaded and stays as it is."""
    existing = User.objects.filter(username=LOADER_USERNAME).first()
    if existing is not None:
        ctx.fresh = False
        ctx.actor = existing
        return
    actor, _pw = user_create_on_server(role=Role.REGION_STAFF, region=ctx.region, username=LOADER_USERNAME,
                                       display_name="演示数据导入", must_change_password=False)
    actor.is_active = False  # the loader account cannot log in
    actor.save(update_fields=["is_active"])
    ctx.actor = actor


def ensure_users(region: Region, xltd: Park, enterprise: Enterprise) -> list[tuple[str, str, str]]:
    """One account per role; returns (username, role, password) for the accounts created now.

    Whoever runs the demo is its user, so the printed passwords need not be changed at the first log-in. The
    second factor works as in production: admin, auditor, staff and leader set up an authenticator app (a QR
    code to scan with a phone) at their first log-in."""
    wanted: list[tuple[str, Role, str, dict[str, Any]]] = [
        ("admin", Role.REGION_ADMIN, "系统管理员", {}),
        ("auditor", Role.AUDITOR, "审计管理员", {}),
        ("staff", Role.REGION_STAFF, "区投资促进局", {}),
        ("leader", Role.LEADER, "区领导", {}),
        ("operator", Role.PARK_OPERATOR, "信联天地运营方", {"parks": [xltd]}),
        ("enterprise", Role.ENTERPRISE_USER, "企业填报员", {"enterprise": enterprise}),
    ]
    created = []
    for username, role, display, extra in wanted:
        if User.objects.filter(username=username).exists():
            continue
        user, password = user_create_on_server(role=role, region=region, username=username,
                                               display_name=display, must_change_password=False, **extra)
        created.append((username, str(role.label), password))
    return created


def load_role_accounts(ctx: DemoContext) -> None:
    """Create the role accounts that are missing (the operator runs 信联天地; the enterprise user one tenant)."""
    xltd = Park.objects.filter(region=ctx.region, name="信联天地").first()
    sample = (Settlement.objects.filter(park=xltd, stage=Settlement.Stage.MOVED_IN).order_by("pk").first()
              if xltd is not None else None)
    if xltd is None or sample is None:
        return
    ctx.accounts.extend(ensure_users(ctx.region, xltd, sample.enterprise))
    ctx.objects["staff"] = User.objects.get(username="staff")
