"""Registries that higher apps fill from ``AppConfig.ready()``, so that core (and site) never name an app.

``nav`` holds the menu: each app registers its own entries (label, URL name, roles, order, group, an optional
badge); ``site`` renders the entries a user's role may open, grouped (工作台, 园区与企业, 招商引资 …) in a side menu.
``search`` holds the providers of the header's global search: each app registers a function that returns the
user's scoped matches for a query. ``todos`` holds the counts each role's 工作台 shows (reports to review,
follow-ups due …). ``demo`` holds the loaders of the Licang demo: each app's
``demo.py`` registers one (or more) with an order, and ``site`` runs them in that order in one transaction.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from yuanqu.accounts.models import User
    from yuanqu.core.demo import DemoContext

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class NavGroup:
    """A heading of the side menu; its entries are the ones registered with its ``key``."""

    key: str
    label: str | Promise
    order: int


#: The groups of the side menu, in order. An app that adds a new area of work registers its entries under one of
#: these; a new group is a product decision, so it is added here and not by an app.
NAV_GROUPS: tuple[NavGroup, ...] = (
    NavGroup("workbench", _("Workbench"), 10),
    NavGroup("registry", _("Parks and enterprises"), 20),
    NavGroup("investment", _("Investment promotion"), 30),
    NavGroup("economy", _("Economic operation"), 40),
    NavGroup("innovation", _("Technology services"), 50),
    NavGroup("policies", _("Policies for enterprises"), 60),
    NavGroup("chains", _("Industry chains"), 70),
    NavGroup("analysis", _("Analysis and briefings"), 80),
    NavGroup("system", _("System"), 90),
)
GROUP_KEYS = frozenset(g.key for g in NAV_GROUPS)


@dataclass(frozen=True)
class NavEntry:
    """One menu entry. ``key`` is the URL namespace whose pages highlight the entry."""

    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    order: int
    #: The key of the ``NavGroup`` the entry sits under.
    group: str = "workbench"
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
                 group: str = "workbench", badge: Callable[[User], int] | None = None,
                 url_args: Callable[[User], Sequence[Any]] | None = None) -> NavEntry:
        """Add an entry; registering the same URL name for the same roles twice, or under an unknown group, is a
        programming error."""
        if group not in GROUP_KEYS:
            raise ValueError(f"navigation entry {url_name}: unknown group {group!r} (one of {sorted(GROUP_KEYS)})")
        entry = NavEntry(key=key, label=label, url_name=url_name, roles=frozenset(roles), order=order, group=group,
                         badge=badge, url_args=url_args)
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


@dataclass(frozen=True)
class SearchHit:
    """One result of the global search: its kind (park, enterprise, lead, project), its id, its name, a detail line
    and where it opens."""

    kind: str
    pk: int
    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class SearchProvider:
    """An app's share of the global search: ``find(user, q, limit)`` returns the user's scoped matches."""

    key: str
    label: str | Promise
    order: int
    find: Callable[[User, str, int], list[SearchHit]]


class SearchRegistry:
    """The providers of the header's search box (parks, enterprises, leads, projects …), in order."""

    def __init__(self) -> None:
        self._providers: list[SearchProvider] = []

    def register(self, *, key: str, label: str | Promise, order: int,
                 find: Callable[[User, str, int], list[SearchHit]]) -> SearchProvider:
        """Add a provider; each key once. ``find`` must read through the model's scope (``visible_to``)."""
        if any(p.key == key for p in self._providers):
            raise ValueError(f"search provider {key} registered twice")
        provider = SearchProvider(key=key, label=label, order=order, find=find)
        self._providers.append(provider)
        self._providers.sort(key=lambda p: p.order)
        return provider

    def providers(self) -> list[SearchProvider]:
        """Every provider, in order."""
        return list(self._providers)

    def unregister(self, provider: SearchProvider) -> None:
        """Remove a provider (tests that plant one take it out again)."""
        self._providers.remove(provider)


