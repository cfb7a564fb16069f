"""Where one graded notebook's CPU goes: the kernel, the judge, the runner, the sandbox set-up, the worker itself.

``bench/grading.py`` says how long the worker takes; this says on what. It grades ``--at-once`` copies of the lab's
solved notebook (with its ``my-case.json`` where the lab has one) through the real worker and sandbox, and samples
``/proc`` every 50 ms for the fork server's children (each run's kernel, runner and judge): their CPU seconds (user +
system, last value seen before each process ended), peak resident memory and life time. The worker's own CPU (nbgrader's
converters, feedback, the sandbox's set-up and clean-up on the trusted side) is this process's, less the sampler's.

    .venv/bin/python bench/grading_parts.py --lab-dir labs/lab5-rag --at-once 1
    .venv/bin/python bench/grading_parts.py --lab-dir labs/lab5-rag --at-once 4

Run as root (the sandbox's accounts tell kernel from judge); on a quiet machine, since wall times are shared.
"""

from __future__ import annotations

import argparse
import os
import pwd
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grading  # noqa: E402 -- first: it puts tests/grading on the path
import gradekit  # noqa: E402

from shiplab.course.authoring import reference_answers  # noqa: E402
from shiplab.course.paths import LAB_SOURCE_GLOB  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds user + system, threads) of a live process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, int(fields[17])


def _status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            return dict(line.split(":", 1) for line in fh if ":" in line)
    except OSError:
        return {}


class Sampler(threading.Thread):
    """Every child of the fork server: role (from its account once it has dropped to one), CPU, peak memory."""

    def __init__(self, forkserver_pid: int):
        super().__init__(daemon=True)
        self.forkserver = forkserver_pid
        self.seen: dict[int, dict] = {}
        self.stop = threading.Event()
        self.own_cpu = 0.0

    def run(self) -> None:
        while not self.stop.is_set():
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                pid = int(entry.name)
                stat = _stat(pid)
                if stat is None or (stat[0] != self.forkserver and pid not in self.seen):
                    continue
                status = _status(pid)
                info = self.seen.setdefault(pid, {"first": time.monotonic(), "cpu": 0.0, "rss_kb": 0,
                                                  "uid": 0, "threads": 0})
                info["cpu"], info["last"] = stat[1], time.monotonic()
                info["threads"] = max(info["threads"], stat[2])
                info["rss_kb"] = max(info["rss_kb"], int(status.get("VmHWM", "0 kB").split()[0]))
                uid = int(status.get("Uid", "0").split()[0])
                info["uid"] = uid or info["uid"]
            self.stop.wait(0.05)
        self.own_cpu = time.thread_time()

    def roles(self) -> dict[str, list[dict]]:
        """'kernel', 'runner', 'judge' -> one entry per process. A run's kernel is forked before its runner."""
        by_uid: dict[int, list[int]] = defaultdict(list)
        for pid, info in self.seen.items():
            by_uid[info["uid"]].append(pid)
        out: dict[str, list[dict]] = defaultdict(list)
        for uid, pids in by_uid.items():
            try:
                name = pwd.getpwuid(uid).pw_name
            except KeyError:
                name = str(uid)
            pids.sort()
            if name.startswith("shiplab-judge-"):
                out["judge"] += [self.seen[p] for p in pids]
            elif name.startswith("shiplab-sandbox-"):  # runs of one slot follow each other: kernel, runner, …
                for k, pid in enumerate(pids):
                    out["kernel" if k % 2 == 0 else "runner"].append(self.seen[pid])
            else:
                out[f"other ({name})"] += [self.seen[p] for p in pids]
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lab-dir", type=Path, default=gradekit.FIXTURES / "mini")
    parser.add_argument("--at-once", type=int, default=1, help="submissions graded at once (and the parallelism)")
    parser.add_argument("--processes", action="store_true", help="also list every process sampled")
    args = parser.parse_args()
    from multiprocessing import forkserver

    from shiplab.grading.engine import Engine
    from shiplab.grading.queue import Queue
    from shiplab.grading.sandbox import Sandbox
    from shiplab.grading.watch import file_new_submissions
    from shiplab.grading.worker import Worker

    lab_dir = args.lab_dir.resolve()
    answers = reference_answers(next(lab_dir.glob("*.ipynb")))
    work = Path(tempfile.mkdtemp(prefix="shiplab-bench-parts-"))
    try:
        grading.ensure_sample_embeddings()
        checks = grading.REPO / "graders" / "shiplab_checks.py"
        if not (lab_dir / checks.name).exists():
            copy = work / "labs" / lab_dir.name
            shutil.copytree(lab_dir, copy, ignore=shutil.ignore_patterns(LAB_SOURCE_GLOB, "README.md"))
            shutil.copy(checks, copy)
            lab_dir = copy
        course = gradekit.make_course(work / "state", cell_timeout=60, lab_dir=lab_dir)
        grading.submit_all(course, args.at_once, answers)
        sandbox = Sandbox(slots=args.at_once)
        started_fs = time.monotonic()
        sampler = Sampler(sandbox.warm_up())
        warm = time.monotonic() - started_fs
        queue = Queue(work / "state" / "grading" / "queue.db")
        file_new_submissions(queue, course.inbound)
        worker = Worker(Engine(course.config, sandbox), queue, args.at_once)
        sampler.start()
        cpu0, load0, wall0 = resource.getrusage(resource.RUSAGE_SELF), os.getloadavg()[0], time.monotonic()
        summary = worker.run(until_idle=True)
        wall = time.monotonic() - wall0
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        sampler.stop.set()
        sampler.join()
        fs_cpu = (_stat(forkserver._forkserver._forkserver_pid) or (0, 0.0, 0))[1]
        short = grading.failing_tests(course)
        print(f"{lab_dir.name}: {args.at_once} at once on {os.cpu_count()} cores, {sandbox.isolation}; "
              f"fork server warm-up {warm:.1f} s wall ({fs_cpu:.1f} CPU s, imports included); "
              f"load average {load0:.2f} before, {os.getloadavg()[0]:.2f} after")
        print(f"wall {wall:.1f} s; per notebook sandboxed execution "
              + ", ".join(f"{o.execute_seconds:.1f}" for o in summary.outcomes.values())
              + f" s; full marks: {not short and summary.graded == args.at_once} {short or ''}")
        print(f"{'part':<14}{'CPU s / notebook':>17}{'peak RSS MB':>13}{'threads':>9}{'life s':>8}")
        total = 0.0
        for role, infos in sorted(sampler.roles().items()):
            cpu = sum(i["cpu"] for i in infos) / args.at_once
            total += cpu
            print(f"{role:<14}{cpu:>17.2f}{max(i['rss_kb'] for i in infos) / 1024:>13.0f}"
                  f"{max(i['threads'] for i in infos):>9}"
                  f"{sum(i['last'] - i['first'] for i in infos) / len(infos):>8.1f}")
        if args.processes:
            for pid, info in sorted(sampler.seen.items()):
                print(f"  pid {pid} uid {info['uid']} cpu {info['cpu']:.2f} rss {info['rss_kb'] >> 10} MB "
                      f"threads {info['threads']} life {info['last'] - info['first']:.1f} s")
        mine = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime - sampler.own_cpu) / args.at_once
        print(f"{'worker':<14}{mine:>17.2f}   (nbgrader steps, feedback, sandbox set-up and clean-up)")
        print(f"{'total':<14}{total + mine:>17.2f}   -> {(total + mine) * args.at_once / (os.cpu_count() or 1):.1f} s "
              f"of the machine for {args.at_once} notebook(s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
