"""Scoped reads of shared data: the audit log (auditors only) and reference lists."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent, IndustryCode, Region
from .roles import Role


def audit_events_for(user: Any) -> QuerySet[AuditEvent]:
    """Audit events an auditor may read: those of its region and below (everyone else: none)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.AUDITOR:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(region_code__startswith=user.region_id)


def regions_under(code: str) -> QuerySet[Region]:
    """The region ``code`` and every region below it."""
    return Region.objects.filter(code__startswith=code)


def industry_choices(level: int | None = None) -> QuerySet[IndustryCode]:
    """Industries for pickers; classes (小类) by default."""
    return IndustryCode.objects.filter(level=level or IndustryCode.Level.CLASS).order_by("code")
