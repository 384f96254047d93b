"""The load benchmark's data: N enterprises in 10 parks of 李沧, each with a history and an open report round.

Idempotent: what exists is kept (audit events may not be deleted, so nor may the users and objects they name),
what is missing up to N is added. Per enterprise: a settlement (moved in 2024), approved values for January 2025
to October 2026 (9 monthly indicators, plausible: a size per enterprise, seasonality, 8 % growth a year, so the
November values the benchmark sends trip no change warning), a report in the open November 2026 round (opened by
``round_open``, which gives every settled enterprise its task), and an enterprise_user account. Region staff
accounts (TOTP enrolled) load the cockpit. Sessions are made server-side (:func:`sessions_for`), so log-in cost
is not measured.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from yuanqu.accounts.models import User
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import Role
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks.models import Park
from yuanqu.stats import rollups, services
from yuanqu.stats.models import Indicator, Report, ReportValue, Round
from yuanqu.stats.selectors import derive_series

REGION = "370213"
PARKS = 10
USCC_PREFIX = "LOAD"
PARK_PREFIX = "压测园区"
ENTERPRISE_USER_PREFIX = "load-e"
STAFF_PREFIX = "load-staff"
YEAR, MONTH = 2026, 11  # the open round: November 2026, due 10 December
HISTORY = [(2025, m) for m in range(1, 13)] + [(YEAR, m) for m in range(1, MONTH)]
SEASON = [0.075, 0.060, 0.085, 0.083, 0.084, 0.087, 0.082, 0.083, 0.086, 0.085, 0.087, 0.103]
CUMULATIVE = [sum(SEASON[: i + 1]) for i in range(12)]
#: Each monetary indicator as a share of output (tax_local is a part of tax).
WEIGHT = {"output": 1.0, "revenue": 1.08, "tax": 0.06, "tax_local": 0.024, "profit": 0.09, "fai": 0.2,
          "export": 0.1}
STAFF_TOTP_KEY = "3132333435363738393031323334353637383930"


def value_of(code: str, index: int, year: int, month: int) -> Decimal:
    """What enterprise number ``index`` reports for ``code`` in ``year``/``month`` (as typed: 累计 for cumulative)."""
    size = (200 + index * 7919 % 4800) * 1.08 ** (year - 2025)
    if code == "employees":
        return Decimal(10 + index * 13 % 300 + (year - 2025) * 3)
    if code == "power":
        return Decimal(round(size * 85 * SEASON[month - 1]))
    return Decimal(f"{size * WEIGHT[code] * CUMULATIVE[month - 1]:.2f}")


def indicators() -> list[Indicator]:
    return list(Indicator.objects.active().filter(frequency="month").order_by("pk"))


def _index(enterprise: Enterprise) -> int:
    return int(enterprise.uscc[len(USCC_PREFIX):])


def seed(n: int, staff: int = 3) -> dict[str, Any]:
    """Make sure N load enterprises with everything above exist; return the open round and the accounts."""
    region = Region.objects.get(pk=REGION)
    now = timezone.now()
    with transaction.atomic():
        parks = list(Park.objects.filter(name__startswith=PARK_PREFIX).order_by("name"))
        for i in range(len(parks), PARKS):
            parks.append(Park.objects.create(name=f"{PARK_PREFIX}{i + 1:02d}", region=region,
                                             kind=Park.Kind.INDUSTRIAL, status=Park.Status.OPERATING,
                                             land_area_mu=200))
        have = Enterprise.objects.filter(uscc__startswith=USCC_PREFIX).count()
        industry = IndustryCode.objects.get(pk="6513")
        new = Enterprise.objects.bulk_create([
            Enterprise(uscc=f"{USCC_PREFIX}{i:014d}", name=f"压测企业{i:06d}有限公司", name_pinyin=f"yaceqiye{i:06d}",
                       name_initials=f"ycqy{i:06d}", industry=industry, region=region, is_above_scale=i % 3 == 0,
                       created_at=now)
            for i in range(have, n)], batch_size=2000)
        Settlement.objects.bulk_create([
            Settlement(enterprise=e, park=parks[_index(e) % PARKS], stage=Settlement.Stage.MOVED_IN,
                       signed_on=dt.date(2024, 1, 10), fitout_on=dt.date(2024, 2, 1),
                       moved_in_on=dt.date(2024, 3, 1), created_at=now)
            for e in new], batch_size=2000)
        staff_users = _staff(region, staff)
        inds = indicators()
        if new:
            _history(new, inds, staff_users[0])
    if new:
        rollups.rebuild([p.pk for p in parks])
        rollups.rebuild_regions()
    rnd = Round.objects.filter(region=region, frequency="month", year=YEAR, month=MONTH).first()
    if rnd is None:
        rnd = services.round_open(actor=staff_users[0], region=region, frequency="month", year=YEAR, month=MONTH,
                                  deadline=dt.date(YEAR, MONTH + 1, 10), indicators=inds)
    elif new:
        with transaction.atomic():
            services._create_tasks(rnd)
    with transaction.atomic():
        _enterprise_users(region)
    reports = list(Report.objects.filter(round=rnd, enterprise__uscc__startswith=USCC_PREFIX)
                   .select_related("enterprise").order_by("enterprise__uscc")[:n])
    users = {u.enterprise_id: u for u in User.objects.filter(username__startswith=ENTERPRISE_USER_PREFIX)}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"round": rnd, "reports": reports, "users": users, "staff": staff_users, "indicators": inds}


def _staff(region: Region, count: int) -> list[User]:
    found = list(User.objects.filter(username__startswith=STAFF_PREFIX).order_by("username"))
    for i in range(len(found), count):
        user = user_create_on_server(role=Role.REGION_STAFF, region=region, username=f"{STAFF_PREFIX}-{i + 1}",
                                     must_change_password=False)[0]
        TOTPDevice.objects.create(user=user, name="bench", key=STAFF_TOTP_KEY, confirmed=True)
        found.append(user)
    return found[:count]


def _enterprise_users(region: Region) -> None:
    """An enterprise_user per load enterprise that has none (one password hash for all: log-in is not measured)."""
    password = make_password(None)
    now = timezone.now()
    missing = Enterprise.objects.filter(uscc__startswith=USCC_PREFIX, users__isnull=True)
    User.objects.bulk_create([
        User(username=f"{ENTERPRISE_USER_PREFIX}{_index(e):06d}", role=Role.ENTERPRISE_USER, region=region,
             enterprise=e, password=password, password_changed_at=now, must_change_password=False)
        for e in missing], batch_size=2000)


def _history(enterprises: list[Enterprise], inds: list[Indicator], staff: User) -> None:
    """Approved reports and values for every history month, derived values as ``rederive`` computes them."""
    region = Region.objects.get(pk=REGION)
    now = timezone.now()
    rounds = {}
    for year, month in HISTORY:
        rnd, created = Round.objects.get_or_create(
            region=region, frequency="month", year=year, month=month,
            defaults=dict(deadline=dt.date(year + month // 12, month % 12 + 1, 10), locked=True, created_by=staff))
        if created:
            rnd.indicators.set(inds)
        rounds[(year, month)] = rnd
    settlements = {s.enterprise_id: s.park_id for s in Settlement.objects.filter(enterprise__in=enterprises)}
    reports = Report.objects.bulk_create([
        Report(round=rounds[(y, m)], enterprise=e, park_id=settlements[e.pk], industry_section=e.industry.section,
               above_scale=e.is_above_scale, status=Report.Status.APPROVED, submitted_at=now, approved_at=now)
        for e in enterprises for (y, m) in HISTORY], batch_size=5000)
    by_key = {(r.enterprise_id, rounds_key): r for r in reports
              for rounds_key in [(r.round.year, r.round.month)]}
    values = []
    for e in enterprises:
        index = _index(e)
        for ind in inds:
            for year in sorted({y for y, _m in HISTORY}):
                months = [m for y, m in HISTORY if y == year]
                typed = [value_of(ind.code, index, year, m) for m in months]
                for month, value, (period, ytd) in zip(months, typed, derive_series(ind, typed), strict=True):
                    values.append(ReportValue(report=by_key[(e.pk, (year, month))], indicator=ind,
                                              park_id=settlements[e.pk], enterprise=e, year=year, month=month,
                                              value=value, period_value=period, ytd_value=ytd))
    ReportValue.objects.bulk_create(values, batch_size=5000)


def entries_for(report: Report, inds: list[Indicator]) -> dict[str, str]:
    """The POST fields of the report form with the enterprise's November values (``v_<indicator id>``)."""
    index = _index(report.enterprise)
    return {f"v_{ind.pk}": str(value_of(ind.code, index, YEAR, MONTH)) for ind in inds}


def reset(rnd: Round) -> None:
    """Put the open round back to before the burst: every report pending, no values (between runs)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM stats_reportvalue WHERE report_id IN (SELECT id FROM stats_report "
                       "WHERE round_id = %s)", [rnd.pk])
        cursor.execute("UPDATE stats_report SET status = 'pending', submitted_at = NULL, submitted_by_id = NULL "
                       "WHERE round_id = %s", [rnd.pk])


def sessions_for(users: list[User]) -> dict[int, str]:
    """A signed-in session per user, made on the server as a completed log-in leaves it (verified second factor
    for roles that have one); returns user id → session key."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    devices = {d.user_id: d.persistent_id for d in TOTPDevice.objects.filter(user__in=users, confirmed=True)}
    keys = {}
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if user.pk in devices:
            session[DEVICE_ID_SESSION_KEY] = devices[user.pk]
        session.create()
        keys[user.pk] = session.session_key
    return keys
