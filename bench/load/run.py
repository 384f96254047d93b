"""The reporting deadline: N enterprises submit their report in a burst while region staff load the cockpit.

Starts the production server (``yuanqu serve``: gunicorn, DEBUG off, a generated SECRET_KEY, ALLOWED_HOSTS) on
loopback against the PostgreSQL database in DATABASE_URL, with ``bench.load.settings`` (the production settings
plus the floor endpoint), after seeding it (``bench/load/seed.py``: N enterprises, each with history, a report in
the open round and a user; sessions prepared on the server, so log-in is not measured). Then, per phase:

    submit @ RATE/s   every enterprise user opens its report form (GET) and submits it (POST), flows started at a
                      fixed offered rate (open loop: a late response does not delay the next start);
    floor  @ RATE/s   the same users GET and POST the floor (``bench/load/floor.py``: the same middleware, one
                      INSERT), at the same rate;
    submit @ max      the same burst unthrottled: CONCURRENCY clients, each starting its next flow when the last
                      one finished (closed loop), which finds the sustained maximum;
    floor  @ max      the floor, likewise;

while STAFF region_staff clients load the cockpit (page + its chart data) in a loop. The requests come from
127.0.0.1 (a trusted proxy) with ``X-Forwarded-Proto: https``, as nginx sends them, so the production HTTPS
settings (secure cookies, redirects, HSTS) stay on. After each phase the database is checked: a ReportValue per
(report, indicator) sent and none more, their sums per indicator equal to what was sent, every report submitted,
and exactly one submission audit event per report (floor: one row per success, sums equal); then the open round
is reset to pending. The audit chain is verified at the end.

Why a thread pool of our own and not locust: the offered-rate phase needs an open-loop schedule (a flow starts at
t0 + i/rate whatever the server does), which locust's user/wait-time model approximates only; the sessions are
made server-side and the results checked against the database in the same process; and it needs nothing beyond
the standard library (locust would bring gevent and its monkey-patching into the project's environment).

    make bench-load                         # LOAD_DATABASE_URL, N=500, RATE=25
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yuanqu_bench_load .venv/bin/python -m bench.load.run \
        --enterprises 500 --rate 25 --concurrency 32 --staff 3
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def _production_environment() -> dict[str, str]:
    """The server's environment: production (no DEBUG, demo or testing), a fresh key, this host, loopback proxy."""
    env = {k: v for k, v in os.environ.items() if k not in {"YUANQU_TESTING", "YUANQU_DEMO", "DEBUG"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "YUANQU_TRUSTED_PROXIES": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    })
    return env


ENV = _production_environment()
os.environ.update(ENV)
for _name in ("YUANQU_TESTING", "YUANQU_DEMO", "DEBUG"):
    os.environ.pop(_name, None)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402

from yuanqu.core import audit_chain  # noqa: E402
from yuanqu.core.models import AuditEvent  # noqa: E402
from yuanqu.dashboards.selectors import COCKPIT_CHARTS  # noqa: E402
from yuanqu.stats.models import Report, ReportValue  # noqa: E402

from . import floor, seed  # noqa: E402

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --------------------------------------------------------------------------- HTTP, as nginx forwards it


class Browser:
    """One user's keep-alive connection to the server, with its cookies (sent as the HTTPS site would get them)."""

    def __init__(self, port: int, session_key: str) -> None:
        self.port = port
        self.cookies = {"sessionid": session_key}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=120)

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "User-Agent": "yuanqu-bench-load"}
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": f"https://{HOST}:{self.port}"})
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server closed while idle: reconnect once (nothing was processed).
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------- measuring


