"""Cost of one submission, in-process: queries (CaptureQueriesContext) and time (cProfile) of the report form's
GET and POST, through the whole middleware stack (Django's test client), on the load benchmark's database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yuanqu_bench_load .venv/bin/python -m bench.load.profile \
        --repeat 20 [--queries] [--cprofile 25]

Run ``bench.load.run`` (or ``make bench-load``) once first: it seeds the database. The reports used are put back
to pending afterwards (``seed.reset``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections import Counter

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from . import (
    run,  # noqa: F401  sets up Django with the production settings (as the server runs)
    seed,  # noqa: E402
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--queries", action="store_true", help="print the queries of one submission")
    parser.add_argument("--cprofile", type=int, default=0, help="print the top N functions of cProfile")
    parser.add_argument("--what", choices=["open", "submit"], default="submit", help="the request cProfile sees")
    args = parser.parse_args()
    data = seed.seed(max(args.repeat, 1), staff=1)
    rnd, inds = data["round"], data["indicators"]
    seed.reset(rnd)
    reports = data["reports"][: args.repeat]
    sessions = seed.sessions_for([data["users"][r.enterprise_id] for r in reports])
    os.environ.setdefault("HTTPS", "on")
    open_ms, submit_ms, open_q, submit_q = [], [], [], []
    profiler = cProfile.Profile()
    shown = False
    # One client (one handler: its middleware is built once, as in a server process), a session per report's user.
    client = Client(enforce_csrf_checks=False, HTTP_X_FORWARDED_PROTO="https", HTTP_HOST=run.HOST)
    for i, report in enumerate(reports):
        client.cookies.clear()
        client.cookies["sessionid"] = sessions[data["users"][report.enterprise_id].pk]
        path = f"/stats/reports/{report.pk}/fill/"
        if i > 0 and args.cprofile and args.what == "open":
            profiler.enable()
        with CaptureQueriesContext(connection) as q_open:
            t = time.perf_counter()
            response = client.get(path, REMOTE_ADDR="127.0.0.1")
            open_ms.append((time.perf_counter() - t) * 1000)
        profiler.disable()
        assert response.status_code == 200, response.status_code
        fields = {"action": "submit", **seed.entries_for(report, inds)}
        if i > 0 and args.cprofile and args.what == "submit":
            profiler.enable()
        with CaptureQueriesContext(connection) as q_submit:
            t = time.perf_counter()
            response = client.post(path, fields, REMOTE_ADDR="127.0.0.1")
            submit_ms.append((time.perf_counter() - t) * 1000)
        profiler.disable()
        assert response.status_code == 302, (response.status_code, response.content[:500])
        open_q.append(len(q_open.captured_queries))
        submit_q.append(len(q_submit.captured_queries))
        if args.queries and not shown:
            shown = True
            kinds = Counter(" ".join(q["sql"].split()[:1]) for q in q_submit.captured_queries)
            print(f"one submission: {len(q_submit.captured_queries)} queries {dict(kinds)}")
            for q in q_submit.captured_queries:
                print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:220]}")
    seed.reset(rnd)
    print(f"open form: {statistics.median(open_q)} queries, median {statistics.median(open_ms):.1f} ms")
    print(f"submit:    {statistics.median(submit_q)} queries, median {statistics.median(submit_ms):.1f} ms "
          f"(n={len(reports)}, one client, no load)")
    if args.cprofile:
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.cprofile)


if __name__ == "__main__":
    main()
