"""Fixtures of the grading tests: a fresh mini course per test, and the marker for tests that need root."""

from __future__ import annotations

import os

import pytest

import gradekit

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: creates the sandbox Unix accounts and "
                                                          "drops to them (run the suite as root, as CI does)")


@pytest.fixture
def course(tmp_path) -> gradekit.Course:
    return gradekit.make_course(tmp_path / "state")
