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
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def _keys() -> dict[str, str]:
    """SECRET_KEY and AUDIT_CHAIN_KEY of the benchmark's installation: generated at its first run and kept in
    ``bench-load.keys`` under YUANQU_VAR_DIR, so the audit chain of earlier runs still verifies with this run's key."""
    var = Path(os.environ.get("YUANQU_VAR_DIR", ROOT / "var"))
    path = var / "bench-load.keys"
    if not path.exists():
        var.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{secrets.token_urlsafe(64)}\n{secrets.token_urlsafe(64)}\n")
        path.chmod(0o600)
    secret, chain = path.read_text().split()
    return {"SECRET_KEY": secret, "AUDIT_CHAIN_KEY": chain}


def _production_environment() -> dict[str, str]:
    """The server's environment: production (no DEBUG, demo or testing), its own keys, this host, loopback proxy."""
    env = {k: v for k, v in os.environ.items() if k not in {"YUANQU_TESTING", "YUANQU_DEMO", "DEBUG"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        **_keys(),
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
    """One user's keep-alive connection to the server, with its cookies (sent as the HTTPS site would get them).

    A failed request is never retried: a second POST could be a second submission, which the check must see."""

    def __init__(self, port: int, cookies: dict[str, str]) -> None:
        self.port = port
        self.cookies = dict(cookies)
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
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------- measuring


@dataclass
class Step:
    """One step of a phase for all N users (opening the form, or submitting it)."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ok: int = 0
    started: float = 0.0
    finished: float = 0.0
    max_lag: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds: app server, database, this client
    waits: Counter[str] = field(default_factory=Counter)  # samples of active backends, and of those waiting
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average before and after

    @property
    def achieved(self) -> float:
        return self.ok / (self.finished - self.started) if self.finished > self.started else 0.0


@dataclass
class Phase:
    name: str
    offered: float | None  # requests/s, None for unthrottled
    open: Step = field(default_factory=Step)
    submit: Step = field(default_factory=Step)
    cockpit: list[float] = field(default_factory=list)
    cockpit_round: list[float] = field(default_factory=list)
    cockpit_errors: list[str] = field(default_factory=list)
    check: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _open(phase: Phase, port: int, flow: dict[str, Any], scheduled: float) -> None:
    """A user opens the form (GET) and keeps what the browser would: its CSRF token and cookies."""
    _timed(phase, phase.open, scheduled, lambda: _open_request(port, flow))


def _open_request(port: int, flow: dict[str, Any]) -> None:
    browser = Browser(port, flow["cookies"])
    try:
        status, _loc, text = browser.request("GET", flow["open_path"])
    finally:
        browser.close()
    found = CSRF_RE.search(text)
    token = found.group(1) if found else text.strip()
    if status != 200 or not token:
        raise RuntimeError(f"GET {flow['open_path']}: {status} {text[:120]!r}")
    flow["cookies"], flow["token"] = browser.cookies, token


def _submit(phase: Phase, port: int, flow: dict[str, Any], scheduled: float) -> None:
    """The user submits the form it opened (POST), on a new connection."""
    _timed(phase, phase.submit, scheduled, lambda: _submit_request(port, flow))


def _submit_request(port: int, flow: dict[str, Any]) -> None:
    if "token" not in flow:
        raise RuntimeError("the form was not opened")
    browser = Browser(port, flow["cookies"])
    try:
        status, location, text = browser.request(
            "POST", flow["post_path"], {"csrfmiddlewaretoken": flow["token"], **flow["fields"]})
    finally:
        browser.close()
    if not flow["expect"](status, location):
        raise RuntimeError(f"POST {flow['post_path']}: {status} {location} {text[:200]!r}")


def _timed(phase: Phase, step: Step, scheduled: float, act: Callable[[], None]) -> None:
    lag = time.perf_counter() - scheduled
    t = time.perf_counter()
    try:
        act()
    except Exception as exc:  # noqa: BLE001  every failure is counted and shown, the run goes on
        with phase.lock:
            step.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            step.finished = max(step.finished, time.perf_counter())
        return
    elapsed = time.perf_counter() - t
    with phase.lock:
        step.ok += 1
        step.latencies.append(elapsed * 1000)
        step.max_lag = max(step.max_lag, lag)
        step.finished = max(step.finished, time.perf_counter())


def _cockpit_loop(phase: Phase, port: int, session_key: str, stop: threading.Event) -> None:
    """A region_staff user keeps the cockpit open: the page, then each chart's data, again and again."""
    browser = Browser(port, {"sessionid": session_key})
    paths = ["/dashboards/"] + [f"/dashboards/data/{name}/" for name in COCKPIT_CHARTS]
    try:
        while not stop.is_set():
            t_round = time.perf_counter()
            for i, path in enumerate(paths):
                t = time.perf_counter()
                try:
                    status, _loc, text = browser.request("GET", path)
                except (OSError, http.client.HTTPException) as exc:
                    status, text = 0, repr(exc)
                    browser.close()
                    browser = Browser(port, browser.cookies)
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


def _sample_waits(stop: threading.Event, out: Counter[str]) -> None:
    """Every 50 ms, what this database's backends are doing: running, idle, or waiting (and on which lock:
    ``Lock:advisory`` is the audit chain's, ``Lock:tuple``/``transactionid`` a row)."""
    from django.db import connections

    try:
        with connections["default"].cursor() as cursor:
            while not stop.is_set():
                cursor.execute("SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                               "AND backend_type = 'client backend'")
                for state, kind, event in cursor.fetchall():
                    if state == "active":
                        out["active"] += 1
                        if kind in ("Lock", "LWLock", "IO"):
                            out[f"{kind}:{event}"] += 1
                stop.wait(0.05)
    finally:
        connections["default"].close()


def _drive(phase: Phase, step: Step, act: Callable[..., None], *, port: int, flows: list[dict[str, Any]],
           concurrency: int, server_pid: int) -> None:
    """Every flow through ``act``: at the offered rate (open loop: each starts at t0 + i/rate, whatever the server
    does, in a thread of its own), or unthrottled (CONCURRENCY clients, each starting its next when done)."""
    workers = len(flows) if phase.offered else concurrency
    before, load = cpu_snapshot(server_pid), os.getloadavg()[0]
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_waits, args=(stop, step.waits), daemon=True)
    sampler.start()
    with ThreadPoolExecutor(max_workers=min(workers, 600)) as pool:
        step.started = t0 = time.perf_counter()
        for i, f in enumerate(flows):
            scheduled = t0 + i / phase.offered if phase.offered else time.perf_counter()
            if phase.offered:
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            pool.submit(act, phase, port, f, scheduled)
    stop.set()
    sampler.join()
    step.cpu, step.load = cpu_used(before, cpu_snapshot(server_pid)), (load, os.getloadavg()[0])


def run_phase(phase: Phase, *, port: int, flows: list[dict[str, Any]], concurrency: int,
              staff_sessions: list[str], server_pid: int) -> Phase:
    """The N users open their forms, then (the deadline) submit them, while the cockpit clients keep loading."""
    stop = threading.Event()
    watchers = [threading.Thread(target=_cockpit_loop, args=(phase, port, key, stop), daemon=True)
                for key in staff_sessions]
    for w in watchers:
        w.start()
    time.sleep(1.0)  # the cockpit is open before the users come
    _drive(phase, phase.open, _open, port=port, flows=flows, concurrency=concurrency, server_pid=server_pid)
    time.sleep(1.0)
    _drive(phase, phase.submit, _submit, port=port, flows=flows, concurrency=concurrency, server_pid=server_pid)
    stop.set()
    for w in watchers:
        w.join(timeout=120)
    return phase


# --------------------------------------------------------------------------- checking against the database


def wait_for_quiet(timeout: float = 300) -> float:
    """Wait until no backend of this database is working (requests the client gave up on may still be running on
    the server; the check counts what they did too); returns the seconds waited."""
    t = time.perf_counter()
    while time.perf_counter() - t < timeout:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND state = 'active' AND backend_type = 'client backend'")
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.5)
    return time.perf_counter() - t


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


# --------------------------------------------------------------------------- CPU time, which contention does not hide


CLK_TCK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def _children(root: int) -> list[int]:
    """``root`` and every process below it (gunicorn's master and workers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def cpu_snapshot(server_pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the app server's processes and of this database's PostgreSQL backends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        db = [row[0] for row in cursor.fetchall()]
    snap: dict[str, dict[int, float]] = {"app": {}, "db": {}}
    for kind, pids in (("app", _children(server_pid)), ("db", db)):
        for pid in pids:
            cpu = _cpu_of(pid)
            if cpu is not None:
                snap[kind][pid] = cpu
    snap["client"] = {0: time.process_time()}
    return snap


def cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU seconds used between two snapshots, per kind (a process started in between counts from zero)."""
    return {kind: sum(cpu - before[kind].get(pid, 0.0) for pid, cpu in after[kind].items()) for kind in after}


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
                    flows.append({"cookies": {"sessionid": sessions[user.pk]}, "open_path": path, "post_path": path,
                                  "fields": fields,
                                  "expect": lambda status, location, d=detail: status == 302 and location == d})
                else:
                    value = seed.value_of("output", seed._index(report.enterprise), seed.YEAR, seed.MONTH)
                    floor_sum += value
                    flows.append({"cookies": {"sessionid": sessions[user.pk]}, "open_path": "/bench-floor/",
                                  "post_path": "/bench-floor/", "fields": {"value": str(value)},
                                  "expect": lambda status, location: status == 204})
            if kind == "submit":
                for report in reports:
                    for key, value in seed.entries_for(report, inds).items():
                        sent[int(key[2:])] += Decimal(value)
            from django.utils import timezone

            since = timezone.now()
            phase = run_phase(Phase(name=name, offered=offered), port=port, flows=flows,
                              concurrency=args.concurrency, staff_sessions=staff_sessions, server_pid=server.pid)
            phase.check = {"waited_s": round(wait_for_quiet(), 1)}
            phase.check |= (check_reports(rnd, reports, sent, since, len(inds)) if kind == "submit"
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
    for label, step in (("open", p.open), ("submit", p.submit)):
        lag = f", start lag max {step.max_lag * 1000:.0f} ms" if p.offered else ""
        cpu = " ".join(f"{k} {v * 1000 / max(step.ok, 1):.1f}" for k, v in step.cpu.items())
        print(f"{p.name} {label}: {step.ok}/{n} ok, {len(step.errors)} errors, achieved {step.achieved:.1f}/s{lag}; "
              f"CPU ms per request: {cpu} (cockpit included); load average {step.load[0]:.1f} → {step.load[1]:.1f}")
        active = step.waits.pop("active", 0)
        if active:
            waits = ", ".join(f"{k} {v * 100 / active:.0f} %" for k, v in step.waits.most_common(4))
            print(f"   database backends busy (sampled every 50 ms): {active} samples; waiting: {waits or 'none'}")
        for e in step.errors[:5]:
            print("   error:", e)
    print(f"{p.name} check: {p.check}; cockpit: {len(p.cockpit_round)} rounds, {len(p.cockpit_errors)} errors")
    for e in p.cockpit_errors[:5]:
        print("   cockpit error:", e)


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} {pct(values, 0.95):6.0f} {max(values):6.0f}" if values else \
        f"{'-':>6} {'-':>6} {'-':>6}"


def _print_table(results: list[Phase], args: argparse.Namespace) -> None:
    print(f"\nN={args.enterprises} enterprises open their form, then submit it; offered {args.rate:g}/s or "
          f"unthrottled ({args.concurrency} clients); {args.staff} region_staff on the cockpit. ms: p50 p95 max")
    print(f"{'phase':<12} {'offered':>7} {'open/s':>6} {'open p50 p95 max':>20}  {'submit/s':>8} "
          f"{'submit p50 p95 max':>20}  {'cockpit p50 p95 max':>20}  errors  lost dup sums once")
    for p in results:
        c = p.check
        errors = len(p.open.errors) + len(p.submit.errors) + len(p.cockpit_errors)
        once = f"{c['events_once']}" if "events_once" in c else "-"
        print(f"{p.name:<12} {(f'{p.offered:g}/s' if p.offered else 'max'):>7} {p.open.achieved:6.1f} "
              f"{_ms(p.open.latencies):>20}  {p.submit.achieved:8.1f} {_ms(p.submit.latencies):>20}  "
              f"{_ms(p.cockpit):>20}  {errors:6d}  {c['lost']:4d} {c['duplicated']:3d} "
              f"{'ok' if c['sums_equal'] else 'NO':>4} {once:>4}")
    rate = next((p for p in results if p.name == "submit-rate"), None)
    top = next((p for p in results if p.name == "submit-max"), None)
    if rate and top:
        clean = all(not (p.open.errors or p.submit.errors or p.cockpit_errors) and p.check["lost"] == 0
                    and p.check["duplicated"] == 0 and p.check["sums_equal"] for p in results)
        p95 = pct(rate.submit.latencies, 0.95)
        print(f"\ntargets: 0 errors, 0 lost/duplicated: {'met' if clean else 'NOT met'}; "
              f"submit p95 ≤ 1 s at {rate.offered:g}/s: {p95:.0f} ms ({'met' if p95 <= 1000 else 'NOT met'}); "
              f"≥ 50 submissions/s sustained: {top.submit.achieved:.1f}/s "
              f"({'met' if top.submit.achieved >= 50 else 'NOT met'})")


if __name__ == "__main__":
    main()
