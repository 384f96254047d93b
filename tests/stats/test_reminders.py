"""Reminders (催报): the in-app notice is written with the reminder; e-mail and SMS go out only after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.stats import services
from yuanqu.stats.models import Notice

#: What the test adapters saw, in order: ("broken" | "recording", notice id).
CALLS: list[tuple[str, int]] = []


def broken(notice: Any) -> bool:
    """An adapter whose gateway is down."""
    CALLS.append(("broken", notice.pk))
    raise ConnectionError("SMS gateway unreachable")


def recording(notice: Any) -> bool:
    """An adapter that delivers, and remembers it."""
    CALLS.append(("recording", notice.pk))
    return True


@pytest.fixture
def adapters(settings: Any) -> list[tuple[str, int]]:
    CALLS.clear()
    settings.YUANQU_NOTICE_ADAPTERS = ["tests.stats.test_reminders.broken", "tests.stats.test_reminders.recording",
                                       "yuanqu.stats.notify.email"]
    return CALLS


def test_a_failing_adapter_keeps_the_notice_and_its_audit_event(world: World, adapters: list[tuple[str, int]],
                                                                django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [notice] = services.report_remind(actor=world.users["region_staff"], reports=[world.report_xltd])
    assert adapters == [] and len(mail.outbox) == 0  # nothing is sent inside the reminder's transaction
    for callback in callbacks:
        callback()  # the transaction has committed: now the adapters run, one of them raising
    assert adapters == [("broken", notice.pk), ("recording", notice.pk)]
    stored = Notice.objects.get(pk=notice.pk)
    assert stored.channels == "recording,email" and mail.outbox[0].to == ["zhangwei@example.cn"]
    event = AuditEvent.objects.get(object_type="stats.Notice", object_id=str(notice.pk))
    assert event.after["adapters"] == ["broken", "recording", "email"]


def test_no_adapter_runs_when_the_reminder_is_rolled_back(world: World, adapters: list[tuple[str, int]],
                                                         django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.report_remind(actor=world.users["region_staff"], reports=[world.report_xltd])
            raise RuntimeError("the request failed after the reminder was written")
    assert callbacks == [] and adapters == [] and len(mail.outbox) == 0
    assert not Notice.objects.exists() and not AuditEvent.objects.filter(object_type="stats.Notice").exists()
