"""Scoped reads of shared data: the audit log (auditors only) and reference lists."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent, IndustryCode, Region
from .scoping import region_prefix_q


def audit_events_for(user: Any) -> QuerySet[AuditEvent]:
    """Audit events an auditor may read: those of its region and below (everyone else: none)."""
    return AuditEvent.objects.visible_to(user)


def regions_under(code: str) -> QuerySet[Region]:
    """The region ``code`` and every region below it."""
    return Region.objects.filter(region_prefix_q("code", code))


def industry_choices(level: int | None = None) -> QuerySet[IndustryCode]:
    """Industries for pickers; classes (小类) by default."""
    return IndustryCode.objects.filter(level=level or IndustryCode.Level.CLASS).order_by("code")
