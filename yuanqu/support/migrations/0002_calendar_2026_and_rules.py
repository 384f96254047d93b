"""Data: China's 2026 public holidays and adjusted working days, and the default response-time rules.

Holidays: 国务院办公厅关于2026年部分节假日安排的通知 (国务院办公厅, 2025-11-04; published by 新华社, e.g.
https://politics.gmw.cn/2025-11/04/content_38391083.htm). A later year's notice is added by a later migration.

Response times follow the 12345 hotline: 国务院办公厅关于进一步优化地方政务服务便民热线的指导意见 (国办发〔2020〕53号)
sets one 12345 number with 限时办理 and 回访, and leaves the limits to the localities; the common local limits
(e.g. Beijing's 接诉即办: 突发事件和可能造成生命财产损失的诉求 2 小时, 水电气热等 24 小时, 一般诉求 7 天, 复杂疑难
15 天) are the defaults here, the day limits counted in working days. District staff change them on the rules page.
"""

import datetime as dt

from django.db import migrations

SOURCE_2026 = "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"
BASIS = "国办发〔2020〕53号；12345热线接诉即办时限"


def _days(start: str, end: str) -> list[dt.date]:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


HOLIDAYS_2026 = [
    ("元旦", "2026-01-01", "2026-01-03", ["2026-01-04"]),
    ("春节", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
    ("清明节", "2026-04-04", "2026-04-06", []),
    ("劳动节", "2026-05-01", "2026-05-05", ["2026-05-09"]),
    ("端午节", "2026-06-19", "2026-06-21", []),
    ("中秋节", "2026-09-25", "2026-09-27", []),
    ("国庆节", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
]

RULES = [
    ("urgent", "紧急", 2, "hours", 1, 1, "突发事件和可能造成生命财产损失的诉求：2小时"),
    ("utility", "水电气热", 24, "hours", 4, 2, "涉及水电气热等时效性诉求：24小时"),
    ("general", "一般", 7, "workdays", 24, 3, "一般诉求：7个工作日"),
    ("complex", "复杂疑难", 15, "workdays", 48, 4, "复杂疑难诉求：15个工作日"),
]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("support", "CalendarDay")
    ResponseRule = apps.get_model("support", "ResponseRule")
    for name, start, end, workdays in HOLIDAYS_2026:
        for day in _days(start, end):
            CalendarDay.objects.update_or_create(day=day, defaults={"kind": "holiday", "name": name,
                                                                    "source": SOURCE_2026})
        for day in workdays:
            CalendarDay.objects.update_or_create(day=dt.date.fromisoformat(day), defaults={
                "kind": "workday", "name": f"{name}调休上班", "source": SOURCE_2026})
    for code, name, amount, unit, warn, order, basis in RULES:
        ResponseRule.objects.get_or_create(code=code, defaults={
            "name": name, "amount": amount, "unit": unit, "warn_hours": warn, "order": order,
            "basis": f"{BASIS}：{basis}"})


def unload(apps, schema_editor):
    apps.get_model("support", "CalendarDay").objects.filter(source=SOURCE_2026).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
