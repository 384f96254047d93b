"""The bad-input tests' "loses nothing" check can fail: a changed field, a new row or a written audit event is seen
on either database, and only what the check allows (an audited read, a login's timestamp) is not."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.bad_input_support import assert_unchanged, db_state
from yuanqu.core.audit import record, record_download
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Contact
from yuanqu.parks.models import Park


def test_a_changed_field_is_seen(world):
    before = db_state()
    Park.objects.filter(pk=world.xltd.pk).update(name="改了名的园区")
    with pytest.raises(AssertionError, match="parks.Park"):
        assert_unchanged(before)


def test_a_new_row_and_a_deleted_one_are_seen(world):
    before = db_state()
    Contact.objects.filter(pk=world.contact_xltd.pk).delete()
    with pytest.raises(AssertionError, match="enterprises.Contact"):
        assert_unchanged(before)


def test_an_audited_change_is_seen_but_an_audited_read_and_a_login_time_are_not(world):
    staff = world.users["region_staff"]
    before = db_state()
    record_download(actor=staff, filename="简报.docx")
    type(staff).objects.filter(pk=staff.pk).update(last_login=timezone.now())
    assert_unchanged(before)
    record(actor=staff, action=AuditEvent.Action.UPDATE, obj=world.xltd, before={"name": "a"}, after={"name": "b"})
    with pytest.raises(AssertionError, match="core.AuditEvent"):
        assert_unchanged(before)