@dataclass
class Phase:
    name: str
    offered: float | None  # flows/s, None for unthrottled
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"open": [], "submit": []})
    errors: list[str] = field(default_factory=list)
    ok: int = 0
    started: float = 0.0
    finished: float = 0.0
    max_lag: float = 0.0
    cockpit: list[float] = field(default_factory=list)
    cockpit_round: list[float] = field(default_factory=list)
    cockpit_errors: list[str] = field(default_factory=list)
    check: dict[str, Any] = field(default_factory=dict)
    lock = threading.Lock()

    @property
    def achieved(self) -> float:
        return self.ok / (self.finished - self.started) if self.finished > self.started else 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _flow(phase: Phase, port: int, session_key: str, open_path: str, post_path: str, fields: dict[str, str],
          expect: Callable[[int, str], bool], scheduled: float) -> None:
    """One user: open the form (GET), read its CSRF token, submit (POST)."""
    lag = time.perf_counter() - scheduled
    browser = Browser(port, session_key)
    try:
        t = time.perf_counter()
        status, _loc, text = browser.request("GET", open_path)
        t_open = time.perf_counter() - t
        found = CSRF_RE.search(text)
        token = found.group(1) if found else text.strip()
        if status != 200 or not token:
            raise RuntimeError(f"GET {open_path}: {status} {text[:120]!r}")
        t = time.perf_counter()
        status, location, text = browser.request("POST", post_path, {"csrfmiddlewaretoken": token, **fields})
        t_submit = time.perf_counter() - t
        if not expect(status, location):
            raise RuntimeError(f"POST {post_path}: {status} {location} {text[:200]!r}")
        with phase.lock:
            phase.ok += 1
            phase.latencies["open"].append(t_open * 1000)
            phase.latencies["submit"].append(t_submit * 1000)
            phase.max_lag = max(phase.max_lag, lag)
            phase.finished = max(phase.finished, time.perf_counter())
    except Exception as exc:  # noqa: BLE001  every failure is counted and shown, the run goes on
        with phase.lock:
            phase.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            phase.finished = max(phase.finished, time.perf_counter())
    finally:
        browser.close()


def _cockpit_loop(phase: Phase, port: int, session_key: str, stop: threading.Event) -> None:
    """A region_staff user keeps the cockpit open: the page, then each chart's data, again and again."""
    browser = Browser(port, session_key)
    paths = ["/dashboards/"] + [f"/dashboards/data/{name}/" for name in COCKPIT_CHARTS]
    try:
        while not stop.is_set():
            t_round = time.perf_counter()
            for i, path in enumerate(paths):
                t = time.perf_counter()
                status, _loc, text = browser.request("GET", path)
                if status != 200:
                    with phase.lock:
                        phase.cockpit_errors.append(f"GET {path}: {status} {text[:120]!r}")
                elif i == 0:
                    with phase.lock:
                        phase.cockpit.append((time.perf_counter() - t) * 1000)
            with phase.lock:
                phase.cockpit_round.append((time.perf_counter() - t_round) * 1000)
            stop.wait(0.5)  # the person reads the page before looking again
    finally:
        browser.close()


def run_phase(phase: Phase, *, port: int, flows: list[dict[str, Any]], concurrency: int,
              staff_sessions: list[str]) -> Phase:
    stop = threading.Event()
    watchers = [threading.Thread(target=_cockpit_loop, args=(phase, port, key, stop), daemon=True)
                for key in staff_sessions]
    for w in watchers:
        w.start()
    time.sleep(1.0)  # the cockpit is open before the burst begins
    workers = len(flows) if phase.offered else concurrency
    with ThreadPoolExecutor(max_workers=min(workers, 400)) as pool:
        phase.started = t0 = time.perf_counter()
        for i, f in enumerate(flows):
            scheduled = t0 + i / phase.offered if phase.offered else time.perf_counter()
            if phase.offered:
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            pool.submit(_flow, phase, port, scheduled=scheduled, **f)
    stop.set()
    for w in watchers:
        w.join(timeout=120)
    return phase


# --------------------------------------------------------------------------- checking against the database


