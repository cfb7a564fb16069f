"""The 9:00 stampede: N participants log in and spawn at once against a fresh hub.

Prints p50/p95 spawn time (login form to JupyterLab answering 200), the time until all are ready, and the resident
memory of one idle server, next to the anchors they are compared with: a single spawn measured alone in the same
run, and the hub's own resident memory.

    .venv/bin/python bench/stampede.py            # 30 participants
    .venv/bin/python bench/stampede.py -n 10
    .venv/bin/python bench/stampede.py --prestarted   # also: servers started before the day (shiplab-prestart),
                                                      # then N log in at once; side by side with the cold figures

With ``--prestarted`` a second hub's prestart service starts the roster's servers (``prestart.parallel`` at once)
before anyone logs in; the figure is login form to a working JupyterLab for N at once, beside the cold p95 and the
time the prestart took to have everyone ready.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hubharness import TEST_PREFIX, start_hub  # noqa: E402


def roster(n: int) -> str:
    rows = ["username,full_name,email,role,team,manager", "bench-mgr,Bench Manager,m@bench.example,manager,,"]
    rows += [f"bench-{i:03d},Participant {i},p{i}@bench.example,participant,team-{i % 3},bench-mgr" for i in range(n)]
    rows.append("bench-solo,Solo Participant,solo@bench.example,participant,team-0,bench-mgr")
    return "\n".join(rows) + "\n"


def rss_kb(pid: int) -> int:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return rss_kb(pid) + sum(tree_rss_kb(int(c)) for c in out)


def timed_spawn(hub, name: str) -> float:
    t0 = time.monotonic()
    client = hub.login(name)
    hub.spawn(client, name, timeout=600)
    return time.monotonic() - t0


def timed_login(hub, name: str) -> float:
    """Login form to JupyterLab answering 200, for a server that is already running."""
    t0 = time.monotonic()
    client = hub.login(name)
    r = client.get(f"/user/{name}/lab", follow_redirects=True, timeout=600)
    if r.status_code != 200 or "JupyterLab" not in r.text or any("/spawn" in str(h.url) for h in r.history):
        raise AssertionError(f"{name}: the server was not running ({r.status_code})")
    return time.monotonic() - t0


def bench_servers() -> int:
    """Servers running as this bench's accounts (not a demo hub's beside it)."""
    out = subprocess.run(["ps", "-eo", "user:40,args"], capture_output=True, text=True).stdout.splitlines()
    return sum(1 for line in out if line.startswith(f"{TEST_PREFIX}bench-") and "jupyterhub-singleuser" in line)


def answering(hub, name: str) -> bool:
    """Is ``name``'s server behind the proxy (its route is there once the hub saw it ready)? Its /api answers."""
    import httpx

    try:
        r = httpx.get(f"{hub.url}/user/{name}/api", timeout=10)
        return r.status_code == 200 and "version" in r.text
    except httpx.HTTPError:
        return False


def prestarted(n: int, names: list[str], parallel: int) -> tuple[float, list[float]]:
    """(seconds until the prestart service had every server ready, login times of n at once)."""
    t0 = time.monotonic()
    while bench_servers() and time.monotonic() - t0 < 120:  # the cold run's servers are still stopping
        time.sleep(1)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    hub = start_hub(roster(n), extra_settings={
        "hub": {"concurrent_spawn_limit": max(60, n)},
        "tracker": {"workshop_start": today, "workshop_end": today, "timezone": "UTC"},
        "prestart": {"at": "00:00", "until": "23:59", "parallel": parallel, "every": 1}})
    try:
        t0 = time.monotonic()
        while not all(answering(hub, name) for name in [*names, "bench-solo"]):
            if time.monotonic() - t0 > 1200:
                raise AssertionError(f"prestart did not start {n + 1} servers in 20 min:\n{hub.tail_log()}")
            time.sleep(1)
        ready = time.monotonic() - t0
        with ThreadPoolExecutor(max_workers=n) as pool:
            times = list(pool.map(lambda name: timed_login(hub, name), names))
        return ready, times
    finally:
        hub.stop()
        shutil.rmtree(hub.state, ignore_errors=True)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=30, help="participants spawning at once (default 30)")
    ap.add_argument("--prestarted", action="store_true",
                    help="also measure N logins at once to servers the prestart service started before the day")
    ap.add_argument("--parallel", type=int, default=4, help="prestart.parallel for --prestarted (default 4)")
    args = ap.parse_args()
    names = [f"bench-{i:03d}" for i in range(args.n)]
    print(f"starting a fresh hub with {args.n} participants …", flush=True)
    hub = start_hub(roster(args.n), extra_settings={"hub": {"concurrent_spawn_limit": max(60, args.n)}})
    try:
        solo = timed_spawn(hub, "bench-solo")
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.n) as pool:
            times = list(pool.map(lambda n: timed_spawn(hub, n), names))
        all_ready = time.monotonic() - t0
        time.sleep(5)  # let servers settle to idle
        pids = subprocess.run(["pgrep", "-u", ",".join(f"{TEST_PREFIX}{n}" for n in names), "-f",
                               "jupyterhub-singleuser"], capture_output=True, text=True).stdout.split()
        per_server = [rss_kb(int(p)) for p in pids]
        hub_rss = tree_rss_kb(hub.proc.pid) - sum(per_server) if hub.proc else 0
        print()
        print(f"participants spawning at once : {args.n}")
        print(f"spawn p50                     : {statistics.median(times):6.1f} s   (anchor: one spawn alone {solo:.1f} s)")
        print(f"spawn p95                     : {pct(times, 0.95):6.1f} s")
        print(f"all ready                     : {all_ready:6.1f} s   (anchor: {args.n} x alone = {args.n * solo:.0f} s serial)")
        if per_server:
            print(f"idle server RSS (median)      : {statistics.median(per_server) / 1024:6.0f} MB  "
                  f"(over {len(per_server)} servers; anchor: the hub + proxy {max(hub_rss, 0) / 1024:.0f} MB)")
        if args.prestarted:
            hub.stop()
            ready, logins = prestarted(args.n, names, args.parallel)
            print(f"prestarted: all ready after   : {ready:6.1f} s   ({args.parallel} at once, before anyone came)")
            print(f"prestarted: login p50         : {statistics.median(logins):6.1f} s   "
                  f"(anchor: cold spawn p50 {statistics.median(times):.1f} s)")
            print(f"prestarted: login p95         : {pct(logins, 0.95):6.1f} s   "
                  f"(anchor: cold spawn p95 {pct(times, 0.95):.1f} s; goal <= 5 s)")
    finally:
        hub.stop()
        if os.geteuid() == 0:
            from shiplab.hub.unix import remove_unix_user

            for name in [*names, "bench-solo", "bench-mgr"]:
                remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)


if __name__ == "__main__":
    main()
