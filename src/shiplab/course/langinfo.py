"""Released notebooks carry the kernel's own ``language_info``, so they do not open as "unsaved".

JupyterLab writes the kernel's ``language_info`` (version, mimetype, codemirror mode, …) into a notebook's metadata
as soon as the kernel answers; a notebook committed with only ``{"name": "python"}`` is then changed — and shown
unsaved — before the participant typed anything. The labs are committed without the version (it is the machine's,
not the lab's); the release step fills it in from the kernel that will run them (this environment's ipykernel).
"""

from __future__ import annotations

import json
from pathlib import Path


def kernel_language_info() -> dict:
    """What this environment's Python kernel reports as ``language_info`` in its kernel_info reply."""
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


def fill_language_info(folder: Path) -> list[Path]:
    """Give every notebook under ``folder`` the kernel's ``language_info``; return the notebooks changed. Only the
    metadata changes (nbgrader's cell checksums are untouched); the file keeps its JSON layout (indent 1)."""
    info = kernel_language_info()
    changed = []
    for path in sorted(Path(folder).rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if nb.get("metadata", {}).get("language_info") == info:
            continue
        nb.setdefault("metadata", {})["language_info"] = info
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        changed.append(path)
    return changed
