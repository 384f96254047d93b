"""The site app: the home page, the navigation the apps register, the demo runner and ``createuser``."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import World
from yuanqu.accounts.models import User
from yuanqu.core.demo import DemoContext
from yuanqu.core.models import AuditEvent
from yuanqu.core.registry import DemoRegistry, NavRegistry, nav
from yuanqu.core.roles import Role
from yuanqu.site.demo import load_demo

DISTRICT_MENU = ["home", "dashboards:cockpit", "briefings:list", "parks:list", "enterprises:list",
                 "enterprises:settlements", "investment:leads", "investment:projects", "investment:cases"]
#: 科技服务 (issue 15), after the statistics; then 企业服务 (support), 惠企政策 (issue 16), news intake (issue 18)
#: and 产业链 (issue 17) with its four-chain records.
INNOVATION_MENU = ["innovation:incubators", "innovation:needs", "innovation:contracts", "innovation:partners"]
#: 梯度培育 and 亩均评价 (issue 17), registered beside the statistics they read.
LADDER_EVALUATION_MENU = ["ladder:index", "evaluation:runs", "evaluation:inputs"]
POLICY_MENU = ["policies:policies", "policies:applications", "policies:agreements", "policies:figures"]
#: The menu of each role, in order, as URL names (the enterprise user's own enterprise is filled in below).
MENUS = {
    # issue 12: the requests district staff decide follow the settlements; business rules are district staff's.
    Role.REGION_STAFF: [*DISTRICT_MENU[:6], "enterprises:requests", *DISTRICT_MENU[6:], "investment:due",
                        "stats:aggregates", *INNOVATION_MENU, *LADDER_EVALUATION_MENU, "support:requests",
                        "tabular:imports", "support:queue", *POLICY_MENU, "intake:documents", "chains:chains",
                        "chains:platforms", "stats:indicators", "investment:settings", "innovation:thresholds"],
    Role.LEADER: [*DISTRICT_MENU, "stats:aggregates", *INNOVATION_MENU, *LADDER_EVALUATION_MENU, "support:requests",
                  *POLICY_MENU, "intake:documents", "chains:chains", "chains:platforms"],
    Role.PARK_OPERATOR: [*DISTRICT_MENU[:6], "enterprises:requests", *DISTRICT_MENU[6:], "investment:due",
                         "stats:aggregates", *INNOVATION_MENU, *LADDER_EVALUATION_MENU, "support:requests",
                         "tabular:imports", "support:queue", *POLICY_MENU, "intake:documents", "chains:chains",
                         "chains:platforms"],
    Role.ENTERPRISE_USER: ["home", "enterprises:requests", "innovation:incubatees", "innovation:needs",
                           "innovation:contracts", "evaluation:inputs", "support:requests", "enterprises:detail",
                           "stats:reports", "evaluation:mine", "stats:notices", "policies:policies",
                           "policies:matches", "policies:applications", "policies:agreements"],
    Role.REGION_ADMIN: ["home", "accounts:users"],
    Role.AUDITOR: ["home", "core:audit"],
}


@pytest.mark.parametrize("role", list(MENUS))
def test_it_shows_each_role_its_menu_in_order(world: World, client_as, role: Role) -> None:
    """Every role sees exactly the entries the apps registered for it, in the registered order."""
    response = client_as(role).get(reverse("home"), follow=True)
    assert response.status_code == 200
    args = {"enterprises:detail": [world.user(role).enterprise_id]}
    expected = [reverse(name, args=args.get(name, [])) for name in MENUS[role]]
    assert [href for _key, _label, href in response.context["nav"]] == expected
    html = response.content.decode()
    for href in expected:
        assert f'href="{href}"' in html


def test_it_marks_the_entry_of_the_current_section(client_as) -> None:
    """The key of an entry is the namespace whose pages highlight it."""
    response = client_as(Role.REGION_STAFF).get(reverse("parks:list"))
    assert response.context["nav_current"] == "parks"
    keys = [key for key, _label, _href in response.context["nav"]]
    assert keys[:4] == ["home", "dashboards", "briefings", "parks"]


def test_it_shows_no_menu_to_anonymous_visitors(client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.context["nav"] == []


def test_a_badge_counts_after_the_label_and_disappears_at_zero(world: World) -> None:
    """A registered badge callable decides the number; zero shows no number."""
    registry = NavRegistry()
    counts = {"n": 3}
    registry.register(key="x", label="Things", url_name="home", roles={Role.LEADER}, order=5,
                      badge=lambda user: counts["n"])
    user = world.user(Role.LEADER)
    assert [e.render(user) for e in registry.entries_for(Role.LEADER)] == [("x", "Things (3)", reverse("home"))]
    counts["n"] = 0
    assert [e.render(user) for e in registry.entries_for(Role.LEADER)] == [("x", "Things", reverse("home"))]
    assert registry.entries_for(Role.AUDITOR) == []


def test_the_menu_refuses_an_entry_registered_twice_for_a_role() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        nav.register(key="parks", label="Parks", url_name="parks:list", roles={Role.LEADER}, order=41)


def test_the_home_page_counts_what_the_scope_holds(world: World, client_as) -> None:
    """District staff see their region's parks; the park operator only its own."""
    staff = client_as(Role.REGION_STAFF).get(reverse("home"))
    assert staff.templates[0].name == "site/home.html"
    names = [p.name for p in staff.context["park_rows"]]
    assert world.xltd.name in names and world.smyz.name in names and world.laoshan_park.name not in names
    operator = client_as(Role.PARK_OPERATOR).get(reverse("home"))
    assert [p.name for p in operator.context["park_rows"]] == [world.xltd.name]
    assert operator.context["park_count"] == 1


