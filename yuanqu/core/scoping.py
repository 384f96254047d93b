"""The one scope every read of tenant data goes through: ``Model.objects.visible_to(user)``.

Each tenant model's queryset declares, once, where its rows lie (``scope = Scope(...)``): the path to
its region, its park, its enterprise, a parent whose scope it shares, an owner, and which roles may
edit. :class:`ScopedQuerySet` generates ``visible_to(user)``, ``editable_by(user)``, ``in_region(code)``
and ``in_parks(parks)`` from that declaration, so the rules are written here and nowhere else.

An object outside the user's scope is simply absent from the queryset, so views answer 404 and never
confirm that it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from .roles import ENTERPRISE_SIDE, PARK_SIDE, REGION_WIDE

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

M = TypeVar("M", bound=models.Model)

Paths = str | tuple[str, ...]


def _paths(value: Paths) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def region_prefix_q(path: str, code: str | None) -> Q:
    """Rows whose region code at ``path`` is ``code`` or lies below it.

    A Region's key is its 2/4/6-digit code, so "this region and everything below it" is a prefix
    match. ``path`` names the code itself (``"code"``, ``"region_code"``, ``"park__region__code"``).
    An empty code matches nothing: a prefix of "" would match every region.
    """
    if not code:
        return Q(pk__in=[])
    return Q(**{f"{path}__startswith": code})


def region_contains(outer: str | None, code: str | None) -> bool:
    """Whether the region ``code`` is ``outer`` or lies below it."""
    return bool(code) and bool(outer) and str(code).startswith(str(outer))


def region_within(code: str | None, user: Any) -> bool:
    """Whether the region ``code`` lies inside ``user``'s region (a region the user picked or gave)."""
    return region_contains(getattr(user, "region_id", None), code)


@dataclass(frozen=True)
class Scope:
    """Where a model's rows lie, declared once on its queryset.

    - ``region``: path(s) to a Region foreign key or to a region-code field; ``region_roles`` see the rows
      whose region is theirs or below. Several paths are OR'ed.
    - ``park``: path(s) to a Park foreign key; ``park_roles`` see the rows of the parks they run.
    - ``enterprise``: path(s) to an Enterprise foreign key; ``enterprise_roles`` see their enterprise's rows.
    - ``via``: path(s) to a parent whose own scope applies (a contact is visible with its enterprise).
    - ``owner``: path to a user; ``owner_roles`` see only the rows they own.
    - ``everyone``: roles that see every row (shared dictionaries).
    - ``edit``: roles that may change the rows they see (``None`` with ``via``: the parent's editors);
      ``edit_own``: editors change only the rows they own (``owner``), whatever else they see.

    A path through a multi-valued relation (reverse foreign key, many-to-many) is turned into a
    ``pk__in`` subquery, so a row reached twice is still listed once.
    """

    region: Paths = ()
    park: Paths = ()
    enterprise: Paths = ()
    via: Paths = ()
    owner: str = ""
    everyone: frozenset[str] = frozenset()
    edit: frozenset[str] | None = frozenset()
    edit_own: bool = False
    region_roles: frozenset[str] = field(default=REGION_WIDE)
    park_roles: frozenset[str] = field(default=PARK_SIDE)
    enterprise_roles: frozenset[str] = field(default=ENTERPRISE_SIDE)
    owner_roles: frozenset[str] = field(default=PARK_SIDE)


def _hops(model: type[models.Model], path: str) -> list[Any]:
    """The fields along ``path`` from ``model`` (relations only; a trailing plain field is included)."""
    fields = []
    current: Any = model
    for name in path.split("__"):
        f = current._meta.pk if name == "pk" else current._meta.get_field(name)
        fields.append(f)
        if not f.is_relation:
            break
        current = f.related_model
    return fields


def _is_multi(f: Any) -> bool:
    return bool(f.many_to_many or f.one_to_many)


def path_q(model: type[models.Model], path: str, lookup: str, value: Any) -> Q:
    """``Q(<path>__<lookup>=value)`` on ``model``, as a ``pk__in`` subquery when ``path`` is multi-valued.

    A first hop over a reverse foreign key becomes a subquery on the related table (``Enterprise``
    "settlements__park" → ``pk IN (SELECT enterprise_id FROM settlement WHERE park …)``), which
    needs no join back to ``model``; any other multi-valued path filters ``model`` in a subquery.
    """
    key = f"{path}__{lookup}" if lookup else path
    hops = _hops(model, path)
    if not any(_is_multi(f) for f in hops):
        return Q(**{key: value})
    first, rest = hops[0], path.split("__", 1)[1:]
    if first.one_to_many and rest and not any(_is_multi(f) for f in hops[1:]):
        related = first.related_model
        inner = f"{rest[0]}__{lookup}" if lookup else rest[0]
        return Q(pk__in=related._base_manager.filter(**{inner: value}).values(first.field.attname))
    return Q(pk__in=model._base_manager.filter(**{key: value}).values("pk"))


def _region_code_path(model: type[models.Model], path: str) -> str:
    """``path`` extended to the region code it names (a Region foreign key → its key, the code)."""
    last = _hops(model, path)[-1]
    if last.is_relation:
        return f"{path}__{last.related_model._meta.pk.name}"
    return path


def _parent(model: type[models.Model], path: str) -> Any:
    """The default manager of the model at the end of ``path``."""
    return _hops(model, path)[-1].related_model._default_manager


