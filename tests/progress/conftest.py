"""Fixtures of the progress board's tests: a course state folder made with the real parts (nbgrader's gradebook, the
grading engine's queue, the roster file), and the grading tests' kit for real graded submissions."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "grading"))