@dataclass(frozen=True)
class Todo:
    """One line of a 工作台: a label, the count of things waiting, where to act on them."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class TodoSource:
    """An app's to-dos for a set of roles: ``collect(user)`` returns the lines (empty when nothing waits)."""

    key: str
    roles: frozenset[str]
    order: int
    collect: Callable[[User], list[Todo]]


class TodoRegistry:
    """What each role's home page lists as waiting for it, registered by the apps that own the work."""

    def __init__(self) -> None:
        self._sources: list[TodoSource] = []

    def register(self, *, key: str, roles: Collection[str], order: int,
                 collect: Callable[[User], list[Todo]]) -> TodoSource:
        """Add a source of to-dos; each key once."""
        if any(s.key == key for s in self._sources):
            raise ValueError(f"to-do source {key} registered twice")
        source = TodoSource(key=key, roles=frozenset(roles), order=order, collect=collect)
        self._sources.append(source)
        self._sources.sort(key=lambda s: s.order)
        return source

    def for_user(self, user: User) -> list[Todo]:
        """The to-do lines of the user's role, in order."""
        return [todo for s in self._sources if user.role in s.roles for todo in s.collect(user)]

    def unregister(self, source: TodoSource) -> None:
        """Remove a source (tests that plant one take it out again)."""
        self._sources.remove(source)


nav = NavRegistry()
demo = DemoRegistry()
search = SearchRegistry()
todos = TodoRegistry()


class ProviderRegistry:
    """Functions a higher app offers a lower one, by name: the figures layer (floor 6) provides the numbers an app
    of floor 5 shows (an incubator's checklist, an enterprise's reported revenue of a year) without the app
    importing upward. A missing provider is a ``LookupError`` (an app asking for a number nobody computes)."""

    def __init__(self) -> None:
        self._functions: dict[str, Callable[..., Any]] = {}

    def provide(self, name: str, function: Callable[..., Any]) -> None:
        """Offer ``function`` under ``name``; providing the same name twice is a programming error."""
        if name in self._functions and self._functions[name] is not function:
            raise ValueError(f"provider {name} registered twice")
        self._functions[name] = function

    def get(self, name: str) -> Callable[..., Any]:
        """The function provided under ``name``."""
        try:
            return self._functions[name]
        except KeyError:
            raise LookupError(f"no provider named {name}") from None

    def withdraw(self, name: str) -> None:
        """Remove a provider (tests that plant one take it out again)."""
        self._functions.pop(name, None)


@dataclass(frozen=True)
class CockpitCard:
    """A KPI card another app adds to the cockpit. ``compute(figure_scope, period)`` returns the card as the
    template reads it (``label``, ``value``, ``unit``, ``definition`` for the hover, ``link``, ``id``) or None
    when the card has nothing to say for that scope."""

    key: str
    order: int
    compute: Callable[[Any, Any], dict[str, Any] | None]


class CockpitCardRegistry:
    """The extra cockpit cards, filled by the apps that compute them (in ``order``)."""

    def __init__(self) -> None:
        self._cards: list[CockpitCard] = []

    def register(self, key: str, compute: Callable[[Any, Any], dict[str, Any] | None], *, order: int) -> CockpitCard:
        """Add a card; two cards may not share a key."""
        if any(c.key == key for c in self._cards):
            raise ValueError(f"cockpit card {key} registered twice")
        card = CockpitCard(key=key, order=order, compute=compute)
        self._cards.append(card)
        self._cards.sort(key=lambda c: c.order)
        return card

    def cards(self) -> list[CockpitCard]:
        return list(self._cards)

    def unregister(self, card: CockpitCard) -> None:
        self._cards.remove(card)


providers = ProviderRegistry()
cockpit_cards = CockpitCardRegistry()


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


@dataclass(frozen=True)
class ObjectLink:
    """A link a higher app offers from a lower app's object (``slot``: "park", "enterprise"), such as the park's
    dashboard from the park list and detail page. ``url(user, obj)`` returns the address, or "" when the user
    may not open it (the page itself still checks role and scope)."""

    slot: str
    name: str
    label: Any
    order: int
    url: Callable[[Any, Any], str]


