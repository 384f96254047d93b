"""The audit log at size: the auditor's list page with each filter and search, timed in-process.

Run against a database of its own holding the Licang demo (``DATABASE_URL=… yuanqu demo``). It pads the log to
``--events`` rows, copies of the demo's own events spread over the last year and over three districts (half of
them 李沧区's), a third of them acted by ``--users`` added accounts with Chinese full names. The copies are
inserted outside the hash chain, so ``audit_verify`` fails on that database afterwards: never run it on a real
one. Then it requests ``/audit/`` as the demo's auditor (Django test client: middleware, session, rendering) with
each filter and search, ``--runs`` times each, and prints the rows found, the queries and their database time,
and the median and worst wall time of the request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yuanqu_bench_audit .venv/bin/python -m bench.audit.run
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
os.environ.setdefault("YUANQU_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from yuanqu.accounts.models import User  # noqa: E402
from yuanqu.core.models import AuditEvent  # noqa: E402
from yuanqu.core.roles import Role  # noqa: E402
from yuanqu.core.text import pinyin_keys  # noqa: E402
from yuanqu.enterprises.models import Enterprise  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞宇浩然欣怡晨阳思远子涵雨"
PREFIX = "bench-audit-"


def add_users(n: int) -> list[User]:
    """``n`` accounts of 李沧区 with Chinese full names (no password), made once."""
    have = list(User.objects.filter(username__startswith=PREFIX).order_by("pk"))
    if len(have) >= n:
        return have[:n]
    rng = random.Random(14)
    region = User.objects.get(username="auditor").region
    new = [User(username=f"{PREFIX}{i}", display_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                role=Role.REGION_STAFF, region=region, password="!")
           for i in range(len(have), n)]
    User.objects.bulk_create(new, batch_size=1000)
    return list(User.objects.filter(username__startswith=PREFIX).order_by("pk"))[:n]


def pad_events(total: int, users: list[User]) -> None:
    """Copies of the demo's events until the log holds ``total`` rows (one INSERT … SELECT)."""
    missing = total - AuditEvent.objects.count()
    if missing <= 0:
        return
    first_user, last_user = users[0].pk, users[-1].pk
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_seed AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, * "
                       "FROM core_auditevent WHERE action <> 'archive'")
        cursor.execute("SELECT count(*) FROM bench_seed")
        seeds = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO core_auditevent (at, actor_id, actor_username, role, ip, user_agent, channel, action,
                                         object_type, object_id, object_repr, before, after, region_code,
                                         prev_hash, hash)
            SELECT now() - (g::float / %(missing)s) * interval '365 days',
                   CASE WHEN g %% 3 = 0 THEN %(first)s + (g / 3) %% (%(last)s - %(first)s + 1) ELSE s.actor_id END,
                   CASE WHEN g %% 3 = 0 THEN %(prefix)s || ((g / 3) %% (%(last)s - %(first)s + 1))
                        ELSE s.actor_username END,
                   s.role, s.ip, s.user_agent, s.channel, s.action, s.object_type, s.object_id, s.object_repr,
                   s.before, s.after,
                   CASE WHEN g %% 4 IN (0, 1) THEN s.region_code WHEN g %% 4 = 2 THEN '370212' ELSE '370203' END,
                   '', ''
            FROM generate_series(1, %(missing)s) AS g JOIN bench_seed s ON s.rn = g %% %(seeds)s
            """,
            {"missing": missing, "first": first_user, "last": last_user, "prefix": PREFIX, "seeds": seeds})
        cursor.execute("DROP TABLE bench_seed")
        cursor.execute("ANALYZE core_auditevent")


def measure(client: Client, params: dict[str, str], runs: int) -> dict[str, Any]:
    walls, db_ms, queries, total = [], [], 0, ""
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get("/audit/", params)
            walls.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
        db_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        page = response.content.decode()
        total = page.split('id="list-total">', 1)[1].split("<", 1)[0].strip()
    return {"rows": total, "queries": queries, "db": statistics.median(db_ms), "p50": statistics.median(walls),
            "max": max(walls)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    users = add_users(args.users)
    start = time.perf_counter()
    pad_events(args.events, users)
    print(f"{AuditEvent.objects.count():,} events ({time.perf_counter() - start:.1f} s to pad), "
          f"{User.objects.count():,} users, {connection.vendor}")

    auditor = User.objects.get(username="auditor")
    person = users[len(users) // 2]
    full, initials = pinyin_keys(person.display_name)
    enterprise = Enterprise.objects.in_region(auditor.region_id).order_by("pk").first()
    assert enterprise is not None
    week_ago = (timezone.localdate() - timezone.timedelta(days=7)).isoformat()
    cases: list[tuple[str, dict[str, str]]] = [
        ("newest page", {}),
        ("page 200", {"page": "200"}),
        ("action = stage", {"action": "stage"}),
        ("object type = 入驻记录", {"object_type": "enterprises.Settlement"}),
        ("last 7 days", {"from": week_ago}),
        ("q = 信联天地 (Chinese)", {"q": "信联天地"}),
        ("q = xltd (initials)", {"q": "xltd"}),
        (f"q = {enterprise.name_initials} (an enterprise)", {"q": enterprise.name_initials}),
        (f"q = {full} (a user's pinyin)", {"q": full}),
        (f"actor = {initials} ({person.display_name})", {"actor": initials}),
        ("q = qd (many names)", {"q": "qd"}),
    ]
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(auditor)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = (TOTPDevice.objects.filter(user=auditor, confirmed=True).first()
                  or TOTPDevice.objects.create(user=auditor, name="bench", confirmed=True))
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        measure(client, {}, 1)  # warm: the pinyin of the accounts' names, Django's caches
        print(f"{'request':48} {'rows':>10} {'queries':>7} {'db ms':>8} {'p50 ms':>8} {'max ms':>8}")
        for label, params in cases:
            r = measure(client, params, args.runs)
            print(f"{label:48} {r['rows']:>10} {r['queries']:>7} {r['db']:8.0f} {r['p50']:8.0f} {r['max']:8.0f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
