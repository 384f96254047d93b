"""Scoped reads for enterprise pages, with personal data masked by role."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yuanqu.core.roles import Role
from yuanqu.core.text import mask_email, mask_phone

from .models import Contact, Enterprise, Settlement


def may_see_personal_data(user: Any, enterprise_id: int) -> bool:
    """Phones and e-mails in full: district staff and the enterprise's own users only."""
    if user.role == Role.REGION_STAFF:
        return True
    return user.role == Role.ENTERPRISE_USER and user.enterprise_id == enterprise_id


def contact_phone(user: Any, contact: Contact) -> str:
    """The contact's phone as ``user`` may see it."""
    if not contact.phone:
        return ""
    return contact.phone if may_see_personal_data(user, contact.enterprise_id) else mask_phone(contact.phone)


def contact_email(user: Any, contact: Contact) -> str:
    """The contact's e-mail as ``user`` may see it."""
    if not contact.email:
        return ""
    return contact.email if may_see_personal_data(user, contact.enterprise_id) else mask_email(contact.email)


def contacts_for(user: Any, enterprise: Enterprise) -> list[dict[str, Any]]:
    """An enterprise's contacts, with phone and e-mail masked as the user's role requires."""
    return [
        {"contact": c, "phone": contact_phone(user, c), "email": contact_email(user, c)}
        for c in Contact.objects.visible_to(user).filter(enterprise=enterprise)
    ]


def enterprises_for_list(user: Any) -> QuerySet[Enterprise]:
    """Enterprises the user may see, for the list page."""
    return Enterprise.objects.visible_to(user).select_related("industry", "region")


def settlements_for_list(user: Any) -> QuerySet[Settlement]:
    """Settlements the user may see, for the list page."""
    return Settlement.objects.visible_to(user).select_related("enterprise", "park")
