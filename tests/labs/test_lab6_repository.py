"""Lab 6's part 5 for real: is the participant's repository written from the template with their own code (read
from their kernel's history and their lab-4/5 notebooks), is its CI green for a correct service and red for a broken
one, does a real rollback (uvicorn on 127.0.0.1, flag off) switch to the previous version in the same process, and
does the completion record count exactly the steps that passed? Only the participant's home is a temporary folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from lab6kit import shipkit

from shiplab.course.mycase import check_part
from shiplab.course.paths import LABS_DIR
from shiplab.data.api import datasets_dir

from labkit import generator, unmarked

LAB6 = generator("lab6-production")
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
    shell = kernel(*(unmarked(s) for s in (LAB6.EX1_SOLUTION, LAB6.EX2_SOLUTION, LAB6.EX3_SOLUTION)))
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
    assert ci["exit_code"] == 0 and "6 passed" in ci["summary"] and ci["commit"]


def test_ci_is_red_when_the_service_breaks_its_contract(home, tmp_path):
    """With a create_app that lets a failing answer become a 500, does the repository's CI fail?"""
    broken = unmarked(LAB6.EX2_SOLUTION).replace("except Exception as exc:", "except KeyError as exc:")
    shell = kernel(unmarked(LAB6.EX1_SOLUTION), broken, unmarked(LAB6.EX3_SOLUTION))
    ns = write(shell, tmp_path / "broken", home)
    assert ns["exit_code"] != 0 and "test_the_service_keeps_its_contract" in ns["output"], ns["output"]


def test_an_edited_template_file_is_kept(repo, home):
    """Is a template file the participant changed in the repository kept when the cell runs again?"""
    dockerfile = repo / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "# mine\n")
    shell = kernel(*(unmarked(s) for s in (LAB6.EX1_SOLUTION, LAB6.EX2_SOLUTION, LAB6.EX3_SOLUTION)))
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
    exec(LAB6.MY_CASE_HELPERS, ns)
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
