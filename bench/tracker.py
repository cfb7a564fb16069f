"""Shipping tracker under a big organisation's data: 10,000 participants, 100,000 check-ins. Goal: p95 ≤ 100 ms.

Builds a SQLite database through the real migrations (20 cohorts in 4 time zones, 200 teams, 100 managers, plans
with ten check-ins each, about 40 % shipped, reminders), then measures the real app with only the hub identity
replaced by a table of tokens:

1. in-process (FastAPI TestClient, one request at a time): each page and API call N times, p50/p95;
2. over HTTP: the service's own server (:func:`shiplab.web.serve.run`, uvicorn) in its own process,
   C concurrent httpx clients for D seconds, each starting at a random moment and pausing about T seconds between
   requests as a person does (``--think 0`` for back-to-back requests: that measures saturation, where latency is
   just clients / throughput), a mix of participants checking in and reading their plan, managers opening their
   dashboard and admins the whole organisation's figures; p50/p95 per kind, requests/s, errors. The first
   ``--warmup`` seconds are not counted (each dashboard's first look reads every plan once; the slowest
   warm-up request is printed).

Each figure is printed next to the goal.

What made check-ins slow over HTTP (p95 0.3–3 s before 2026-11-30) and what fixed it: every check-in changed a
plan, so the next organisation-wide figures recounted all 10,000 plans (120–330 ms of Python holding the GIL,
while every other request, and the check-in holding the SQLite writer's turn, waited); full garbage collections
walked ~160,000 long-lived objects (90–580 ms pauses); and every dashboard cache was re-read in full every 30 s.
Now :class:`~shiplab.tracker.figurebook.FigureBook` recounts only the changed plan, caches notice roster and cohort
changes by version instead of expiring, plan facts are plain tuples the collector skips, and the server freezes
its start-up objects. SQLite itself was never the bottleneck (WAL, ``synchronous=NORMAL``: a check-in's
transaction holds the write lock ~2 ms).

    .venv/bin/python bench/tracker.py                      # 10,000 / 100,000, 50 clients for 60 s
    .venv/bin/python bench/tracker.py --duration 10 --participants 2000 --checkins 20000
    .venv/bin/python bench/tracker.py --against /tmp/old   # side by side with an older revision (see --help)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import random
import socket
import tempfile
import time
from pathlib import Path

import httpx

GOAL_MS = 100.0
UTC = dt.timezone.utc
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=UTC)


def build(url: str, participants: int, checkins: int, seed: int = 7) -> None:
    from sqlalchemy import insert

    from shiplab.tracker import db
    from shiplab.tracker.models import (BLOCKERS, CheckIn, Cohort, CohortMember, Person, Reminder, ShipPlan,
                                        Shipped)

    rnd = random.Random(seed)
    engine = db.ensure_database(url)
    n_cohorts, n_teams, n_managers = 20, 200, 100
    cohorts = [{"id": i + 1, "name": f"cohort-{i:02d}", "course": "ai-101", "timezone": ZONES[i % 4],
                "workshop_start": dt.date(2026, 2, 1) + dt.timedelta(days=4 * i),
                "workshop_end": dt.date(2026, 2, 2) + dt.timedelta(days=4 * i)} for i in range(n_cohorts)]
    people, members, plans, shipped, rows, reminders = [], [], [], [], [], []
    for m in range(n_managers):
        people.append({"id": m + 1, "username": f"mgr{m:03d}", "role": "manager", "team": "", "full_name": "",
                       "email": "", "manager_username": ""})
    per_plan = max(1, checkins // participants)
    statuses = ("planned", "building", "in_review", "blocked", "killed")
    for i in range(participants):
        pid = n_managers + i + 1
        team = i % n_teams
        cohort = cohorts[i % n_cohorts]
        people.append({"id": pid, "username": f"p{i:05d}", "role": "participant", "team": f"team-{team:03d}",
                       "full_name": f"Participant {i}", "email": f"p{i}@example.org",
                       "manager_username": f"mgr{team // 2:03d}"})
        members.append({"cohort_id": cohort["id"], "person_id": pid, "role": "participant"})
        end = cohort["workshop_end"]
        at = dt.datetime.combine(end, dt.time(12), tzinfo=UTC)
        last_status, blocker = "planned", None
        for k in range(per_plan):
            at += dt.timedelta(days=rnd.randint(1, 6), hours=rnd.randint(0, 8))
            last_status = rnd.choice(statuses)
            blocker = rnd.choice(list(BLOCKERS)) if last_status == "blocked" else None
            rows.append({"plan_id": i + 1, "at": at, "status": last_status, "blocker": blocker,
                         "note": f"check-in {k}", "evidence_url": ""})
        ships = rnd.random() < 0.4 and last_status != "killed"
        if ships:
            shipped.append({"plan_id": i + 1, "shipped_on": end + dt.timedelta(days=rnd.randint(5, 90)),
                            "evidence_url": "https://git.example/rel", "after_value": rnd.uniform(10, 40),
                            "recorded_at": at})
            last_status, blocker = "shipped", None
        plans.append({"id": i + 1, "cohort_id": cohort["id"], "person_id": pid, "use_case": f"use case {i}",
                      "backlog_ref": f"NVA-{i}", "metric_name": "handling time", "unit": "min",
                      "baseline_value": 30.0, "target_value": 20.0,
                      "planned_ship_date": end + dt.timedelta(days=rnd.randint(20, 70)), "status": last_status,
                      "blocker": blocker, "last_checkin_at": at, "created_at": at, "updated_at": at})
        for day in (14, 30):
            reminders.append({"plan_id": i + 1, "due_day": day, "channel": "email",
                              "status": "sent" if rnd.random() < 0.95 else "failed", "attempts": 1,
                              "last_error": "", "next_attempt_at": at, "sent_at": at})
    with engine.begin() as conn:
        for table, data in ((Cohort, cohorts), (Person, people), (CohortMember, members), (ShipPlan, plans),
                            (CheckIn, rows), (Shipped, shipped), (Reminder, reminders)):
            for start in range(0, len(data), 20000):
                conn.execute(insert(table), data[start:start + 20000])
    engine.dispose()


def identity():
    from shiplab.tracker.auth import HubUser, StaticIdentity

    users = {"root": HubUser("root", admin=True), "mgr000": HubUser("mgr000", frozenset({"managers"}))}
    for i in range(200):
        users[f"p{i:05d}"] = HubUser(f"p{i:05d}", frozenset({"participants", f"team-team-{i % 200:03d}"}))
    return StaticIdentity(users)


def make_app(url: str):
    from shiplab.tracker.app import create_app
    from shiplab.tracker.settings import TrackerSettings

    settings = TrackerSettings(database_url=url, reminder_interval_s=0, cookie_secret="bench-" + "x1y2z3" * 6)
    return create_app(settings, clock=lambda: NOW, identity=identity(), senders={})


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def line(name: str, ms: list[float], errors: int = 0) -> str:
    p50, p95 = pct(ms, 0.5), pct(ms, 0.95)
    verdict = "ok" if p95 <= GOAL_MS and not errors else "MISSED"
    return (f"  {name:<34} n={len(ms):>6}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (goal p95 ≤ {GOAL_MS:.0f} ms: "
            f"{verdict}){f'  errors {errors}' if errors else ''}")


def in_process(url: str, n: int) -> None:
    from fastapi.testclient import TestClient

    app = make_app(url)
    plan_of = {f"p{i:05d}": i + 1 for i in range(200)}
    calls = {
        "GET /dashboard (admin, all 10k)": lambda c, i: c.get("/dashboard", headers=tok("root")),
        "GET /dashboard (manager)": lambda c, i: c.get("/dashboard", headers=tok("mgr000")),
        "GET /api/figures (admin)": lambda c, i: c.get("/api/figures", headers=tok("root")),
        "GET /api/plans?limit=100 (manager)": lambda c, i: c.get("/api/plans?limit=100", headers=tok("mgr000")),
        "GET /plan (participant)": lambda c, i: c.get("/plan", headers=tok(f"p{i % 200:05d}")),
        "GET /api/plans/{id} (participant)": lambda c, i: c.get(f"/api/plans/{plan_of[f'p{i % 200:05d}']}",
                                                                headers=tok(f"p{i % 200:05d}")),
        "POST /api/plans/{id}/checkins": lambda c, i: c.post(
            f"/api/plans/{plan_of[f'p{i % 200:05d}']}/checkins", headers=tok(f"p{i % 200:05d}"),
            json={"status": "building", "note": "bench"}),
    }
    print(f"in-process, one request at a time, {n} each:")
    with TestClient(app) as c:
        for name, call in calls.items():
            ms, errors = [], 0
            call(c, 0)  # warm
            for i in range(n):
                t = time.perf_counter()
                r = call(c, i)
                ms.append((time.perf_counter() - t) * 1000)
                errors += r.status_code >= 400 and r.status_code != 409
            print(line(name, ms, errors), flush=True)


def tok(name: str) -> dict:
    return {"Authorization": f"token {name}"}


def serve(url: str, port: int) -> None:
    from shiplab.web.serve import run as serve_tracker

    serve_tracker(make_app(url), "127.0.0.1", port, log_level="warning")


async def load(base: str, clients: int, duration: float, think: float, quiet: bool = False,
               warmup: float = 0.0) -> dict:
    """``clients`` people for ``warmup`` + ``duration`` seconds; requests during the warm-up (the server's first
    look at each dashboard reads every plan once) are counted apart, in ``warmup_ms``."""
    kinds = [("participant GET /api/plans/{id}", 45), ("participant POST check-in", 25),
             ("manager GET /dashboard", 20), ("admin GET /api/figures", 10)]
    weights = [w for _, w in kinds]
    ms: dict[str, list[float]] = {k: [] for k, _ in kinds}
    errors: dict[str, int] = {k: 0 for k, _ in kinds}
    warm: list[float] = []
    counting = time.monotonic() + warmup
    stop = counting + duration

    async def worker(w: int):
        rnd = random.Random(w)
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            await asyncio.sleep(rnd.uniform(0, think))  # people do not all click in the same millisecond
            while time.monotonic() < stop:
                kind = rnd.choices([k for k, _ in kinds], weights)[0]
                p = rnd.randrange(200)
                user = f"p{p:05d}"
                t = time.perf_counter()
                try:
                    if kind.startswith("participant GET"):
                        r = await c.get(f"/api/plans/{p + 1}", headers=tok(user))
                    elif kind.startswith("participant POST"):
                        r = await c.post(f"/api/plans/{p + 1}/checkins", headers=tok(user),
                                         json={"status": "in_review", "note": "load"})
                    elif kind.startswith("manager"):
                        r = await c.get("/dashboard", headers=tok("mgr000"))
                    else:
                        r = await c.get("/api/figures", headers=tok("root"))
                    ok = r.status_code < 400 or r.status_code == 409
                except httpx.HTTPError:
                    ok = False
                if time.monotonic() < counting:
                    warm.append((time.perf_counter() - t) * 1000)
                    errors[kind] += not ok
                else:
                    ms[kind].append((time.perf_counter() - t) * 1000)
                    errors[kind] += not ok
                if think:
                    await asyncio.sleep(rnd.uniform(0.5, 1.5) * think)

    await asyncio.gather(*(worker(w) for w in range(clients)))
    elapsed = time.monotonic() - counting
    total = sum(len(v) for v in ms.values())
    result = {"ms": ms, "errors": errors, "elapsed": elapsed, "warmup_ms": warm}
    if quiet:
        return result
    print(f"over HTTP (uvicorn, its own process), {clients} concurrent clients, think time ~{think:g} s, "
          f"for {elapsed:.0f} s after a {warmup:g} s warm-up ({len(warm)} requests, slowest "
          f"{max(warm, default=0):.0f} ms): {total} requests, {total / elapsed:.0f} req/s, "
          f"errors {sum(errors.values())}")
    for k, _ in kinds:
        if ms[k]:
            print(line(k, ms[k], errors[k]), flush=True)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=10_000)
    ap.add_argument("--checkins", type=int, default=100_000)
    ap.add_argument("-n", "--requests", type=int, default=50, help="in-process requests per kind")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of HTTP load (0: skip)")
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean seconds a client waits between requests, as a person reading the page does "
                         "(0: back-to-back, which measures saturation, not latency)")
    ap.add_argument("--warmup", type=float, default=5.0,
                    help="seconds of load before counting (the first look at each dashboard reads every plan)")
    ap.add_argument("--db", help="SQLite file to build (default: a temporary one)")
    ap.add_argument("--against", metavar="DIR",
                    help="also serve an older revision side by side, at the same time (same data, same neighbours "
                         "on a shared machine): DIR holds its src/ and bench/, e.g. from "
                         "`git archive <rev> src bench | tar -x -C DIR`")
    args = ap.parse_args()
    if args.against:
        return side_by_side(Path(args.against), args)
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="tracker-bench-")) / "tracker.sqlite"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    t = time.perf_counter()
    build(url, args.participants, args.checkins)
    print(f"built {path}: {args.participants} participants, {args.checkins} check-ins in "
          f"{time.perf_counter() - t:.1f} s ({path.stat().st_size / 1e6:.0f} MB)", flush=True)
    in_process(url, args.requests)
    if args.duration > 0:
        port = free_port()
        proc = multiprocessing.get_context("spawn").Process(target=serve, args=(url, port), daemon=True)
        proc.start()
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/api/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        try:
            asyncio.run(load(base, args.clients, args.duration, args.think, warmup=args.warmup))
        finally:
            proc.terminate()
            proc.join(10)


def side_by_side(older: Path, args) -> None:
    """This revision and an older one serving copies of one database at the same time, each to ``--clients``
    people: latencies and the CPU each server used per request (the figure least moved by busy neighbours)."""
    import os
    import shutil
    import subprocess
    import sys

    here = Path(__file__).resolve()
    sides = {"older": (older / "src", older / "bench"), "this": (here.parents[1] / "src", here.parent)}
    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    base_db = folder / "base.sqlite"
    build_older = (f"import sys; sys.path.insert(0, {str(older / 'bench')!r}); import tracker; "
                   f"tracker.build('sqlite:///{base_db}', {args.participants}, {args.checkins})")
    subprocess.run([sys.executable, "-c", build_older], check=True, env={**os.environ, "PYTHONPATH": str(older / "src")})
    procs, bases = {}, {}
    for name, (src, bench) in sides.items():
        db = folder / f"{name}.sqlite"
        shutil.copy(base_db, db)
        port = free_port()
        code = f"import sys; sys.path.insert(0, {str(bench)!r}); import tracker; tracker.serve('sqlite:///{db}', {port})"
        procs[name] = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(src)})
        bases[name] = f"http://127.0.0.1:{port}"
    try:
        for base in bases.values():
            for _ in range(600):
                try:
                    httpx.get(base + "/api/openapi.json", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)

        def cpu(pid: int) -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        async def both():
            return await asyncio.gather(*(load(b, args.clients, args.duration, args.think, quiet=True,
                                               warmup=args.warmup) for b in bases.values()))

        before = {n: cpu(p.pid) for n, p in procs.items()}
        results = asyncio.run(both())
        used = {n: cpu(p.pid) - before[n] for n, p in procs.items()}
    finally:
        for p in procs.values():
            p.terminate()
            p.wait(10)
    print(f"side by side, {args.clients} clients each, {args.duration:g} s after a {args.warmup:g} s warm-up:")
    for name, out in zip(bases, results):
        n = sum(len(v) for v in out["ms"].values())
        print(f"{name} ({sides[name][0]}): {n} requests, {n / out['elapsed']:.0f} req/s, server CPU "
              f"{used[name]:.1f} s ({used[name] / max(n, 1) * 1000:.1f} ms per request, warm-up included)")
        for kind, ms in out["ms"].items():
            print(line(kind, ms, out["errors"][kind]))


if __name__ == "__main__":
    main()
