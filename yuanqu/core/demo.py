"""The Licang (李沧区, 370213) demo: what every app's loader shares, and well-formed codes for demo and tests.

Each app's ``demo.py`` registers its loader with ``yuanqu.core.registry.demo`` (from ``AppConfig.ready()``);
``yuanqu.site.demo.load_demo`` runs them in order, in one transaction, with one :class:`DemoContext`.
Enterprise names are invented and carry the mark （演示）; unified social credit codes are generated with
valid check digits. Every row is written through the services, so the demo also fills the audit log.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from yuanqu.core.models import Region
from yuanqu.core.text import uscc_check_digit

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

REGION = "370213"
SEED = 370213
#: The date of the news report the demo reproduces: its figures hold exactly as of this day (and as of the end
#: of 2022, the year it reports); the demo goes on from there to yesterday.
ARTICLE_DATE = dt.date(2023, 2, 10)


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    total = sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(rng: random.Random, region: str = REGION) -> str:
    """A well-formed USCC: 9 (工商) 1 (企业), the region, an organisation code, the check digit."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = "91" + region + body + org_code_check(body)
    if any(c not in "0123456789ABCDEFGHJKLMNPQRTUWXY" for c in first17):
        return make_uscc(rng, region)
    return first17 + uscc_check_digit(first17)


@dataclass
class DemoContext:
    """One load of the demo, handed to every registered loader in turn.

    ``fresh`` is False when the demo was loaded before: loaders then add only what is missing (the accounts).
    ``objects`` carries what one loader made for the next ones, by name (``parks``, ``staff``, ...).
    ``today`` is the day the demo is loaded; its dated steps end yesterday (:attr:`until`), since the services
    refuse a date in the future.
    """

    region: Region
    rng: random.Random
    today: dt.date = field(default_factory=timezone.localdate)
    fresh: bool = True
    objects: dict[str, Any] = field(default_factory=dict)
    #: (username, role label, password) of the accounts created now; the password is shown once.
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    used_names: set[str] = field(default_factory=set)
    used_uscc: set[str] = field(default_factory=set)
    _actor: User | None = None

    @property
    def actor(self) -> User:
        """The inactive loader account every demo write is recorded under."""
        if self._actor is None:
            raise RuntimeError("the demo's loader account is made by the first loader (accounts)")
        return self._actor

    @actor.setter
    def actor(self, user: User) -> None:
        self._actor = user

    def uscc(self) -> str:
        """A USCC not used yet in this load."""
        while True:
            code = make_uscc(self.rng)
            if code not in self.used_uscc:
                self.used_uscc.add(code)
                return code

    @property
    def until(self) -> dt.date:
        """The last day a demo step may be dated: yesterday."""
        return self.today - dt.timedelta(days=1)

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        """A random day between two dates, both included."""
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))
