"""Every ``SHIPLAB_*`` environment variable is declared once, with help text (``shiplab.envvars``), and
``shiplab settings env`` lists them: a name used in ``src/`` and declared nowhere fails here, as does a declared
one that nothing uses any more."""

from __future__ import annotations

import re

from click.testing import CliRunner

from shiplab.course.paths import REPO_ROOT
from shiplab.envvars import PREFIXES, VARIABLES, all_variables

NAME = re.compile(r"SHIPLAB_[A-Z0-9_]*[A-Z0-9]_?")


def _used() -> dict[str, str]:
    """Each SHIPLAB_* name in the package's source, with the first file that has it."""
    found: dict[str, str] = {}
    for path in sorted((REPO_ROOT / "src" / "shiplab").rglob("*.py")):
        if path.name == "envvars.py":
            continue
        for name in NAME.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, str(path.relative_to(REPO_ROOT)))
    return found


def test_every_variable_the_source_reads_is_declared():
    """Is every SHIPLAB_* name in src/ a declared variable (or one of the declared prefixes)?"""
    declared = {v.name for v in all_variables()} | set(PREFIXES)
    undeclared = {name: where for name, where in _used().items() if name not in declared}
    assert undeclared == {}, f"declare these in src/shiplab/envvars.py (with help text): {undeclared}"


def test_every_declared_variable_is_used_and_explained():
    """Does each declared variable appear in src/, once in the table, with who sets it and a help text?"""
    used = _used()
    unused = sorted(name for name in VARIABLES if name not in used)
    assert unused == [], f"declared but used nowhere in src/: {unused}"
    names = [v.name for v in all_variables()]
    assert len(names) == len(set(names))
    assert [v.name for v in all_variables() if not v.help.strip() or not v.set_by.strip()] == []


def test_settings_env_prints_the_table():
    """Does `shiplab settings env` print each variable with its help?"""
    from shiplab.cli import main

    result = CliRunner().invoke(main, ["settings", "env"])
    assert result.exit_code == 0, result.output
    for v in all_variables():
        assert v.name in result.output
    assert "The nbgrader course id the process works on." in result.output
    assert "SHIPLAB_TRACKER_SMTP_PASSWORD" in result.output
    assert "SHIPLAB_TRACKER_TIMEZONE" not in result.output  # a setting (tracker.timezone), not a variable
