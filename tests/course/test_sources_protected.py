"""On a shared machine, a participant's own account cannot read the instructors' sources (solutions, hidden tests,
wrong answers, the repository's history) — but can still use the environment and the sample data."""

import os
import subprocess

import pytest

from hubharness import TEST_PREFIX
from shiplab.settings import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.root]


def as_user(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, timeout=60,
                          cwd="/")


def test_participant_account_cannot_read_solutions_but_can_use_the_environment(hub):
    """After the hub started, is every lab notebook and notebook source, wrong-answer set and .git unreadable to a
    participant's account, while the venv's Python and datasets/ still work for it?"""
    if os.geteuid() != 0:
        pytest.skip("needs root: participants' Unix accounts")
    hub.spawn(hub.login("qa-anna"), "qa-anna")  # the account exists once their server has started
    user = f"{TEST_PREFIX}qa-anna"
    secrets = [REPO_ROOT / "labs" / "demo" / "demo.ipynb", REPO_ROOT / "labs" / "demo" / "demo.pct.py"]
    secrets += [p for p in [REPO_ROOT / ".git" / "HEAD"] if p.exists()]  # a clone has it; an exported tree not
    secrets += sorted((REPO_ROOT / "labs").glob("lab*/*.pct.py"))[:1]
    secrets += sorted((REPO_ROOT / "graders").glob("*/wrong_answers/*.py"))[:1]
    for path in secrets:
        proc = as_user(user, "cat", str(path))
        assert proc.returncode != 0 and "Permission denied" in proc.stderr, (path, proc.stdout[:200])
    proc = as_user(user, "ls", str(REPO_ROOT / "labs"))
    assert proc.returncode != 0, proc.stdout
    ok = as_user(user, str(REPO_ROOT / ".venv" / "bin" / "python"), "-c",
                 "import shiplab.data as d; print(len(d.load_sample_backlog('github')))")
    assert ok.returncode == 0 and int(ok.stdout.strip()) > 0, ok.stderr[-500:]
