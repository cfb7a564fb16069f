"""Grading 30 submissions: shiplab's sandboxed parallel worker beside a serial `nbgrader autograde`, same files.

Goals: shiplab at least 1.8x faster than serial nbgrader on 2 cores; submission-to-visible-score latency p95 <= 10 s
when 30 arrive at once. One run measures, side by side:

1. **serial anchor**: `nbgrader autograde LAB --force` (the CLI, one call for all submissions, as an instructor
   runs it) on a copy of the course;
2. **shiplab batch**: the same submissions through :class:`shiplab.grading.worker.Worker` with ``--parallel``
   executions at once (default: the cores), each in the sandbox, *including* feedback rendered and released;
3. **per-notebook cost**: shiplab's sandboxed execution per notebook vs a bare kernel start plus the cells
   (jupyter_client + nbclient, no sandbox, no nbgrader);
4. **latency**: a watching worker (warm, as the hub service is) while 30 submissions land in the exchange at
   once: time from each folder being complete to its job done (score in the gradebook, feedback released) —
   and the same burst again with every kernel started from scratch (``Sandbox(prestart_kernel=False)``, how
   shiplab ran before kernels were forked ready), so the gain is measured in the same run.

Beside the burst, the machine's limit: the CPU seconds the whole machine was busy during it (all processes; run it
on a quiet machine) divided by the cores — no grader can show the last score sooner.

The lab is ``tests/grading/fixtures/mini`` (``--lab-dir labs/lab5-rag`` for the real rush); each submission is the source
notebook's own solutions typed into the released notebook. Run as root for the real sandbox:

    .venv/bin/python bench/grading.py
    .venv/bin/python bench/grading.py --submissions 10 --lab-dir labs/demo
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "grading"))

import gradekit  # noqa: E402

from shiplab.course.authoring import reference_answers  # noqa: E402
from shiplab.course.paths import LAB_SOURCE_GLOB  # noqa: E402 -- the notebook's source: never in a course

SPEEDUP_GOAL, P95_GOAL = 1.8, 10.0


def handed_in(lab: str) -> dict[str, str]:
    """What a participant hands in beside the notebook: a lab with an "apply to my case" part
    (``graders/<lab>/my-case.json``) gets its record, as ``Submit`` would send ``./my-case.json``; without it the
    ``my_case`` test fails and no solution has full marks."""
    record = REPO / "graders" / lab / "my-case.json"
    return {record.name: record.read_text(encoding="utf-8")} if record.is_file() else {}


def submit_all(course: gradekit.Course, n: int, answers: dict[str, str]) -> list[Path]:
    files = handed_in(course.lab)
    return [gradekit.submit(course, f"p{k:02d}", answers, files=files) for k in range(n)]


def failing_tests(course: gradekit.Course) -> dict[str, list[str]]:
    """participant -> 'grade id (score/max): first error line' for each test cell short of its points."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[str, list[str]] = {}
    with Gradebook(f"sqlite:///{course.gradebook}", gradekit.COURSE) as gb:
        for student in gb.students:
            try:
                nb = gb.find_submission_notebook(course.lab, course.lab, student.id)
            except MissingEntry:
                continue
            short = {g.name: (g.score, g.max_score) for g in nb.grades if (g.score or 0) < (g.max_score or 0)}
            if short:
                errors = _errors(course, student.id)
                out[student.id] = [f"{gid} ({got or 0:g}/{most:g}): {errors.get(gid, 'no error output')}"
                                   for gid, (got, most) in sorted(short.items())]
    return out


def _errors(course: gradekit.Course, student: str) -> dict[str, str]:
    path = course.root / "autograded" / student / course.lab / f"{course.lab}.ipynb"
    if not path.is_file():
        return {}
    found = {}
    for cell in nbformat.read(str(path), as_version=4).cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        for out in cell.get("outputs", []):
            if gid and out.get("output_type") == "error":
                first = (str(out.get("evalue", "")).splitlines() or [""])[0]
                found[gid] = f"{out.get('ename')}: {first}"[:300]
    return found


def ensure_sample_embeddings() -> None:
    """The course's read-only cache of the sample texts' vectors, as `shiplab course build` leaves it (one-time cost,
    not part of grading); older code without a cache says so."""
    try:
        from shiplab.rag.embcache import ensure_sample_cache
    except ImportError:
        print("embedding cache: none in this code (every kernel embeds the sample texts)")
        return
    started = time.perf_counter()
    report = ensure_sample_cache()
    print(f"{report} ({time.perf_counter() - started:.1f} s, once per course build)")


