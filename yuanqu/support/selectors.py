"""Every scoped read of enterprise services: the catalogue, request lists, the handler's queue, overdue lists."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from yuanqu.core.roles import EDIT_PARK

from .models import Rectification, RequestQuerySet, Service, ServiceRequest


def services_for(user: Any) -> QuerySet[Service]:
    return Service.objects.visible_to(user).select_related("park", "default_rule", "region")


def requests_for(user: Any) -> RequestQuerySet:
    return ServiceRequest.objects.visible_to(user).select_related("service", "enterprise", "park", "handler",
                                                                  "rule", "rating")


def queue_for(user: Any) -> RequestQuerySet:
    """The open requests the user handles, plus (for dispatchers) the accepted ones awaiting dispatch."""
    qs = requests_for(user).open()
    mine = qs.filter(handler=user)
    if getattr(user, "role", None) in EDIT_PARK:
        return mine | qs.filter(status=ServiceRequest.Status.ACCEPTED)
    return mine


def queue_count(user: Any) -> int:
    return queue_for(user).count() if getattr(user, "role", None) in EDIT_PARK else 0


def overdue_for(user: Any) -> RequestQuerySet:
    return requests_for(user).overdue(timezone.now())


def rectifications_for(user: Any) -> QuerySet[Rectification]:
    return Rectification.objects.visible_to(user).select_related("request", "request__enterprise", "rating",
                                                                 "owner")


def handler_choices(request: ServiceRequest) -> list[Any]:
    """Users who may handle the request: district staff of its region and the operators of its park."""
    from yuanqu.accounts.models import User

    codes = [request.region_id[:n] for n in (2, 4, 6)]
    staff = User.objects.filter(role="region_staff", region_id__in=codes, is_active=True)
    operators = (User.objects.filter(role="park_operator", parks=request.park_id, is_active=True)
                 if request.park_id else User.objects.none())
    return list((staff | operators).distinct().order_by("username"))
