"""Memory of one participant mid-lab: their server and kernel after lab 4's and lab 5's set-up cells.

Goal: at most 300 MB per participant (server + kernel), so 50 participants fit in 24 GB beside the gateway's models
(loaded once, in the gateway). A real hub (tests/hubharness.py, as root: the participant's own Unix account) and
the participant's real server; in one kernel per lab the lab's set-up cells run (every code cell before the first
graded one: imports, the sample corpus, the embedding model, the index), then the kernel reads the memory of every
process of its own account. Printed beside the anchors measured in the same run: the same participant's idle server, and the same labs on a
hub without the model gateway (the embedding model then loads in every kernel). First the course's read-only caches
are made, as ``shiplab course build`` makes them on a hub (the sample texts' vectors, the sample PDF and DOCX files
as read): a kernel looks them up.

Figures per process: RSS (what ``top`` shows; shared libraries counted in full for each process), PSS (shared pages
divided among the processes that map them, here among this one participant's processes and the rest of the
machine), and anonymous memory (heap and arrays, never shared between participants: what each more participant
adds, since the libraries' file pages are mapped once for all of them). PSS depends on what else on the machine maps
the same libraries: compare runs of one session (an older tree can be run with this script:
``PYTHONPATH=<tree>/src python <tree>/bench/memory.py``).

    .venv/bin/python bench/memory.py
    .venv/bin/python bench/memory.py --labs lab5-rag
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hubharness import TEST_PREFIX, start_hub  # noqa: E402

GOAL_MB = 300
USER = "bench-mem"
ROSTER = f"username,full_name,email,role,team,manager\n{USER},Memory Bench,m@bench.example,participant,team-0,\n"

MEASURE = r'''
import json as _json, os as _os
def _mem(pid):
    out = {"rss": 0, "pss": 0, "anonymous": 0}
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            key = line.split(":")[0]
            if key in ("Rss", "Pss", "Anonymous"):
                out[key.lower()] = int(line.split()[1])
    except OSError:
        pass
    return out
_procs = {}
for _p in _os.listdir("/proc"):
    if _p.isdigit():
        try:
            if _os.stat(f"/proc/{_p}").st_uid != _os.getuid():
                continue
            _cmd = open(f"/proc/{_p}/cmdline", "rb").read().replace(b"\0", b" ").decode()[:120]
        except OSError:
            continue
        _procs[_p] = {"cmd": _cmd, "self": int(_p) == _os.getpid(), **_mem(_p)}
print("SHIPLAB-MEMORY " + _json.dumps(_procs))
'''


def setup_cells(notebook: Path) -> list[str]:
    """Every code cell before the first graded one (solution or test)."""
    cells = []
    for cell in nbformat.read(str(notebook), as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") or meta.get("grade"):
            break
        if cell.cell_type == "code":
            cells.append(cell.source)
    return cells


def measured(stdout: str) -> dict:
    line = next(line for line in stdout.splitlines() if line.startswith("SHIPLAB-MEMORY "))
    procs = json.loads(line.split(" ", 1)[1])
    kernel = [p for p in procs.values() if p["self"]]
    others = [p for p in procs.values() if not p["self"]]
    return {"kernel_rss": sum(p["rss"] for p in kernel) / 1024, "kernel_pss": sum(p["pss"] for p in kernel) / 1024,
            "server_rss": sum(p["rss"] for p in others) / 1024, "server_pss": sum(p["pss"] for p in others) / 1024,
            "anonymous": sum(p["anonymous"] for p in procs.values()) / 1024,
            "kernel_anonymous": sum(p["anonymous"] for p in kernel) / 1024, "processes": len(procs)}


def gateway_mb() -> float:
    """RSS of the model gateway's processes (the hub's service; its models are loaded once for everybody)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
            if "shiplab.gateway" in cmd:
                total += next(int(line.split()[1]) for line in open(f"/proc/{pid}/status")
                              if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def run(labs: list[str], gateway: bool) -> tuple[list, float]:
    from hubharness import free_port

    extra = {"gateway": {"enabled": True, "url": f"http://127.0.0.1:{free_port()}"}} if gateway else None
    hub = start_hub(ROSTER, extra_settings=extra)
    rows, gateway_rss = [], 0.0
    try:
        client = hub.login(USER)
        hub.spawn(client, USER, timeout=300)
        time.sleep(5)  # let the server settle after start
        idle, error = hub.run_in_kernel(client, USER, MEASURE, timeout=120)
        assert error is None, error
        rows.append(("idle server + an empty kernel", measured(idle)))
        import pwd

        account = pwd.getpwnam(f"{TEST_PREFIX}{USER}")
        for lab in labs:  # as the fetched lab: its folder holds the checks the notebook imports
            folder = Path(account.pw_dir) / lab
            folder.mkdir(exist_ok=True)
            shutil.copy(REPO / "graders" / "shiplab_checks.py", folder)
            for path in (folder, folder / "shiplab_checks.py"):
                os.chown(path, account.pw_uid, account.pw_gid)
            chdir = f"import os, sys\nos.chdir({str(folder)!r})\nsys.path.insert(0, {str(folder)!r})"
            code = "\n\n".join([chdir] + setup_cells(next((REPO / "labs" / lab).glob("*.ipynb"))) + [MEASURE])
            started = time.monotonic()
            out, error = hub.run_in_kernel(client, USER, code, timeout=900)
            if error:
                raise SystemExit(f"{lab}'s set-up cells failed in the participant's kernel: {error}\n{out[-2000:]}")
            rows.append((f"after {lab}'s set-up cells ({time.monotonic() - started:.0f} s)", measured(out)))
        gateway_rss = gateway_mb() if gateway else 0.0
    finally:
        hub.stop()
        from shiplab.hub.unix import remove_unix_user

        remove_unix_user(USER, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)
    return rows, gateway_rss


def ensure_sample_caches() -> None:
    """The course's read-only caches beside the sample data, as `shiplab course build` leaves them on a hub (a
    one-time cost, not a participant's): the sample texts' vectors, the sample PDF and DOCX files as read; older
    code without one says so."""
    for module, what in (("shiplab.rag.embcache", "embedding cache"), ("shiplab.data.doccache", "document cache")):
        try:
            ensure = __import__(module, fromlist=["ensure_sample_cache"]).ensure_sample_cache
        except ImportError:
            print(f"{what}: none in this code")
            continue
        print(ensure())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labs", nargs="*", default=["lab4-retrieval", "lab5-rag"])
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: the participant's server runs as their own Unix account")
    ensure_sample_caches()
    workshop, gateway_rss = run(args.labs, gateway=True)
    local, _ = run(args.labs, gateway=False)
    rows = [(f"{label} [gateway]", m) for label, m in workshop] + [(f"{label} [no gateway]", m) for label, m in local]

    print(f"\nmemory of one participant ({os.cpu_count()} cores; MB; RSS counts shared libraries in full, PSS shares "
          "them out)")
    print(f"{'':60} {'server RSS':>10} {'server PSS':>10} {'kernel RSS':>10} {'kernel PSS':>10} {'total PSS':>10} "
          f"{'anonymous':>10} {'of kernel':>10}")
    for label, m in rows:
        total = m["server_pss"] + m["kernel_pss"]
        print(f"{label:60} {m['server_rss']:10.0f} {m['server_pss']:10.0f} {m['kernel_rss']:10.0f} "
              f"{m['kernel_pss']:10.0f} {total:10.0f} {m['anonymous']:10.0f} {m['kernel_anonymous']:10.0f}")
    print(f"the model gateway, loaded once for everybody: {gateway_rss:.0f} MB RSS")
    worst = max(m["server_pss"] + m["kernel_pss"] for _, m in workshop)
    marginal = max(m["anonymous"] for _, m in workshop)
    print(f"\nworst total PSS with the gateway (a workshop's set-up) {worst:.0f} MB   goal <= {GOAL_MB} MB  {'MET' if worst <= GOAL_MB else 'MISSED'}; "
          f"50 participants at that: {50 * worst / 1024:.1f} GB (anchor: idle {rows[0][1]['server_pss'] + rows[0][1]['kernel_pss']:.0f} MB)")
    print(f"what each more participant adds (anonymous memory; the libraries' file pages are shared by all "
          f"participants' processes): {marginal:.0f} MB; 50 participants: {50 * marginal / 1024:.1f} GB + the "
          f"shared libraries once + the gateway {gateway_rss / 1024:.1f} GB")


if __name__ == "__main__":
    main()
