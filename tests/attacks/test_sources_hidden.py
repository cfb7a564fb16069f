"""Could a graded notebook read the instructor's sources of the checkout the worker runs from (attack-41, F2)?
They are made readable by root and the grader only when the hub starts as root; a fresh clone graded with
``shiplab grading regrade`` before that, or another checkout's, leaves the hidden tests (``labs/*/*.pct.py``, the
source notebooks), the wrong answers and ``.git`` world-readable. Every sandboxed run now sees an empty folder in
their place, whatever their file modes: listing ``labs/`` gives nothing (where the file modes alone give a refusal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from shiplab.course.paths import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the sandbox drops to its own accounts")]

WORKER = textwrap.dedent("""
    import tempfile
    from pathlib import Path
    import nbformat
    from shiplab.grading.sandbox import Sandbox

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import json, os\\n"
        "root = %r\\n"
        "seen = {}\\n"
        "for name in ('labs', 'graders/lab1-backlog', '.git', 'datasets'):\\n"
        "    try:\\n        seen[name] = sorted(os.listdir(os.path.join(root, name)))[:3]\\n"
        "    except OSError as exc:\\n        seen[name] = type(exc).__name__\\n"
        "try:\\n    seen['read'] = open(os.path.join(root, 'labs/lab1-backlog/lab1-backlog.pct.py')).read(40)\\n"
        "except OSError as exc:\\n    seen['read'] = type(exc).__name__\\n"
        "print('SEEN ' + json.dumps(seen))")]
    result = Sandbox(slots=1, work_root=Path(tempfile.mkdtemp())).execute(nb, {})
    out = result.notebook.cells[0].outputs
    print(out[0].get("text") or out[0] if out else result)
""")


def test_a_graded_notebook_finds_the_instructors_sources_empty(tmp_path):
    """Does a graded notebook see labs/, a lab's wrong answers and .git as empty folders, while datasets/ (which lab
    code reads) is still there?"""
    assert (REPO_ROOT / "labs" / "lab1-backlog" / "lab1-backlog.pct.py").is_file()  # what the notebook tries to read
    proc = subprocess.run([sys.executable, "-c", WORKER % str(REPO_ROOT)], capture_output=True, text=True,
                          timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("SEEN "))
    seen = json.loads(line[len("SEEN "):])
    assert seen["labs"] == [] and seen["graders/lab1-backlog"] == [] and seen[".git"] == [], seen
    assert seen["read"] == "FileNotFoundError", seen
    assert seen["datasets"] and isinstance(seen["datasets"], list), seen
