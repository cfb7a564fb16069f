"""The 9:00 stampede: N participants log in and spawn at once against a fresh hub.

Prints p50/p95 spawn time (login form to JupyterLab answering 200), the time until all are ready, and the resident
memory of one idle server, next to the anchors they are compared with: a single spawn measured alone in the same
run, and the hub's own resident memory.

    .venv/bin/python bench/stampede.py            # 30 participants
    .venv/bin/python bench/stampede.py -n 10
"""

from __future__ import annotations

import argparse
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


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=30, help="participants spawning at once (default 30)")
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
        pids = subprocess.run(["pgrep", "-f", "jupyterhub-singleuser"], capture_output=True, text=True).stdout.split()
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
    finally:
        hub.stop()
        if os.geteuid() == 0:
            from shiplab.hub.unix import remove_unix_user

            for name in [*names, "bench-solo", "bench-mgr"]:
                remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)


if __name__ == "__main__":
    main()
