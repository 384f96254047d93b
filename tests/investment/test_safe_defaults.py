"""Forms that default to the safe choice (issue 14, item 7): a merge names no target until the user picks one,
and a project's stage form offers the next stage, never a step back."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.conftest import World
from yuanqu.investment.models import Lead, Project


def test_the_merge_box_preselects_no_lead_and_an_empty_choice_merges_nothing(world: World, client_as) -> None:
    client = client_as("region_staff")
    html = client.get(reverse("investment:lead_detail", args=[world.lead_smyz.pk])).content.decode()
    select = re.search(r'<select name="target".*?</select>', html, re.S)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)"( selected)?', select.group(0))
    assert options[0] == ("", " selected")  # the first, selected option is "choose", not a lead
    assert all(not selected for value, selected in options[1:]) and len(options) > 1
    before = Lead.objects.count()
    response = client.post(reverse("investment:lead_merge", args=[world.lead_smyz.pk]), {"target": ""}, follow=True)
    assert Lead.objects.count() == before
    html = response.content.decode()
    assert "alert-danger" in html and "此项为必填项" in html


def test_the_stage_form_offers_the_next_stage(world: World, client_as) -> None:
    client = client_as("region_staff")
    url = reverse("investment:project_detail", args=[world.project_xltd.pk])
    assert client.get(url).context["stage_form"].initial["to_stage"] == "signed"  # at 在谈
    Project.objects.filter(pk=world.project_xltd.pk).update(stage="registered")  # as if approved up to 注册
    assert client.get(url).context["stage_form"].initial["to_stage"] == "started"
