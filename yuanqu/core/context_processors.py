"""Template context shared by every page: the navigation of the user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the current user's role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    role = user.role
    entries: list[tuple[str, str, str]] = [("home", str(_("Overview")), reverse("home"))]
    if role in (Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR):
        entries.append(("dashboards", str(_("Cockpit")), reverse("dashboards:cockpit")))
        entries.append(("briefings", str(_("Briefings")), reverse("briefings:list")))
    if role in (Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR):
        entries.append(("parks", str(_("Parks")), reverse("parks:list")))
    if role in (Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR):
        entries.append(("enterprises", str(_("Enterprises")), reverse("enterprises:list")))
        entries.append(("settlements", str(_("Settlements")), reverse("enterprises:settlements")))
        entries.append(("investment", str(_("Investment promotion")), reverse("investment:leads")))
        entries.append(("projects", str(_("Key projects")), reverse("investment:projects")))
        entries.append(("cases", str(_("Cases")), reverse("investment:cases")))
    if role in (Role.REGION_STAFF, Role.PARK_OPERATOR):
        from yuanqu.investment.selectors import due_count

        due = due_count(user)
        label = str(_("Due follow-ups")) + (f" ({due})" if due else "")
        entries.append(("investment_due", label, reverse("investment:due")))
    if role in (Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR):
        entries.append(("stats", str(_("Economic statistics")), reverse("stats:aggregates")))
    if role in (Role.REGION_STAFF, Role.PARK_OPERATOR):
        entries.append(("tabular", str(_("Import")), reverse("tabular:imports")))
    if role == Role.ENTERPRISE_USER:
        from yuanqu.stats.queries import unread_notice_count

        entries.append(("enterprises", str(_("My enterprise")),
                        reverse("enterprises:detail", args=[user.enterprise_id])))
        entries.append(("stats", str(_("My statistics reports")), reverse("stats:reports")))
        unread = unread_notice_count(user)
        entries.append(("stats_notices", str(_("Reminders")) + (f" ({unread})" if unread else ""),
                        reverse("stats:notices")))
    if role == Role.REGION_ADMIN:
        entries.append(("users", str(_("Users")), reverse("accounts:users")))
    if role == Role.REGION_ADMIN:
        entries.append(("stats", str(_("Indicators")), reverse("stats:indicators")))
    if role in (Role.REGION_STAFF, Role.REGION_ADMIN):
        entries.append(("investment_settings", str(_("Investment-promotion settings")),
                        reverse("investment:settings")))
    if role == Role.AUDITOR:
        entries.append(("audit", str(_("Audit log")), reverse("core:audit")))
    current = request.resolver_match.namespace if request.resolver_match else ""
    return {"nav": entries, "nav_current": current, "Role": Role}
