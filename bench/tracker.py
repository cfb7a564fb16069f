"""Shipping tracker under a big organisation's data: 10,000 participants, 100,000 check-ins. Goal: p95 ≤ 100 ms.

Builds a SQLite database through the real migrations (20 cohorts in 4 time zones, 200 teams, 100 managers, plans
with ten check-ins each, about 40 % shipped, reminders), then measures the real app with only the hub identity
replaced by a table of tokens:

1. in-process (FastAPI TestClient, one request at a time): each page and API call N times, p50/p95;
2. over HTTP: uvicorn in its own process, C concurrent httpx clients for D seconds, each pausing about T seconds
   between requests as a person does (``--think 0`` for back-to-back requests: that measures saturation, where
   latency is just clients / throughput), a mix of participants checking in and reading their plan, managers
   opening their dashboard and admins the whole organisation's figures; p50/p95 per kind, requests/s, errors.

Each figure is printed next to the goal.

    .venv/bin/python bench/tracker.py                      # 10,000 / 100,000, 50 clients for 60 s
    .venv/bin/python bench/tracker.py --duration 10 --participants 2000 --checkins 20000
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
    import uvicorn

    uvicorn.run(make_app(url), host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def load(base: str, clients: int, duration: float, think: float) -> None:
    kinds = [("participant GET /api/plans/{id}", 45), ("participant POST check-in", 25),
             ("manager GET /dashboard", 20), ("admin GET /api/figures", 10)]
    weights = [w for _, w in kinds]
    ms: dict[str, list[float]] = {k: [] for k, _ in kinds}
    errors: dict[str, int] = {k: 0 for k, _ in kinds}
    stop = time.monotonic() + duration

    async def worker(w: int):
        rnd = random.Random(w)
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
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
                ms[kind].append((time.perf_counter() - t) * 1000)
                errors[kind] += not ok
                if think:
                    await asyncio.sleep(rnd.uniform(0.5, 1.5) * think)

    t0 = time.monotonic()
    await asyncio.gather(*(worker(w) for w in range(clients)))
    elapsed = time.monotonic() - t0
    total = sum(len(v) for v in ms.values())
    print(f"over HTTP (uvicorn, its own process), {clients} concurrent clients, think time ~{think:g} s, "
          f"for {elapsed:.0f} s: "
          f"{total} requests, {total / elapsed:.0f} req/s, errors {sum(errors.values())}")
    for k, _ in kinds:
        if ms[k]:
            print(line(k, ms[k], errors[k]), flush=True)


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
    ap.add_argument("--db", help="SQLite file to build (default: a temporary one)")
    args = ap.parse_args()
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
            asyncio.run(load(base, args.clients, args.duration, args.think))
        finally:
            proc.terminate()
            proc.join(10)


if __name__ == "__main__":
    main()
