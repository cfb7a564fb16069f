"""Lab 6's part 5 for real: is the participant's repository written from the template with their own code (read
from their kernel's history and their lab-4/5 notebooks), is its CI green for a correct service and red for a broken
one, does a real rollback (uvicorn on 127.0.0.1, flag off) switch to the previous version in the same process, and
does the completion record count exactly the steps that passed? And does the running service trace every request
(spans, tokens, cost) without the question or the token, take feedback on its own answers only, and hold cost to
its budget? Only the participant's home is a temporary folder."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from IPython.core.interactiveshell import InteractiveShell
from lab6kit import shipkit

from shiplab.course.mycase import check_part
from shiplab.course.paths import LABS_DIR
from shiplab.data.api import datasets_dir

from labkit import source_cells, unmarked

LAB6 = source_cells("lab6-production")  # cell text by grade id
FAKES = (shipkit.TEMPLATE / "tests" / "fakes.py").read_text()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A participant's home with their saved lab-4 and lab-5 notebooks (the instructor's answers in them)."""
    home = tmp_path_factory.mktemp("home")
    for lab in ("lab4-retrieval", "lab5-rag"):
        (home / lab).mkdir()
        shutil.copy(LABS_DIR / lab / f"{lab}.ipynb", home / lab)
    return home


def kernel(*cells):
    """A real IPython shell that ran these cells (history kept, as in the participant's kernel)."""
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance()
    for cell in (shipkit.SERVICE_HEADER, FAKES, *cells):
        result = shell.run_cell(cell, store_history=True)
        assert result.success, result.error_in_exec or result.error_before_exec
    shell.user_ns["shipkit"] = shipkit
    return shell


def write(shell, repo, home):
    shell.user_ns.update(REPO=str(repo), HOME=home)
    result = shell.run_cell(
        "chain_py, notes = shipkit.chain_source(0.35, HOME)\n"
        "made = shipkit.write_repository(REPO, shipkit.kernel_source(Metrics, create_app), "
        "shipkit.kernel_source(check_service), chain_py)\n"
        "exit_code, output = shipkit.run_ci(REPO)", store_history=True)
    assert result.success, result.error_in_exec
    return shell.user_ns


@pytest.fixture(scope="module")
def repo(home, tmp_path_factory):
    shell = kernel(*(unmarked(s) for s in (LAB6["metrics"], LAB6["create_app"], LAB6["check_service"])))
    repo = tmp_path_factory.mktemp("repos") / "my-assistant"
    ns = write(shell, repo, home)
    assert ns["exit_code"] == 0, ns["output"]
    return repo


def test_the_repository_holds_the_participants_code_and_its_ci_is_green(repo):
    """Are service, chain and contract the participant's own, the template's wiring beside them, committed, and CI
    green (their contract and the production tests)?"""
    service, chain = (repo / "assistant" / "service.py").read_text(), (repo / "assistant" / "chain.py").read_text()
    assert "def create_app(answer_fn, metrics, logger)" in service and "class Metrics" in service
    assert "def answer(question, retriever, llm, min_score)" in chain and "def allowed_filter" in chain
    assert "MIN_SCORE = 0.35" in chain and "store = collection_for" not in chain  # definitions, not lab 5's work
    assert "def check_service(make_client)" in (repo / "tests" / "contract.py").read_text()
    for given in ("Dockerfile", ".github/workflows/ci.yml", "flags.json", "assistant/production.py"):
        assert (repo / given).is_file(), given
    ci = json.loads((repo / "ci.json").read_text())
    assert ci["exit_code"] == 0 and "15 passed" in ci["summary"] and ci["commit"]


def test_ci_is_red_when_the_service_breaks_its_contract(home, tmp_path):
    """With a create_app that lets a failing answer become a 500, does the repository's CI fail?"""
    broken = unmarked(LAB6["create_app"]).replace("except Exception as exc:", "except KeyError as exc:")
    shell = kernel(unmarked(LAB6["metrics"]), broken, unmarked(LAB6["check_service"]))
    ns = write(shell, tmp_path / "broken", home)
    assert ns["exit_code"] != 0 and "test_the_service_keeps_its_contract" in ns["output"], ns["output"]


