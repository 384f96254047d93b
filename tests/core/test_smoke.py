"""The shared world builds, and the reference data is loaded."""

from yuanqu.core.models import IndustryCode, Region


def test_it_loads_the_reference_tables(db):
    assert Region.objects.get(pk="370213").full_name == "山东省青岛市李沧区"
    assert IndustryCode.objects.filter(level=4).count() == 1381
    assert IndustryCode.objects.filter(level=1).count() == 20


def test_it_builds_the_shared_world(world):
    assert world.st_xltd.stage == "moved_in"
    assert world.users["park_operator"].parks.get() == world.xltd
