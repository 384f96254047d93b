"""Service requests through the front door: filing (by the enterprise, on its behalf), dispatch, transfer, work,
closing, the visit back, the rating (only the requester, once) and the rectification a 差评 opens; deadlines warned
and escalated by the timer's command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.core.roles import Role
from yuanqu.support import calendar, services
from yuanqu.support.models import Rating, Rectification, RequestEvent, ServiceRequest

from .world import add_support, rule

STAFF, OPERATOR, ENTERPRISE, LEADER = "region_staff", "park_operator", "enterprise_user", "leader"


def test_it_files_a_request_with_its_deadline_and_dispatches_to_the_one_handler(world: World, client_as):
    sw = add_support(world)
    client = client_as(ENTERPRISE)
    response = client.post(reverse("support:request_create"), {
        "service": sw.svc_xltd.pk, "title": "电梯异响", "description": "3号梯运行异响",
        "contact_phone": "138 1234 5678",
        "attachments": [SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")]})
    assert response.status_code == 302, response.context["form"].errors
    req = ServiceRequest.objects.get(title="电梯异响")
    assert response["Location"] == reverse("support:request_detail", args=[req.pk])
    assert req.requester == world.users[ENTERPRISE] and req.enterprise == world.ent_xltd and req.park == world.xltd
    assert req.status == "assigned" and req.handler == world.users[OPERATOR]  # the service's one handler
    assert req.due_at == calendar.due_at(req.accepted_at, rule("general"))
    assert req.contact_phone == "13812345678"
    assert req.number.startswith("FW" + timezone.localtime(req.accepted_at).strftime("%Y%m%d"))
    assert req.attachments.get().content_type == "image/png"
    assert AuditEvent.objects.filter(object_type="support.ServiceRequest", object_id=str(req.pk),
                                     action="create").exists()
    page = client.get(reverse("support:request_detail", args=[req.pk]))
    assert "照片.png" in page.content.decode()
    download = client.get(reverse("support:attachment", args=[req.attachments.get().pk]))
    assert download.status_code == 200


def test_an_operator_files_on_a_tenant_s_behalf_but_not_outside_its_parks(world: World, client_as):
    sw = add_support(world)
    client = client_as(OPERATOR)
    ok = client.post(reverse("support:request_create_for", args=[world.ent_xltd.pk]), {
        "service": sw.svc_xltd.pk, "title": "代企业报修", "description": "电话报修"})
    assert ok.status_code == 302
    filed = ServiceRequest.objects.get(title="代企业报修")
    assert filed.requester is None and filed.filed_by == world.users[OPERATOR]
    before = ServiceRequest.objects.count()
    for ent in (world.ent_smyz, world.ent_laoshan):
        assert client.get(reverse("support:request_create_for", args=[ent.pk])).status_code == 404
        response = client.post(reverse("support:request_create_for", args=[ent.pk]), {
            "service": sw.svc_xltd.pk, "title": "越权", "description": "x"})
        assert response.status_code == 404
    assert ServiceRequest.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.request_create(actor=world.users[OPERATOR], enterprise=world.ent_smyz, service=sw.svc_xltd,
                                title="越权", description="x")


def test_a_park_service_is_for_its_tenants_only(world: World):
    sw = add_support(world)
    with pytest.raises(ValidationError) as exc:
        services.request_create(actor=world.users[STAFF], enterprise=world.ent_smyz, service=sw.svc_xltd,
                                title="非本园企业", description="x")
    assert "仅面向信联天地的入驻企业" in " ".join(exc.value.messages)


def test_the_whole_journey_dispatch_transfer_work_close_visit(world: World, client_as):
    sw = add_support(world)
    staff_client = client_as(STAFF)
    req = sw.req_smyz  # no named handler: awaits dispatch
    assert req.status == "accepted"
    staff = world.users[STAFF]
    r = staff_client.post(reverse("support:request_assign", args=[req.pk]), {"handler": staff.pk}, follow=True)
    assert "已分派" in r.content.decode()
    req.refresh_from_db()
    assert req.status == "assigned" and req.handler == staff
    # A transfer needs a reason, and a handler who can see the request (the 信联天地 operator cannot).
    r = staff_client.post(reverse("support:request_transfer", args=[req.pk]),
                          {"handler": world.users[OPERATOR].pk, "reason": "转运营方"}, follow=True)
    assert "请选择办理人" in r.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(actor=staff, request=req, handler=world.users[OPERATOR], reason="x")
    assert "不能办理" in " ".join(exc.value.messages)
    staff_client.post(reverse("support:request_start", args=[req.pk]))
    req.refresh_from_db()
    assert req.status == "in_progress"
    r = staff_client.post(reverse("support:request_close", args=[req.pk]), {"text": ""}, follow=True)
    assert "请说明办理结果" in r.content.decode()
    staff_client.post(reverse("support:request_close", args=[req.pk]), {"text": "已对接检测机构"})
    req.refresh_from_db()
    assert req.status == "closed" and req.on_time is True and req.result == "已对接检测机构"
    staff_client.post(reverse("support:request_visit", args=[req.pk]), {"text": "企业满意"})
    req.refresh_from_db()
    assert req.status == "visited"
    kinds = list(RequestEvent.objects.filter(request=req).values_list("kind", flat=True))
    assert kinds == ["accepted", "assigned", "started", "closed", "visited"]


def test_the_enterprise_comments_with_a_file_and_a_wrong_file_is_refused(world: World, client_as):
    sw = add_support(world)
    client = client_as(ENTERPRISE)
    url = reverse("support:request_comment", args=[sw.req_xltd.pk])
    files = sw.req_xltd.attachments.count()
    bad = client.post(url, {"text": "附件", "attachments": [SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00")]},
                      follow=True)
    assert "不是 PDF 或图片" in bad.content.decode()
    assert sw.req_xltd.attachments.count() == files
    client.post(url, {"text": "补充照片", "attachments": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")]})
    event = RequestEvent.objects.get(request=sw.req_xltd, kind="comment")
    assert event.text == "补充照片" and event.attachments.count() == 1


def _closed(world: World, sw) -> ServiceRequest:
    operator = world.users[OPERATOR]
    services.request_start(actor=operator, request=sw.req_xltd)
    return services.request_close(actor=operator, request=sw.req_xltd, result="已修复")


def test_only_the_requester_rates_once_and_a_poor_rating_opens_a_rectification(world: World, client_as):
    sw = add_support(world)
    url = reverse("support:request_rate", args=[sw.req_xltd.pk])
    early = client_as(ENTERPRISE).post(url, {"level": 2, "speed": 2, "quality": 2, "attitude": 2,
                                             "comment": "慢"})
    assert "办结后才能评价" in early.content.decode()
    req = _closed(world, sw)
    # Staff and the operator are not the requester: refused (the form: only enterprise users rate; the service too).
    assert client_as(OPERATOR).post(url, {"level": 5, "speed": 5, "quality": 5, "attitude": 5}).status_code == 404
    with pytest.raises(ValidationError) as exc:
        services.request_rate(actor=world.users[OPERATOR], request=req, level=5, speed=5, quality=5, attitude=5)
    assert "只有诉求人可以评价" in " ".join(exc.value.messages)
    # 不满意 without a reason: refused.
    r = client_as(ENTERPRISE).post(url, {"level": 2, "speed": 2, "quality": 3, "attitude": 3, "comment": ""})
    assert "请说明哪里不满意" in r.content.decode() and not Rating.objects.exists()
    r = client_as(ENTERPRISE).post(url, {"level": 2, "speed": 2, "quality": 3, "attitude": 3,
                                         "comment": "修了两次才好"})
    assert r.status_code == 302
    rating = Rating.objects.get(request=req)
    assert rating.level == 2 and rating.rated_by == world.users[ENTERPRISE]
    rect = Rectification.objects.get(request=req)
    assert rect.due_on == calendar.add_workdays(timezone.localdate(), 15) and rect.owner == world.users[OPERATOR]
    again = client_as(ENTERPRISE).post(url, {"level": 5, "speed": 5, "quality": 5, "attitude": 5})
    assert "已评价" in again.content.decode()
    assert Rating.objects.filter(request=req).count() == 1
    # The rectification shows on its list and is done with what was changed.
    listing = client_as(OPERATOR).get(reverse("support:rectifications"))
    assert f'data-id="{rect.pk}"' in listing.content.decode()
    client_as(OPERATOR).post(reverse("support:rectification_done", args=[rect.pk]), {"text": "增加巡检"})
    rect.refresh_from_db()
    assert rect.status == "done" and rect.result == "增加巡检"


def test_another_user_of_the_enterprise_is_not_the_requester(world: World):
    from yuanqu.accounts.services import user_create_on_server

    sw = add_support(world)
    req = _closed(world, sw)
    colleague = user_create_on_server(role=Role.ENTERPRISE_USER, region=world.licang, username="colleague",
                                      enterprise=world.ent_xltd, must_change_password=False)[0]
    assert not services.may_rate(colleague, req)
    with pytest.raises(ValidationError):
        services.request_rate(actor=colleague, request=req, level=5, speed=5, quality=5, attitude=5)
    rating = services.request_rate(actor=world.users[ENTERPRISE], request=req, level=4, speed=4, quality=4,
                                   attitude=4)
    assert not rating.is_poor and not Rectification.objects.exists()


def test_the_timer_warns_before_the_deadline_and_escalates_a_breach_once(world: World, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sw = add_support(world)
    staff = world.users[STAFF]
    staff.email = "staff@example.cn"
    staff.save(update_fields=["email"])
    operator = world.users[OPERATOR]
    operator.email = "op@example.cn"
    operator.save(update_fields=["email"])
    req = sw.req_xltd
    far = timezone.now() + dt.timedelta(days=400)
    ServiceRequest.objects.exclude(pk=req.pk).update(warn_at=far, due_at=far)
    before_warning = req.warn_at - dt.timedelta(minutes=1)
    assert services.check_deadlines(now=before_warning) == (0, 0)
    with _captured_on_commit():
        assert services.check_deadlines(now=req.warn_at + dt.timedelta(minutes=1)) == (1, 0)
    req.refresh_from_db()
    assert req.warned_at is not None and req.escalated_at is None
    assert RequestEvent.objects.filter(request=req, kind="warned").count() == 1
    assert [m.to for m in mail.outbox] == [["op@example.cn"]]
    late = req.due_at + dt.timedelta(hours=1)
    with _captured_on_commit():
        call_command("support_deadlines", f"--now={late.isoformat()}")
        call_command("support_deadlines", f"--now={(late + dt.timedelta(hours=1)).isoformat()}")
    req.refresh_from_db()
    assert req.escalated_at == late
    assert RequestEvent.objects.filter(request=req, kind="escalated").count() == 1
    assert ["staff@example.cn"] in [m.to for m in mail.outbox]


class _captured_on_commit:
    """Run the on_commit callbacks of the test's transaction (the mails) at the end of the block."""

    def __enter__(self) -> None:
        from django.test import TestCase

        self._ctx = TestCase.captureOnCommitCallbacks(execute=True)
        self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


