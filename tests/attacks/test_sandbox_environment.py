"""Could a graded notebook read the grading worker's secrets from its own process? Graded kernels are forked from
the sandbox's fork server, never exec'd, so their /proc/self/environ is the environment the fork server was started
with — which was the worker's own (its hub token; with containers, the database password)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the sandbox drops to its own accounts")]

WORKER = textwrap.dedent("""
    import os, tempfile
    from pathlib import Path
    import nbformat
    from shiplab.grading.sandbox import Sandbox

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import os\\n"
        "seen = open('/proc/self/environ', 'rb').read()\\n"
        "try:\\n    seen += open(f'/proc/{os.getppid()}/environ', 'rb').read()\\n"
        "except OSError:\\n    pass\\n"
        "print('LEAK' if b'canary-5c1e' in seen else 'CLEAN', sorted(os.environ))")]
    result = Sandbox(slots=1, work_root=Path(tempfile.mkdtemp())).execute(nb, {})
    out = result.notebook.cells[0].outputs
    print(out[0].get("text") or out[0] if out else result)
""")


def test_a_graded_notebook_cannot_read_the_workers_environment(tmp_path):
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": "canary-5c1e-token", "PGPASSWORD": "canary-5c1e-pw"}
    proc = subprocess.run([sys.executable, "-c", WORKER], env=env, capture_output=True, text=True, timeout=240,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    verdict, _, names = proc.stdout.strip().splitlines()[-1].partition(" ")
    assert verdict == "CLEAN", proc.stdout[-1000:]
    assert "JUPYTERHUB_API_TOKEN" not in names and "PGPASSWORD" not in names
