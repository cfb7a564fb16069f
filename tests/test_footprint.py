"""shiplab.footprint: the IRI grammar is compiled on first use, not at import, and gives the same answers; freed heap
goes back to the system. Each check runs in a fresh interpreter (what is imported is the point)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")
SAMPLES = ["http://example.com/ä?q=1#f", "urn:isbn:0451450523", "not an iri", "//host/path", "../rel/ative",
           "http://[::1]:80/x", "a b", "", "mailto:a@b.example", "http://exa mple.com"]


def run(*parts: str) -> dict:
    """Run the parts (each dedented on its own) in a fresh interpreter; its last line of output, as JSON."""
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = "\n".join(textwrap.dedent(part) for part in parts)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


CHECKS = f"""
    import jsonschema
    fc = jsonschema.FormatChecker()
    answers = [[fc.conforms(v, "iri"), fc.conforms(v, "iri-reference")] for v in {SAMPLES!r}]
"""


def test_the_iri_checks_answer_as_before_and_compile_the_grammar_only_when_used():
    """Is lark absent after importing shiplab.rag and jsonschema, and do the iri formats answer as without shiplab?"""
    reference = run("import json", CHECKS, "print(json.dumps(answers))")
    deferred = run("""
        import json, sys
        import shiplab.rag
        import jsonschema
        before = "lark" in sys.modules or "rfc3987_syntax.syntax_helpers" in sys.modules
    """, CHECKS, """
        print(json.dumps({"before": before, "after": "lark" in sys.modules, "answers": answers}))
    """)
    assert deferred == {"before": False, "after": True, "answers": reference}


def test_the_deferred_module_is_the_real_one_once_used():
    """Do the module's other names (its parser, its constants, its submodule) still import and work?"""
    got = run("""
        import json
        import sys
        from shiplab.footprint import defer_iri_grammar  # importing shiplab deferred it
        first = "rfc3987_syntax" in sys.modules and "rfc3987_syntax.syntax_helpers" not in sys.modules
        again = defer_iri_grammar()
        import rfc3987_syntax
        from rfc3987_syntax import syntax_parser
        from rfc3987_syntax.syntax_helpers import is_valid_syntax
        print(json.dumps({"first": first, "again": again, "kind": rfc3987_syntax.RFC3987_SYNTAX_PARSER_TYPE,
                          "parser": type(syntax_parser).__name__, "valid": is_valid_syntax("iri", "http://x.org/"),
                          "same": rfc3987_syntax.is_valid_syntax is is_valid_syntax,
                          "tree": rfc3987_syntax.parse("iri", "http://x.org/").data}))
    """)
    assert got == {"first": True, "again": False, "kind": "earley", "parser": "Lark", "valid": True, "same": True,
                   "tree": "iri"}


def test_nothing_is_deferred_once_imported():
    """Is a module imported before shiplab left as it is (and its grammar compiled, as without shiplab)?"""
    got = run("""
        import json, rfc3987_syntax, sys
        import shiplab.footprint
        print(json.dumps({"deferred": shiplab.footprint.defer_iri_grammar(),
                          "real": "rfc3987_syntax.syntax_helpers" in sys.modules}))
    """)
    assert got == {"deferred": False, "real": True}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_memory_goes_back_after_a_bulk_job():
    """After a job that left a cyclic graph behind, does the release free it and give the pages back?"""
    got = run("""
        import json, gc
        gc.disable()  # as a collection not yet due: the release's own collection is what frees the graph
        def anonymous():
            return next(int(l.split()[1]) for l in open("/proc/self/smaps_rollup") if l.startswith("Anonymous:"))
        class Node:
            def __init__(self):
                self.me, self.payload = self, bytearray(50_000)
        nodes = [Node() for _ in range(400)]  # ~20 MB in reference cycles
        del nodes
        before = anonymous()
        from shiplab.footprint import release_freed_memory
        done = release_freed_memory()
        print(json.dumps({"done": done, "freed_kb": before - anonymous()}))
    """)
    assert got["done"] is True
    assert got["freed_kb"] > 10_000, got
