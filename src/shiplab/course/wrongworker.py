"""The wrong-answer run's worker (:mod:`shiplab.course.wronganswers`): it runs in its own process, in the scratch copy
of the lab folder, executes the instructor's notebook cell by cell in an IPython shell and forks at each solution
cell that has wrong answers (``python -m shiplab.course.wrongworker SPEC``; ``--one SPEC`` decides one answer again
without fork)."""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=cfg)
    salt = os.environ.get("SHIPLAB_CASE_SALT", "").strip()
    if salt.lstrip("-").isdigit():  # ``wrong-answers --salt``: the generated hidden cases of one graded submission
        shell.run_cell(f"import shiplab_checks as _c; _c.CASE_SALT = {int(salt)}; del _c", store_history=False)
    return shell


def _run_cell(shell, source: str) -> str:
    """'' when the cell ran, else its error as one line."""
    result = shell.run_cell(source, store_history=False)
    err = result.error_before_exec or result.error_in_exec
    if err is None:
        return ""
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}"[:300]


class CellTimeout(BaseException):
    """A cell ran past the per-cell limit: raised inside it like the KeyboardInterrupt of nbgrader's interrupt (a
    BaseException, so an ``except Exception`` in the answer cannot swallow it)."""


_alarms: list[float] = []


def _on_alarm(signum, frame):
    _alarms.append(time.monotonic())
    raise CellTimeout("the cell ran past the per-cell time limit and was interrupted")


def _run_answer(shell, cells: list, index: int, answer: dict, timeout: float) -> dict:
    """In the forked child: the answer in place of cell ``index``, then the cells after it, each under the per-cell
    limit, until the first test cell fails."""
    signal.signal(signal.SIGALRM, _on_alarm)
    timed_out = False
    for position, cell in enumerate(cells[index:], start=index):
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            error = _run_cell(shell, answer["source"] if position == index else cell.source)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        timed_out = bool(_alarms)
        if position > index and _meta(cell).get("grade") and error:
            return {"caught": True, "failed_test": _meta(cell)["grade_id"], "message": error, "timed_out": timed_out}
    return {"caught": False, "timed_out": timed_out}


def _try_answer(shell, cells: list, index: int, answer: dict, timeout: float) -> dict:
    """Run ``answer`` in place of cell ``index`` and the cells after it in a forked child; the first failing test.
    Each cell gets ``timeout`` seconds (interrupted like nbgrader's per-cell timeout); a child that still hangs
    (in code a signal cannot interrupt) is killed after five times that and counts as caught."""
    started = time.monotonic()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: its own process group, so whatever it starts is killed with it
        os.setpgid(0, 0)
        os.close(read_end)
        try:
            outcome = _run_answer(shell, cells, index, answer, timeout)
        except BaseException as exc:  # noqa: BLE001 -- anything escaping the shell still fails the notebook
            outcome = {"caught": True, "failed_test": "(kernel)", "message": f"{type(exc).__name__}: {exc}"[:300]}
        os.write(write_end, json.dumps(outcome).encode())
        os.close(write_end)
        os._exit(0)
    os.close(write_end)
    chunks, deadline, hung = [], started + 5 * timeout, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            hung = True
            break
        ready, _, _ = select.select([read_end], [], [], left)
        if ready:
            data = os.read(read_end, 65536)
            if not data:
                break
            chunks.append(data)
    os.close(read_end)
    if hung:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError):  # anything the answer started in the background
        os.killpg(pid, signal.SIGKILL)
    seconds = round(time.monotonic() - started, 2)
    base = {"grade_id": answer["grade_id"], "name": answer["name"], "seconds": seconds}
    if hung:  # decided again without fork (see _verify_unforked): a forked child may hang where a kernel would not
        return {**base, "undecided": f"still running after {5 * timeout:g} s in the forked runner"}
    try:
        return {**base, **json.loads(b"".join(chunks).decode())}
    except ValueError:
        return {**base, "undecided": "the forked runner died"}