def check_reports(rnd: Any, reports: list[Report], sent: dict[int, Decimal], since: Any, n_inds: int) -> dict[str, Any]:
    ids = [r.pk for r in reports]
    values = ReportValue.objects.filter(report_id__in=ids)
    by_indicator = {row["indicator_id"]: row["s"] for row in values.values("indicator_id").annotate(s=Sum("value"))}
    duplicates = values.values("report_id", "indicator_id").annotate(c=Count("id")).filter(c__gt=1).count()
    submitted = Report.objects.filter(pk__in=ids, status=Report.Status.SUBMITTED).count()
    events = (AuditEvent.objects.filter(object_type="stats.Report", object_id__in=[str(i) for i in ids], at__gte=since,
                                        after__status=Report.Status.SUBMITTED)
              .values("object_id").annotate(c=Count("id")))
    per_report = {row["object_id"]: row["c"] for row in events}
    return {
        "values": values.count(), "expected_values": len(ids) * n_inds,
        "lost": len(ids) * n_inds - values.values("report_id", "indicator_id").distinct().count(),
        "duplicated": duplicates,
        "sums_equal": all(by_indicator.get(pk, Decimal(0)) == total for pk, total in sent.items()),
        "submitted": submitted,
        "events_once": sum(1 for i in ids if per_report.get(str(i)) == 1),
        "events_more": sum(1 for c in per_report.values() if c > 1),
    }


def check_floor(sent_count: int, sent_sum: Decimal) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(sum(value), 0) FROM {floor.TABLE}")  # noqa: S608
        count, total = cursor.fetchone()
    return {"values": count, "expected_values": sent_count, "lost": max(0, sent_count - count),
            "duplicated": max(0, count - sent_count), "sums_equal": Decimal(total) == sent_sum}


# --------------------------------------------------------------------------- the server


def start_server(port: int, workers: int | None, threads: int | None, log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "yuanqu.cli", "serve", "--no-worker", "--host", HOST, "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    if threads:
        cmd += ["--threads", str(threads)]
    out = log.open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/readyz", headers={"Host": HOST})
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"the server did not answer /readyz within 300 s; see {log}")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=500, help="enterprises submitting (N)")
    parser.add_argument("--rate", type=float, default=25.0, help="offered submissions per second")
    parser.add_argument("--concurrency", type=int, default=32, help="clients in the unthrottled phase")
    parser.add_argument("--staff", type=int, default=3, help="region_staff clients loading the cockpit")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default YUANQU_WEB_WORKERS)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (YUANQU_WEB_THREADS)")
    parser.add_argument("--phases", default="submit-rate,floor-rate,submit-max,floor-max")
    parser.add_argument("--log", type=Path, default=Path("/tmp/bench-load-server.log"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The load benchmark runs on PostgreSQL: set DATABASE_URL (make bench-load does).")

    t = time.perf_counter()
    data = seed.seed(args.enterprises, staff=args.staff)
    with connection.cursor() as cursor:
        cursor.execute(floor.CREATE)
    rnd, reports, inds = data["round"], data["reports"], data["indicators"]
    print(f"seeded in {time.perf_counter() - t:.1f} s: {len(reports)} enterprises with an open report "
          f"({rnd.period_label}, {len(inds)} indicators each), {len(data['staff'])} region_staff")
    port = _free_port()
    server = start_server(port, args.workers, args.threads, args.log)
    from django.conf import settings

    print(f"server: yuanqu serve (gunicorn, DEBUG off) on {HOST}:{port}, "
          f"{args.workers or settings.WEB_WORKERS} workers × {args.threads or settings.WEB_THREADS} threads, "
          f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}; log {args.log}")
    results: list[Phase] = []
    try:
        for name in args.phases.split(","):
            kind, _dash, mode = name.partition("-")
            offered = args.rate if mode == "rate" else None
            seed.reset(rnd)
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {floor.TABLE}")
            users = [data["users"][r.enterprise_id] for r in reports]
            sessions = seed.sessions_for(users + data["staff"])
            staff_sessions = [sessions[u.pk] for u in data["staff"]]
            flows = []
            sent: dict[int, Decimal] = {ind.pk: Decimal(0) for ind in inds}
            floor_sum = Decimal(0)
            for report, user in zip(reports, users, strict=True):
                if kind == "submit":
                    fields = {"action": "submit", **seed.entries_for(report, inds)}
                    path = f"/stats/reports/{report.pk}/fill/"
                    detail = f"/stats/reports/{report.pk}/"
                    flows.append({"session_key": sessions[user.pk], "open_path": path, "post_path": path,
                                  "fields": fields,
                                  "expect": lambda status, location, d=detail: status == 302 and location == d})
                else:
                    value = seed.value_of("output", seed._index(report.enterprise), seed.YEAR, seed.MONTH)
                    floor_sum += value
                    flows.append({"session_key": sessions[user.pk], "open_path": "/bench-floor/",
                                  "post_path": "/bench-floor/", "fields": {"value": str(value)},
                                  "expect": lambda status, location: status == 204})
            if kind == "submit":
                for report in reports:
                    for key, value in seed.entries_for(report, inds).items():
                        sent[int(key[2:])] += Decimal(value)
            from django.utils import timezone

            since = timezone.now()
            phase = run_phase(Phase(name=name, offered=offered), port=port, flows=flows,
                              concurrency=args.concurrency, staff_sessions=staff_sessions)
            phase.check = (check_reports(rnd, reports, sent, since, len(inds)) if kind == "submit"
                           else check_floor(len(flows), floor_sum))
            results.append(phase)
            _print_phase(phase, len(flows))
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    verdict = audit_chain.verify()
    print(f"\naudit chain: {verdict.checked} events, {'intact' if verdict.ok else f'BROKEN at {verdict.broken}'}")
    _print_table(results, args)


def _print_phase(p: Phase, n: int) -> None:
    print(f"\n{p.name}: {p.ok}/{n} ok, {len(p.errors)} errors, achieved {p.achieved:.1f}/s, "
          f"client lag max {p.max_lag * 1000:.0f} ms; check {p.check}")
    for e in p.errors[:5]:
        print("   error:", e)
    for e in p.cockpit_errors[:5]:
        print("   cockpit error:", e)


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):7.0f} {pct(values, 0.95):7.0f} {max(values):7.0f}" if values else \
        f"{'-':>7} {'-':>7} {'-':>7}"