def test_the_lists_my_queue_and_overdue(world: World, client_as):
    sw = add_support(world)
    ServiceRequest.objects.filter(pk=sw.req_smyz.pk).update(
        accepted_at=timezone.now() - dt.timedelta(days=30), due_at=timezone.now() - dt.timedelta(days=1),
        warn_at=timezone.now() - dt.timedelta(days=2))
    queue = client_as(OPERATOR).get(reverse("support:queue")).content.decode()
    assert f'data-id="{sw.req_xltd.pk}"' in queue and f'data-id="{sw.req_smyz.pk}"' not in queue
    overdue = client_as(STAFF).get(reverse("support:overdue")).content.decode()
    assert f'data-id="{sw.req_smyz.pk}"' in overdue and f'data-id="{sw.req_xltd.pk}"' not in overdue
    assert overdue.count('data-id="') == 1
    mine = client_as(ENTERPRISE).get(reverse("support:requests")).content.decode()
    assert mine.count('data-id="') == 1 and f'data-id="{sw.req_xltd.pk}"' in mine
    export = client_as(STAFF).get(reverse("support:requests") + "?export=csv")
    assert export.status_code == 200 and "空调不制冷" in export.content.decode("utf-8-sig")
    assert client_as(ENTERPRISE).get(reverse("support:queue")).status_code == 404