def _verify_unforked(notebook: str, index: int, answer: dict, timeout: float, reach_seconds: float) -> dict:
    """Decide an answer whose forked run hung or died: run the notebook from the start in a fresh process, the answer
    in place of cell ``index``. Libraries with threads (chromadb, onnxruntime) can hang in a forked child where a
    kernel would not, so a hang there is no evidence; a hang in a fresh process is — the grader's time limit would
    stop it and its tests fail."""
    started = time.monotonic()
    spec = Path(tempfile.mkdtemp(prefix="wrong-one-")) / "one.json"
    spec.write_text(json.dumps({"notebook": notebook, "index": index, "answer": answer, "timeout": timeout}),
                    encoding="utf-8")
    base = {"grade_id": answer["grade_id"], "name": answer["name"]}
    limit = 2 * reach_seconds + 5 * timeout + 10  # getting to the cell again, then what the forked run was given
    try:
        proc = subprocess.run([sys.executable, "-m", "shiplab.course.wrongworker", "--one", str(spec)],
                              capture_output=True, text=True, timeout=limit, start_new_session=True)
        outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        outcome = {"caught": True, "timed_out": True, "failed_test": "(time limit)",
                   "message": f"still running after {limit:g} s: the grader's time limit would stop it"}
    except (ValueError, IndexError):
        outcome = {"caught": True, "failed_test": "(kernel)", "message": "the kernel died"}
    finally:
        shutil.rmtree(spec.parent, ignore_errors=True)
    return {**base, **outcome, "seconds": round(time.monotonic() - started, 2)}


def graded_cells(nb) -> list:
    """The code cells that decide a grade, in order: when the grading worker's judge runs the tests
    (:mod:`shiplab.grading.judge`), those are the locked cells, the solutions and the tests — explore cells never
    reach a test, so they are not run here either (a chromadb query in an explore cell can hang in a forked child);
    a notebook graded inside the kernel (``"shiplab": {"judge": false}``) runs every code cell, as nbgrader does."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    if nb.metadata.get("shiplab", {}).get("judge") is False:
        return cells
    return [c for c in cells if _meta(c).get("locked") or _meta(c).get("solution") or _meta(c).get("grade")]


def one(spec_path: Path) -> None:
    """``--one``: the notebook's cells up to ``index`` as written, then the answer and the cells after it."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    nb = nbformat.read(spec["notebook"], as_version=4)
    cells = graded_cells(nb)
    os.chdir(Path(spec["notebook"]).parent)
    shell = _shell()
    for cell in cells[:spec["index"]]:
        _run_cell(shell, cell.source)
    try:
        outcome = _run_answer(shell, cells, spec["index"], spec["answer"], spec["timeout"])
    except BaseException as exc:  # noqa: BLE001 -- anything escaping the shell still fails the notebook
        outcome = {"caught": True, "failed_test": "(kernel)", "message": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write("\n" + json.dumps(outcome) + "\n")
    sys.stdout.flush()
    os._exit(0)


def work(spec_path: Path) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    nb = nbformat.read(spec["notebook"], as_version=4)
    cells = graded_cells(nb)
    by_cell: dict[str, list[dict]] = {}
    for answer in spec["answers"]:
        by_cell.setdefault(answer["grade_id"], []).append(answer)
    started = time.monotonic()
    shell = _shell()
    outcomes, solution_failures = [], []
    for index, cell in enumerate(cells):
        gid = _meta(cell).get("grade_id", "")
        if _meta(cell).get("solution") and gid in by_cell:
            for answer in by_cell[gid]:
                outcome = _try_answer(shell, cells, index, answer, spec["timeout"])
                if outcome.pop("undecided", None):
                    outcome = _verify_unforked(spec["notebook"], index, answer, spec["timeout"],
                                               time.monotonic() - started)
                outcomes.append(outcome)
                if spec.get("progress"):
                    partial = Path(spec["progress"] + ".part")
                    partial.write_text(str(len(outcomes)), encoding="utf-8")
                    partial.replace(spec["progress"])
        error = _run_cell(shell, cell.source)
        if error and _meta(cell).get("grade"):
            solution_failures.append(f"{gid}: {error}")
    Path(spec["results"]).write_text(json.dumps({"outcomes": outcomes, "solution_failures": solution_failures}),
                                     encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "--one":
        one(Path(sys.argv[2]))
    else:
        work(Path(sys.argv[1]))
