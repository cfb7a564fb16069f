"""The grading sandbox's fork server: one per worker process, started with an environment of its own, holding the
runner's and the kernel's imports and the course's heavy libraries, so each graded notebook's processes are forked
ready (:class:`shiplab.grading.sandbox.Sandbox`)."""

from __future__ import annotations

import multiprocessing
import os
import threading

RUN_NAME = "shiplab-sandbox-run"  # the name of every process of a sandboxed run
_CTX = None
_CTX_LOCK = threading.Lock()


def _default_preload() -> tuple[str, ...]:
    from shiplab.settings import BY_KEY

    return tuple(BY_KEY["grading.preload"].default)


DEFAULT_PRELOAD = _default_preload()  # the setting grading.preload's default


def context(preload: tuple[str, ...] = DEFAULT_PRELOAD):
    """One fork server per worker process, holding the runner's and the kernel's imports (nbclient, nbgrader's
    Execute, IPython, ipykernel) and the course's heavy libraries (``preload``: the first Sandbox's list wins, the
    fork server being one per process). A module that fails to import is left out (multiprocessing skips it)."""
    global _CTX
    with _CTX_LOCK:
        if _CTX is None:
            _start_context(preload)
    return _CTX




def _start_context(preload: tuple[str, ...]) -> None:
    global _CTX
    _keep_main_out_of_runs()
    ctx = multiprocessing.get_context("forkserver")
    # shiplab.grading.kernel first: it pins numeric libraries to one thread before any of them loads
    ctx.set_forkserver_preload(["shiplab.grading.runner", "shiplab.grading.kernel", *preload])
    _start_forkserver_clean()
    _CTX = ctx


# what the fork server keeps of the worker's environment. PYTHONPATH too: Python 3.11's fork server ignores the
# worker's sys.path when it preloads, so a worker run from a checkout (PYTHONPATH=src) beside an installed copy
# graded with the installed copy's shiplab, not the code it was started with
FORKSERVER_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "PYTHONPATH")


def _start_forkserver_clean() -> None:
    """Start the fork server with an environment of its own: every graded kernel is forked from it, never exec'd,
    so its ``/proc/self/environ`` is the fork server's, and a worker's environment holds its hub token (and,
    with containers, a database password). The worker's environment is swapped out only while the fork server
    starts (it runs before any grading thread)."""
    from multiprocessing import forkserver

    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update({k: v for k, v in saved.items() if k in FORKSERVER_ENV})
        os.environ.update({"PYTHONNOUSERSITE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
        forkserver.ensure_running()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _keep_main_out_of_runs() -> None:
    """multiprocessing re-imports the caller's ``__main__`` in every child (the CLI, pytest, a script): costly, and
    a script without a main guard would run again inside the sandbox. Sandbox runs need only the runner module."""
    from multiprocessing import spawn

    original = spawn.get_preparation_data
    if getattr(original, "_shiplab", False):
        return

    def preparation_data(name):
        data = original(name)
        if name == RUN_NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    preparation_data._shiplab = True
    spawn.get_preparation_data = preparation_data
