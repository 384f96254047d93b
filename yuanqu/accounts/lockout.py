"""Lock-out after failed log-ins, by django-axes: per user name + address, and per address with a higher limit.

Why two keys (issue 12, M8): a lock-out per account alone lets anyone keep ``admin`` locked out from everywhere,
and lets one address try a few passwords on each of many user names. Here a user name is locked only for the
address that failed with it (``LOGIN_MAX_FAILURES``), and an address is stopped for every user name once it has
failed ``LOGIN_IP_MAX_FAILURES`` times in the window (``LOGIN_LOCK_MINUTES``). Unknown user names are counted
exactly like existing ones, so the lock-out message cannot tell which names exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The one message of a lock-out, whatever the user name (and whether it exists).
LOCKED_MESSAGE = _("Too many failed log-ins from your address. Try again later.")


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for the address-wide count.

    ``AXES_LOCKOUT_PARAMETERS`` is ``[["username", "ip_address"], "ip_address"]``: axes counts both and compares
    the larger with one limit; this handler compares the pair with ``LOGIN_MAX_FAILURES`` and the address with
    ``LOGIN_IP_MAX_FAILURES``, and reports the pair's count unless the address is over its own limit.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        pair, address = (qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
                         for qs in self.get_user_attempts(request, credentials))
        if address >= settings.LOGIN_IP_MAX_FAILURES:
            return max(pair, get_failure_limit(request, credentials))
        return pair

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        """A good password clears the failures of this user name from this address only: logging in with an
        account of one's own never clears an address's count of failures with other names."""
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username(),
                                     ip_address=getattr(request, "axes_ip_address", None)).delete()


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: Any = None) -> HttpResponse:
    """The log-in page the view rendered (with the lock-out message, the same for every user name), as 429."""
    if original_response is None:
        original_response = HttpResponse(LOCKED_MESSAGE, content_type="text/plain; charset=utf-8")
    original_response.status_code = 429
    return original_response


def username_locked(username: str) -> bool:
    """Whether this user name is locked out from at least one address now (shown to the region admin)."""
    return AccessAttempt.objects.filter(username=username, attempt_time__gte=_window_start(),
                                        failures_since_start__gte=settings.LOGIN_MAX_FAILURES).exists()


def username_unlock(username: str) -> int:
    """Forget the failed log-ins of a user name from every address (after a password reset)."""
    return AccessAttempt.objects.filter(username=username).delete()[0]
