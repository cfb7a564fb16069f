"""A released notebook opens saved: its language_info is what the kernel reports, so JupyterLab has nothing to
write into it on opening (it showed every lab 'unsaved' before anything was typed)."""

import json
import shutil
from pathlib import Path

from shiplab.course.langinfo import fill_language_info

REPO = Path(__file__).resolve().parents[2]


def _kernel_reply_language_info() -> dict:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        return kc.kernel_info(reply=True, timeout=60)["content"]["language_info"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_released_notebooks_carry_the_kernels_language_info(tmp_path):
    """After the release step's fill, is the demo's language_info exactly the live kernel's kernel_info reply —
    while the committed lab (the version-free source) is not, and cells are untouched?"""
    shutil.copy(REPO / "labs" / "demo" / "demo.ipynb", tmp_path / "demo.ipynb")
    committed = json.loads((tmp_path / "demo.ipynb").read_text())
    live = _kernel_reply_language_info()
    assert committed["metadata"]["language_info"] != live  # what made JupyterLab mark it unsaved
    assert fill_language_info(tmp_path) == [tmp_path / "demo.ipynb"]
    released = json.loads((tmp_path / "demo.ipynb").read_text())
    assert released["metadata"]["language_info"] == live
    assert released["cells"] == committed["cells"]
    assert fill_language_info(tmp_path) == []  # safe to run again
