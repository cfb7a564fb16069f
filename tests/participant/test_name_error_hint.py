"""Skipping a helper cell: the NameError says which cell defines the name and to run it — in a real kernel."""

import json
import os
import shutil
from pathlib import Path

from shiplab.labext.kernelhints import hint

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "labs" / "demo" / "demo.ipynb"


def test_the_hint_names_the_set_up_cell():
    """Is check_returns found in the demo's first code cell (its set-up), and an unknown name left alone?"""
    said = hint("check_returns", DEMO)
    assert "code cell 1" in said and "Test helpers" in said and "Run that cell" in said
    assert hint("no_such_name_anywhere", DEMO) == ""


def test_a_kernel_with_the_participants_config_says_which_cell_to_run(tmp_path):
    """In a kernel started from the participants' python3 kernelspec with the notebook as its session, does using
    check_returns before the set-up cell raise a NameError that names cell 1 — and plain NameErrors stay plain?"""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    from shiplab.labext.serverext import KERNELS

    shutil.copy(DEMO, tmp_path / "demo.ipynb")
    specs = KernelSpecManager()
    specs.kernel_dirs.insert(0, str(KERNELS))  # as the participants' server extension does
    env = {**os.environ, "JPY_SESSION_NAME": str(tmp_path / "demo.ipynb")}
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    km.start_kernel(env=env, cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        def error_of(code):
            msg_id, error = kc.execute(code), None
            while True:  # until idle: a request sent before then would be aborted after this error
                msg = kc.get_iopub_msg(timeout=60)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "error":
                    error = msg["content"]
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return error

        err = error_of('check_returns(len, "ab", expected=2)')
        assert err["ename"] == "NameError"
        assert "code cell 1" in err["evalue"] and "Run that cell" in err["evalue"], err["evalue"]
        plain = error_of("undefined_thing + 1")
        assert plain["ename"] == "NameError" and "code cell" not in plain["evalue"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert json.loads((tmp_path / "demo.ipynb").read_text())  # read, never written