def test_the_catalogue_and_rules(world: World, client_as):
    sw = add_support(world)
    page = client_as(ENTERPRISE).get(reverse("support:catalogue")).content.decode()
    # Its park's service and the district's; not 生命药洲's nor 崂山's.
    assert f'data-id="{sw.svc_xltd.pk}"' in page and f'data-id="{sw.svc_district.pk}"' in page
    assert page.count('data-id="') == 2
    r = client_as(OPERATOR).post(reverse("support:service_create"), {
        "name": "会议室预订", "category": "property", "park": world.xltd.pk, "default_rule": rule("general").pk,
        "active": "on"})
    assert r.status_code == 302
    r = client_as(OPERATOR).post(reverse("support:service_create"), {
        "name": "会议室预订", "category": "property", "park": world.xltd.pk, "default_rule": rule("general").pk})
    assert "已有同名服务" in r.content.decode()
    rules = client_as(ENTERPRISE).get(reverse("support:rules")).content.decode()
    assert "国办发〔2020〕53号" in rules and "春节" in rules
    general = rule("general")
    r = client_as(STAFF).post(reverse("support:rule_edit", args=[general.pk]), {
        "name": "一般", "amount": 5, "unit": "workdays", "warn_hours": 24, "basis": general.basis})
    assert r.status_code == 302 and rule("general").amount == 5
    assert client_as(OPERATOR).get(reverse("support:rule_edit", args=[general.pk])).status_code == 404
    r = client_as(STAFF).post(reverse("support:rule_edit", args=[general.pk]), {
        "name": "一般", "amount": 1, "unit": "hours", "warn_hours": 2, "basis": ""})
    assert "提醒须早于" in r.content.decode()
