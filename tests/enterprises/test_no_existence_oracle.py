"""H1 (issue 12), the existence oracle: a park operator typing a USCC outside its scope gets the same answer
whether the code is registered elsewhere or nowhere — status, body, message, the queries it costs (the timing
class) and everything it can see afterwards. Every path where a code is typed is compared: the settlement API and
form, registering an enterprise (API and form), lead conversion and the enterprise importer. District staff,
whose scope is the whole region, keep the direct path: a new code is registered and signed at once.
"""

from __future__ import annotations

import random
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World
from tests.helpers import Api
from tests.tabular import files
from tests.tabular.test_round_trip import upload
from yuanqu.core.demo import make_uscc
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Enterprise, EnterpriseRequest, Settlement
from yuanqu.investment.models import Lead

NOWHERE = "91350100M000100Y43"  # a valid code no enterprise of the world has
REGISTRATION = {"name": "青岛新来科技有限公司", "region": "370213", "industry": "6513", "registered_capital_wan": "300"}


def _queries(call: Any) -> tuple[Any, list[str]]:
    """The answer and the SQL it cost, with the literals (codes, ids, times) blanked: the same statements in
    the same order mean the same work, whichever code was typed."""
    with CaptureQueriesContext(connection) as ctx:
        answer = call()
    return answer, [re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", q["sql"]) for q in ctx.captured_queries]


def _compare(world: World, answers: dict[str, Any], *, typed: dict[str, str]) -> None:
    """Field by field: every key and value of the two bodies equal, but the request's own id and the code typed."""
    elsewhere, nowhere = answers["elsewhere"], answers["nowhere"]
    assert elsewhere["status"] == nowhere["status"]
    assert sorted(elsewhere["body"]) == sorted(nowhere["body"])
    for key in elsewhere["body"]:
        if key == "id":
            continue
        if key == "uscc":
            assert elsewhere["body"][key] == typed["elsewhere"] and nowhere["body"][key] == typed["nowhere"]
            continue
        assert elsewhere["body"][key] == nowhere["body"][key], key
    assert elsewhere["queries"] == nowhere["queries"]


def _api_answers(world: World, path: str, body: dict[str, Any]) -> dict[str, Any]:
    operator = Api(world.user("park_operator"))
    answers = {}
    for which, code in (("elsewhere", world.ent_laoshan.uscc), ("nowhere", NOWHERE)):
        response, queries = _queries(lambda code=code: operator.post(path, {**body, "uscc": code}))
        answers[which] = {"status": response.status_code, "body": response.json(), "queries": queries}
    return answers


def test_the_settlement_api_answers_a_code_registered_elsewhere_and_one_registered_nowhere_alike(world):
    before = (Settlement.objects.count(), Enterprise.objects.count())
    answers = _api_answers(world, "/api/settlements/", {"park": world.xltd.pk, "signed_on": "2025-01-02"})
    _compare(world, answers, typed={"elsewhere": world.ent_laoshan.uscc, "nowhere": NOWHERE})
    assert answers["nowhere"]["status"] == 202 and "审核" in answers["nowhere"]["body"]["detail"]
    assert (Settlement.objects.count(), Enterprise.objects.count()) == before


def test_registering_with_a_park_answers_both_codes_alike_and_registers_nothing_yet(world):
    """POST /api/enterprises/ with registration data used to answer 201 for a new code and 202 for a code
    registered elsewhere, so it told the operator whether the code is registered."""
    body = {**REGISTRATION, "park": world.xltd.pk, "signed_on": "2025-01-02"}
    enterprises = Enterprise.objects.count()
    answers = _api_answers(world, "/api/enterprises/", body)
    _compare(world, answers, typed={"elsewhere": world.ent_laoshan.uscc, "nowhere": NOWHERE})
    assert answers["nowhere"]["status"] == 202
    assert Enterprise.objects.count() == enterprises
    assert Enterprise.objects.get(pk=world.ent_laoshan.pk).name == "青岛崂山海洋科技有限公司"
    body_text = str(answers["elsewhere"]["body"])
    assert world.ent_laoshan.name not in body_text and "outside" not in body_text
    # Bad registration data are refused alike too: the same 422 for the same field, whatever the code.
    bad = _api_answers(world, "/api/enterprises/", {**body, "registered_capital_wan": "-1"})
    assert bad["elsewhere"]["status"] == bad["nowhere"]["status"] == 422
    assert bad["elsewhere"]["body"] == bad["nowhere"]["body"]


def _requests_page(client: Any) -> str:
    """The operator's requests page with the codes and request ids blanked."""
    page = client.get(reverse("enterprises:requests")).content.decode()
    page = page.replace(NOWHERE, "CODE").replace(Enterprise.objects.get(name="青岛崂山海洋科技有限公司").uscc, "CODE")
    page = re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+\"", "", page)
    return re.sub(r'data-id="\d+"|/requests/\d+/|\d{4}-\d{2}-\d{2} \d{2}:\d{2}', "#", page)


