"""The one scope every read of tenant data goes through: ``Model.objects.visible_to(user)``.

An object outside the user's scope is simply absent from the queryset, so views answer 404 and
never confirm that it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows how to restrict itself to what a user may see.

    Subclasses define ``visible_to(user)``; the role × URL test checks every view uses it.
    """

    def visible_to(self, user: User | Any) -> ScopedQuerySet[M]:  # overridden by every subclass
        return self.none()


def get_visible_or_404(queryset: models.QuerySet[M], user: User | Any, **lookup: Any) -> M:
    """The object matching ``lookup`` among those ``user`` may see, or a 404."""
    try:
        return queryset.visible_to(user).get(**lookup)  # type: ignore[attr-defined, no-any-return]
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
