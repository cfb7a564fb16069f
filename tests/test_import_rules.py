"""Who may import whom between the package's rooms (``docs/ARCHITECTURE.md``): the rooms' import graph, lazy imports
inside functions included, is the one written below. A new import from one room into another fails here until it is
added to ``ALLOWED`` (and the document) on purpose; the one cycle the redesign still has to remove (rag <-> gateway:
the local models) is listed apart, and none may be added. Only the command line (and ``hub_config/``) assembles the
hub, so only it imports ``shiplab.hub``."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from shiplab.course.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "shiplab"
BOTTOM = {"errors", "settings", "settingrules", "clitools", "namespaces", "footprint"}  # anyone may import these
ALLOWED = {  # room -> the rooms (besides BOTTOM) it may import
    "cli": {"hub", "envvars", "roster", "data", "course", "grading"},  # the rooms' command groups, and course.up
    "envvars": set(),
    "web": set(),  # the kit every service shares: anyone may import it
    "roster": set(),
    "data": {"web"},  # one rule for CSV cells (web.sheets)
    "samplegen": set(),
    "rag": {"data"},
    "gateway": {"data", "web", "roster"},
    "course": {"data", "rag", "roster"},
    "grading": {"course"},
    "tracker": {"web", "roster"},
    "board": {"grading", "web", "roster"},
    "labext": {"course", "grading", "web"},
    "hub": {"course", "tracker", "web", "roster"},
}
# to remove (issue 20): rag/local and gateway/backends share the local models
KNOWN_CYCLES = {("rag", "gateway"), ("gateway", "rag")}


def _room(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _edges() -> dict[tuple[str, str], set[str]]:
    """(room, room it imports) -> the files that do it."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _room(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + ([f"shiplab.{a.name}" for a in node.names] if node.module == "shiplab" else [])
            for name in names:
                parts = name.split(".")
                if parts[0] == "shiplab" and len(parts) > 1 and parts[1] != here:
                    found[(here, parts[1])].add(str(path.relative_to(PACKAGE)))
    return found


def test_rooms_import_only_what_the_architecture_allows():
    """Does every import between rooms follow ALLOWED, BOTTOM or a known cycle (nothing new)?"""
    unexpected = {f"{a} -> {b}": sorted(files) for (a, b), files in _edges().items()
                  if b not in BOTTOM and b not in ALLOWED.get(a, set()) and (a, b) not in KNOWN_CYCLES}
    assert unexpected == {}, f"new imports between rooms (allow them in ALLOWED and docs/ARCHITECTURE.md): {unexpected}"


def test_the_known_cycles_are_still_there_or_gone_from_the_list():
    """Is each listed cycle still in the code? (Once one is removed, take it off KNOWN_CYCLES so it stays gone.)"""
    edges = _edges()
    stale = sorted(f"{a} -> {b}" for a, b in KNOWN_CYCLES if (a, b) not in edges)
    assert stale == [], f"removed from the code: take these off KNOWN_CYCLES: {stale}"


def test_bottom_rooms_import_no_other_room():
    """Do errors, settings, clitools, namespaces and footprint stand alone (so anyone may import them)?"""
    up = {f"{a} -> {b}": sorted(files) for (a, b), files in _edges().items() if a in BOTTOM and b not in BOTTOM}
    assert up == {}, up


def test_only_the_command_line_assembles_the_hub():
    """Does no room but ``cli`` import ``shiplab.hub`` (the services take their kit from ``shiplab.web``)?"""
    importers = sorted({a for (a, b) in _edges() if b == "hub"})
    assert importers == ["cli"], importers


def test_the_web_kit_imports_only_the_bottom_rooms():
    """Does ``shiplab.web`` stand on errors and settings alone, so every room may use it without a cycle?"""
    up = {f"web -> {b}": sorted(files) for (a, b), files in _edges().items() if a == "web" and b not in BOTTOM}
    assert up == {}, up
