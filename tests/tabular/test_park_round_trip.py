"""The park list's export imports back without changes, focus industries (主导产业, a list cell) included."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from tests.conftest import World
from yuanqu.core.models import IndustryCode
from yuanqu.parks.models import Park
from yuanqu.tabular import engine

from .test_round_trip import preview_and_commit, upload


def _parks() -> list[tuple[object, ...]]:
    return [(p.name, p.kind, p.status, p.address, p.land_area_mu, p.floor_area_m2, p.opened_on,
             sorted(p.industries.values_list("code", flat=True)))
            for p in Park.objects.order_by("name").prefetch_related("industries")]


def test_the_park_export_imports_back_without_changes(world: World, client_as: Callable[[str], Client]) -> None:
    staff = client_as("region_staff")
    world.xltd.industries.set(IndustryCode.objects.filter(code__in=["6510", "6520", "2710"]))
    before = _parks()
    export = staff.get("/parks/?export=xlsx")
    assert export.status_code == 200
    batch = upload(staff, "parks.xlsx", export.content, entity="parks")
    assert batch.mapping.get(str(next(i for i, c in enumerate(batch.columns) if "主导产业" in str(c)))) \
        == "industries", batch.mapping
    assert not engine.mapping_problems(batch)
    batch = preview_and_commit(staff, batch)
    assert batch.status == "committed", batch.error
    assert batch.counts["unchanged"] == batch.counts["total"], batch.report
    assert _parks() == before
