"""The Licang demo reproduces the news report as of its date, goes on from there, and loading it twice changes
nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.briefings.test_briefings import check_demo_briefing
from tests.conftest import login
from yuanqu.accounts.models import User
from yuanqu.core.demo import ARTICLE_DATE
from yuanqu.core.roles import Role
from yuanqu.core.text import validate_uscc
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks.models import Park
from yuanqu.site.demo import demo_summary, load_demo

END_OF_2022 = dt.date(2022, 12, 31)


@pytest.mark.slow
def test_it_reproduces_the_reported_figures_shows_them_and_keeps_them_when_loaded_again(db, client):
    """One load of the demo (it is large), checked from every side."""
    loaded, accounts = load_demo()
    assert loaded
    _check_the_report()
    _check_what_followed()
    _check_as_of_counts()
    for uscc in Enterprise.objects.values_list("uscc", flat=True):
        validate_uscc(uscc)
    # One account per role, each with its own generated password, printed once.
    assert {role for _name, role, _pw in accounts} == {str(r.label) for r in Role}
    assert len({pw for _n, _r, pw in accounts}) == len(accounts)
    _check_statistics()
    _check_park_pages(client)
    _check_cockpit(client)
    _check_figures_api_against_brute_force()
    _check_reload()
    check_demo_briefing(client)


def _check_the_report() -> None:
    """On 2023-02-10, and already at the end of 2022, the demo states exactly what the report states."""
    for on in (END_OF_2022, ARTICLE_DATE):
        summary = demo_summary(on=on)
        assert (summary["生命药洲"]["signed"], summary["生命药洲"]["moved_in"]) == (52, 52), on
        assert (summary["信联天地"]["signed"], summary["信联天地"]["moved_in"]) == (118, 113), on
        xltd = Settlement.objects.filter(park__name="信联天地").counts_by_stage(on=on)
        assert (xltd["fitout"], xltd["signed"]) == (3, 2), on
    summary = demo_summary(on=ARTICLE_DATE)
    assert summary["人民金服青岛中心·中化云谷"]["investment_wan"] == Decimal("1020000")
    assert summary["人民金服青岛中心·中化云谷"]["projects_wan"] == {"started": Decimal("1020000")}
    assert summary["联东U谷青岛中心"]["investment_wan"] == Decimal("300000")
    assert summary["联东U谷青岛中心"]["projects_wan"] == {"started": Decimal("300000")}
    assert Park.objects.filter(region_id="370213").count() == 5
    cornea = Enterprise.objects.get(name__contains="角膜").settlements.get()
    assert cornea.park.name == "生命药洲" and cornea.signed_on.year == cornea.moved_in_on.year == 2022
    # Tenants left before 2022 or after the report, never in between.
    assert Settlement.objects.filter(exited_on__year__lt=2022).exists()
    assert not Settlement.objects.filter(exited_on__range=(dt.date(2022, 1, 1), ARTICLE_DATE)).exists()


def _check_what_followed() -> None:
    """After the report every park signs and moves in tenants each year, some leave with a reason, one moves
    between parks, and the projects move on; nothing is dated after yesterday."""
    today = timezone.localdate()
    now = demo_summary()
    assert now["生命药洲"]["moved_in"] != 52
    assert (now["信联天地"]["signed"], now["信联天地"]["moved_in"]) != (118, 113)
    left = Settlement.objects.filter(exited_on__gt=ARTICLE_DATE)
    assert left.count() >= 5 and not left.filter(exit_reason="").exists()
    years = [y for y in range(ARTICLE_DATE.year, today.year + 1) if y < today.year or today.month >= 7]
    for park in Park.objects.filter(region_id="370213"):
        for year in years:
            here = Settlement.objects.filter(park=park)
            assert here.filter(signed_on__year=year, signed_on__gt=ARTICLE_DATE).exists(), (park.name, year)
            assert here.filter(moved_in_on__year=year, moved_in_on__gt=ARTICLE_DATE).exists(), (park.name, year)
    movers = Enterprise.objects.annotate(parks=Count("settlements__park", distinct=True)).filter(parks__gt=1)
    assert movers.exists()
    for mover in movers:
        old = mover.settlements.get(stage="exited")
        new = mover.settlements.exclude(park=old.park).get()
        assert ARTICLE_DATE < old.exited_on < new.moved_in_on and old.exit_reason
    for field in ("signed_on", "fitout_on", "moved_in_on", "exited_on"):
        assert not Settlement.objects.filter(**{f"{field}__gte": today}).exists()
    later = demo_summary(on=today)
    assert later["人民金服青岛中心·中化云谷"]["projects_wan"] == {"producing": Decimal("1020000")}
    assert later["联东U谷青岛中心"]["projects_wan"] == {"started": Decimal("300000")}


def _stage_on(s: Settlement, on: dt.date) -> str | None:
    if s.signed_on > on:
        return None
    for stage in ("exited", "moved_in", "fitout"):
        day = s.date_of(stage)
        if day is not None and day <= on:
            return stage
    return "signed"


def _check_as_of_counts() -> None:
    """Counts as of the end of every month since January 2022 agree with the settlements' dates, read one by one."""
    today = timezone.localdate()
    days, y, m = [ARTICLE_DATE, today - dt.timedelta(days=1), today], 2022, 1
    while dt.date(y, m, 1) < today:
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
        days.append(dt.date(y, m, 1) - dt.timedelta(days=1))
    rows = list(Settlement.objects.all())
    for park in Park.objects.filter(region_id="370213"):
        mine = [s for s in rows if s.park_id == park.pk]
        for on in days:
            expected = {stage: 0 for stage in ("signed", "fitout", "moved_in", "exited")}
            for s in mine:
                stage = _stage_on(s, on)
                if stage is not None:
                    expected[stage] += 1
            counts = Settlement.objects.filter(park=park).counts_by_stage(on=on)
            assert dict(counts) == expected, (park.name, on)
            assert Settlement.objects.counts_by_park_and_stage(on=on).get(park.pk, counts) == counts
            assert counts.signed == expected["signed"] + expected["fitout"] + expected["moved_in"]


