"""Archive (归档: a soft delete with a reason, restorable, audited), restore, and hard delete of rows with no history.

Parks, enterprises, leads and projects are :class:`~yuanqu.core.models.Archivable`. Archiving a row takes it out of
every scoped read (``ScopedQuerySet``), so it leaves every list, figure, export, picker and search at once, with
the rows of an archived park or enterprise; its 已归档 list (``?archived=1`` on its list) shows it with 恢复.
A row is deleted for good only while it has no history: no audit event but its creation, and no row pointing at
it; otherwise the delete is refused with the reason.

The apps' services (``park_archive`` …) call these with the roles allowed to; the views here are made per model
by :func:`views_for` and mounted by each app's urls.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit
from .listing import paginate
from .models import AuditEvent
from .scoping import get_visible_or_404

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

    from .types import AuthedRequest

#: The longest reason kept (the model's field).
REASON_MAX = 200


def may_archive(actor: User | Any, obj: models.Model, roles: Iterable[str]) -> bool:
    """Whether ``actor`` holds one of ``roles`` and may edit ``obj`` (archived or not)."""
    if not getattr(actor, "is_authenticated", False) or actor.role not in set(roles):
        return False
    manager: Any = type(obj)._default_manager
    return bool(manager.with_archived().editable_by(actor).filter(pk=obj.pk).exists())


def _require(actor: User, obj: models.Model, roles: Iterable[str]) -> None:
    if not may_archive(actor, obj, roles):
        raise PermissionDenied(f"{obj._meta.label} not archivable")


def _state(obj: Any) -> dict[str, Any]:
    return {"archived_at": audit._json_value(obj.archived_at), "archived_by_id": obj.archived_by_id,
            "archive_reason": obj.archive_reason}


@transaction.atomic
def archive(*, actor: User, obj: Any, reason: str, roles: Iterable[str]) -> Any:
    """Archive ``obj`` with ``reason`` (required); one audit event. Archiving an archived row is refused."""
    _require(actor, obj, roles)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason for archiving.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": REASON_MAX}})
    obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if obj.archived_at is not None:
        raise ValidationError(_("This record is already archived."))
    before = _state(obj)
    obj.archived_at, obj.archived_by, obj.archive_reason = timezone.now(), actor, reason
    obj.full_clean()
    obj.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.ARCHIVE, obj=obj, before=before, after=_state(obj))
    return obj


@transaction.atomic
def restore(*, actor: User, obj: Any, roles: Iterable[str]) -> Any:
    """Bring an archived ``obj`` back into every list and figure; one audit event."""
    _require(actor, obj, roles)
    obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if obj.archived_at is None:
        raise ValidationError(_("This record is not archived."))
    before = _state(obj)
    obj.archived_at, obj.archived_by, obj.archive_reason = None, None, ""
    obj.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])
    audit.record(actor=actor, action=AuditEvent.Action.RESTORE, obj=obj, before=before, after=_state(obj))
    return obj


def history(obj: models.Model) -> list[str]:
    """Why ``obj`` cannot be deleted for good (empty: it has no history): its audit events besides its creation
    and archiving, and the rows that point at it."""
    out: list[str] = []
    events = (AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
              .exclude(action__in=[AuditEvent.Action.CREATE, AuditEvent.Action.ARCHIVE, AuditEvent.Action.RESTORE,
                                   AuditEvent.Action.VIEW_PERSONAL, AuditEvent.Action.DOWNLOAD]).count())
    if events:
        out.append(_("it was changed after it was created (%(n)d changes in the audit log)") % {"n": events})
    for rel in obj._meta.related_objects:
        related = rel.related_model
        if related._meta.auto_created:
            continue
        n = related._base_manager.filter(**{rel.field.name: obj.pk}).count()
        if n:
            out.append(_("%(n)d %(kind)s refer to it") % {"n": n, "kind": related._meta.verbose_name_plural})
    return out


@transaction.atomic
def hard_delete(*, actor: User, obj: Any, roles: Iterable[str]) -> None:
    """Delete ``obj`` for good, only while it has no history (:func:`history`); one audit event."""
    _require(actor, obj, roles)
    obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    reasons = history(obj)
    if reasons:
        raise ValidationError(_("It cannot be deleted, only archived: %(why)s.") % {"why": "；".join(reasons)})
    before = audit.snapshot(obj)
    audit.record(actor=actor, action=AuditEvent.Action.DELETE, obj=obj, before=before)
    obj.delete()


# --- views: made per model, mounted by the app ---------------------------------------------------------------


def views_for(model: type[models.Model], *, roles: Iterable[str], list_url: str, archive: Callable[..., Any],
              restore: Callable[..., Any], delete: Callable[..., Any], kw: str) -> dict[str, Callable[..., Any]]:
    """The archive, restore and delete views of ``model`` (POST; 404 outside the scope or the roles).

    ``archive``/``restore``/``delete`` are the app's services, called with ``actor`` and ``<kw>=obj``.
    """
    roles = frozenset(roles)

    def _obj(request: AuthedRequest, pk: int) -> Any:
        obj = get_visible_or_404(model._default_manager.with_archived(), request.user, pk=pk)  # type: ignore[attr-defined]
        if not may_archive(request.user, obj, roles):
            raise Http404
        return obj

    @login_required
    @require_POST
    def archive_view(request: AuthedRequest, pk: int) -> HttpResponse:
        obj = _obj(request, pk)
        try:
            archive(actor=request.user, reason=request.POST.get("reason", ""), **{kw: obj})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(request.POST.get("next") or list_url) if _safe(request) else redirect(list_url)
        messages.success(request, _("“%(name)s” was archived; find it under 已归档 to restore it.") % {"name": obj})
        return redirect(list_url)

    @login_required
    @require_POST
    def restore_view(request: AuthedRequest, pk: int) -> HttpResponse:
        obj = _obj(request, pk)
        try:
            restore(actor=request.user, **{kw: obj})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("“%(name)s” was restored.") % {"name": obj})
        return redirect(f"{_url(list_url)}?archived=1")

    @login_required
    @require_POST
    def delete_view(request: AuthedRequest, pk: int) -> HttpResponse:
        obj = _obj(request, pk)
        name = str(obj)
        try:
            delete(actor=request.user, **{kw: obj})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect(f"{_url(list_url)}?archived=1")

    return {"archive": archive_view, "restore": restore_view, "delete": delete_view}


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _safe(request: AuthedRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                            require_https=request.is_secure())


def archived_page(request: AuthedRequest, queryset: models.QuerySet[Any], *, title: str, list_url: str,
                  roles: Iterable[str]) -> HttpResponse:
    """The 已归档 list of a model: its archived rows in the user's scope, with 恢复 and (without history) 删除.

    ``queryset`` is ``Model.objects.archived().visible_to(user)``; its ``<pk>/restore/`` and ``<pk>/delete/``
    endpoints lie under the list's URL.
    """
    ctx = paginate(request, queryset.select_related("archived_by").order_by("-archived_at", "-pk"), 50)
    roles = frozenset(roles)
    rows = []
    for obj in ctx["page_obj"].object_list:
        can = may_archive(request.user, obj, roles)
        rows.append({"obj": obj, "can_restore": can, "can_delete": can and not history(obj)})
    ctx.update({"rows": rows, "title": title, "list_url": _url(list_url), "base": _url(list_url),
                "total": ctx["page_obj"].paginator.count})
    return render(request, "core/archived_list.html", ctx)