def test_what_the_operator_sees_afterwards_is_the_same(world, client_as):
    """The side effects visible to the operator: its requests page lists the two alike (no enterprise name, no
    deciding region, no decider), and neither enterprise is visible to it."""
    operator = client_as("park_operator")
    form = {"park": world.xltd.pk, "signed_on": "2025-01-02"}
    texts = []
    for code in (world.ent_laoshan.uscc, NOWHERE):
        response = operator.post(reverse("enterprises:create"), {**REGISTRATION, **form, "uscc": code,
                                                                  "status": "active", "listing": "unlisted"},
                                 follow=True)
        texts.append(([str(m) for m in response.context["messages"]], response.redirect_chain))
    assert texts[0] == texts[1] and texts[0][1][-1][0] == reverse("enterprises:requests")
    rows = re.findall(r"<tr #>.*?</tr>", _requests_page(operator), re.S)
    assert len(rows) == 2 and rows[0] == rows[1]
    # Rejected alike: the reason is shown, the decider's name and region are not.
    staff = {"elsewhere": world.laoshan_staff, "nowhere": world.user("region_staff")}
    for which, code in (("elsewhere", world.ent_laoshan.uscc), ("nowhere", NOWHERE)):
        filed = EnterpriseRequest.objects.get(uscc=code)
        ent.enterprise_request_reject(actor=staff[which], request=filed, reason="不予办理")
    rows = re.findall(r"<tr #>.*?</tr>", _requests_page(operator), re.S)
    assert len(rows) == 2 and rows[0] == rows[1] and "不予办理" in rows[0]
    assert world.laoshan_staff.username not in rows[0] and world.user("region_staff").username not in rows[0]
    assert operator.get(reverse("enterprises:detail", args=[world.ent_laoshan.pk])).status_code == 404


def test_lead_conversion_answers_both_codes_alike(world, client_as):
    operator = client_as("park_operator")
    answers = []
    for lead, code in ((world.lead_xltd, world.ent_laoshan.uscc), (world.lead_xltd, NOWHERE)):
        response = operator.post(reverse("investment:lead_convert", args=[lead.pk]),
                                 {"park": world.xltd.pk, "signed_on": "2025-01-02", "uscc": code, "name": "远航数据"},
                                 follow=True)
        answers.append(([str(m) for m in response.context["messages"]], response.redirect_chain,
                        response.status_code))
    assert answers[0] == answers[1]
    assert Lead.objects.get(pk=world.lead_xltd.pk).settlement_id is None
    assert EnterpriseRequest.objects.filter(park=world.xltd, status="pending").count() == 2


def test_the_importer_refuses_both_codes_for_an_operator_with_one_message(world, client_as):
    operator = client_as("park_operator")
    rows = [["统一社会信用代码", "企业名称", "所属区划", "园区"],
            [world.ent_laoshan.uscc, "青岛崂山海洋科技有限公司", "370213", "信联天地"],
            [NOWHERE, "青岛新来科技有限公司", "370213", "信联天地"]]
    batch = upload(operator, "enterprises.csv", files.csv_file(rows))
    mapping = {f"col_{k}": v for k, v in batch.mapping.items()}
    assert operator.post(f"/imports/{batch.pk}/mapping/", mapping).status_code == 302
    batch.refresh_from_db()
    report = [(entry[1], entry[2], entry[3]) for entry in batch.report]
    assert len(report) == 2 and report[0] == report[1], report
    assert any(m in str(report[0][2]) for m in ("不在您园区的企业之列", "not among the enterprises of your parks"))
    assert not Enterprise.objects.filter(uscc=NOWHERE).exists()


def test_district_staff_keep_the_direct_path(world):
    staff = Api(world.user("region_staff"))
    code = make_uscc(random.Random(78), "370213")
    response = staff.post("/api/enterprises/", {**REGISTRATION, "uscc": code, "park": world.smyz.pk,
                                                 "signed_on": "2025-01-02"})
    assert response.status_code == 201, response.json()
    assert Settlement.objects.active().filter(enterprise__uscc=code, park=world.smyz).exists()
    code = make_uscc(random.Random(79), "370213")
    response = staff.post("/api/settlements/", {"uscc": code, "park": world.smyz.pk, "signed_on": "2025-01-02"})
    assert response.status_code == 202  # no registration data: nothing to register, a request


def test_an_approved_request_for_a_new_code_registers_it_from_the_operators_data(world, client_as):
    operator = Api(world.user("park_operator"))
    response = operator.post("/api/enterprises/", {**REGISTRATION, "uscc": NOWHERE, "park": world.xltd.pk,
                                                    "signed_on": "2025-01-02"})
    filed = EnterpriseRequest.objects.get(pk=response.json()["id"])
    assert filed.region_id == "370213" and filed.enterprise is None
    assert filed.registration["name"] == "青岛新来科技有限公司"
    staff = client_as("region_staff")
    assert "青岛新来科技有限公司" in staff.get(reverse("enterprises:requests")).content.decode()
    staff.post(reverse("enterprises:request_approve", args=[filed.pk]))
    filed.refresh_from_db()
    enterprise = Enterprise.objects.get(uscc=NOWHERE)
    assert (filed.status, filed.enterprise, filed.settlement.park) == ("approved", enterprise, world.xltd)
    assert (enterprise.name, enterprise.region_id, enterprise.industry_id) == ("青岛新来科技有限公司", "370213", "6513")
    assert operator.get(f"/api/enterprises/{enterprise.pk}").status_code == 200


def test_an_operator_cannot_change_a_uscc_so_a_taken_and_a_free_code_answer_alike(world: World) -> None:
    """Correcting a USCC is district staff's: the operator's change to a code registered elsewhere and to one
    registered nowhere get the same 422, field by field, and nothing changes."""
    operator = Api(world.users["park_operator"])
    e = world.ent_xltd
    free = make_uscc(random.Random(991), "370213")
    answers = []
    for code in (world.ent_laoshan.uscc, free):
        response = operator.patch(f"/api/enterprises/{e.pk}", {"uscc": code})
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] and answers[0][0] == 422
    assert list(answers[0][1]["errors"]) == ["uscc"]
    e.refresh_from_db()
    assert e.uscc == world.ent_xltd.uscc