def _print_table(results: list[Phase], args: argparse.Namespace) -> None:
    print(f"\nN={args.enterprises} enterprises, offered {args.rate:g}/s, unthrottled with {args.concurrency} clients, "
          f"{args.staff} cockpit clients (latencies in ms: p50 p95 max)")
    print(f"{'phase':<12} {'offered/s':>9} {'achieved/s':>10} {'errors':>6}   {'open p50 p95 max':>23}   "
          f"{'submit p50 p95 max':>23}   {'cockpit page p50 p95 max':>23}  cockpit err  lost dup sums once")
    for p in results:
        c = p.check
        once = f"{c.get('events_once', '-')}" if "events_once" in c else "-"
        print(f"{p.name:<12} {(f'{p.offered:g}' if p.offered else 'max'):>9} {p.achieved:10.1f} {len(p.errors):6d}   "
              f"{_ms(p.latencies['open']):>23}   {_ms(p.latencies['submit']):>23}   {_ms(p.cockpit):>23}  "
              f"{len(p.cockpit_errors):11d}  {c['lost']:4d} {c['duplicated']:3d} {'ok' if c['sums_equal'] else 'NO':>4} "
              f"{once:>4}")
    rate = next((p for p in results if p.name == "submit-rate"), None)
    top = next((p for p in results if p.name == "submit-max"), None)
    if rate and top:
        clean = all(not p.errors and p.check["lost"] == 0 and p.check["duplicated"] == 0 and p.check["sums_equal"]
                    for p in results)
        print(f"\ntargets: 0 errors, 0 lost/duplicated: {'met' if clean else 'NOT met'}; "
              f"p95 ≤ 1 s at {rate.offered:g}/s: {pct(rate.latencies['submit'], 0.95):.0f} ms "
              f"({'met' if pct(rate.latencies['submit'], 0.95) <= 1000 else 'NOT met'}); "
              f"≥ 50/s sustained: {top.achieved:.1f}/s ({'met' if top.achieved >= 50 else 'NOT met'})")


if __name__ == "__main__":
    main()
