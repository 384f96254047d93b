"""The cockpit benchmark: the server time of all the cockpit's KPI and chart data, at city scale, on PostgreSQL.

Run after ``bench.stats.generate --scale city`` (100k enterprises, 1,000 parks, 36 months; ``make bench-cockpit``
does both in a database of its own). This script adds what the statistics generator does not make and the
cockpit also reads, once and idempotently: park coordinates, 20 leads and 5 projects (with stage dates) per park,
one building with 20 units per park. It then measures, for a region_staff user of 青岛市 (3702: every park):

    (1) the cockpit's data as the app computes it: ``kpis()`` and the eight chart functions, from the rollups;
    (2) the same through HTTP: the cockpit page and its eight chart-data endpoints (Django test client,
        middleware, session and rendering included; summed per round);
    (3) the same statistics computed with plain ORM queries over the raw approved values (the non-statistics
        parts, which have no rollup, are the same queries in both);

each p50 and p95 over ``--runs`` rounds (50 by default; (3), seconds a round, over ``--raw-runs``, 10),
and checks that (1) and (3) state the same figures.
Targets (issue "Figures you can quote"): (1) server time p95 ≤ 150 ms; (2) page + all chart requests p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
os.environ.setdefault("YUANQU_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q, Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from yuanqu.accounts.models import User  # noqa: E402
from yuanqu.core.models import Region  # noqa: E402
from yuanqu.core.numbers import growth_pct  # noqa: E402
from yuanqu.core.roles import Role  # noqa: E402
from yuanqu.dashboards import selectors  # noqa: E402
from yuanqu.dashboards.selectors import Scope  # noqa: E402
from yuanqu.investment.models import Lead, Project, ProjectStage  # noqa: E402
from yuanqu.parks.models import Building, Park, Unit  # noqa: E402
from yuanqu.stats import rollups  # noqa: E402
from yuanqu.stats.models import Report, ReportValue, Rollup  # noqa: E402

USERNAME = "bench-cockpit"


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def fmt(times: list[float]) -> str:
    return f"p50 {statistics.median(times):8.1f} ms   p95 {pct(times, 0.95):8.1f} ms   (n={len(times)})"


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


# --------------------------------------------------------------------------- extras the cockpit reads


def add_extras() -> str:
    """Coordinates, leads, projects and units for the benchmark parks, once."""
    parks = list(Park.objects.filter(name__startswith="基准园区").order_by("pk"))
    if not parks:
        sys.exit("No benchmark parks: run `python -m bench.stats.generate --scale city` first (make bench-cockpit).")
    if Lead.objects.filter(name__startswith="基准线索").exists():
        return "extras present"
    t = time.perf_counter()
    with transaction.atomic():
        for i, p in enumerate(parks):
            p.longitude = Decimal("119.9") + Decimal(i % 40) / 40
            p.latitude = Decimal("35.9") + Decimal(i // 40) / 50
        Park.objects.bulk_update(parks, ["longitude", "latitude"], batch_size=1000)
        statuses = ["new", "new", "contacted", "contacted", "negotiating", "signed"]
        Lead.objects.bulk_create([
            Lead(name=f"基准线索{p.pk:05d}-{j:02d}", region_id=p.region_id, target_park=p,
                 status=statuses[j % len(statuses)], intended_investment_wan=Decimal(1000 + 37 * j))
            for p in parks for j in range(20)], batch_size=5000)
        stages = ["talks", "signed", "registered", "started", "completed", "producing", "full"]
        levels = ["province", "city", "district", "district", "ordinary"]
        projects = Project.objects.bulk_create([
            Project(name=f"基准项目{p.pk:05d}-{j}", park=p, region_id=p.region_id, level=levels[j],
                    stage=stages[(p.pk + j) % len(stages)], total_investment_wan=Decimal(5000 + 1000 * j))
            for p in parks for j in range(5)], batch_size=5000)
        ProjectStage.objects.bulk_create([
            ProjectStage(project=pr, stage="signed", planned_on=dt.date(2025, 1, 1),
                         actual_on=dt.date(2024 + pr.pk % 2, 1 + pr.pk % 12, 15))
            for pr in projects if pr.stage != "talks"], batch_size=5000)
        buildings = Building.objects.bulk_create([Building(park=p, name="基准楼") for p in parks])
        unit_statuses = ["vacant", "leased", "leased", "leased", "reserved", "sold", "unavailable"]
        Unit.objects.bulk_create([
            Unit(building=b, number=f"{100 + k}", floor=1 + k // 4, area_m2=Decimal(100 + 10 * k),
                 status=unit_statuses[k % len(unit_statuses)])
            for b in buildings for k in range(20)], batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return f"extras added in {time.perf_counter() - t:.1f} s"


def mark_second_factor_verified(client: Client, user: User) -> None:
    """Region staff need a verified second factor (django-otp): give the bench user an authenticator and mark the
    session verified by it, as the log-in's second step does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="bench", confirmed=True))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def bench_user() -> User:
    city = Region.objects.get(code="3702")
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(username=USERNAME, password=None, role=Role.REGION_STAFF, region=city)
    return user