def serial_nbgrader(course: gradekit.Course, folders: list[Path]) -> float:
    """Collect by copying (as `nbgrader collect` does), then time one `nbgrader autograde` call."""
    for folder in folders:
        student = folder.name.split("+")[0]
        shutil.copytree(folder, course.root / "submitted" / student / course.lab)
    (course.root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {gradekit.COURSE!r}\nc.CourseDirectory.root = {str(course.root)!r}\n"
        f"c.Exchange.root = {str(course.exchange)!r}\nc.Execute.timeout = 60\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    proc = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde", course.lab, "--force"],
                          cwd=course.root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader autograde failed:\n{proc.stderr[-3000:]}")
    return seconds


def bare_kernel(notebook: Path, folder: Path, runs: int = 5) -> float:
    """Seconds to start a kernel and run the cells, no sandbox, no nbgrader (the floor for any grader)."""
    from nbclient import NotebookClient

    times = []
    for _ in range(runs):
        nb = nbformat.read(str(notebook), as_version=4)
        started = time.perf_counter()
        NotebookClient(nb, timeout=60, allow_errors=True, resources={"metadata": {"path": str(folder)}}).execute()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def busy_cpu_seconds() -> float:
    """CPU seconds this machine has spent busy since boot, every process together (/proc/stat: all but idle and
    iowait). The difference over a burst is what the grading cost, when nothing else runs."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


BURST_CPU: dict[str, float] = {}  # latency() records the busy CPU seconds of each burst here, by label


def latency(course: gradekit.Course, n: int, parallel: int, answers: dict[str, str],
            prestart: bool = True) -> list[float]:
    """A warm watching worker; n submissions land at once; seconds from each landing to its job done."""
    from shiplab.grading.engine import Engine
    from shiplab.grading.queue import Queue
    from shiplab.grading.sandbox import Sandbox
    from shiplab.grading.worker import Worker

    queue = Queue(course.root.parent.parent / "grading" / "latency.db")
    worker = Worker(Engine(course.config, Sandbox(slots=parallel, prestart_kernel=prestart)), queue, parallel,
                    inbound=course.inbound)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    gradekit.submit(course, "warmup", answers, files=handed_in(course.lab))
    while queue.counts().get("done", 0) < 1:
        time.sleep(0.1)
    landed = {}
    staging = course.root.parent.parent / "staging"
    staging.mkdir()
    for k in range(n):  # written aside, then moved in: they land together, as complete folders
        folder = staging / f"q{k:02d}+{course.lab}+{gradekit.stamp()}+{secrets.token_hex(3)}"
        shutil.copytree(submit_all_template(course, answers), folder)
    cpu_before = busy_cpu_seconds()
    for folder in sorted(staging.iterdir()):
        landed[folder.name.split("+")[0]] = time.time()
        folder.rename(course.inbound / folder.name)
    while queue.counts().get("done", 0) < n + 1:
        time.sleep(0.1)
    BURST_CPU["prestarted" if prestart else "fresh"] = busy_cpu_seconds() - cpu_before
    stop.set()
    thread.join()
    return sorted(j.finished_at - landed[j.student] for j in queue.jobs() if j.student in landed)


def submit_all_template(course: gradekit.Course, answers: dict[str, str]) -> Path:
    template = course.root.parent.parent / "template"
    if not template.exists():
        made = gradekit.submit(course, "template", answers, files=handed_in(course.lab))
        made.rename(template)
    return template


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--parallel", type=int, default=None, help="default: two per core, as the worker")
    parser.add_argument("--lab-dir", type=Path, default=gradekit.FIXTURES / "mini")
    args = parser.parse_args()
    from shiplab.grading import default_parallel

    args.parallel = args.parallel or default_parallel()
    lab_dir = args.lab_dir.resolve()
    answers = reference_answers(next(lab_dir.glob("*.ipynb")))
    work = Path(tempfile.mkdtemp(prefix="shiplab-bench-grading-"))
    print(f"{args.submissions} submissions of {lab_dir.name}, {os.cpu_count()} cores, parallel {args.parallel}, "
          f"root={os.geteuid() == 0}; work in {work}")
    try:
        ensure_sample_embeddings()
        checks = REPO / "graders" / "shiplab_checks.py"
        if not (lab_dir / checks.name).exists() and checks.exists():  # a course lab: released with its checks
            copy = work / "labs" / lab_dir.name
            shutil.copytree(lab_dir, copy, ignore=shutil.ignore_patterns(LAB_SOURCE_GLOB, "README.md"))
            shutil.copy(checks, copy)
            lab_dir = copy
        anchor = gradekit.make_course(work / "anchor", cell_timeout=60, lab_dir=lab_dir)
        ours = gradekit.make_course(work / "ours", cell_timeout=60, lab_dir=lab_dir)
        folders = submit_all(ours, args.submissions, answers)
        for folder in folders:
            shutil.copytree(folder, anchor.inbound / folder.name)

        t_serial = serial_nbgrader(anchor, sorted(anchor.inbound.iterdir()))
        t_ours, summary, sandbox = gradekit.worker_batch(ours, args.parallel)
        short = failing_tests(ours)
        ok = summary.graded == args.submissions and not short
        same = anchor.scores() == ours.scores()
        execs = [o.execute_seconds for o in summary.outcomes.values()]
        released = os.path.join(ours.root, "autograded", "p00", ours.lab)
        bare = bare_kernel(next(Path(released).glob("*.ipynb")), Path(released))

        lat_course = gradekit.make_course(work / "latency", cell_timeout=60, lab_dir=lab_dir)
        lat = latency(lat_course, args.submissions, args.parallel, answers)
        before_course = gradekit.make_course(work / "latency-fresh-kernels", cell_timeout=60, lab_dir=lab_dir)
        before = latency(before_course, args.submissions, args.parallel, answers, prestart=False)

        ratio = t_serial / t_ours
        print(f"\nserial nbgrader autograde : {t_serial:6.1f} s  ({t_serial / args.submissions:.2f} s/notebook, "
              "one CLI call, start-up included, no feedback)")
        print(f"shiplab, {args.parallel} at once       : {t_ours:6.1f} s  ({t_ours / args.submissions:.2f} s/notebook "
              f"wall, sandboxed, feedback rendered + released)   [{sandbox.isolation}]")
        print(f"speed-up                  : {ratio:6.2f}x   goal >= {SPEEDUP_GOAL}x  "
              f"{'MET' if ratio >= SPEEDUP_GOAL else 'MISSED'}")
        print(f"scores equal to nbgrader's: {same}; all {summary.graded} graded full marks: {ok}")
        for label, course, failing in (("shiplab", ours, short), ("nbgrader", anchor, failing_tests(anchor))):
            for student, tests in sorted(failing.items()):
                print(f"  {label} {student} ({course.scores().get(student)}): " + "; ".join(tests))
        print(f"per notebook, sandboxed execution: median {statistics.median(execs):.2f} s, p95 {pct(execs, .95):.2f} s "
              f"(kernel start + cells + sandbox set-up, {args.parallel} running at once)")
        print(f"per notebook, bare kernel start + cells (no sandbox, alone): {bare:.2f} s")
        print(f"latency, {args.submissions} landing at once: p50 {pct(lat, .5):.1f} s, p95 {pct(lat, .95):.1f} s, "
              f"max {max(lat):.1f} s   goal p95 <= {P95_GOAL} s  {'MET' if pct(lat, .95) <= P95_GOAL else 'MISSED'}")
        print(f"  anchor, kernels started from scratch: p50 {pct(before, .5):.1f} s, p95 {pct(before, .95):.1f} s, "
              f"max {max(before):.1f} s")
        drain = max(lat)
        print(f"  (throughput in that burst: {args.submissions / drain:.2f} notebooks/s; the last one waits for "
              f"{args.submissions - 1} before it)")
        cores = os.cpu_count() or 1
        limit = BURST_CPU["prestarted"] / cores
        print(f"machine's limit for that burst: {BURST_CPU['prestarted']:.0f} CPU s of grading work / {cores} cores "
              f"= {limit:.1f} s; last score visible after {drain:.1f} s ({drain / limit:.2f}x the limit), p95 "
              f"{pct(lat, .95):.1f} s ({pct(lat, .95) / limit:.2f}x)   goal p95 <= 1.25x  "
              f"{'MET' if pct(lat, .95) <= 1.25 * limit else 'MISSED'}; vs serial nbgrader {t_serial:.1f} s: "
              f"{t_serial / drain:.2f}x   goal >= 3x  {'MET' if t_serial / drain >= 3 else 'MISSED'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