def _any(conditions: Iterable[Q]) -> Q | None:
    result: Q | None = None
    for q in conditions:
        result = q if result is None else result | q
    return result


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that restricts itself to what a user may see, from its declared :class:`Scope`.

    Subclasses set ``scope``; nothing else. The role × URL test checks every view reads through it.
    """

    scope: Scope = Scope()
    #: Archived rows (core.models.Archivable): "live" leaves them out of every scoped read, "only" lists them
    #: (the 已归档 filter), "all" reads both (a restore).
    _archived: str = "live"

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._archived = self._archived
        return clone  # type: ignore[no-any-return]

    def archived(self) -> Self:
        """Only the archived rows (for the lists' 已归档 filter); ``visible_to`` and its siblings still scope them."""
        clone = self.filter(archived_at__isnull=False)
        clone._archived = "only"
        return clone  # type: ignore[no-any-return]

    def with_archived(self) -> Self:
        """Archived rows and live ones alike (to restore or hard-delete a row); the scope still applies."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._archived = "all"
        return clone  # type: ignore[no-any-return]

    def _live(self) -> Self:
        """Without archived rows, nor rows of an archived park or enterprise (by the declared single-valued paths)."""
        model = self.model
        names = {f.name for f in model._meta.concrete_fields}
        qs = self
        if "archived_at" in names:
            if self._archived == "only":
                qs = qs.filter(archived_at__isnull=False)
            elif self._archived == "live":
                qs = qs.filter(archived_at__isnull=True)
        if self._archived == "all":
            return qs
        for path in (*_paths(self.scope.park), *_paths(self.scope.enterprise)):
            if path == "pk":
                continue
            hops = _hops(model, path)
            target = hops[-1].related_model if hops[-1].is_relation else None
            if any(_is_multi(f) for f in hops) or target is None or target is model:
                continue
            if "archived_at" in {f.name for f in target._meta.concrete_fields}:
                # (a null foreign key passes: isnull=True joins outward)
                qs = qs.filter(**{f"{path}__archived_at__isnull": True})
        return qs

    # ------------------------------------------------------------------ the generated scope

    def _condition(self, user: Any) -> Q | None:
        """The rows ``user`` may see as one condition, or ``None`` for none at all."""
        s, model = self.scope, self.model
        role = user.role
        conditions: list[Q] = [
            path_q(model, p, "in", _parent(model, p).visible_to(user).values("pk")) for p in _paths(s.via)]
        if role in s.region_roles:
            conditions += [self._region_q(p, user.region_id) for p in _paths(s.region)]
        if role in s.park_roles:
            conditions += [path_q(model, p, "in", user.parks.values("pk")) for p in _paths(s.park)]
        if role in s.enterprise_roles and user.enterprise_id is not None:
            conditions += [path_q(model, p, "", user.enterprise_id) for p in _paths(s.enterprise)]
        if s.owner and role in s.owner_roles:
            conditions.append(path_q(model, s.owner, "", user.pk))
        return _any(conditions)

    def _region_q(self, path: str, code: str | None) -> Q:
        model = self.model
        code_path = _region_code_path(model, path)
        hops = _hops(model, path)
        if any(_is_multi(f) for f in hops):
            # Build the prefix on the multi-valued path through path_q, which makes it a subquery.
            return path_q(model, code_path, "startswith", code) if code else Q(pk__in=[])
        return region_prefix_q(code_path, code)

    def visible_to(self, user: User | Any) -> Self:
        """The rows ``user`` may see; anonymous users and roles without a rule see none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.role in self.scope.everyone:
            return self._live()
        condition = self._condition(user)
        return self.none() if condition is None else self._live().filter(condition)

    def editable_by(self, user: User | Any) -> Self:
        """The rows ``user`` may change: those it sees, if its role edits (or the parent's editors, via)."""
        s = self.scope
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if s.edit is None:
            model = self.model
            condition = _any(path_q(model, p, "in", _parent(model, p).editable_by(user).values("pk"))
                             for p in _paths(s.via))
            return self.none() if condition is None else self.filter(condition)
        if user.role not in s.edit:
            return self.none()
        if s.edit_own:
            return self._live().filter(path_q(self.model, s.owner, "", user.pk))
        if user.role in s.everyone:
            return self._live()
        return self.visible_to(user)

    def in_region(self, code: str | None) -> Self:
        """The rows of region ``code`` and below, by the declared region paths (or the parent's, via).

        For reads on behalf of a region rather than a user (a briefing's region, a lookup in the user's
        region); check first that a region the user picked lies inside the user's (:func:`region_within`).
        """
        model = self.model
        conditions = [self._region_q(p, code) for p in _paths(self.scope.region)]
        conditions += [path_q(model, p, "in", _parent(model, p).in_region(code).values("pk"))
                       for p in _paths(self.scope.via)]
        condition = _any(conditions)
        return self.none() if condition is None else self._live().filter(condition)

    def in_parks(self, parks: models.QuerySet[Any]) -> Self:
        """The rows of the parks in ``parks`` (a Park queryset, already scoped), by the declared park paths."""
        model = self.model
        conditions = [path_q(model, p, "in", parks.values("pk")) for p in _paths(self.scope.park)]
        for p in _paths(self.scope.via):
            parent = _parent(model, p)
            # A parent that is the park itself ("building__park") needs no second subquery.
            rows = parks if _paths(parent.all().scope.park) == ("pk",) else parent.in_parks(parks)
            conditions.append(path_q(model, p, "in", rows.values("pk")))
        condition = _any(conditions)
        return self.none() if condition is None else self._live().filter(condition)


def get_visible_or_404(queryset: models.QuerySet[M], user: User | Any, **lookup: Any) -> M:
    """The object matching ``lookup`` among those ``user`` may see, or a 404."""
    try:
        return queryset.visible_to(user).get(**lookup)  # type: ignore[attr-defined, no-any-return]
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
