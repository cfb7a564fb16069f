"""A kernel that has already imported itself: the graded notebook's IPython kernel, forked ready instead of started.

A fresh ``python -m ipykernel_launcher`` spends ~0.3 CPU-seconds importing IPython, ipykernel, jupyter_client,
zmq, tornado and debugpy before it answers — on 2 cores, with 30 submissions landing at once, that alone is a
third of every notebook's cost. The sandbox's fork server imports all of it once (this module is in its preload
list), so a kernel process is a fork of the server that has nothing to import.

How one run uses it (:meth:`shiplab.grading.sandbox.Sandbox._run`):

1. the trusted side starts **two** processes from the fork server: the runner (:func:`shiplab.grading.runner.run`,
   which receives the notebook) and the kernel (:func:`serve`, which never does — it holds no hidden test before the
   runner sends the cells). Both go through the same sandbox set-up (own network namespace, limits, the slot's
   account, no new privileges) before anything else; the kernel stays *dumpable* (as an exec'd kernel is), the
   runner does not, so the kernel cannot read the runner's memory;
2. the runner's kernel manager (:class:`PrestartedKernelManager`, set as nbgrader ``Execute``'s
   ``kernel_manager_class``) writes the connection file as usual, then — instead of ``Popen`` — sends the kernel's
   command line and environment down a pipe to the waiting kernel process, which becomes the IPython kernel
   (``IPKernelApp``) on that connection file;
3. the kernel talks over Unix sockets in the run's folder (pathname sockets work across network namespaces); the
   runner signals, polls and kills it by pid and process group, as ``LocalProvisioner`` does for a ``Popen``.

Anything else — a second kernel start (nbgrader retries a kernel that died), another kernel than
``ipykernel_launcher``, no kernel process offered — falls back to the ordinary launch.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's import-time warning, in the worker's log
# numeric libraries the fork server preloads after this module (grading.preload) read these when they load: one
# thread each, as in the sandbox's environment — and no thread pool started before a fork
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

# what a kernel imports on its way up, here once in the fork server (ipykernel's debugger brings debugpy/pydevd,
# 0.2 CPU-s alone); `python -X importtime -m ipykernel_launcher` lists them
import ipykernel.debugger  # noqa: E402,F401
import ipykernel.ipkernel  # noqa: E402,F401
import pdb  # noqa: E402,F401
import pydoc  # noqa: E402,F401
import sqlite3  # noqa: E402,F401
import tornado.gen  # noqa: E402,F401
import tornado.locks  # noqa: E402,F401
import tornado.queues  # noqa: E402,F401
from ipykernel.kernelapp import IPKernelApp  # noqa: E402
from jupyter_client import AsyncKernelManager  # noqa: E402
from jupyter_client.provisioning import LocalProvisioner  # noqa: E402

EXIT_NO_REQUEST = 72
LAUNCHER = ("-m", "ipykernel_launcher")
_OFFER: dict[str, Any] = {}  # in the runner: {"pid": kernel process id, "conn": pipe end to send the request}
JUDGE: dict[str, Any] = {}  # in the kernel: {"conn": its end of the judge's pipe} (shiplab.grading.remote.serve)


def serve(spec: dict, requests, judge=None) -> None:
    """The kernel process: set up the sandbox, wait for the runner's launch request, become the kernel.

    ``judge``: this kernel's end of the pipe to the judge (:mod:`shiplab.grading.judge`), kept for the last cell."""
    from shiplab.grading import confine

    if judge is not None:
        JUDGE["conn"] = judge
    os.setsid()
    try:
        confine.enter_sandbox(spec, dumpable=True)
    except Exception:  # noqa: BLE001 -- the runner's own set-up fails the same way and reports it
        os._exit(confine.EXIT_SETUP_FAILED)
    try:
        raw = requests.recv_bytes(1 << 20)
    except (EOFError, OSError):
        os._exit(EXIT_NO_REQUEST)  # the runner ended without a kernel: nothing to do
    finally:
        requests.close()
    request = json.loads(raw)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = [sys.executable, *LAUNCHER, *request["argv"]]
    # the import path of a fresh interpreter (the fork server has the worker's, copied by multiprocessing: its
    # script folder, test folders…); IPython adds '' for the notebook's own folder as in a fresh kernel
    sys.path[:] = fresh_sys_path()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        IPKernelApp.launch_instance(argv=request["argv"])
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


_FRESH_PATH: list[str] = []


def fresh_sys_path() -> list[str]:
    """``sys.path`` of a new ``python`` of this environment, less the script's folder (as ipykernel_launcher does).

    Asked once per fork server, with the sandbox's variables (no user site; the worker's PYTHONPATH if it had one,
    so a kernel imports the same shiplab as the fork server)."""
    if not _FRESH_PATH:
        import subprocess

        out = subprocess.run([sys.executable, "-c", "import sys, json; print(json.dumps(sys.path[1:]))"],
                             capture_output=True, text=True, check=True, timeout=60,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONNOUSERSITE": "1",
                                  **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {})})
        _FRESH_PATH.extend(json.loads(out.stdout))
    return list(_FRESH_PATH)


fresh_sys_path()  # in the fork server, at preload: every kernel forked from it has the answer


def offer(pid: int, conn) -> None:
    """In the runner: the pre-forked kernel process ``pid`` waits for its launch request on ``conn``."""
    _OFFER.update(pid=pid, conn=conn)


def offered() -> bool:
    """Is a kernel process still on offer (not taken by a launch)?"""
    return bool(_OFFER)


class _Adopted:
    """What ``LocalProvisioner`` needs of a ``Popen``, for a kernel process that is not our child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            else:
                if _is_zombie(self.pid):
                    self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


class PrestartedProvisioner(LocalProvisioner):
    """Launches by handing the command line to the pre-forked kernel process (once), else as ``LocalProvisioner``."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        argv = _ipykernel_argv(cmd)
        conn = _OFFER.pop("conn", None)
        pid = _OFFER.pop("pid", None)
        if argv is None or conn is None:
            if conn is not None:
                conn.close()  # the waiting process exits; this kernel is started the ordinary way
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            conn.send_bytes(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode())
        except OSError:  # the waiting process is gone (its set-up failed, or it was killed): start one as usual
            return await super().launch_kernel(cmd, **kwargs)
        finally:
            conn.close()
        self.process = _Adopted(pid)
        self.pid = pid
        self.pgid = pid  # it called setsid(): its own process group, signalled as a whole
        self.cwd = cwd
        return self.connection_info


def _ipykernel_argv(cmd: list[str]) -> list[str] | None:
    """The arguments after ``python -m ipykernel_launcher`` (our interpreter), or None for any other command."""
    if len(cmd) >= 3 and tuple(cmd[1:3]) == LAUNCHER and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable):
        return list(cmd[3:])
    return None


class PrestartedKernelManager(AsyncKernelManager):
    """nbclient's kernel manager, using :class:`PrestartedProvisioner` when a kernel process is on offer."""

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None and _OFFER:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = PrestartedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                     parent=self)
        return await super()._async_pre_start_kernel(**kw)
