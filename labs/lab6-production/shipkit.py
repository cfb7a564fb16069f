"""Lab 6's given tools for the last part (released beside the notebook; nothing here is graded):

- :func:`write_repository` — your repository from ``template/``: the template's files, plus your own code written
  into it (``Metrics``, ``create_app``, ``check_service`` from this notebook; ``format_context``,
  ``should_refuse``, ``answer`` from your lab-5 notebook and ``allowed_filter`` from lab 4's), committed with git;
- :func:`run_ci` — what the repository's CI runs (``pytest``), here;
- :func:`real_rollback` — starts your service for real (uvicorn on 127.0.0.1), asks it, switches the feature flag
  off, asks again, and checks that the previous version answered; the result is kept in ``rollback.json``;
- :func:`plan_from_case`, :func:`plan_problems`, :func:`tracker_payload` — your ship plan, started from
  ``~/shiplab-case.json`` (lab 1), refused while it holds the example, an empty baseline, no business owner or
  approver, a provider the governance policy refuses for the data class, or a date past the workshop's end + 60 days.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "template"
GENERATED = ("assistant/service.py", "assistant/chain.py", "tests/contract.py")
FALLBACK_FILTER = '''
CLEARANCES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """(lab 4 not found: the template's) chunks at or below the clearance."""
    if clearance not in CLEARANCES:
        raise ValueError(f"unknown clearance {clearance!r}")
    return {"classification": {"$in": CLEARANCES[:CLEARANCES.index(clearance) + 1]}}
'''


class NotReady(RuntimeError):
    """A step cannot run yet; the message says what to do first."""


# ---- your code, from your notebooks
def _from_history(name: str) -> str | None:
    """The last cell you ran that defines ``name`` (IPython's input history), without its other top-level code."""
    try:
        shell = get_ipython()  # noqa: F821 -- defined in a kernel
    except NameError:
        return None
    for cell in reversed(shell.user_ns.get("In", [])):
        match = re.search(rf"^(class|def) {re.escape(name)}\b", cell, re.M)
        if match:
            try:
                return definitions(cell)  # the whole cell's definitions: helpers you wrote beside it too
            except SyntaxError:
                return None
    return None


def kernel_source(*objects) -> str:
    """The source of functions and classes defined in this kernel (your cells), one after the other."""
    parts = []
    for obj in objects:
        name = getattr(obj, "__name__", str(obj))
        source = _from_history(name)
        if source is None:
            try:
                source = inspect.getsource(obj).strip()
            except (OSError, TypeError):
                raise NotReady(f"cannot read the source of {name!r}: run its cell again (or paste it into the "
                               "repository yourself).") from None
        parts.append(source)
    return "\n\n\n".join(parts) + "\n"


def _cells(notebook: Path) -> dict[str, str]:
    nb = nbformat.read(str(notebook), as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")}


def find_notebook(lab: str, home: Path | None = None) -> Path | None:
    """Your own copy of ``lab``'s notebook (``~/<lab>/<lab>.ipynb``, else the newest one under ``~``, two deep)."""
    home = Path(home or Path.home())
    direct = home / lab / f"{lab}.ipynb"
    if direct.is_file():
        return direct
    found = sorted(home.glob(f"*/{lab}.ipynb")) + sorted(home.glob(f"*/*/{lab}.ipynb"))
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def lab_cells(lab: str, grade_ids: tuple[str, ...], home: Path | None = None) -> dict[str, str] | None:
    """Those solution cells of your notebook, or None when it is missing or one is still unanswered."""
    notebook = find_notebook(lab, home)
    if notebook is None:
        return None
    cells = _cells(notebook)
    picked = {g: cells.get(g, "") for g in grade_ids}
    if any(not s.strip() or "raise NotImplementedError" in s for s in picked.values()):
        return None
    return picked


SKIP_IMPORTS = ("shiplab_checks", "IPython")


def definitions(source: str) -> str:
    """The imports, functions, classes and UPPER_CASE constants of a cell — what a module needs from it — without
    the cell's work (building an index, printing)."""
    import ast

    tree = ast.parse(source)
    keep = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(n.split(".")[0] in SKIP_IMPORTS for n in names):
                continue
        elif isinstance(node, ast.Assign):
            if not all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets):
                continue
        elif not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            continue
        keep.append(ast.get_source_segment(source, node))
    return "\n\n".join(keep)


def chain_source(min_score: float, home: Path | None = None) -> tuple[str, list[str]]:
    """``assistant/chain.py``: lab 5's set-up definitions (prompt, helpers) and every answer of yours in lab 5,
    lab 4's ``allowed_filter``, and your threshold; and notes on what came from where."""
    notes = []
    lab5 = lab_cells("lab5-rag", ("format_context", "should_refuse", "answer"), home)
    if lab5 is None:
        raise NotReady("your lab-5 notebook (~/lab5-rag/lab5-rag.ipynb) was not found or has an unanswered "
                       "format_context, should_refuse or answer: finish lab 5's part 4 first, save it, and run "
                       "this cell again.")
    notebook = find_notebook("lab5-rag", home)
    nb = nbformat.read(str(notebook), as_version=4)
    parts = ['"""Your lab-5 chain and lab-4 filter, written by lab 6\'s notebook from your own notebooks."""']
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("grade_id") == "setup" or meta.get("solution")):
            try:
                parts.append(definitions(cell.source))
            except SyntaxError:
                notes.append(f"skipped lab 5's cell {meta.get('grade_id')!r}: it does not parse")
    notes.append(f"chain: lab 5's set-up definitions and your answers from {notebook}")
    lab4 = lab_cells("lab4-retrieval", ("allowed_filter",), home)
    if lab4 is None:
        notes.append("allowed_filter: lab 4's not found or unanswered; the template's is used (check it)")
        parts.append(FALLBACK_FILTER.strip())
    else:
        notes.append(f"allowed_filter from {find_notebook('lab4-retrieval', home)}")
        parts.append(definitions(lab4["allowed_filter"]))
    parts.append(f"MIN_SCORE = {float(min_score)!r}  # your threshold from lab 5's part 3")
    source, dropped = importable("\n\n\n".join(p for p in parts if p.strip()) + "\n")
    if dropped:
        notes.append("left out (they use names only the notebook defines): " + ", ".join(dropped))
    return source, notes


def importable(source: str) -> tuple[str, list[str]]:
    """``source`` without the top-level constants whose value uses a name the module never binds before them (a
    notebook's record of its work, e.g. ``MY_CASE_ROWS = record_part(...)``): they would stop the import."""
    import ast
    import builtins

    tree = ast.parse(source)
    bound, drop = set(dir(builtins)), []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            inner = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            if _read_now(node.value) - bound - inner:  # inner: a comprehension's own variables
                drop.append(node)
                continue
            bound.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any(a.name == "*" for a in node.names):
                return source, []  # what it binds is unknown here: keep everything
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
    if not drop:
        return source, []
    lines = source.splitlines(keepends=True)
    for node in reversed(drop):
        del lines[node.lineno - 1:node.end_lineno]
    return "".join(lines), [t.id for node in drop for t in node.targets if isinstance(t, ast.Name)]


def _read_now(node) -> set[str]:
    """The names an expression reads when it is evaluated (a lambda's body is read later, when it is called)."""
    import ast

    if isinstance(node, ast.Lambda):
        return set()
    own = {node.id} if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else set()
    return own.union(*(_read_now(child) for child in ast.iter_child_nodes(node)))


SERVICE_HEADER = '''"""Your Metrics and create_app, written by lab 6's notebook from your own cells."""

import json
import logging
import math
import time
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

MAX_QUESTION_CHARS = 500
'''
CONTRACT_HEADER = '''"""Your check_service, written by lab 6's notebook from your own cell."""

from tests.fakes import (MAX_QUESTION_CHARS, REFUSAL, RecordingMetrics, Spy, failing, fake_answer,  # noqa: F401
                         fake_refusal, test_logger)
'''


# ---- the repository
def vendor_course_helpers(repo: Path) -> None:
    """Copy the course package your chain imports (``shiplab``: its rag and data helpers, the model client) into
    ``vendor/``, for CI and the image, where the course's environment is not installed. Here, in the lab, the
    installed one is used."""
    import shiplab

    src, dest = Path(shiplab.__file__).parent, repo / "vendor" / "shiplab"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", "labext"))


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_AUTHOR_NAME=os.environ.get("JUPYTERHUB_USER", "me"),
               GIT_AUTHOR_EMAIL="me@localhost", GIT_COMMITTER_NAME=os.environ.get("JUPYTERHUB_USER", "me"),
               GIT_COMMITTER_EMAIL="me@localhost")
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60)


def write_repository(dest: str | Path, service: str, contract: str, chain: str, *, vendor: bool = True) -> dict:
    """``dest`` from the template with your code in it; template files you changed are kept. Safe to re-run."""
    repo = Path(dest).expanduser()
    kept, written = [], []
    for path in sorted(TEMPLATE.rglob("*")):
        rel = path.relative_to(TEMPLATE).as_posix()
        if path.is_dir() or "__pycache__" in rel or rel in GENERATED:
            continue
        target = repo / rel
        if target.exists() and target.read_bytes() != path.read_bytes():
            kept.append(rel)  # yours now
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    for rel, text in (("assistant/service.py", SERVICE_HEADER + "\n\n" + service),
                      ("assistant/chain.py", chain), ("tests/contract.py", CONTRACT_HEADER + "\n\n" + contract)):
        (repo / rel).write_text(text, encoding="utf-8")
        written.append(rel)
    (repo / "index").mkdir(exist_ok=True)
    (repo / ".gitignore").write_text("__pycache__/\n*.pyc\nindex/\nrollback-server.log\nci.json\n"
                                     "feedback.jsonl\ntraces.jsonl\n",
                                     encoding="utf-8")
    if vendor:
        vendor_course_helpers(repo)
    commit = None
    if shutil.which("git"):
        if not (repo / ".git").exists():
            _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", "-A")
        if _git(repo, "diff", "--cached", "--quiet").returncode:
            _git(repo, "commit", "-q", "-m", "Assistant from lab 6: my chain, my contract, template wiring")
        commit = _git(repo, "rev-parse", "--short", "HEAD").stdout.strip() or None
    return {"repo": str(repo), "written": written, "kept": kept, "commit": commit}


def run_ci(repo: str | Path, timeout: int = 300) -> tuple[int, str]:
    """Run the repository's tests as CI does (``python -m pytest -q``); exit code and output."""
    repo = Path(repo).expanduser()
    env = dict(os.environ, PYTHONPATH=str(repo))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=timeout)
    output = done.stdout + done.stderr
    summary = next((line.strip("= ") for line in reversed(done.stdout.splitlines()) if " passed" in line
                    or " failed" in line or " error" in line), "")
    commit = _git(repo, "rev-parse", "--short", "HEAD").stdout.strip() if (repo / ".git").exists() else None
    (repo / "ci.json").write_text(json.dumps({"exit_code": done.returncode, "summary": summary, "commit": commit,
                                              "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
                                             indent=2) + "\n", encoding="utf-8")
    return done.returncode, output[-4000:]


# ---- the real rollback
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def real_rollback(repo: str | Path, question: str, *, documents: str | Path | None = None,
                  clearance: str = "internal", timeout_s: float = 20.0, start_timeout: float = 120.0,
                  index_label: str = "own") -> dict:
    """Start the service from ``repo`` (a real uvicorn on 127.0.0.1), ask ``question`` with a fresh token, switch
    the flag off, ask again; checks that the chain answered before and the previous version after, without a
    restart, then switches the flag back on. Kept in ``repo/rollback.json``; raises :class:`NotReady` if a step
    does not happen."""
    import httpx

    repo = Path(repo).expanduser()
    if not (repo / "assistant").is_dir():
        raise NotReady(f"no repository at {repo} yet: run the cell above (your repository from the template) "
                       "until it says where it wrote it, then run this one again.")
    if documents is not None:
        env = dict(os.environ, PYTHONPATH=str(repo))
        built = subprocess.run([sys.executable, "-m", "assistant.index", "build",
                                str(Path(documents).expanduser().resolve()), str(repo / "index")],
                               cwd=repo, env=env, capture_output=True, text=True, timeout=600)
        if built.returncode:
            raise NotReady(f"building the index failed: {(built.stderr or built.stdout)[-600:]}")
    token, port = secrets.token_urlsafe(24), _free_port()
    env = dict(os.environ, PYTHONPATH=str(repo),
               ASSISTANT_TOKENS=json.dumps({token: {"user": os.environ.get("JUPYTERHUB_USER", "me"),
                                                    "clearance": clearance}}),
               ASSISTANT_FLAGS=str(repo / "flags.json"), ASSISTANT_INDEX=str(repo / "index"),
               ASSISTANT_MODEL_TIMEOUT_S=str(timeout_s))
    flag = [sys.executable, "-m", "assistant.production", "flag", "assistant"]
    subprocess.run(flag + ["on"], cwd=repo, env=env, check=True, capture_output=True, timeout=60)
    log = open(repo / "rollback-server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "assistant.main:create",
                               "--host", "127.0.0.1", "--port", str(port)], cwd=repo, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    url, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if server.poll() is not None:
                raise NotReady(f"the service did not start: see {repo / 'rollback-server.log'}")
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise NotReady(f"the service did not answer /health in {start_timeout:.0f} s")
            time.sleep(0.5)
        no_token = httpx.post(url + "/ask", json={"question": question}, timeout=10)
        before = httpx.post(url + "/ask", json={"question": question}, headers=headers, timeout=timeout_s + 30)
        started = time.monotonic()
        subprocess.run(flag + ["off"], cwd=repo, env=env, check=True, capture_output=True, timeout=60)
        after = httpx.post(url + "/ask", json={"question": question}, headers=headers, timeout=timeout_s + 30)
        seconds = round(time.monotonic() - started, 2)
        record = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "question_chars": len(question),
                  "index": index_label,
                  "without_token": no_token.status_code,
                  "before": {"status": before.status_code, "version": before.headers.get("x-assistant-version")},
                  "after": {"status": after.status_code, "version": after.headers.get("x-assistant-version"),
                            "refused": after.json().get("refused") if after.status_code == 200 else None},
                  "seconds_to_roll_back": seconds, "same_process": server.poll() is None}
        problems = rollback_problems(record)
        record["ok"] = not problems
        (repo / "rollback.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        if problems:
            raise NotReady("the rollback did not happen as it should: " + "; ".join(problems))
        return record
    finally:
        subprocess.run(flag + ["on"], cwd=repo, env=env, capture_output=True, timeout=60)  # roll forward
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def rollback_problems(record: dict | None) -> list[str]:
    """What a kept rollback record does not show (empty: it shows a real rollback)."""
    if not record:
        return ["no rollback recorded: run the rollback cell"]
    problems = []
    if record.get("without_token") != 401:
        problems.append(f"/ask without a token answered {record.get('without_token')}, not 401")
    if (record.get("before") or {}).get("version") != "chain":
        problems.append("before the rollback the chain did not answer")
    after = record.get("after") or {}
    if after.get("version") != "fallback" or after.get("status") != 200:
        problems.append("after switching the flag off the previous version did not answer with 200")
    if not record.get("same_process"):
        problems.append("the service restarted: the flag must act without a restart")
    return problems


def load_rollback(repo: str | Path) -> dict | None:
    try:
        return json.loads((Path(repo).expanduser() / "rollback.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ---- the ship plan
PLAN_FIELDS = ("use_case", "backlog_ref", "metric_name", "unit", "baseline_value", "baseline_method", "target_value",
               "planned_ship_date", "business_owner", "approver", "data_class", "provider", "first_step_monday")
TRACKER_FIELDS = ("use_case", "backlog_ref", "metric_name", "unit", "baseline_value", "baseline_method",
                  "target_value", "planned_ship_date")
CLASSES = ("public", "internal", "confidential", "restricted")
EXAMPLE_PLAN = {
    "use_case": "Claims handlers ask the handbook assistant instead of searching the guideline PDFs.",
    "backlog_ref": "NVA-123",
    "metric_name": "median minutes to answer a coverage question",
    "unit": "min",
    "baseline_value": 7.5,
    "baseline_method": "median of 40 coverage questions timed by two claims handlers in week 47",
    "target_value": 2.0,
    "planned_ship_date": "2027-01-25",
    "business_owner": "Head of Claims Operations (M. Berg)",
    "approver": "Data protection officer (J. Okafor)",
    "data_class": "internal",
    "provider": "local",
    "first_step_monday": "Book 30 minutes with M. Berg to agree the metric and export last month's tickets.",
}


def plan_from_case(case: dict | None) -> dict:
    """A plan with what lab 1's case already says (use case, backlog key, metric, how the baseline is measured);
    every other field empty, for you to fill."""
    plan = {f: None if f in ("baseline_value", "target_value") else "" for f in PLAN_FIELDS}
    if case:
        plan.update(use_case=case.get("use_case", ""), backlog_ref=case.get("example_key", ""),
                    metric_name=case.get("baseline_metric", ""), baseline_method=case.get("baseline_method", ""))
    return plan


def _norm(value) -> str:
    return " ".join(str(value).split()).casefold()


def plan_problems(plan: dict, *, workshop_end: dt.date, policy=None, today: dt.date | None = None) -> list[str]:
    """Every reason the plan cannot be filed yet, each saying what to write (empty: it can be filed).
    ``policy`` is the governance policy (``shiplab.gateway.policy.Policy``), which makes lab 1's ``decide``."""
    today = today or dt.date.today()
    problems = []
    for f in PLAN_FIELDS:
        value = plan.get(f)
        if f in ("unit",):
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"{f}: still empty")
    same = [f for f in PLAN_FIELDS if plan.get(f) not in (None, "") and f not in ("unit", "data_class", "provider")
            and _norm(plan.get(f)) == _norm(EXAMPLE_PLAN[f])]
    if same:
        problems.append("still the example's: " + ", ".join(same) + " — write your own case's values")
    for f in ("baseline_value", "target_value"):
        value = plan.get(f)
        if value not in (None, "") and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append(f"{f}: a number (measured, not guessed), not {value!r}")
    if plan.get("baseline_value") is not None and plan.get("baseline_value") == plan.get("target_value"):
        problems.append("target_value equals the baseline: what should change?")
    if plan.get("baseline_method") and len(str(plan["baseline_method"]).split()) < 5:
        problems.append("baseline_method: say in a sentence how the baseline was measured (source, period, how "
                        "many cases), so the value after launch is measured the same way")
    if plan.get("business_owner") and plan.get("approver") and _norm(plan["business_owner"]) == _norm(plan["approver"]):
        problems.append("approver: someone other than the business owner signs off (data protection, security)")
    if plan.get("first_step_monday") and len(str(plan["first_step_monday"]).split()) < 5:
        problems.append("first_step_monday: one concrete action with whom, e.g. 'book 30 min with <owner> to …'")
    date = plan.get("planned_ship_date")
    if date:
        try:
            day = dt.date.fromisoformat(str(date))
        except ValueError:
            problems.append(f"planned_ship_date: a date YYYY-MM-DD, not {date!r}")
        else:
            last = workshop_end + dt.timedelta(days=60)
            if day > last:
                problems.append(f"planned_ship_date: {day} is after the workshop's end + 60 days ({last}): ship a "
                                "smaller first version by then")
            if day < today:
                problems.append(f"planned_ship_date: {day} is in the past")
    if plan.get("data_class") and plan["data_class"] not in CLASSES:
        problems.append(f"data_class: one of {', '.join(CLASSES)} (lab 1's classify_item), not {plan['data_class']!r}")
    elif plan.get("data_class") and plan.get("provider") and policy is not None:
        decision = policy.decide(plan["provider"], plan["data_class"])
        if decision.action == "refuse":
            problems.append(f"provider: the governance policy refuses {plan['data_class']} data for "
                            f"{plan['provider']!r} ({decision.rule}) — choose another provider or reduce the data")
    return problems


def keep_plan(repo: str | Path, plan: dict, problems: list[str], decision: str | None, rollback_plan: str) -> None:
    """The plan and its checks in ``repo/ship-plan.json`` (your team reviews it there; the completion check reads
    it)."""
    repo = Path(repo).expanduser()
    if not repo.is_dir():
        return
    record = {"plan": plan, "problems": problems, "provider_decision": decision, "rollback_plan": rollback_plan,
              "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    (repo / "ship-plan.json").write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")


def tracker_payload(plan: dict, decision: str = "") -> dict:
    """What the tracker stores (its own fields), with the owner, approver, data, provider and Monday's step
    written under the use case so that the instructor and your team read them there."""
    payload = {f: plan.get(f) for f in TRACKER_FIELDS}
    payload["unit"] = payload["unit"] or ""
    payload["use_case"] = (f"{plan['use_case']}\n\nBusiness owner: {plan['business_owner']}. Approver: "
                           f"{plan['approver']}.\nData: {plan['data_class']}, provider {plan['provider']}"
                           + (f" ({decision})" if decision else "") + f".\nMonday: {plan['first_step_monday']}")
    return payload
