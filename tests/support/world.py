"""The support share of the shared world: a catalogue in each park (and the district's), one request per park.

- 信联天地: 物业报修 handled by the operator; a request filed by the enterprise user (its own enterprise).
- 生命药洲: 检验检测 without a named handler; a request district staff entered for ent_smyz.
- 崂山科创园: a request 崂山's staff entered for ent_laoshan.
- 李沧区: 惠企政策咨询, a district service.
Made once per world (the scope matrix asks for it many times), through the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile

from tests.conftest import World
from yuanqu.core.roles import Role
from yuanqu.support import services
from yuanqu.support.models import ResponseRule, Service, ServiceRequest


@dataclass
class SupportWorld:
    svc_xltd: Service
    svc_smyz: Service
    svc_laoshan: Service
    svc_district: Service
    req_xltd: ServiceRequest
    req_smyz: ServiceRequest
    req_laoshan: ServiceRequest


def rule(code: str) -> ResponseRule:
    return ResponseRule.objects.get(code=code)


def add_support(world: World) -> SupportWorld:
    found: Any = world.__dict__.get("_support")
    if found is not None and ServiceRequest.objects.filter(pk=found.req_xltd.pk).exists():
        return found  # type: ignore[no-any-return]
    staff, operator = world.users[Role.REGION_STAFF], world.users[Role.PARK_OPERATOR]
    ent_user = world.users[Role.ENTERPRISE_USER]
    svc_xltd = services.service_create(actor=operator, name="物业报修", category="property", park=world.xltd,
                                       default_rule=rule("general"), handlers=[operator])
    svc_smyz = services.service_create(actor=staff, name="检验检测服务", category="testing", park=world.smyz,
                                       default_rule=rule("general"))
    svc_laoshan = services.service_create(actor=world.laoshan_staff, name="物业报修", category="property",
                                          park=world.laoshan_park, default_rule=rule("general"))
    svc_district = services.service_create(actor=staff, name="惠企政策咨询", category="policy", park=None,
                                           default_rule=rule("general"))
    req_xltd = services.request_create(actor=ent_user, enterprise=world.ent_xltd, service=svc_xltd,
                                       title="空调不制冷", description="1001室空调不制冷",
                                       attachments=[ContentFile(b"%PDF-1.4 x", name="照片.pdf")])
    req_smyz = services.request_create(actor=staff, enterprise=world.ent_smyz, service=svc_smyz,
                                       title="无菌检测", description="对接检测机构",
                                       attachments=[ContentFile(b"%PDF-1.4 y", name="需求.pdf")])
    req_laoshan = services.request_create(actor=world.laoshan_staff, enterprise=world.ent_laoshan,
                                          service=svc_laoshan, title="漏水", description="屋顶漏水",
                                          attachments=[ContentFile(b"\x89PNG\r\n\x1a\n..", name="漏水.png")])
    made = SupportWorld(svc_xltd, svc_smyz, svc_laoshan, svc_district, req_xltd, req_smyz, req_laoshan)
    world.__dict__["_support"] = made
    return made
