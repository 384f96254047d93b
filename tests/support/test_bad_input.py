"""Bad input to enterprise services: forms and the API answer in Chinese, with no 500, and store nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.bad_input_support import (
    CHOICE,
    PHONE,
    REQUIRED,
    api_post,
    assert_api_refused,
    assert_form_refused,
    assert_unchanged,
    db_state,
)
from tests.conftest import World, login
from yuanqu.core.roles import Role
from yuanqu.support import services
from yuanqu.support.models import Rating, ServiceRequest

from .world import add_support

GOOD = {"title": "电梯异响", "description": "3号梯异响"}


@pytest.mark.parametrize(("change", "field", "text"), [
    ({"title": ""}, "title", REQUIRED),
    ({"description": ""}, "description", REQUIRED),
    ({"service": ""}, "service", REQUIRED),
    ({"service": "999999"}, "service", CHOICE),
    ({"contact_phone": "call me"}, "contact_phone", PHONE),
    ({"rule": "abc"}, "rule", CHOICE),
    ({"title": "x" * 101}, "title", "确保该变量包含不超过"),
])
def test_the_request_form_refuses_bad_input_in_chinese(world: World, client, change, field, text):
    sw = add_support(world)
    before = db_state()
    data = {"service": sw.svc_xltd.pk, **GOOD, **change}
    response = login(client, world.users[Role.ENTERPRISE_USER]).post(reverse("support:request_create"), data)
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_a_service_of_another_park_is_not_offered(world: World, client):
    sw = add_support(world)
    before = db_state()
    response = login(client, world.users[Role.ENTERPRISE_USER]).post(
        reverse("support:request_create"), {"service": sw.svc_smyz.pk, **GOOD})
    assert_form_refused(response, "service", CHOICE)
    assert_unchanged(before)


@pytest.mark.parametrize(("name", "content", "text"), [
    ("合同.pdf", b"MZ\x90\x00 not a pdf", "不是 PDF 或图片"),
    ("空.png", b"", "所提交的是空文件"),
])
def test_a_wrong_attachment_is_refused_and_nothing_is_filed(world: World, client, name, content, text):
    sw = add_support(world)
    before = db_state()
    response = login(client, world.users[Role.ENTERPRISE_USER]).post(reverse("support:request_create"), {
        "service": sw.svc_xltd.pk, **GOOD, "attachments": [SimpleUploadedFile(name, content)]})
    assert_form_refused(response, "attachments", text)
    assert_unchanged(before)


def test_a_rating_with_scores_out_of_range_is_refused(world: World, client):
    sw = add_support(world)
    operator = world.users[Role.PARK_OPERATOR]
    services.request_close(actor=operator, request=sw.req_xltd, result="已修复")
    before = db_state()
    url = reverse("support:request_rate", args=[sw.req_xltd.pk])
    response = login(client, world.users[Role.ENTERPRISE_USER]).post(url, {"level": 6, "speed": 0, "quality": 3,
                                                                          "attitude": "好"})
    assert_form_refused(response, "level", CHOICE)
    assert_form_refused(response, "speed", CHOICE)
    assert_unchanged(before)


def test_the_api_files_and_refuses_in_chinese(world: World, client):
    sw = add_support(world)
    ent = login(client, world.users[Role.ENTERPRISE_USER])
    made = api_post(ent, "/api/support/requests", {"service": sw.svc_xltd.pk, **GOOD})
    assert made.status_code == 201, made.content
    assert made.json()["priority"] == "general" and made.json()["enterprise"] == world.ent_xltd.pk
    before = db_state()
    assert_api_refused(api_post(ent, "/api/support/requests", {"service": sw.svc_smyz.pk, **GOOD}), "service",
                       "不存在或不在您的数据范围内")
    assert_api_refused(api_post(ent, "/api/support/requests", {"service": sw.svc_xltd.pk, **GOOD,
                                                                "priority": "asap"}), "priority")
    assert_api_refused(api_post(ent, "/api/support/requests", {"service": sw.svc_xltd.pk, "title": ""}), None)
    # An operator filing for an enterprise outside its parks: 404.
    op = login(client, world.users[Role.PARK_OPERATOR])
    assert_api_refused(api_post(op, "/api/support/requests", {"service": sw.svc_xltd.pk, **GOOD,
                                                               "enterprise": world.ent_smyz.pk}), None, status=404)
    assert_unchanged(before)


def test_the_api_rating_only_by_the_requester_once(world: World, client):
    sw = add_support(world)
    url = f"/api/support/requests/{sw.req_xltd.pk}/rating"
    body = {"level": 1, "speed": 1, "quality": 1, "attitude": 1, "comment": "很差"}
    ent = login(client, world.users[Role.ENTERPRISE_USER])
    assert_api_refused(api_post(ent, url, body), "level", "办结后才能评价")
    services.request_close(actor=world.users[Role.PARK_OPERATOR], request=sw.req_xltd, result="已修复")
    staff = login(client, world.users[Role.REGION_STAFF])
    assert_api_refused(api_post(staff, url, body), None, status=404)
    ent = login(client, world.users[Role.ENTERPRISE_USER])
    assert_api_refused(api_post(ent, url, {**body, "level": 7}), "level")
    done = api_post(ent, url, body)
    assert done.status_code == 201 and done.json()["rectification_due_on"]
    assert_api_refused(api_post(ent, url, {**body, "level": 5}), "level", "已评价")
    assert Rating.objects.filter(request=sw.req_xltd).count() == 1
    assert ServiceRequest.objects.get(pk=sw.req_xltd.pk).rectification.status == "open"