def _check_statistics() -> None:
    """生命药洲's 2022 工业总产值 is 55亿元 from its 52 enterprises; the rollups agree with the raw values."""
    from yuanqu.stats import rollups, selectors, services
    from yuanqu.stats.models import Indicator, ReportValue, Rollup

    output = Indicator.objects.get(code="output")
    smyz = Park.objects.filter(name="生命药洲")
    year_2022 = selectors.figure(output, 2022, 12, smyz)
    assert year_2022.ytd == Decimal("550000")
    assert year_2022.reporters == 52
    assert ReportValue.objects.filter(indicator=output, park__in=smyz, year=2022).values("enterprise").distinct() \
        .count() == 52
    assert sum(row["value"] for row in selectors.series(output, 2022, smyz)) == Decimal("550000")
    # Growth is plausible: every year of 生命药洲 grows by 5-15 %.
    for year in (2023, 2024, 2025):
        growth = selectors.figure(output, year, 12, smyz).yoy_pct
        assert growth is not None and 5 < growth < 15, (year, growth)
    # 24 months or more of reports, and the stored period/累计 values are those the services derive.
    assert ReportValue.objects.values("year", "month").distinct().count() >= 24
    cells = sorted(Rollup.objects.values_list("park_id", "indicator_id", "year", "month", "segment", "value", "ytd",
                                              "reporters"))
    rollups.rebuild()
    assert sorted(Rollup.objects.values_list("park_id", "indicator_id", "year", "month", "segment", "value", "ytd",
                                             "reporters")) == cells
    sample = ReportValue.objects.filter(indicator__code__in=["output", "power", "employees"], year=2023).first()
    assert sample is not None
    before = list(ReportValue.objects.filter(enterprise_id=sample.enterprise_id, year=2023)
                  .order_by("pk").values_list("period_value", "ytd_value"))
    for indicator in Indicator.objects.filter(frequency="month"):
        services.rederive(enterprise_id=sample.enterprise_id, park_id=sample.park_id, indicator=indicator, year=2023)
    assert list(ReportValue.objects.filter(enterprise_id=sample.enterprise_id, year=2023)
                .order_by("pk").values_list("period_value", "ytd_value")) == before


def _check_reload() -> None:
    before = (Settlement.objects.count(), Enterprise.objects.count(), User.objects.count())
    loaded, accounts = load_demo()
    assert not loaded and accounts == []
    assert (Settlement.objects.count(), Enterprise.objects.count(), User.objects.count()) == before