@pytest.mark.parametrize(("role", "target"), [(Role.AUDITOR, "core:audit"), (Role.REGION_ADMIN, "accounts:users")])
def test_the_home_page_sends_admin_roles_to_their_page(client_as, role: Role, target: str) -> None:
    response = client_as(role).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(target)


def test_the_home_page_of_an_enterprise_user_is_its_own_workbench(world: World, client_as) -> None:
    """Its profile in brief, linked; no other enterprise anywhere on the page."""
    user = world.user(Role.ENTERPRISE_USER)
    response = client_as(Role.ENTERPRISE_USER).get(reverse("home"))
    assert response.status_code == 200 and response.context["enterprise"].pk == user.enterprise_id
    html = response.content.decode()
    assert f'href="{reverse("enterprises:detail", args=[user.enterprise_id])}"' in html
    others = [e for e in (world.ent_xltd, world.ent_xltd_fitout, world.ent_smyz, world.ent_laoshan)
              if e.pk != user.enterprise_id]
    assert len(others) == 3 and not any(e.name in html or e.uscc in html for e in others)


def test_the_demo_runs_its_loaders_in_order_with_one_context(db) -> None:
    """Loaders registered out of order run lowest order first, and each sees what the earlier ones left."""
    ran: list[str] = []

    def loader(name: str):
        def load(ctx: DemoContext) -> None:
            ran.append(name)
            ctx.objects[name] = len(ran)
            if name == "last":
                assert ctx.objects == {"first": 1, "middle": 2, "last": 3}
                ctx.accounts.append(("someone", "role", "pw"))
        return load

    registry = DemoRegistry()
    registry.register("last", loader("last"), order=90)
    registry.register("first", loader("first"), order=-5)
    registry.register("middle", loader("middle"), order=20)
    assert load_demo(registry.loaders()) == (True, [("someone", "role", "pw")])
    assert ran == ["first", "middle", "last"]


def test_the_demo_is_all_or_nothing(db) -> None:
    """A loader that fails undoes what the loaders before it wrote."""
    from yuanqu.accounts.demo import load_loader_account

    def fail(ctx: DemoContext) -> None:
        raise RuntimeError("planted failure")

    registry = DemoRegistry()
    registry.register("loader account", load_loader_account, order=0)
    registry.register("failing", fail, order=1)
    with pytest.raises(RuntimeError, match="planted failure"):
        load_demo(registry.loaders())
    assert not User.objects.filter(username="demo-loader").exists()


def test_the_app_registers_every_part_of_the_demo_in_order() -> None:
    from yuanqu.core.registry import demo

    assert [(d.name, d.order) for d in demo.loaders()] == [
        ("loader account", 0), ("parks", 10), ("enterprises", 20), ("ladder", 21), ("role accounts", 30),
        ("investment", 40), ("innovation", 43), ("statistics", 50), ("support", 57), ("dashboards", 60),
        ("policies", 70), ("chains", 72), ("evaluation", 74), ("intake", 75)]


def test_a_demo_loader_order_is_unique() -> None:
    registry = DemoRegistry()
    registry.register("a", lambda ctx: None, order=1)
    with pytest.raises(ValueError, match="clashes"):
        registry.register("b", lambda ctx: None, order=1)


def test_createuser_makes_an_auditor_with_a_one_time_password(world: World, capsys) -> None:
    call_command("createuser", "auditor2", "--role", "auditor", "--region", "370213", "--name", "审计二")
    out = capsys.readouterr().out
    user = User.objects.get(username="auditor2")
    assert user.role == Role.AUDITOR and user.region_id == "370213" and user.display_name == "审计二"
    password = out.rsplit("password: ", 1)[1].strip()
    assert user.check_password(password)
    assert AuditEvent.objects.filter(object_id=str(user.pk), action=AuditEvent.Action.CREATE).exists()


def test_createuser_scopes_a_park_operator_and_an_enterprise_user(world: World, capsys) -> None:
    call_command("createuser", "op2", "--role", "park_operator", "--region", "370213", "--park", str(world.xltd.pk))
    assert list(User.objects.get(username="op2").parks.all()) == [world.xltd]
    call_command("createuser", "ent2", "--role", "enterprise_user", "--region", "370213",
                 "--enterprise", world.ent_smyz.uscc)
    assert User.objects.get(username="ent2").enterprise == world.ent_smyz


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "leader", "--region", "999999"], "unknown region"),
    (["--role", "enterprise_user", "--region", "370213"], "needs --enterprise"),
    (["--role", "park_operator", "--region", "370213"], "needs --park"),
])
def test_createuser_refuses_an_account_without_its_scope(world: World, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "nobody", *args)
    assert not User.objects.filter(username="nobody").exists()