def test_an_edited_template_file_is_kept(repo, home):
    """Is a template file the participant changed in the repository kept when the cell runs again?"""
    dockerfile = repo / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "# mine\n")
    shell = kernel(*(unmarked(s) for s in (LAB6["metrics"], LAB6["create_app"], LAB6["check_service"])))
    ns = write(shell, repo, home)
    assert "Dockerfile" in ns["made"]["kept"] and dockerfile.read_text().endswith("# mine\n")


def test_a_real_rollback_switches_to_the_previous_version_and_is_recorded(repo):
    """Started for real over an index of documents, does /ask need a token, answer with the chain, and after the
    flag goes off answer with the previous version in the same process — and does the completion record then
    hold all three steps once the plan passes its checks?"""
    record = shipkit.real_rollback(repo, "How much do I pay myself on each claim with Household Basic cover?",
                                   documents=datasets_dir() / "documents", index_label="own")
    assert record["ok"] and record["without_token"] == 401 and record["same_process"]
    assert (record["before"]["version"], record["after"]["version"], record["after"]["status"]) == (
        "chain", "fallback", 200)
    assert json.loads((repo / "flags.json").read_text())["assistant"] is True  # rolled forward afterwards
    ns = {"Path": Path, "json": json}
    exec(LAB6["my_case_helpers"], ns)
    assert [r["step"] for r in ns["my_case_rows"](repo)] == ["repository", "rollback"]
    plan = {**shipkit.EXAMPLE_PLAN, "use_case": "Underwriters find the clause", "backlog_ref": "UW-7"}
    shipkit.keep_plan(repo, plan, ["baseline_method: still the example's"], "allow", "flag off")
    assert [r["step"] for r in ns["my_case_rows"](repo)] == ["repository", "rollback"]
    shipkit.keep_plan(repo, plan, [], "allow", "flag off")
    rows = ns["my_case_rows"](repo)
    assert [r["step"] for r in rows] == ["repository", "rollback", "plan"]
    assert check_part(ns["LAB6_CASE"], rows).startswith("my case done")
    with pytest.raises(AssertionError, match="sample company"):
        check_part(ns["LAB6_CASE"], [dict(r, index="sample") if r["step"] == "rollback" else r for r in rows])


def test_ci_is_red_when_tracing_or_feedback_break(repo, tmp_path):
    """With the model's reported usage ignored and anyone's answer open to rating, does CI fail on the tests that
    check those, and only on them?"""
    broken = tmp_path / "broken"
    shutil.copytree(repo, broken, ignore=shutil.ignore_patterns("index", ".git", "__pycache__"))
    for rel, was, now in (("assistant/tracing.py", "usage = reported_usage(message)", "usage = None"),
                          ("assistant/feedback.py", 'if seen["user"] != user:', "if False:")):
        path = broken / rel
        assert was in path.read_text(), rel
        path.write_text(path.read_text().replace(was, now, 1))
    exit_code, output = shipkit.run_ci(broken)
    failed = sorted(line.split("::")[1].split()[0] for line in output.splitlines() if line.startswith("FAILED"))
    assert exit_code != 0 and failed == [
        "test_cost_comes_from_the_price_table_and_is_null_for_an_unknown_model",
        "test_each_request_has_a_span_per_step_with_the_models_tokens",
        "test_metrics_report_cost_tokens_and_the_budget",
        "test_reported_usage_is_preferred_over_the_estimate",
        "test_unknown_or_someone_elses_answers_cannot_be_rated"], output


