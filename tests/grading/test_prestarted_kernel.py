"""The graded notebook's kernel is forked ready from the sandbox's fork server (shiplab.grading.kernel).

It must be the same kernel a fresh ``python -m ipykernel_launcher`` would be — same import path, same working
folder, same answers — inside the same sandbox (the slot's account, no network), and it must not be able to read the
runner, which holds the whole notebook (hidden tests included) while the kernel runs the participant's code."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from conftest import needs_root
from gradekit import FIXTURES

from shiplab.grading.sandbox import Sandbox

PROBE = r"""
import json, os, socket, sys
me = os.getuid()
others = []
for pid in filter(str.isdigit, os.listdir('/proc')):
    if int(pid) in (os.getpid(),):
        continue
    try:
        with open(f'/proc/{pid}/status') as fh:
            uid = int(fh.read().split('Uid:')[1].split()[0])
    except (OSError, IndexError):
        continue
    if uid != me:
        continue
    try:
        with open(f'/proc/{pid}/environ', 'rb') as fh:
            fh.read()
        others.append((pid, 'readable'))
    except OSError as exc:
        others.append((pid, type(exc).__name__))
try:
    socket.create_connection(('127.0.0.1', 9), timeout=2)
    net = 'connected'
except OSError as exc:
    net = type(exc).__name__
print(json.dumps({'preloaded': 'chromadb' in sys.modules and 'shiplab.rag' in sys.modules, 'path': sys.path, 'cwd': os.getcwd(), 'home': os.environ.get('HOME'), 'uid': me,
                  'others': others, 'net': net, 'files': sorted(os.listdir('.'))}))
"""


def probe(sandbox: Sandbox) -> tuple[dict, str]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(PROBE)]
    run = sandbox.execute(nb, {"numbers.txt": FIXTURES / "mini" / "numbers.txt"})
    assert run.notebook, f"{run.reason}\n{run.log_tail}"
    out = run.notebook["cells"][0]["outputs"]
    assert out and out[0].get("name") == "stdout", out
    return json.loads(out[0]["text"]), run.extra.get("kernel", "")


@pytest.fixture(scope="module")
def both():
    fresh = probe(Sandbox(slots=1, prestart_kernel=False))
    forked = probe(Sandbox(slots=1))
    return fresh, forked


def test_the_kernel_is_forked_ready_and_the_same_as_a_fresh_one(both):
    """Is the kernel the pre-forked one by default, with the import path, folder and home of a fresh kernel?"""
    (fresh, how_fresh), (forked, how_forked) = both
    assert (how_fresh, how_forked) == ("started", "prestarted")
    assert forked["path"] == fresh["path"]
    assert Path(forked["cwd"]).name.startswith("run-") and forked["home"] == forked["cwd"]
    # the course's heavy libraries (grading.preload: shiplab.rag brings chromadb) are there before any cell runs
    assert forked["preloaded"] and not fresh["preloaded"]
    visible = [[f for f in run["files"] if not f.startswith(".")] for run in (fresh, forked)]
    assert visible == [["numbers.txt"], ["numbers.txt"]]


@needs_root
def test_the_forked_kernel_is_sandboxed_and_cannot_read_the_runner(both):
    """Does the forked kernel run as the slot's account without network, and is the runner (same account, holding
    the notebook) not even visible to it — its /proc shows only processes it may inspect (hidepid)?"""
    _, (forked, _) = both
    assert forked["uid"] != 0
    assert forked["net"] == "OSError"  # ENETUNREACH: the namespace's only loopback is down, nothing to refuse
    assert forked["others"] == [], forked["others"]


@needs_root
def test_without_the_private_proc_the_runner_is_visible_but_closed():
    """With the file system shared (no mount namespace), is the runner at least unreadable to the kernel?"""
    sandbox = Sandbox(slots=1)
    sandbox.isolate_filesystem = False
    forked, _ = probe(sandbox)
    assert forked["others"], "the runner (same account) should be visible as a process"
    assert all(how == "PermissionError" for _, how in forked["others"]), forked["others"]


def test_results_are_the_same_either_way():
    """Does the mini lab's solution give the same outputs from a forked kernel as from a fresh one?"""
    nb = nbformat.read(FIXTURES / "mini" / "mini.ipynb", as_version=4)  # the source: solutions in place
    files = {"numbers.txt": FIXTURES / "mini" / "numbers.txt"}
    outs = []
    for prestart in (False, True):
        run = Sandbox(slots=1, prestart_kernel=prestart).execute(nb, files)
        assert run.notebook, run.reason
        outs.append([(c.get("outputs"), c.get("execution_count")) for c in run.notebook["cells"]
                     if c["cell_type"] == "code"])
    assert outs[0] == outs[1]


def test_a_kernel_process_that_is_gone_means_an_ordinary_start():
    """If the pre-forked kernel process died before the runner needed it (its pipe is closed), does the notebook
    still run, on a kernel started the ordinary way?"""
    import asyncio
    import multiprocessing

    from jupyter_client import AsyncKernelManager

    from shiplab.grading import kernel

    waiting, offered_end = multiprocessing.Pipe(duplex=False)
    waiting.close()  # nobody will ever read the launch request
    kernel.offer(2 ** 22 + 12345, offered_end)

    async def start():
        km = kernel.PrestartedKernelManager()
        await km.start_kernel()
        try:
            assert isinstance(km.provisioner, kernel.PrestartedProvisioner)
            assert km.provisioner.process is not None and km.provisioner.pid != 2 ** 22 + 12345
            assert await km.is_alive()
        finally:
            await km.shutdown_kernel(now=True)

    asyncio.run(start())
    assert not kernel.offered()
    assert issubclass(kernel.PrestartedKernelManager, AsyncKernelManager)


def test_warm_up_starts_the_fork_server_with_the_labs_libraries():
    """Does warm_up() (the worker calls it at start) leave a fork server running that has loaded the kernel's and
    the preloaded libraries (numpy's and zmq's native code mapped), so the first submission does not wait for those
    imports?"""
    import os
    import time

    pid = Sandbox(slots=1).warm_up()
    assert pid and os.path.exists(f"/proc/{pid}")
    deadline = time.monotonic() + 120
    while not all(f"/site-packages/{lib}/" in open(f"/proc/{pid}/maps").read() for lib in ("numpy", "zmq")):
        assert time.monotonic() < deadline, "the fork server did not load the preloaded libraries"
        time.sleep(0.2)
    assert Sandbox(slots=1).warm_up() == pid  # again: the same server
