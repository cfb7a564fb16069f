"""Static checks that catch real bugs: undefined names, unused imports, syntax errors."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_pyflakes_rules_pass():
    """Does ruff's pyflakes set (F) and syntax-error set (E9) find nothing in src, tests, bench and hub_config?"""
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F,E9", "--output-format", "concise",
                           "src", "tests", "bench", "hub_config", "graders"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
