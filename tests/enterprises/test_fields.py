"""The enterprise field list is defined once (enterprises.models.ENTERPRISE_FIELDS): the form and the export
derive from it, and the importer's and the API's fields are held to it."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import login
from tests.helpers import read_csv
from yuanqu.enterprises.forms import EnterpriseForm
from yuanqu.enterprises.models import ENTERPRISE_FIELDS, LADDER_FIELDS
from yuanqu.tabular.registry import get_importer


def test_the_form_asks_for_the_listed_fields_in_order(world):
    form = EnterpriseForm(user=world.users["region_staff"], creating=True)
    # the designation cache (高企, 专精特新, listing) is granted on the 梯度培育 page, never ticked on the form
    typed = [f for f in ENTERPRISE_FIELDS if f not in LADDER_FIELDS]
    assert [f for f in form.fields if f in ENTERPRISE_FIELDS] == typed
    assert set(form.fields) - set(typed) == {"park", "signed_on"}


def test_the_export_has_a_column_per_field_in_the_same_order(client, world):
    login(client, world.users["region_staff"])
    header = read_csv(client.get(reverse("enterprises:list"), {"export": "csv"}))[0]
    assert header[:3] == ["统一社会信用代码", "名称", "行业代码"]
    # industry and region have code and name; plus the parks with their stages and the contact phone
    assert len(header) == len(ENTERPRISE_FIELDS) + 4


def test_the_importer_and_the_api_take_the_same_fields(world, client_as):
    importer = get_importer("enterprises")
    assert importer is not None
    assert set(ENTERPRISE_FIELDS) <= {f.name for f in importer.fields}
    schemas = client_as("leader").get("/api/openapi.json").json()["components"]["schemas"]
    assert set(schemas["EnterpriseIn"]["properties"]) - {"park", "signed_on"} == set(ENTERPRISE_FIELDS)
    assert set(schemas["EnterprisePatch"]["properties"]) <= set(ENTERPRISE_FIELDS)
