"""Who may import whom between the package's rooms (``docs/ARCHITECTURE.md``): the rooms' import graph, lazy imports
inside functions included, is the one written below. A new import from one room into another fails here until it is
added to ``ALLOWED`` (and the document) on purpose, and ``ALLOWED`` itself has no cycle. Only the command line (and ``hub_config/``) assembles the
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
    "models": set(),  # the local embedding model, below rag and the gateway, which both run it
    "rag": {"data", "models", "gateway"},  # the in-process gateway (rag.local) for notebooks outside the hub
    "gateway": {"data", "web", "roster", "models"},
    "course": {"data", "rag", "roster"},
    "grading": {"course"},
    "tracker": {"web", "roster"},
    "board": {"grading", "web", "roster"},
    "labext": {"course", "grading", "web"},
    "hub": {"course", "tracker", "web", "roster"},
}


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
    """Does every import between rooms follow ALLOWED or BOTTOM (nothing new)?"""
    unexpected = {f"{a} -> {b}": sorted(files) for (a, b), files in _edges().items()
                  if b not in BOTTOM and b not in ALLOWED.get(a, set())}
    assert unexpected == {}, f"new imports between rooms (allow them in ALLOWED and docs/ARCHITECTURE.md): {unexpected}"


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


# ---- modules: no import cycle between two modules, lazy imports inside functions included
# Each cycle left is one module that *makes* a cache or picks a fallback at call time and imports, inside that
# function, what imports it back; listed so that none may be added, and to be taken off once gone.
KNOWN_MODULE_CYCLES = {
    # the document cache's maker (ensure_sample_cache) runs the readers; the readers look the cache up
    frozenset({"data.doccache", "data.documents"}),
    # the embedding cache's maker (ensure_sample_cache) chunks the sample corpus and reads the gold questions
    frozenset({"rag.embcache", "rag.embeddings", "rag.evaluate", "rag.retrieval", "rag.store"}),
    # chat_model() falls back, at call time, to the in-process gateway, which is a client of the same kind
    frozenset({"rag.llm", "rag.local"}),
}


def _module_edges() -> dict[str, set[str]]:
    """module -> the package's modules it imports (``shiplab.`` left off; a package is its ``__init__``). An
    import of a module's own parent package is left out: the package's ``__init__`` imports its children."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".") if package else []
                    base = base[:len(base) - (node.level - 1)]
                    module = "shiplab." + ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [module] + [f"{module}.{a.name}" for a in node.names]
            for target in targets:
                if not target.startswith("shiplab."):
                    continue
                target = target.removeprefix("shiplab.")
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    edges[name].add(target)
    return edges


def _cycles(edges: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected parts of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.add(member)
                    if member == node:
                        break
                if len(part) > 1:
                    found.add(frozenset(part))
    return found


def test_no_new_import_cycle_between_modules():
    """Is every import cycle between two modules (lazy imports included) one of the few listed, with its reason?"""
    new = sorted(sorted(c) for c in _cycles(_module_edges()) - KNOWN_MODULE_CYCLES)
    assert new == [], f"import cycles between modules: {new}"


def test_the_listed_module_cycles_are_still_there():
    """Is each listed cycle still in the code? (Once one is removed, take it off the list so it stays gone.)"""
    gone = sorted(sorted(c) for c in KNOWN_MODULE_CYCLES - _cycles(_module_edges()))
    assert gone == [], f"take these off KNOWN_MODULE_CYCLES: {gone}"


def test_the_cycle_finder_finds_a_cycle():
    """Does the check above see a cycle of three modules and leave a chain alone (so it can fail)?"""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset({"a", "b", "c"})}
    assert _cycles({"a": {"b"}, "b": {"c"}}) == set()


def test_the_sandbox_walls_import_only_the_standard_library():
    """Does ``grading.confine`` — what a graded run does before anything of the participant's runs — import only
    the standard library and ``shiplab.namespaces``?"""
    import sys

    tree = ast.parse((PACKAGE / "grading" / "confine.py").read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    outside = sorted(m for m in imported if m.split(".")[0] not in sys.stdlib_module_names
                     and m not in {"shiplab.namespaces", "__future__"})
    assert outside == [], outside


def test_allowed_has_no_cycle_between_rooms():
    """Is the rooms' allowed graph itself free of cycles (so a cycle cannot be allowed in by mistake)?"""
    assert _cycles({room: set(allowed) for room, allowed in ALLOWED.items()}) == set()
