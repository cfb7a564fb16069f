"""Does every module of the package stay readable in one sitting — at most 500 lines (STYLE.md)?"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "shiplab"
LIMIT = 500


def test_no_module_of_the_package_is_over_500_lines():
    """Is each .py file under src/shiplab at most 500 lines (split a room's module when it grows past that)?"""
    over = {str(p.relative_to(PACKAGE)): n for p in sorted(PACKAGE.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert over == {}, over
