"""The progress board under a full room: how long one refresh of the grid costs, beside what it has to read.

A course of N participants (default 60) × L labs (default 4, four test cells each), every participant with two
graded submissions per lab (the first superseded), failing-test messages in their autograded notebooks, all written
with the real writers (nbgrader's Gradebook, the grading queue). One run measures, side by side:

1. **anchors**: reading the grading queue alone (read-only SQL), and the gradebook walked object by object through
   nbgrader's relationships (the obvious way, one query per grade; the board asks two set-based queries instead);
2. **first refresh** after the gradebook changed (it is re-read) and **steady refreshes** (cached until a file
   changes): ``/grid`` (the HTML fragment browsers poll) and ``/api/board``, p50/p95 over 50 requests;
3. **capacity**: refreshes per second one board process serves, against what K instructors (default 3) polling
   every ``progress.refresh`` seconds (default 5) ask of it.

    .venv/bin/python bench/progress.py
    .venv/bin/python bench/progress.py --participants 120 --labs 6
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
MESSAGES = ["AssertionError: priority 'Critical' should be P1", "NameError: name 'route' is not defined",
            "NotDoneYet: route_ticket still raises NotImplementedError", "AssertionError: floats too"]


def stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def build(state: Path, participants: int, labs: int, cells: int, seed: int = 7):
    from nbgrader.api import Gradebook

    from shiplab.grading.engine import ensure_venv_tools_on_path
    from shiplab.grading.queue import Queue, new_worker_id
    from shiplab import roster

    ensure_venv_tools_on_path()
    rng = random.Random(seed)
    people = [roster.Person("ines", "Ines", "i@x.example", "instructor")] + [
        roster.Person(f"p{i:03d}", f"Participant {i}", f"p{i}@x.example", "participant", f"team{i % 6}")
        for i in range(participants)]
    roster.save(people, state)
    root = state / "courses" / "workshop"
    root.mkdir(parents=True)
    queue, worker = Queue(state / "grading" / "workshop" / "queue.db"), new_worker_id()
    names = [f"lab{j}" for j in range(labs)]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "workshop") as gb:
        for lab in names:
            gb.add_assignment(lab)
            gb.add_notebook(lab, lab)
            for k in range(cells):
                gb.add_grade_cell(f"test_{k}", lab, lab, max_score=1.0, cell_type="code")
        for p in people[1:]:
            gb.add_student(p.username)
            for j, lab in enumerate(names):
                for attempt in range(2):
                    at = T0 + dt.timedelta(minutes=30 * j + 10 * attempt + rng.random())
                    queue.enqueue(lab, p.username, stamp(at), at.replace(tzinfo=None).isoformat(), "/x")
                    job = queue.claim(worker)
                    scores = [float(rng.random() < 0.4 + 0.3 * attempt) for _ in range(cells)]
                    queue.finish(job.id, worker, ok=True, score=sum(scores), max_score=float(cells))
                gb.add_submission(lab, p.username, timestamp=stamp(at))
                nb = nbformat.v4.new_notebook()
                for k, s in enumerate(scores):
                    gb.find_grade(f"test_{k}", lab, lab, p.username).auto_score = s
                    cell = nbformat.v4.new_code_cell("assert True")
                    cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"test_{k}", "points": 1}
                    if not s:
                        ename, _, evalue = rng.choice(MESSAGES).partition(": ")
                        cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])]
                    nb.cells.append(cell)
                out = root / "autograded" / p.username / lab
                out.mkdir(parents=True)
                nbformat.write(nb, str(out / f"{lab}.ipynb"))
            gb.db.commit()
    return people


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[int(q) - 1] if len(xs) > 1 else xs[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=60)
    ap.add_argument("--labs", type=int, default=4)
    ap.add_argument("--cells", type=int, default=4)
    ap.add_argument("--instructors", type=int, default=3)
    ap.add_argument("--refresh", type=float, default=5.0)
    ap.add_argument("--requests", type=int, default=50)
    args = ap.parse_args()

    from fastapi.testclient import TestClient
    from nbgrader.api import Gradebook

    from shiplab.board.app import BoardConfig, FixedUsers, create_app
    from shiplab.board.auth import TokenTable, Viewer
    from shiplab.board.sources import CoursePaths, read_queue

    state = Path(tempfile.mkdtemp(prefix="bench-progress-"))
    try:
        t = time.perf_counter()
        people = build(state, args.participants, args.labs, args.cells)
        print(f"course: {args.participants} participants × {args.labs} labs × {args.cells} tests, "
              f"{2 * args.participants * args.labs} graded submissions (built in {time.perf_counter() - t:.0f} s)")
        paths = CoursePaths(state, "workshop")

        def gradebook_alone():
            with Gradebook(f"sqlite:///file:{paths.gradebook}?mode=ro&uri=true", "workshop") as gb:
                for a in gb.assignments:
                    for sub in a.submissions:
                        for snb in sub.notebooks:
                            [g.score for g in snb.grades]

        q = timed(lambda: read_queue(paths.queue), 20)
        g = timed(gradebook_alone, 5)
        print(f"anchor  queue read alone      p50 {p(q, 50):7.1f} ms")
        print(f"anchor  gradebook walked through nbgrader's relationships  p50 {p(g, 50):7.1f} ms")

        users = [{"kind": "user", "name": x.username, "groups": ["participants", f"team-{x.team}"],
                  "last_activity": T0.isoformat(), "servers": {"": {"ready": True, "started": T0.isoformat()}}}
                 for x in people[1:]]
        app = create_app(BoardConfig(state=state, course="workshop"), clock=lambda: T0 + dt.timedelta(hours=3),
                         identity=TokenTable({"t": Viewer("ines", frozenset({"instructors"}))}),
                         hub_users=FixedUsers(users))
        client = TestClient(app)
        head = {"Authorization": "token t"}
        first = timed(lambda: client.get("/grid", headers=head).raise_for_status(), 1)[0]
        print(f"board   first refresh (reads the gradebook)   {first:7.1f} ms")
        for path in ("/grid", "/api/board"):
            xs = timed(lambda: client.get(path, headers=head).raise_for_status(), args.requests)
            print(f"board   steady {path:<11}  p50 {p(xs, 50):7.1f} ms   p95 {p(xs, 95):7.1f} ms")
        os.utime(paths.gradebook)  # as if a grade was just written: the next refresh re-reads
        again = timed(lambda: client.get("/grid", headers=head).raise_for_status(), 1)[0]
        print(f"board   refresh after a new grade             {again:7.1f} ms")
        xs = timed(lambda: client.get("/grid", headers=head).raise_for_status(), args.requests)
        capacity = 1000 / statistics.mean(xs)
        need = args.instructors / args.refresh
        print(f"capacity {capacity:6.1f} refreshes/s from one board process vs {need:.1f}/s asked by "
              f"{args.instructors} instructors polling every {args.refresh:g} s ({capacity / need:.0f}x headroom)")
    finally:
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