# --------------------------------------------------------------------------- (1) the app


def cockpit_scope(user: User) -> Scope:
    parks = Park.objects.visible_to(user)
    year, month = selectors.default_period(parks, user.region_id or "")
    return Scope(user=user, parks=parks, year=year, month=month, region_code=user.region_id or "")


def cockpit_data(user: User) -> dict[str, Any]:
    """What the cockpit computes for one view: KPI cards and every chart (a fresh scope each time)."""
    scope = cockpit_scope(user)
    return {"kpi": selectors.kpis(scope), **{name: fn(scope) for name, fn in selectors.COCKPIT_CHARTS.items()}}


def http_round(client: Client) -> int:
    """The page and its eight chart endpoints, as the browser asks for them."""
    status = client.get(reverse("dashboards:cockpit")).status_code
    for name in selectors.COCKPIT_CHARTS:
        status = max(status, client.get(reverse("dashboards:chart", args=[name])).status_code)
    return status


# --------------------------------------------------------------------------- (3) plain ORM over raw values


def raw_cockpit(user: User) -> dict[str, Any]:
    """The same statistics from raw approved values, with the ORM; the rest as the app reads it."""
    scope = cockpit_scope(user)
    y, m = scope.year, scope.month
    park_ids = scope.parks.values("pk")
    approved = ReportValue.objects.filter(park__in=park_ids, report__status=Report.Status.APPROVED)

    def total(code: str) -> dict[str, Any]:
        ind = scope.indicator(code)
        rows = {(r["year"]): r for r in approved.filter(indicator=ind, month=m, year__in=(y, y - 1))
                .values("year").annotate(ytd=Sum("ytd_value"), v=Sum("period_value"))}
        now, ly = rows.get(y, {}), rows.get(y - 1, {})
        return {"ytd": now.get("ytd"), "last_year_ytd": ly.get("ytd"), "yoy": growth_pct(now.get("ytd"), ly.get("ytd"))}

    output = scope.indicator("output")
    result: dict[str, Any] = {"output": total("output"), "tax": total("tax")}
    by_park = (approved.filter(indicator=output, year=y, month=m).values("park_id").annotate(ytd=Sum("ytd_value"))
               .order_by("-ytd")[: selectors.PARKS_IN_BAR])
    result["output_by_park"] = [(r["park_id"], r["ytd"]) for r in by_park]
    result["trend"] = {(r["year"], r["month"]): r["v"] for r in approved.filter(indicator=output, year__in=(y, y - 1))
                       .values("year", "month").annotate(v=Sum("period_value"))}
    result["industry"] = {r["report__industry_section"]: r["ytd"] for r in approved.filter(
        indicator=output, year=y, month=m).exclude(report__industry_section="").values("report__industry_section")
        .annotate(ytd=Sum("ytd_value"))}
    result["park_map_output"] = dict(approved.filter(indicator=output, year=y, month=m).values("park_id")
                                     .annotate(ytd=Sum("ytd_value")).values_list("park_id", "ytd"))
    # Without rollups, nothing else changes: settlements, leads, projects, units and the top lists are read
    # from their own tables by the same queries.
    for name in ("pipeline", "project_stages", "top_output", "top_tax"):
        result[name] = selectors.COCKPIT_CHARTS[name](scope)
    kpis_without_stats = selectors.settlement_counts(scope), Unit.objects.filter(
        building__park__in=park_ids).aggregate(a=Sum("area_m2"), v=Sum("area_m2", filter=Q(status="vacant")))
    result["rest"] = kpis_without_stats, scope.projects().aggregate(n=Count("id"))
    return result