class ObjectLinkRegistry:
    """Links from higher apps, per object kind: lists and detail pages show them without naming the app."""

    def __init__(self) -> None:
        self._links: list[ObjectLink] = []

    def register(self, slot: str, name: str, label: Any, url: Callable[[Any, Any], str], *,
                 order: int = 100) -> ObjectLink:
        if any(link.slot == slot and link.name == name for link in self._links):
            raise ValueError(f"link {name} registered twice in {slot}")
        link = ObjectLink(slot=slot, name=name, label=label, order=order, url=url)
        self._links.append(link)
        self._links.sort(key=lambda item: item.order)
        return link

    def for_object(self, slot: str, user: Any, obj: Any) -> list[tuple[str, str]]:
        """(label, url) of every link of ``slot`` this user may follow from ``obj``."""
        out = []
        for link in self._links:
            if link.slot == slot:
                url = link.url(user, obj)
                if url:
                    out.append((str(link.label), url))
        return out

    def unregister(self, link: ObjectLink) -> None:
        self._links.remove(link)


object_links = ObjectLinkRegistry()


# --------------------------------------------------------------------------- data-change listeners


@dataclass(frozen=True)
class ChangeListener:
    """A higher app's wish to hear that a kind of record changed (``topic``: "enterprise" — its registry record,
    its designations, its parks or its approved statistics). ``notify(pks)`` runs once the writing transaction
    commits, with the ids that changed."""

    topic: str
    key: str
    notify: Callable[[list[int]], None]


class ChangeRegistry:
    """Lower apps announce that a record changed without naming who cares; higher apps listen (the policies app
    re-matches an enterprise whose data changed). Listeners run after the commit, never inside the writer's
    transaction, so a listener that fails never undoes the change."""

    TOPICS = frozenset({"enterprise"})

    def __init__(self) -> None:
        self._listeners: list[ChangeListener] = []
        self._local = threading.local()  # the open gathered() block of this thread, if any

    def listen(self, topic: str, key: str, notify: Callable[[list[int]], None]) -> ChangeListener:
        """Add a listener; an unknown topic or a key registered twice is a programming error."""
        if topic not in self.TOPICS:
            raise ValueError(f"change listener {key}: unknown topic {topic!r}")
        if any(x.key == key for x in self._listeners):
            raise ValueError(f"change listener {key} registered twice")
        listener = ChangeListener(topic=topic, key=key, notify=notify)
        self._listeners.append(listener)
        return listener

    def changed(self, topic: str, *pks: int) -> None:
        """Announce that records ``pks`` of ``topic`` changed: each listener hears them once the transaction
        commits (nothing is heard if it rolls back); inside :meth:`gathered`, at its end."""
        from django.db import transaction

        if topic not in self.TOPICS:
            raise ValueError(f"unknown change topic {topic!r}")
        ids = sorted(set(pks))
        if not ids:
            return
        for listener in self._listeners:
            if listener.topic == topic:
                transaction.on_commit(functools.partial(self._committed, listener, ids), robust=True)

    def _committed(self, listener: ChangeListener, ids: list[int]) -> None:
        gathering = getattr(self._local, "gathering", None)
        if gathering is None:
            listener.notify(ids)
        else:
            gathering.setdefault(listener.key, (listener, set()))[1].update(ids)

    @contextmanager
    def gathered(self) -> Iterator[None]:
        """Within the block, what commits is gathered, and each listener hears it once at the end, with every id
        committed in the block (a bulk approval of 180 reports, each in a transaction of its own, queues one
        re-match of their enterprises instead of 180). What rolled back is not heard; what committed is heard even
        if the block ends in an error. A block inside another gathers into the outer one."""
        if getattr(self._local, "gathering", None) is not None:
            yield
            return
        self._local.gathering = {}
        try:
            yield
        finally:
            gathering, self._local.gathering = self._local.gathering, None
            for listener, ids in gathering.values():
                try:
                    listener.notify(sorted(ids))
                except Exception:  # as on_commit(robust=True): a listener's failure never undoes the change
                    logger.exception("change listener %s failed", listener.key)

    def unregister(self, listener: ChangeListener) -> None:
        self._listeners.remove(listener)


changes = ChangeRegistry()
