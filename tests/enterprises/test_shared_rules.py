"""The enterprise rules are written once: enterprise_create and the importer's fast path refuse the same bad rows
with the same Chinese message, and neither stores anything of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.conftest import World
from tests.tabular import files
from yuanqu.core.models import Region
from yuanqu.enterprises import services
from yuanqu.enterprises.models import Enterprise
from yuanqu.tabular import engine

GOOD = files.usccs(1, seed=777)[0]
WRONG_CHECK = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
TOMORROW = timezone.localdate() + dt.timedelta(days=1)

#: field, what the service is given, the sheet's header and cell, the message (zh-hans) both paths give
CASES: dict[str, tuple[str, dict[str, Any], str, Any, str]] = {
    "check digit": ("uscc", {"uscc": WRONG_CHECK}, "统一社会信用代码", WRONG_CHECK, "校验"),
    "negative capital": ("registered_capital_wan", {"registered_capital_wan": Decimal("-5")}, "注册资本（万元）", -5,
                         "不能为负数。"),
    "future date": ("established_on", {"established_on": TOMORROW}, "成立日期", TOMORROW.isoformat(),
                    "日期不能晚于今天。"),
    "region outside scope": ("region", {"region": "370212"}, "注册地", "370212", "该区划不在您的管辖范围内"),
}


def _service_messages(world: World, given: dict[str, Any]) -> dict[str, list[str]]:
    values = {"uscc": GOOD, "name": "青岛共用规则有限公司", "region": world.licang} | given
    if isinstance(values["region"], str):
        values["region"] = Region.objects.get(pk=values["region"])
    with pytest.raises(ValidationError) as err:
        services.enterprise_create(actor=world.users["region_staff"], **values)
    return err.value.message_dict


def _import_reasons(world: World, header: str, cell: Any) -> list[str]:
    rows = [["统一社会信用代码", "企业名称"], [GOOD, "青岛共用规则有限公司"]]
    if header == "统一社会信用代码":
        rows[1][0] = cell
    else:
        rows[0].append(header)
        rows[1].append(cell)
    staff = world.users["region_staff"]
    batch = engine.commit(engine.start_batch(actor=staff, entity="enterprises", filename="r.xlsx",
                                             data=files.xlsx(("S", rows))), actor=staff)
    assert batch.counts["error"] == 1 and batch.counts["new"] == 0, batch.report
    return batch.report[0][3]


@pytest.mark.parametrize("case", sorted(CASES))
def test_it_refuses_the_same_row_on_both_paths_with_the_same_message(world: World, case: str) -> None:
    field, given, header, cell, expected = CASES[case]
    with translation.override("zh-hans"):
        service = _service_messages(world, given)
        reasons = _import_reasons(world, header, cell)
    assert list(service) == [field], service
    assert expected in service[field][0]
    # the importer names the column, then gives the very message of the service
    assert len(reasons) == 1 and reasons[0].endswith(service[field][0]), (reasons, service)
    assert not Enterprise.objects.filter(uscc__in=[GOOD, WRONG_CHECK]).exists()


def test_the_rules_are_one_function_over_one_field_list(world: World) -> None:
    """Without a park, an enterprise registered outside one's region is refused by the rules themselves."""
    staff = world.users["region_staff"]
    errors = services.enterprise_validate(actor=staff, values={"uscc": GOOD, "name": "甲", "region": "370212"},
                                          creating=True)
    assert list(errors) == ["region"] and errors["region"][0].code == "out_of_scope"
    assert services.enterprise_validate(actor=staff, values={"uscc": GOOD, "name": "甲", "region": "370212"},
                                        creating=True, park=world.xltd) == {}
    from yuanqu.enterprises.importers import EnterpriseImporter

    imported = {f.name for f in EnterpriseImporter.fields} - {"park", "signed_on"}
    assert imported == set(services.ENTERPRISE_FIELDS)