def agree(app: dict[str, Any], raw: dict[str, Any]) -> list[str]:
    """The figures (1) and (3) state, compared; the list of mismatches."""
    bad = []
    for code in ("output", "tax"):
        for key in ("ytd", "last_year_ytd"):
            if Decimal(app["kpi"][code][key] or 0) != Decimal(raw[code][key] or 0):
                bad.append(f"{code}.{key}: {app['kpi'][code][key]} != {raw[code][key]}")
    app_bars = [(d["value"]) for d in reversed(app["output_by_park"]["option"]["series"][0]["data"])]
    raw_bars = [round(float(v), 2) for _p, v in raw["output_by_park"]]
    if app_bars != raw_bars:
        bad.append("output by park differs")
    app_industry = {d["value"] for d in app["industry_mix"]["option"]["series"][0]["data"]}
    if app_industry != {round(float(v), 2) for v in raw["industry"].values()}:
        bad.append("industry mix differs")
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="rounds of (1) and (2)")
    parser.add_argument("--raw-runs", type=int, default=10, help="rounds of (3), which takes seconds each")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The cockpit benchmark runs on PostgreSQL: set DATABASE_URL.")
    print(add_extras())
    if not Rollup.objects.exists():
        t = time.perf_counter()
        cells = rollups.rebuild()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # the planner must know the rollups exist, as autovacuum soon tells it
        print(f"rollups rebuilt: {cells:,} cells in {time.perf_counter() - t:.1f} s")
    user = bench_user()
    scope = cockpit_scope(user)
    print(f"data: {ReportValue.objects.count():,} raw values, {Rollup.objects.count():,} rollup cells, "
          f"{scope.parks.count():,} parks, {Lead.objects.count():,} leads, {Project.objects.count():,} projects, "
          f"{Unit.objects.count():,} units; user {USERNAME} (region_staff, 3702 青岛市), "
          f"period {scope.year}-{scope.month:02d}")
    cockpit_data(user)  # warm the connection and the caches once, as a running server has them
    app_times, app = timed(lambda: cockpit_data(user), args.runs)
    print(f"(1) cockpit data, figures layer        {fmt(app_times)}")
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(user)
        mark_second_factor_verified(client, user)
        assert http_round(client) == 200
        http_times, _ = timed(lambda: http_round(client), args.runs)
    print(f"(2) cockpit page + 8 chart requests    {fmt(http_times)}")
    raw_times, raw = timed(lambda: raw_cockpit(user), args.raw_runs)
    print(f"(3) same data, plain ORM over raw      {fmt(raw_times)}")
    print(f"(3)/(1) p50 speed-up: {statistics.median(raw_times) / statistics.median(app_times):.0f}×   "
          f"target (1) p95 ≤ 150 ms: {'met' if pct(app_times, 0.95) <= 150 else 'NOT met'}   "
          f"target (2) p95 ≤ 300 ms: {'met' if pct(http_times, 0.95) <= 300 else 'NOT met'}")
    mismatches = agree(app, raw)
    print(f"figures agree: {not mismatches}" + (f" ({'; '.join(mismatches)})" if mismatches else ""))
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
