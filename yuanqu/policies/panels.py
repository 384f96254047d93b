"""The card the policy app adds to the enterprise page, and its navigation badges. (Its cockpit and park figures
are a figure group: ``figures.py``.)"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from yuanqu.core.roles import BUSINESS_ROLES, Role

from . import compliance, selectors
from .models import Agreement, Application, PolicyNotice


def unread_count(user: Any) -> int:
    """Unread policy notices of the enterprise user."""
    return PolicyNotice.objects.visible_to(user).filter(read_at__isnull=True).count()


def overdue_count(user: Any) -> int:
    """Applications in scope whose review or payment is overdue (staff see the count in the menu)."""
    if user.role != Role.REGION_STAFF:
        return 0
    today = timezone.localdate()
    qs = Application.objects.visible_to(user)
    return (qs.filter(status__in=("submitted", "supplement", "review"), review_due__lt=today).count()
            + qs.filter(status="approved", payment_due__lt=today).count())


def enterprise_card(request: Any, enterprise: Any) -> str:
    """On an enterprise's page (its home page for its own users): the clauses it qualifies for, with the reason,
    its applications and agreements."""
    user = request.user
    if user.role not in BUSINESS_ROLES:
        return ""
    matches = [m for m in selectors.matches_for(user).filter(enterprise=enterprise, outcome__in=["eligible",
                                                                                                 "unknown"])]
    apps = Application.objects.visible_to(user).filter(enterprise=enterprise).select_related("clause")[:10]
    agreements = Agreement.objects.visible_to(user).filter(enterprise=enterprise)
    return render_to_string("policies/_enterprise_card.html", {
        "matches": matches, "apps": apps,
        "agreements": [(a, compliance.check_agreement(a)) for a in agreements]}, request=request)