def _check_park_pages(client) -> None:
    """A park page states its tenants now."""
    login(client, User.objects.get(username="staff"))
    now = demo_summary()
    xltd = Park.objects.get(name="信联天地")
    html = client.get(reverse("parks:detail", args=[xltd.pk])).content.decode()
    assert f'id="kpi-signed">{now["信联天地"]["signed"]}<' in html
    assert f'id="kpi-moved-in">{now["信联天地"]["moved_in"]}<' in html
    smyz = Park.objects.get(name="生命药洲")
    html = client.get(reverse("parks:detail", args=[smyz.pk])).content.decode()
    assert f'id="kpi-moved-in">{now["生命药洲"]["moved_in"]}<' in html


def _check_cockpit(client) -> None:
    """The cockpit of January 2023 (or of 2022) shows the report's counts; its default period is the latest
    locked round, the month before the two still open."""
    from yuanqu.stats.models import Report, Round

    login(client, User.objects.get(username="staff"))
    for park, settled, signed in (("信联天地", 113, 118), ("生命药洲", 52, 52)):
        pk = Park.objects.get(name=park).pk
        for year, month in ((2023, 1), (2022, 12)):
            kpi = client.get(reverse("dashboards:cockpit"), {"year": year, "month": month, "park": pk}).context["kpi"]
            assert (kpi["settled"], kpi["signed"]) == (settled, signed), (park, year, month)
    today = timezone.localdate()
    last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    before = (last[0], last[1] - 1) if last[1] > 1 else (last[0] - 1, 12)
    locked = (before[0], before[1] - 1) if before[1] > 1 else (before[0] - 1, 12)
    statuses = Report.objects.filter(round__frequency="month", round__year=last[0], round__month=last[1])
    assert set(statuses.values_list("status", flat=True)) == set(Report.Status.values)
    open_rounds = set(Round.objects.filter(locked=False).values_list("year", "month"))
    assert open_rounds == {last, before}
    assert set(Round.objects.filter(frequency="month", locked=False).values_list("year", "month")) == {last, before}
    scope = client.get(reverse("dashboards:cockpit")).context["scope"]
    assert (scope.year, scope.month) == locked


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_it_hashes_passwords_with_argon2(db):
    from yuanqu.accounts.services import user_create_on_server
    from yuanqu.core.models import Region

    user, password = user_create_on_server(role=Role.LEADER, region=Region.objects.get(pk="370213"),
                                           username="argon")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert check_password(password, user.password)


def _check_figures_api_against_brute_force() -> None:
    """For every park and every month since January 2022, /api/figures/ states the stock at the month's end
    and the flows within the month exactly as a count over the raw settlement rows, one by one, gives."""
    import json

    from django.test import Client

    from yuanqu.accounts.services import token_create

    _token, raw = token_create(actor=User.objects.get(username="staff"), name="brute")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    today = timezone.localdate()
    rows = list(Settlement.objects.values_list("park_id", "signed_on", "fitout_on", "moved_in_on", "exited_on"))

    def stage_at(row: tuple, on: dt.date) -> str | None:
        stage = None
        for name, day in zip(("signed", "fitout", "moved_in", "exited"), row[1:], strict=True):
            if day is not None and day <= on:
                stage = name
        return stage

    checked = 0
    for park in Park.objects.filter(region_id="370213"):
        mine = [r for r in rows if r[0] == park.pk]
        year, month = 2022, 1
        while (year, month) < (today.year, today.month):
            body = json.loads(api.get("/api/figures/", {"park": park.pk, "year": year, "month": month,
                                                         "group": "stock,flow"}).content)
            got = {f["key"]: f["value"] for f in body["figures"]}
            end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            start = dt.date(year, month, 1)
            stages = [stage_at(r, end) for r in mine]
            want = {"signed": sum(1 for s in stages if s in ("signed", "fitout", "moved_in")),
                    "moved_in": stages.count("moved_in"), "fitout": stages.count("fitout"),
                    "new_signed": sum(1 for r in mine if start <= r[1] <= end),
                    "new_moved_in": sum(1 for r in mine if r[3] and start <= r[3] <= end),
                    "exits": sum(1 for r in mine if r[4] and start <= r[4] <= end)}
            assert {k: got[k] for k in want} == want, (park.name, year, month)
            checked += 1
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    assert checked >= 5 * 47
