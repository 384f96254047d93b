"""The 独角兽 step of the ladder: founded ≤ 10 years before the day of the check, a private equity round recorded
by then, not listed (the valuation is not recorded: the rule says so). Checked against a brute force over random
enterprises, and by hand at the edges."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.urls import reverse

from tests.conftest import World
from tests.tabular import files
from yuanqu.chains.models import FinancingEvent
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Designation, Enterprise
from yuanqu.ladder import rules

K = Designation.Kind
ON = dt.date(2026, 6, 30)
ROUNDS = [r.value for r in FinancingEvent.Round]


def _ten_years_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 10)
    except ValueError:
        return dt.date(day.year - 10, 3, 1)


def brute_force(enterprises: list[Enterprise], on: dt.date) -> set[int]:
    """By hand: founded on or after the day ten years before, one equity round on or before ``on``, unlisted, and
    not a unicorn already."""
    out = set()
    for e in enterprises:
        rounds = [f.round for f in FinancingEvent.objects.filter(enterprise=e) if f.on <= on]
        held = Designation.objects.filter(enterprise=e, kind=K.UNICORN).active_on(on).exists()
        if (e.established_on is not None and _ten_years_before(on) <= e.established_on <= on
                and any(r not in ("ipo", "debt") for r in rounds) and e.listing == "unlisted" and not held):
            out.add(e.pk)
    return out


def test_unicorn_candidates_match_a_brute_force(world: World) -> None:
    rng = random.Random(1717)
    region = world.ent_xltd.region
    edge = [_ten_years_before(ON), _ten_years_before(ON) - dt.timedelta(days=1),
            _ten_years_before(ON) + dt.timedelta(days=1), ON, None]
    made = []
    for i, code in enumerate(files.usccs(40, seed=1717)):
        founded = edge[i] if i < len(edge) else ON - dt.timedelta(days=rng.randint(0, 15 * 366))
        e = Enterprise.objects.create(uscc=code, name=f"青岛独角兽测试{i}有限公司", region=region,
                                      established_on=founded,
                                      listing=rng.choice(["unlisted", "unlisted", "unlisted", "star", "hk"]))
        for _ in range(rng.randint(0, 3)):
            FinancingEvent.objects.create(enterprise=e, on=ON + dt.timedelta(days=rng.randint(-900, 60)),
                                          round=rng.choice(ROUNDS), amount_wan=Decimal(rng.randint(0, 90000)),
                                          investors="某投资机构")
        made.append(e)
    # one meets every condition but is a unicorn already
    FinancingEvent.objects.create(enterprise=made[0], on=ON - dt.timedelta(days=10), round="b",
                                  amount_wan=Decimal(50000), investors="某基金")
    ent.designation_grant(actor=world.users["region_staff"], enterprise=made[0], kind=K.UNICORN,
                          recognised_on=ON - dt.timedelta(days=5))
    qs = Enterprise.objects.filter(pk__in=[e.pk for e in made])
    got = {c.enterprise.pk for c in rules.candidates(qs, K.UNICORN, 2025, on=ON)}
    expected = brute_force(list(qs), ON)
    assert got == expected
    assert 3 <= len(expected) < len(made) - 3  # the random world has both kinds
    assert made[0].pk not in got
    # every enterprise that could start the step is checked, each condition with its value
    everyone = rules.candidates(qs, K.UNICORN, 2025, on=ON, everyone=True)
    assert {c.enterprise.pk for c in everyone if c.eligible} == expected
    assert len(everyone) == len(made) - 1


def test_each_condition_is_shown_with_its_value(world: World) -> None:
    e = world.ent_smyz
    Enterprise.objects.filter(pk=e.pk).update(established_on=dt.date(2018, 3, 1), listing="unlisted")
    FinancingEvent.objects.create(enterprise=e, on=dt.date(2025, 5, 1), round="a", amount_wan=Decimal("30000"),
                                  investors="青岛某创投")
    FinancingEvent.objects.create(enterprise=e, on=dt.date(2025, 9, 1), round="debt", amount_wan=Decimal("5000"),
                                  investors="某银行")
    [c] = rules.candidates(Enterprise.objects.filter(pk=e.pk), K.UNICORN, 2025, on=dt.date(2026, 3, 1))
    assert [(k.text, k.value, k.holds) for k in c.checks] == [
        ("成立年限 ≤ 10.00年", "8.00年", True),
        ("私募股权融资轮次 ≥ 1次", "1次（累计30,000.00万元）", True),
        ("上市状态 ＝ 未上市", "未上市", True),
    ]
    assert "估值" in rules.STEP_BY_TARGET[K.UNICORN].note
    # a day past its tenth anniversary, listed, without a founding date: each shown as failing or unknown
    Enterprise.objects.filter(pk=e.pk).update(established_on=dt.date(2016, 2, 29), listing="star")
    [c] = rules.candidates(Enterprise.objects.filter(pk=e.pk), K.UNICORN, 2025, on=dt.date(2026, 3, 2),
                           everyone=True)
    assert [(k.value, k.holds) for k in c.checks] == [("10.01年", False), ("1次（累计30,000.00万元）", True),
                                                     ("已上市", False)]
    Enterprise.objects.filter(pk=e.pk).update(established_on=None)
    [c] = rules.candidates(Enterprise.objects.filter(pk=e.pk), K.UNICORN, 2025, on=dt.date(2026, 3, 2),
                           everyone=True)
    assert (c.checks[0].value, c.checks[0].holds, c.eligible) == ("无成立日期", None, False)


def test_the_candidates_page_shows_the_rule_and_its_limitation(world: World, client_as) -> None:  # type: ignore[no-untyped-def]
    page = client_as("region_staff").get(reverse("ladder:candidates"), {"step": "unicorn", "year": 2025,
                                                                        "all": "1"}).content.decode()
    assert 'id="rule-note"' in page and "估值" in page and "成立年限 ≤ 10.00年" in page


def test_years_between_counts_calendar_years() -> None:
    assert rules.years_between(dt.date(2016, 6, 30), dt.date(2026, 6, 30)) == Decimal("10.00")
    assert rules.years_between(dt.date(2016, 6, 30), dt.date(2026, 7, 1)) > Decimal(10)
    assert rules.years_between(dt.date(2016, 7, 1), dt.date(2026, 6, 30)) <= Decimal(10)
    assert rules.years_between(dt.date(2020, 1, 1), dt.date(2020, 1, 1)) == Decimal(0)
