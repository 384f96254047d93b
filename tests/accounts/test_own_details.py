"""Every account keeps its own contact details current on its security page — the system administrator and the
auditor too — and nothing else: not its role, region or scope; each change audited; a bad phone refused in
Chinese with nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import World
from yuanqu.accounts.models import User
from yuanqu.core.models import AuditEvent


@pytest.mark.parametrize("role", ["region_admin", "auditor", "region_staff", "park_operator", "enterprise_user"])
def test_each_role_changes_its_own_name_email_and_phone(world: World, client_as, role: str) -> None:
    user = world.user(role)
    client = client_as(role)
    page = client.get(reverse("accounts:security")).content.decode()
    assert 'id="own-details"' in page and user.get_role_display() in page
    response = client.post(reverse("accounts:security"), {
        "display_name": "王小明", "email": "wang@example.cn", "phone": "0532-8888 6666",
        "role": "region_admin", "region": "37", "is_active": "",  # not fields of this form: ignored
    })
    assert response.status_code == 302
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.display_name, fresh.email, fresh.phone) == ("王小明", "wang@example.cn", "053288886666")
    assert (fresh.role, fresh.region_id, fresh.is_active) == (user.role, user.region_id, True)
    event = AuditEvent.objects.filter(object_type="accounts.User", object_id=str(user.pk), action="update").latest("id")
    assert event.actor == fresh


def test_a_bad_phone_is_refused_in_chinese_and_nothing_is_saved(world: World, client_as) -> None:
    user = world.user("region_admin")
    client = client_as("region_admin")
    response = client.post(reverse("accounts:security"), {"display_name": "新名字", "email": "", "phone": "打电话"})
    assert response.status_code == 200
    assert "请输入" in response.content.decode() or "数字" in response.content.decode()
    assert User.objects.get(pk=user.pk).display_name == user.display_name


def test_the_form_changes_only_the_signed_in_user(world: World, client_as) -> None:
    other = world.user("park_operator")
    client_as("region_staff").post(reverse("accounts:security"), {"display_name": "改名", "email": "", "phone": ""})
    assert User.objects.get(pk=other.pk).display_name == other.display_name
