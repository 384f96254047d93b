"""The 负责人 filter of the lead and project lists names each person once: the DISTINCT of their ids carries no
ordering column, and people sharing a display name (a bureau's accounts) are told apart by their user name."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import TEST_PASSWORD, World
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.roles import Role
from yuanqu.investment import services as inv


def _owner_options(client) -> list[tuple[str, str]]:
    response = client.get(reverse("investment:leads"))
    assert response.status_code == 200
    owner = next(options for f, options, _active in response.context["filters"] if f.name == "owner")
    return [(str(pk), label) for pk, label in owner]


def test_each_owner_once_and_namesakes_told_apart(world: World, client_as) -> None:
    staff = world.user("region_staff")
    colleague = user_create_on_server(role=Role.REGION_STAFF, region=world.licang, username="zhang",
                                      password=TEST_PASSWORD, display_name=staff.display_name,
                                      must_change_password=False)[0]
    for i in range(5):
        inv.lead_create(actor=staff, name=f"青岛线索测试{i}有限公司")
    inv.lead_create(actor=colleague, name="青岛同名局测试有限公司")
    options = _owner_options(client_as("region_staff"))
    pks = [pk for pk, _label in options]
    assert len(pks) == len(set(pks))                       # each person once, however many leads they own
    labels = dict(options)
    assert labels[str(colleague.pk)] == f"{staff.display_name}（zhang）"
    assert labels[str(staff.pk)] == f"{staff.display_name}（{staff.username}）"
    operator = world.user("park_operator")
    assert labels[str(operator.pk)] == (operator.display_name or operator.username)  # unique name: as it is
