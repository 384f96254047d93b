"""Delivery of reminders beyond the app: pluggable adapters, none switched on by default.

``YUANQU_NOTICE_ADAPTERS`` lists dotted paths of callables ``adapter(notice) -> bool`` (True when
delivered). The in-app notice is always recorded; adapters only add channels. The services run them
through :func:`deliver_and_record` in ``transaction.on_commit``, never inside the transaction that writes
the notice. Two ship here:

- ``yuanqu.stats.notify.email``: Django's mail to the enterprise's primary contacts' e-mail.
- ``yuanqu.stats.notify.sms``: posts to the gateway at ``YUANQU_SMS_GATEWAY_URL`` (an operator's
  own SMS platform), with the phone numbers of the primary contacts.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import Notice

log = logging.getLogger(__name__)


def _primary_contacts(notice: Any) -> list[Any]:
    from yuanqu.enterprises.models import Contact

    return list(Contact.objects.filter(enterprise_id=notice.enterprise_id, is_primary=True))


def email(notice: Any) -> bool:
    """Send the reminder to the primary contacts that have an e-mail address."""
    to = [c.email for c in _primary_contacts(notice) if getattr(c, "email", "")]
    if not to:
        return False
    return bool(send_mail("统计报表催报", notice.message, None, to, fail_silently=False))


def sms(notice: Any) -> bool:
    """Post the reminder to the configured SMS gateway."""
    url = getattr(settings, "YUANQU_SMS_GATEWAY_URL", "")
    phones = [c.phone for c in _primary_contacts(notice) if c.phone]
    if not url or not phones:
        return False
    body = json.dumps({"phones": phones, "text": notice.message}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (operator-configured URL)
        return 200 <= response.status < 300


def adapter_names() -> list[str]:
    """The short names of the adapters switched on (``email``, ``sms``), as ``Notice.channels`` records them."""
    return [path.rsplit(".", 1)[-1] for path in getattr(settings, "YUANQU_NOTICE_ADAPTERS", [])]


def deliver_and_record(notice: Notice) -> list[str]:
    """Deliver a committed notice by the adapters switched on and store the channels that delivered it.

    Runs after the reminder's transaction has committed: the notice exists whatever the gateways do.
    """
    delivered = deliver(notice)
    if delivered:
        notice.channels = ",".join(delivered)
        Notice.objects.filter(pk=notice.pk).update(channels=notice.channels)
    return delivered


def deliver(notice: Any) -> list[str]:
    """Run each configured adapter; returns the names of those that delivered. Failures are logged, not raised."""
    delivered = []
    for path in getattr(settings, "YUANQU_NOTICE_ADAPTERS", []):
        try:
            if import_string(path)(notice):
                delivered.append(path.rsplit(".", 1)[-1])
        except Exception:  # a broken gateway must not lose the in-app reminder
            log.exception("notice adapter %s failed", path)
    return delivered
