"""The Licang demo reproduces the figures of the news report, and loading it twice changes nothing."""

from decimal import Decimal

from django.contrib.auth.hashers import check_password, identify_hasher
from django.test import override_settings
from django.urls import reverse

from tests.briefings.test_briefings import check_demo_briefing
from tests.conftest import login
from yuanqu.accounts.models import User
from yuanqu.core.roles import Role
from yuanqu.core.text import validate_uscc
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks.models import Park
from yuanqu.site.demo import demo_summary, load_demo


def test_it_reproduces_the_reported_figures_shows_them_and_keeps_them_when_loaded_again(db, client):
    """One load of the demo (it is large), checked from every side."""
    loaded, accounts = load_demo()
    assert loaded
    summary = demo_summary()
    assert summary["生命药洲"]["moved_in"] == 52
    assert summary["信联天地"]["signed"] == 118
    assert summary["信联天地"]["moved_in"] == 113
    assert summary["人民金服青岛中心·中化云谷"]["investment_wan"] == Decimal("1020000")
    assert summary["联东U谷青岛中心"]["investment_wan"] == Decimal("300000")
    assert Park.objects.filter(region_id="370213").count() == 5
    cornea = Enterprise.objects.get(name__contains="角膜")
    assert cornea.settlements.get().moved_in_on.year == 2022
    for uscc in Enterprise.objects.values_list("uscc", flat=True):
        validate_uscc(uscc)
    # One account per role, each with its own generated password, printed once.
    assert {role for _name, role, _pw in accounts} == {str(r.label) for r in Role}
    assert len({pw for _n, _r, pw in accounts}) == len(accounts)
    _check_statistics()
    _check_park_pages(client)
    _check_reload()
    check_demo_briefing(client)


def _check_statistics() -> None:
    """生命药洲's 2022 工业总产值 is 55亿元 from its 52 enterprises; the rollups agree with the raw values."""
    from yuanqu.stats import rollups, selectors, services
    from yuanqu.stats.models import Indicator, ReportValue, Rollup

    output = Indicator.objects.get(code="output")
    smyz = Park.objects.filter(name="生命药洲")
    year_2022 = selectors.figure(output, 2022, 12, smyz)
    assert year_2022.ytd == Decimal("550000")
    assert year_2022.reporters == 52
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
    login(client, User.objects.get(username="staff"))
    xltd = Park.objects.get(name="信联天地")
    html = client.get(reverse("parks:detail", args=[xltd.pk])).content.decode()
    assert 'id="kpi-signed">118<' in html and 'id="kpi-moved-in">113<' in html
    smyz = Park.objects.get(name="生命药洲")
    html = client.get(reverse("parks:detail", args=[smyz.pk])).content.decode()
    assert 'id="kpi-moved-in">52<' in html


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_it_hashes_passwords_with_argon2(db):
    from yuanqu.accounts.services import user_create_on_server
    from yuanqu.core.models import Region

    user, password = user_create_on_server(role=Role.LEADER, region=Region.objects.get(pk="370213"),
                                           username="argon")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert check_password(password, user.password)