@contextlib.contextmanager
def serving(repo, **settings):
    """The repository's service started for real (uvicorn on 127.0.0.1) for two users; its log kept beside it."""
    anna, ben, port = secrets.token_urlsafe(24), secrets.token_urlsafe(24), shipkit._free_port()
    env = dict(os.environ, PYTHONPATH=str(repo), ASSISTANT_INDEX=str(repo / "index"), **settings,
               ASSISTANT_TOKENS=json.dumps({anna: {"user": "anna", "clearance": "internal"},
                                            ben: {"user": "ben", "clearance": "internal"}}))
    log = Path(settings["ASSISTANT_TRACES"] + ".server.log")
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "assistant.main:create", "--host",
                                   "127.0.0.1", "--port", str(port)], cwd=repo, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the service did not answer /health in 120 s"
            time.sleep(0.5)
        yield url, {"anna": {"Authorization": f"Bearer {anna}"}, "ben": {"Authorization": f"Bearer {ben}"}}, env
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def test_the_running_service_traces_costs_and_takes_feedback(repo, tmp_path):
    """Started for real over its index: is every /ask a trace (spans in the log line and the trace file, the model's
    with GenAI attributes), is an answer rated once by its own user only, does /metrics give feedback, cost and the
    budget, and does the budget command say ok — with no question text and no token anywhere it wrote?"""
    if not any((repo / "index").iterdir()):
        subprocess.run([sys.executable, "-m", "assistant.index", "build", str(datasets_dir() / "documents"),
                        str(repo / "index")], cwd=repo, env=dict(os.environ, PYTHONPATH=str(repo)), check=True,
                       capture_output=True, timeout=600)
    question = "How much do I pay myself on each claim with Household Basic cover?"
    (tmp_path / "flags.json").write_text('{"assistant": true}')
    settings = {"ASSISTANT_TRACES": str(tmp_path / "traces.jsonl"), "ASSISTANT_FEEDBACK": str(tmp_path / "fb.jsonl"),
                "ASSISTANT_FLAGS": str(tmp_path / "flags.json"), "ASSISTANT_MAX_COST_PER_REQUEST": "0.002",
                "ASSISTANT_MODEL_TIMEOUT_S": "20"}
    with serving(repo, **settings) as (url, users, env):
        chain = httpx.post(url + "/ask", json={"question": question}, headers=users["anna"], timeout=60)
        (tmp_path / "flags.json").write_text('{"assistant": false}')
        previous = httpx.post(url + "/ask", json={"question": question}, headers=users["anna"], timeout=60)
        assert previous.status_code == 200 and previous.headers["X-Assistant-Version"] == "fallback"
        rid = previous.json()["request_id"]

        def rate(who, body):
            return httpx.post(url + "/feedback", json=body, headers=users.get(who, {}), timeout=10)
        assert rate(None, {"request_id": rid, "helpful": True}).status_code == 401
        assert rate("ben", {"request_id": rid, "helpful": True}).json()["error"]["code"] == "not_your_request"
        assert rate("anna", {"request_id": rid, "helpful": "yes"}).status_code == 422
        assert rate("anna", {"request_id": "f" * 32, "helpful": True}).status_code == 404
        assert rate("anna", {"request_id": rid, "helpful": True}).status_code == 201
        assert rate("anna", {"request_id": rid, "helpful": False}).status_code == 409
        snapshot = httpx.get(url + "/metrics", timeout=10).json()
    assert snapshot["feedback"] == {"count": 1, "helpful": 1, "helpful_rate": 1.0}
    assert snapshot["cost_per_request"]["total"] == 0 and snapshot["cost_budget"]["status"] == "under"
    traces = {t["trace_id"]: t for t in map(json.loads, (tmp_path / "traces.jsonl").read_text().splitlines())}
    assert [s["name"] for s in traces[rid]["spans"]] == ["retrieval"] and traces[rid]["cost"] == 0
    mine = traces[chain.headers["X-Request-ID"]]
    names = [s["name"] for s in mine["spans"]]
    assert names[:3] == ["retrieval", "gate", "model"], (chain.status_code, names)
    model = mine["spans"][2]["attributes"]
    assert {"gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"} <= set(model) or (
        chain.status_code == 503 and model.get("error")), model
    server_log = Path(settings["ASSISTANT_TRACES"] + ".server.log").read_text()
    lines = [json.loads(line) for line in server_log.splitlines() if line.startswith('{"request_id"')]
    assert {line["request_id"] for line in lines if "trace" in line} == {rid, chain.headers["X-Request-ID"]}
    written = server_log + (tmp_path / "traces.jsonl").read_text() + (tmp_path / "fb.jsonl").read_text()
    for secret in ("Household Basic", "pay myself", *(h["Authorization"].split()[1] for h in users.values())):
        assert secret not in written, secret
    budget = subprocess.run([sys.executable, "-m", "assistant.production", "budget", settings["ASSISTANT_TRACES"]],
                            cwd=repo, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert (budget.returncode, budget.stdout.strip()) == (0, "p95 cost 0 <= budget 0.002: ok"), budget.stdout
