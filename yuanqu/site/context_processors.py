"""Template context shared by every page: the navigation of the user's role, as the apps registered it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from yuanqu.accounts.identity import pending_step_for_request
from yuanqu.core.registry import NAV_GROUPS, nav
from yuanqu.core.roles import Role


def current_href(path: str, hrefs: list[str], namespace: str, keys: list[str]) -> str:
    """The one entry a page highlights: the entry whose address is the longest prefix of the page's own (the list
    of indicators under /stats/indicators/ is not the statistics entry /stats/), else the first of its namespace.

    The home page ("/") is a prefix of everything, so it only matches itself.
    """
    best = ""
    for href in hrefs:
        if href == "/":
            if path == "/":
                return href
            continue
        if path.startswith(href) and len(href) > len(best):
            best = href
    if best:
        return best
    for key, href in zip(keys, hrefs, strict=True):
        if key == namespace:
            return href
    return ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the current user's role may open, grouped, with their badges and the page's own entry."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "nav_groups": []}
    if pending_step_for_request(request) is not None:  # a second factor or a new password is owed: no menu until then
        return {"nav": [], "nav_groups": [], "identity_pending": True}
    registered = nav.entries_for(user.role)
    entries = [entry.render(user) for entry in registered]
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    active = current_href(request.path, [href for _k, _l, href in entries], namespace,
                          [key for key, _l, _h in entries])
    groups = []
    for group in NAV_GROUPS:
        items = [{"key": key, "label": label, "href": href, "active": href == active}
                 for entry, (key, label, href) in zip(registered, entries, strict=True) if entry.group == group.key]
        if items:
            # Every group starts open (a clerk sees the whole menu); site.js folds the ones the user folded before,
            # except the group of the page itself.
            groups.append({"key": group.key, "label": group.label, "items": items, "open": True,
                           "current": any(item["active"] for item in items)})
    return {"nav": entries, "nav_groups": groups, "nav_current": namespace, "nav_active": active, "Role": Role,
            "search_url": reverse("search")}
