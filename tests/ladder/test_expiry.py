"""The daily refresh of the designation cache: a 高企 valid until yesterday is no longer one after the run, one valid
until tomorrow still is; the run is audited as a system action and the next run starts from its day."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Designation, Enterprise
from yuanqu.enterprises.tasks import designation_expiry

K = Designation.Kind


def _high_tech(world: World, e: Enterprise, valid_until: dt.date) -> Designation:
    today = timezone.localdate()
    d = ent.designation_grant(actor=world.users["region_staff"], enterprise=e, kind=K.HIGH_TECH,
                              recognised_on=today - dt.timedelta(days=400), valid_until=valid_until)
    return d


def test_an_expired_high_tech_is_dropped_and_a_valid_one_kept(world: World) -> None:
    today = timezone.localdate()
    expired, valid = world.ent_xltd, world.ent_smyz
    # both in force when granted: the cache says 高企 for each (as it did yesterday)
    _high_tech(world, expired, today)
    _high_tech(world, valid, today + dt.timedelta(days=1))
    assert Enterprise.objects.get(pk=expired.pk).is_high_tech and Enterprise.objects.get(pk=valid.pk).is_high_tech
    # the day passes: the first validity ended yesterday
    Designation.objects.filter(enterprise=expired).update(valid_until=today - dt.timedelta(days=1))
    assert Enterprise.objects.get(pk=expired.pk).is_high_tech  # the stale cache, until the run
    out = StringIO()
    call_command("designation_expiry", stdout=out)
    assert "1 enterprise(s) refreshed" in out.getvalue()
    assert not Enterprise.objects.get(pk=expired.pk).is_high_tech
    assert Enterprise.objects.get(pk=valid.pk).is_high_tech
    # audited with no user: the enterprise's change and the run itself
    change = AuditEvent.objects.filter(object_type="enterprises.Enterprise", object_id=str(expired.pk),
                                       action="update").latest("id")
    assert change.actor is None and change.after["is_high_tech"] is False
    run = AuditEvent.objects.filter(object_type="enterprises.Designation", after__batch=ent.EXPIRY_BATCH).get()
    assert run.actor is None and run.after["on"] == today.isoformat() and run.after["changed"] == 1


def test_the_next_run_starts_from_the_last_and_tomorrows_expiry_is_caught(world: World) -> None:
    today = timezone.localdate()
    _high_tech(world, world.ent_smyz, today + dt.timedelta(days=1))
    assert ent.designation_flags_daily(today=today) == []
    # two days on, its validity has passed: the run of that day drops it
    assert ent.designation_flags_daily(today=today + dt.timedelta(days=2)) == [world.ent_smyz.pk]
    assert not Enterprise.objects.get(pk=world.ent_smyz.pk).is_high_tech
    # a designation that turned before the last run is not looked at again (the cache of an enterprise is
    # written by the services meanwhile): the third run checks nothing
    assert ent.designation_flags_daily(today=today + dt.timedelta(days=3)) == []
    last = AuditEvent.objects.filter(after__batch=ent.EXPIRY_BATCH).latest("id")
    assert last.after["checked"] == 0 and last.after["since"] == (today + dt.timedelta(days=2)).isoformat()


def test_the_task_runs_the_same_refresh(world: World) -> None:
    today = timezone.localdate()
    _high_tech(world, world.ent_xltd, today)
    Designation.objects.filter(enterprise=world.ent_xltd).update(valid_until=today - dt.timedelta(days=1))
    assert designation_expiry.call() == [world.ent_xltd.pk]
    assert not Enterprise.objects.get(pk=world.ent_xltd.pk).is_high_tech
