"""Template context shared by every page: the navigation of the user's role, as the apps registered it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yuanqu.accounts.identity import pending_step
from yuanqu.core.registry import nav
from yuanqu.core.roles import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the current user's role may open, with their badges (due follow-ups, reminders)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    if pending_step(user) is not None:  # a second factor or a new password is owed: no menu until then
        return {"nav": [], "identity_pending": True}
    entries = [entry.render(user) for entry in nav.entries_for(user.role)]
    current = request.resolver_match.namespace if request.resolver_match else ""
    return {"nav": entries, "nav_current": current, "Role": Role}
