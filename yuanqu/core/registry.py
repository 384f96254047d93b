"""Registries that higher apps fill from ``AppConfig.ready()``, so that core (and site) never name an app.

``nav`` holds the menu: each app registers its own entries (label, URL name, roles, order, an optional badge);
``site`` renders the entries a user's role may open. ``demo`` holds the loaders of the Licang demo: each app's
``demo.py`` registers one (or more) with an order, and ``site`` runs them in that order in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import Promise

if TYPE_CHECKING:
    from yuanqu.accounts.models import User
    from yuanqu.core.demo import DemoContext


@dataclass(frozen=True)
class NavEntry:
    """One menu entry. ``key`` is the URL namespace whose pages highlight the entry."""

    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    order: int
    #: A count shown after the label when it is not zero (due follow-ups, unread reminders).
    badge: Callable[[User], int] | None = None
    #: Arguments of the URL, when it names something of the user's own (their enterprise).
    url_args: Callable[[User], Sequence[Any]] | None = None

    def render(self, user: User) -> tuple[str, str, str]:
        """(key, label with its badge, href) for this user, as the base template reads them."""
        label = str(self.label)
        if self.badge is not None:
            count = self.badge(user)
            if count:
                label += f" ({count})"
        args = list(self.url_args(user)) if self.url_args is not None else []
        return self.key, label, reverse(self.url_name, args=args)


class NavRegistry:
    """The menu, filled by the apps; entries are shown in ``order``, filtered by the user's role."""

    def __init__(self) -> None:
        self._entries: list[NavEntry] = []

    def register(self, *, key: str, label: str | Promise, url_name: str, roles: Collection[str], order: int,
                 badge: Callable[[User], int] | None = None,
                 url_args: Callable[[User], Sequence[Any]] | None = None) -> NavEntry:
        """Add an entry; registering the same URL name for the same roles twice is a programming error."""
        entry = NavEntry(key=key, label=label, url_name=url_name, roles=frozenset(roles), order=order, badge=badge,
                         url_args=url_args)
        for other in self._entries:
            both = other.roles & entry.roles
            if other.url_name == url_name and both:
                raise ValueError(f"navigation entry {url_name} registered twice for {sorted(both)}")
        self._entries.append(entry)
        self._entries.sort(key=lambda e: e.order)
        return entry

    def entries_for(self, role: str) -> list[NavEntry]:
        """The entries a role may open, in menu order."""
        return [e for e in self._entries if role in e.roles]

    def unregister(self, entry: NavEntry) -> None:
        """Remove an entry (tests that plant one take it out again)."""
        self._entries.remove(entry)


@dataclass(frozen=True)
class DemoLoader:
    """One app's share of the demo: ``load(ctx)`` runs after every loader of a lower ``order``."""

    name: str
    order: int
    load: Callable[[DemoContext], None]


class DemoRegistry:
    """The demo loaders of every app, run in order by ``site``."""

    def __init__(self) -> None:
        self._loaders: list[DemoLoader] = []

    def register(self, name: str, load: Callable[[DemoContext], None], *, order: int) -> DemoLoader:
        """Add a loader; two loaders may not share a name or an order (the order must say who comes first)."""
        for other in self._loaders:
            if other.name == name or other.order == order:
                raise ValueError(f"demo loader {name} (order {order}) clashes with {other.name} ({other.order})")
        loader = DemoLoader(name=name, order=order, load=load)
        self._loaders.append(loader)
        self._loaders.sort(key=lambda d: d.order)
        return loader

    def loaders(self) -> list[DemoLoader]:
        """Every registered loader, lowest order first."""
        return list(self._loaders)

    def unregister(self, loader: DemoLoader) -> None:
        """Remove a loader (tests that plant one take it out again)."""
        self._loaders.remove(loader)


nav = NavRegistry()
demo = DemoRegistry()


@dataclass(frozen=True)
class Panel:
    """A card a higher app adds to a lower app's page (``slot``: "enterprise" detail, "cockpit", "park").

    ``render(request, obj)`` returns the card's HTML, or "" when it has nothing for this user and object; it must
    read through the scoped querysets like any view.
    """

    slot: str
    name: str
    order: int
    render: Callable[[Any, Any], str]


class PanelRegistry:
    """Cards from higher apps, per page slot: the page renders them without naming the app."""

    def __init__(self) -> None:
        self._panels: list[Panel] = []

    def register(self, slot: str, name: str, render: Callable[[Any, Any], str], *, order: int = 100) -> Panel:
        """Add a card; the same name twice in one slot is a programming error."""
        if any(p.slot == slot and p.name == name for p in self._panels):
            raise ValueError(f"panel {name} registered twice in {slot}")
        panel = Panel(slot=slot, name=name, order=order, render=render)
        self._panels.append(panel)
        self._panels.sort(key=lambda p: p.order)
        return panel

    def render(self, slot: str, request: Any, obj: Any = None) -> list[str]:
        """The HTML of every card of ``slot`` that has something to show."""
        out = []
        for p in self._panels:
            if p.slot == slot:
                html = p.render(request, obj)
                if html:
                    out.append(html)
        return out

    def unregister(self, panel: Panel) -> None:
        self._panels.remove(panel)


panels = PanelRegistry()
