"""The enterprise-service demo: 信联天地's and 生命药洲's catalogues and the district's, and requests in every
state — awaiting dispatch, dispatched, in hand, warned, overdue and escalated, closed on time and late, visited
back, rated (one 不满意, whose rectification is open) — at 信联天地 and 生命药洲.

Registered as a demo loader from ``SupportConfig.ready()``, after the role accounts. Every row goes through the
services; requests are dated in the past (their deadlines counted on the working-day calendar), then the deadline
check runs once as the timer would.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from yuanqu.core.demo import DemoContext
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks.models import Park

from . import services
from .models import Level, ResponseRule, Service, ServiceRequest

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: (park short name or "" for the district, service, category, priority code, description)
CATALOGUE = [
    ("xltd", "物业报修", "property", "utility", "水、电、空调、电梯等故障报修，24小时响应。"),
    ("xltd", "工商登记代办", "registration", "general", "企业设立、变更、迁入登记代办。"),
    ("xltd", "人才公寓申请", "talent", "general", "园区人才公寓的申请与入住协调。"),
    ("xltd", "融资对接", "financing", "complex", "对接银行、担保和股权投资机构。"),
    ("xltd", "知识产权服务", "ip", "general", "专利、商标、软件著作权申请辅导。"),
    ("xltd", "技术转移服务", "tech_transfer", "complex", "技术需求发布、成果对接与技术合同登记辅导。"),
    ("smyz", "物业报修", "property", "utility", "厂房、实验室水电气与设施报修。"),
    ("smyz", "检验检测服务", "testing", "general", "对接第三方检验检测机构、公共技术平台预约。"),
    ("smyz", "药品医疗器械注册咨询", "policy", "complex", "注册申报路径、临床试验备案政策咨询。"),
    ("", "惠企政策咨询", "policy", "general", "区级惠企政策解读与申报指导。"),
    ("", "突发停水停电应急", "property", "urgent", "影响生产经营的突发停水停电，2小时内响应。"),
]


def _at(today: dt.date, days_ago: int, hour: int = 9, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, minute)))


def load_support_demo(*, actor: User, staff: User, operator: User, enterprise_user: User,
                      parks: dict[str, Park], today: dt.date) -> None:
    """Create the catalogues and the requests, as of ``today``."""
    rules = {r.code: r for r in ResponseRule.objects.all()}
    made: dict[tuple[str, str], Service] = {}
    for park_key, name, category, rule, text in CATALOGUE:
        park = parks[park_key] if park_key else None
        handlers = [operator] if park_key == "xltd" and category in ("property", "registration", "talent") else []
        if park_key == "smyz" and category == "property":
            handlers = [staff]
        made[(park_key, name)] = services.service_create(
            actor=actor, name=name, category=category, park=park, region=staff.region, description=text,
            default_rule=rules[rule], handlers=handlers)
    xltd, smyz = parks["xltd"], parks["smyz"]
    own = enterprise_user.enterprise
    assert own is not None  # the demo's enterprise user has one
    settled = Settlement.objects.exclude(stage=Settlement.Stage.EXITED).select_related("enterprise").order_by("pk")
    tenants = [s.enterprise for s in settled.filter(park=xltd).exclude(enterprise=own)[:4]]
    smyz_tenants = [s.enterprise for s in settled.filter(park=smyz)[:3]]
    now = timezone.now()

    def file(who: User, ent: Enterprise, key: tuple[str, str], title: str, text: str, at: dt.datetime,
             rule: str | None = None) -> ServiceRequest:
        return services.request_create(actor=who, enterprise=ent, service=made[key], title=title,
                                       description=text, rule=rules[rule] if rule else None, now=at,
                                       contact_name="联系人", contact_phone="0532-88886666")

    # 信联天地, the enterprise user's own requests: closed and rated (满意; 不满意 → rectification), visited.
    r = file(enterprise_user, own, ("xltd", "工商登记代办"), "办理经营范围变更", "新增技术进出口经营范围。",
             _at(today, 40))
    services.request_start(actor=operator, request=r, now=_at(today, 39))
    services.request_close(actor=operator, request=r, result="已代办完成变更登记，新营业执照已领取。",
                           now=_at(today, 35))
    services.request_rate(actor=enterprise_user, request=r, level=Level.SATISFIED, speed=4, quality=5, attitude=5)
    r = file(enterprise_user, own, ("xltd", "人才公寓申请"), "两名研发人员申请人才公寓", "博士两名，拟入住一年。",
             _at(today, 30))
    services.request_start(actor=operator, request=r, now=_at(today, 29))
    services.request_close(actor=operator, request=r, result="已安排两套公寓，钥匙已交付。", now=_at(today, 15))
    services.request_rate(actor=enterprise_user, request=r, level=Level.DISSATISFIED, speed=2, quality=3,
                          attitude=3, comment="办理超过时限，期间无人告知进度。")
    r = file(enterprise_user, own, ("", "惠企政策咨询"), "研发费用补助申报条件", "咨询区级研发投入补助条件。",
             _at(today, 25))
    services.request_assign(actor=staff, request=r, handler=staff, now=_at(today, 25, 10))
    services.request_start(actor=staff, request=r, now=_at(today, 24))
    services.request_close(actor=staff, request=r, result="已电话解读政策并发送申报指南。", now=_at(today, 22))
    services.request_visit(actor=staff, request=r, note="企业表示清楚，准备申报。", now=_at(today, 20))
    services.request_rate(actor=enterprise_user, request=r, level=Level.VERY_SATISFIED, speed=5, quality=5,
                          attitude=5)
    r = file(enterprise_user, own, ("xltd", "物业报修"), "12层空调不制冷", "1201室空调不制冷。", _at(today, 10))
    services.request_start(actor=operator, request=r, now=_at(today, 10, 11))
    services.request_close(actor=operator, request=r, result="更换压缩机电容，已恢复。", now=_at(today, 10, 16))

    # Earlier in the year: closed requests, on time and late, most rated, so a period's figures have a history.
    history = [("xltd", "物业报修", 3, 5), ("xltd", "工商登记代办", 6, 4), ("xltd", "知识产权服务", 12, 4),
               ("", "惠企政策咨询", 4, 3), ("xltd", "人才公寓申请", 5, 5), ("xltd", "物业报修", 1, 4),
               ("", "惠企政策咨询", 9, None), ("xltd", "技术转移服务", 20, 5)]
    for i, (park_key, name, took, level) in enumerate(history):
        accepted = _at(today, 300 - 30 * i)
        r = file(enterprise_user, own, (park_key, name), f"{name}（{accepted:%m月}）", "历史诉求。", accepted)
        if r.status == "accepted":
            services.request_assign(actor=staff if not park_key else operator, request=r,
                                    handler=staff if not park_key else operator, now=accepted)
        handler = staff if not park_key else operator
        services.request_close(actor=handler, request=r, result="已办结。", now=accepted + dt.timedelta(days=took))
        if level is not None:
            services.request_rate(actor=enterprise_user, request=r, level=level, speed=level, quality=level,
                                  attitude=5)

    # 信联天地, other tenants (entered by the operator on their behalf): open in every state.
    a, b, c, d = (tenants + [own] * 4)[:4]
    file(operator, a, ("xltd", "融资对接"), "申请科技型中小企业贷款对接", "需要500万元流动资金贷款。", _at(today, 1))
    r = file(operator, b, ("xltd", "知识产权服务"), "发明专利申请辅导", "两项发明专利拟提交申请。", _at(today, 3))
    services.request_assign(actor=operator, request=r, handler=operator, now=_at(today, 3, 10))
    r = file(operator, c, ("xltd", "物业报修"), "地下车库照明故障", "B2层一片照明不亮。", now - dt.timedelta(hours=22))
    services.request_start(actor=operator, request=r, now=now - dt.timedelta(hours=21))
    r = file(operator, d, ("xltd", "技术转移服务"), "寻找高校合作研发伙伴", "需要图像识别算法团队。",
             _at(today, 45))
    services.request_assign(actor=operator, request=r, handler=operator, now=_at(today, 44))
    services.request_start(actor=operator, request=r, now=_at(today, 40))
    r = file(operator, a, ("xltd", "工商登记代办"), "分支机构设立", "在崂山区设立分公司。", _at(today, 60))
    services.request_close(actor=operator, request=r, result="已完成分公司登记。", now=_at(today, 40))

    # 生命药洲 (handled by district staff): in hand, overdue, closed.
    if smyz_tenants:
        e, f, g = (smyz_tenants * 3)[:3]
        r = file(staff, e, ("smyz", "检验检测服务"), "无菌检测机构对接", "需具备CMA资质的无菌检测机构。",
                 _at(today, 20))
        services.request_assign(actor=staff, request=r, handler=staff, now=_at(today, 19))
        services.request_start(actor=staff, request=r, now=_at(today, 18))
        r = file(staff, f, ("smyz", "药品医疗器械注册咨询"), "二类医疗器械注册路径", "角膜产品注册分类咨询。",
                 _at(today, 6))
        services.request_assign(actor=staff, request=r, handler=staff, now=_at(today, 6, 10))
        r = file(staff, g, ("smyz", "物业报修"), "纯化水系统停水", "实验室纯化水供应中断。", _at(today, 12))
        services.request_start(actor=staff, request=r, now=_at(today, 12, 10))
        services.request_close(actor=staff, request=r, result="管路阀门更换，已恢复供水。", now=_at(today, 12, 20))
    services.check_deadlines(now=now)


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: catalogues and requests of a fresh demo."""
    from yuanqu.accounts.models import User

    if not ctx.fresh:
        return
    operator = User.objects.filter(username="operator").first()
    enterprise_user = User.objects.filter(username="enterprise").first()
    if operator is None or enterprise_user is None or enterprise_user.enterprise is None:
        return
    load_support_demo(actor=ctx.actor, staff=ctx.objects["staff"], operator=operator,
                      enterprise_user=enterprise_user, parks=ctx.objects["parks"], today=ctx.today)
