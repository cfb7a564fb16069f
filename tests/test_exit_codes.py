"""One exit-code table for every shiplab command and ``python -m`` entry point (shiplab.errors.Exit): the README
documents exactly that table, no entry point exits with a literal number, and each code is what the commands and
the hub's services really return."""

import os
import re
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from shiplab.errors import Exit, ShiplabError
from shiplab.settings import REPO_ROOT

SRC = REPO_ROOT / "src" / "shiplab"


def run(*args, env=None):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_the_readme_documents_exactly_the_table():
    """Does the README's section on the shiplab command list every code of Exit, with its name, and no other?"""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The `shiplab` command", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \|", section, flags=re.M)
    assert [(int(code), name) for code, name in rows] == [(e.value, e.name) for e in Exit]


def test_no_entry_point_exits_with_a_literal_number():
    """Is every exit code in src/ taken from the table — no `sys.exit(2)`, `SystemExit(3)`, `exit_code=4` and no
    `sys.exit("message")` (which exits 1, the code of a bug), no `return 0` from a main() that is the exit code?"""
    literal = re.compile(r"(sys\.exit|SystemExit)\(\s*(\d|[\"'f])|exit_code\s*=\s*\d")
    returned = re.compile(r"^\s+return \d+\s*(#.*)?$")  # in a module whose main() is the exit code
    found = [f"{p.relative_to(REPO_ROOT)}:{n}: {line.strip()}" for p in SRC.rglob("*.py")
             for text in [p.read_text(encoding="utf-8")]
             for n, line in enumerate(text.splitlines(), 1)
             if literal.search(line) or ("sys.exit(main())" in text and returned.search(line))]
    assert found == []


def test_a_usage_error_and_a_refusal_are_2_and_say_why():
    """Is a mistyped option (click's usage error) 2, and so is an expected failure (a ShiplabError), with its
    sentence and no traceback?"""
    from shiplab.cli import main

    usage = CliRunner().invoke(main, ["status", "--no-such-option"])
    assert usage.exit_code == Exit.REFUSED == 2 and "No such option" in usage.output
    assert ShiplabError("x").exit_code == Exit.REFUSED


def test_samplegen_refuses_a_folder_it_cannot_write_with_2(tmp_path):
    """Does `python -m shiplab.samplegen --out <a file>` say it cannot write there and exit 2 (it used
    sys.exit(str): exit 1, the bug code)?"""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    proc = run("-m", "shiplab.samplegen", "--out", str(blocker / "datasets"))
    assert proc.returncode == Exit.REFUSED, proc.stderr
    assert "cannot write to" in proc.stderr and "--out" in proc.stderr and "Traceback" not in proc.stderr


def test_samplegen_keeps_its_options_and_refuses_a_seed_that_is_not_a_number():
    """Does the click version of samplegen offer --out and --seed as the argparse one did, and is `--seed lots`
    click's usage error, 2, naming the option?"""
    from shiplab.samplegen.__main__ import main

    assert {p.name for p in main.params} == {"out", "seed"}
    usage = CliRunner().invoke(main, ["--seed", "lots"])
    assert usage.exit_code == Exit.REFUSED and "'--seed'" in usage.output and "not a valid integer" in usage.output


def test_the_gateway_refuses_to_start_on_a_broken_policy_with_2(tmp_path):
    """Does `python -m shiplab.gateway` with a governance policy that does not parse log the reason and exit with
    the table's 2 (it had a literal 2 of its own)?"""
    policy = tmp_path / "governance.yaml"
    policy.write_text("providers: {local: {kind: nowhere}}\n")
    settings = tmp_path / "s.yaml"
    settings.write_text(yaml.safe_dump({"spawner": {"mode": "developer"},
                                        "gateway": {"enabled": True, "policy": str(policy)}}))
    proc = run("-m", "shiplab.gateway", env={"SHIPLAB_SETTINGS": str(settings), "SHIPLAB_STATE": str(tmp_path)})
    assert proc.returncode == Exit.REFUSED, proc.stderr[-2000:]
    assert "the model gateway cannot start" in proc.stderr and "providers.local.kind" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_batch_with_failures_is_3():
    """Does a course step whose report names a failed participant end the command with 3?"""
    from shiplab.course.build import StepReport
    from shiplab.course.cli import _emit

    _emit([StepReport("build", "demo", ok=["anna"])])  # nothing failed: no exit
    with pytest.raises(SystemExit) as ended:
        _emit([StepReport("build", "demo", ok=["anna"]), StepReport("build", "lab2", failed={"ben": "broken"})])
    assert ended.value.code == Exit.SOME_FAILED == 3


def test_a_hidden_test_leak_is_4():
    """Is a leak of hidden tests its own code, 4, so a script can tell it from a bad input?"""
    from shiplab.course.hidden import HiddenTestsLeak

    assert HiddenTestsLeak("feedback showed hidden tests").exit_code == Exit.HIDDEN_TESTS == 4


@pytest.mark.parametrize("module, says", [("shiplab.labext.status", "the submission status service cannot start"),
                                          ("shiplab.grading", "the grading worker cannot start"),
                                          ("shiplab.hub.sync", "roster sync cannot start"),
                                          ("shiplab.hub.prestart", "prestart cannot start"),
                                          ("shiplab.tracker", "the shipping tracker cannot start"),
                                          ("shiplab.board", "the progress board cannot start")])
def test_a_hub_service_refuses_a_broken_settings_file_with_2(tmp_path, module, says):
    """Does a hub-managed service (the Assignments tab's status, the grading worker) started on a settings file with
    a bad value log its sentence and exit 2 — not a traceback and 1, the code of a bug?"""
    settings = tmp_path / "s.yaml"
    settings.write_text(yaml.safe_dump({"gateway": {"chat_model": "gpt-5"}}))
    proc = run("-m", module, env={"SHIPLAB_SETTINGS": str(settings), "SHIPLAB_STATE": str(tmp_path)})
    assert proc.returncode == Exit.REFUSED, proc.stderr[-2000:]
    assert says in proc.stderr and "`gateway.chat_model` = 'gpt-5' is not valid" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_embedding_cache_with_nowhere_to_write_is_2():
    """Does `python -m shiplab.rag.embcache` with the cache switched off say there is no place for it and exit 2?"""
    proc = run("-m", "shiplab.rag.embcache", env={"SHIPLAB_EMBED_CACHE": "off"})
    assert proc.returncode == Exit.REFUSED, proc.stderr[-2000:]
    assert "No place for the embedding cache" in proc.stderr and "Traceback" not in proc.stderr
