"""Fixtures of the grading tests: a fresh mini course per test, and the marker for tests that need root."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import gradekit  # noqa: E402

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: creates the sandbox Unix accounts and "
                                                          "drops to them (run the suite as root, as CI does)")


@pytest.fixture
def course(tmp_path) -> gradekit.Course:
    return gradekit.make_course(tmp_path / "state")
