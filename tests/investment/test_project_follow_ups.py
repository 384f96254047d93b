"""Follow-ups on projects as well as leads: the form, the list on the project page, and my due follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from yuanqu.investment.models import FollowUp


def today() -> dt.date:
    """Today in the installation's time zone, read when the test runs (not at import)."""
    return timezone.localdate()


def _post(client, world: World, **extra):  # type: ignore[no-untyped-def]
    data = {"kind": "leader_docking", "on": today().isoformat(), "participants": "区投资促进局", "leader": "区长",
            "summary": "项目一对一对接", "next_step": "落实用地", "next_step_on": today().isoformat()}
    data.update(extra)
    return client.post(reverse("investment:project_follow_up", kwargs={"pk": world.project_xltd.pk}), data)


def test_it_logs_a_follow_up_on_a_project_and_lists_it(world: World, client_as) -> None:
    client = client_as("park_operator")
    response = _post(client, world)
    assert response.status_code == 302
    fu = FollowUp.objects.get(project=world.project_xltd)
    assert fu.lead is None and fu.kind == "leader_docking"
    page = client.get(reverse("investment:project_detail", kwargs={"pk": world.project_xltd.pk}))
    assert "项目一对一对接" in page.content.decode()


def test_it_lists_a_project_follow_up_among_my_due_ones(world: World, client_as) -> None:
    client = client_as("park_operator")
    _post(client, world)
    page = client.get(reverse("investment:due"))
    assert world.project_xltd.name in page.content.decode()
    assert [p.pk for p in page.context["due_projects"]] == [world.project_xltd.pk]
    # Somebody else's follow-up is not mine to do.
    other = client_as("region_staff").get(reverse("investment:due"))
    assert world.project_xltd.name not in other.content.decode()


def test_it_refuses_a_follow_up_dated_in_the_future_and_saves_nothing(world: World, client_as) -> None:
    response = _post(client_as("park_operator"), world, on=(today() + dt.timedelta(days=3)).isoformat(),
                     next_step_on="")
    assert response.status_code == 200 and response.context["form"].errors
    assert not FollowUp.objects.filter(project=world.project_xltd).exists()


def test_it_refuses_a_follow_up_without_a_summary(world: World, client_as) -> None:
    response = _post(client_as("park_operator"), world, summary="")
    assert response.status_code == 200 and "summary" in response.context["form"].errors
    assert not FollowUp.objects.filter(project=world.project_xltd).exists()


def test_it_hides_the_project_follow_up_form_from_leaders(world: World, client_as) -> None:
    assert _post(client_as("leader"), world).status_code == 404
    assert not FollowUp.objects.filter(project=world.project_xltd).exists()


def test_it_refuses_a_project_in_another_park(world: World, client_as) -> None:
    response = client_as("park_operator").post(
        reverse("investment:project_follow_up", kwargs={"pk": world.project_smyz.pk}),
        {"kind": "call", "on": today().isoformat(), "summary": "越界"})
    assert response.status_code == 404
    assert not FollowUp.objects.filter(project=world.project_smyz).exists()


def test_it_requires_exactly_one_subject_in_the_database(world: World) -> None:
    for lead, project in ((None, None), (world.lead_xltd, world.project_xltd)):
        with pytest.raises(IntegrityError), transaction.atomic():
            FollowUp.objects.create(lead=lead, project=project, kind="call", on=today(), summary="x",
                                    author=world.users["region_staff"])
