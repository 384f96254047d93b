"""Types for views: the request of a logged-in user, with htmx details."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from yuanqu.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real User; ``htmx`` comes from django-htmx."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails
