"""Static checks that catch real bugs: undefined names, unused imports, syntax errors."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_pyflakes_rules_pass():
    """Does ruff's pyflakes set (F) and syntax-error set (E9) find nothing in src, tests, bench, hub_config, graders
    and labs (the labs' percent-format sources with every cell in notebook order, lab 6's shipkit and template; the
    rendered notebooks are the same cells again, so they are left out)?"""
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F,E9", "--output-format", "concise",
                           "--extend-exclude", "labs/*/*.ipynb",
                           "src", "tests", "bench", "hub_config", "graders", "labs"], cwd=REPO, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_lint_reads_the_labs_sources():
    """Are the labs' sources among the files the lint checks (a percent file ruff skipped would hide its bugs)?"""
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--show-files", "--extend-exclude", "labs/*/*.ipynb",
                           "labs"], cwd=REPO, capture_output=True, text=True)
    listed = {Path(line.strip()).resolve() for line in proc.stdout.splitlines() if line.strip()}
    sources = set(REPO.glob("labs/*/*.pct.py"))
    assert len(sources) >= 7 and sources <= listed, sorted(map(str, sources - listed))
