"""Personal API tokens: shown once, stored as a hash, revocable, expiring; nobody revokes another's token."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from yuanqu.accounts import services
from yuanqu.accounts.models import ApiToken
from yuanqu.core.models import AuditEvent


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_it_creates_a_token_shown_once_and_stores_only_its_hash(world, client_as):
    client = client_as("leader")
    response = client.post(reverse("accounts:tokens"), {"name": "报表脚本", "days": "30"})
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw.startswith("yq_") and len(raw) > 40
    assert f'id="new-token">{raw}<' in response.content.decode()

    token = ApiToken.objects.get(user=world.user("leader"))
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[3:11] and token.name == "报表脚本"
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    stored = [str(v) for v in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.concrete_fields])
              .get(pk=token.pk)]
    assert raw not in stored
    event = AuditEvent.objects.get(action="create", object_type="accounts.ApiToken")
    assert "token_hash" not in event.after and raw not in str(event.after)

    # Shown once: the list page afterwards has the prefix only.
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in page and token.prefix in page


@pytest.mark.parametrize("days", ["0", "366", "x"])
def test_it_refuses_a_bad_lifetime(world, client_as, days):
    response = client_as("leader").post(reverse("accounts:tokens"), {"name": "脚本", "days": days})
    assert response.context["form"].errors["days"]
    assert response.context["raw"] is None
    assert not ApiToken.objects.exists()


def test_it_serves_the_api_with_the_token(world):
    _token, raw = services.token_create(actor=world.user("leader"), name="脚本")
    response = Client().get("/api/parks/", headers=_bearer(raw))
    assert response.status_code == 200
    assert sorted(p["name"] for p in response.json()["items"]) == ["信联天地", "生命药洲"]
    assert ApiToken.objects.get(pk=_token.pk).last_used_at is not None
    # The token is the user's: its scope, not more.
    _token, raw = services.token_create(actor=world.user("park_operator"), name="脚本")
    response = Client().get("/api/parks/", headers=_bearer(raw))
    assert [p["name"] for p in response.json()["items"]] == ["信联天地"]


def test_it_refuses_the_api_without_a_valid_token(world):
    assert Client().get("/api/parks/").status_code == 401
    assert Client().get("/api/parks/", headers=_bearer("yq_not-a-token")).status_code == 401
    _token, raw = services.token_create(actor=world.user("leader"), name="脚本")
    assert Client().get("/api/parks/", headers={"Authorization": raw}).status_code == 401


def test_it_refuses_a_revoked_token(world, client_as):
    token, raw = services.token_create(actor=world.user("leader"), name="脚本")
    assert Client().get("/api/parks/", headers=_bearer(raw)).status_code == 200
    response = client_as("leader").post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked
    assert Client().get("/api/parks/", headers=_bearer(raw)).status_code == 401
    event = AuditEvent.objects.filter(action="update", object_type="accounts.ApiToken").get()
    assert (event.before["revoked"], event.after["revoked"]) == (False, True)


def test_it_refuses_an_expired_token(world):
    token, raw = services.token_create(actor=world.user("leader"), name="脚本", days=1)
    assert Client().get("/api/parks/", headers=_bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/parks/", headers=_bearer(raw)).status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(world):
    token, raw = services.token_create(actor=world.user("leader"), name="脚本")
    world.user("leader").__class__.objects.filter(pk=world.user("leader").pk).update(is_active=False)
    assert Client().get("/api/parks/", headers=_bearer(raw)).status_code == 401


@pytest.mark.parametrize("role", ["leader", "region_staff", "region_admin", "auditor", "park_operator",
                                  "enterprise_user"])
def test_it_does_not_revoke_someone_elses_token(world, client_as, role):
    owner = world.user("enterprise_user") if role != "enterprise_user" else world.user("leader")
    token, raw = services.token_create(actor=owner, name="别人的")
    events = AuditEvent.objects.count()
    response = client_as(role).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.revoked
    assert AuditEvent.objects.count() == events
    assert Client().get(f"/api/enterprises/{world.ent_xltd.pk}" if owner.role == "enterprise_user"
                        else "/api/parks/", headers=_bearer(raw)).status_code == 200
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=world.user(role), token=token)
    assert not ApiToken.objects.get(pk=token.pk).revoked


def test_it_revokes_by_post_only_and_not_when_logged_out(world):
    token, _raw = services.token_create(actor=world.user("leader"), name="脚本")
    response = Client().post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client = login(Client(), world.user("leader"))
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    assert not ApiToken.objects.get(pk=token.pk).revoked


def test_it_lists_only_the_users_own_tokens(world, client_as):
    services.token_create(actor=world.user("region_staff"), name="区里的脚本")
    services.token_create(actor=world.user("leader"), name="领导的脚本")
    tokens = client_as("leader").get(reverse("accounts:tokens")).context["tokens"]
    assert [t.name for t in tokens] == ["领导的脚本"]
