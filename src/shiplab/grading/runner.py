"""The far side of the sandbox: execute one notebook, nothing else.

:mod:`shiplab.grading.sandbox` starts :func:`run` in a child forked from a *fork server* that imported nbclient and
nbgrader's ``Execute`` once (a fresh interpreter per notebook would spend ~2 CPU-seconds on imports before the
kernel even starts). The child runs in its own session, and the order below is the point of this module:

1. while still privileged: a new network namespace (only a loopback that is down: every connection fails), a new
   mount and IPC namespace in which every file system is read-only but the run's own folder, with private empty
   ``/tmp``, ``/var/tmp``, ``/dev/shm`` and ``/run/lock`` and a ``/proc`` that shows only the account's own
   processes (so nothing a notebook writes outlives the run or reaches anyone else: the hidden tests cannot be
   left in a shared folder for the participant to read), the resource limits (address space, CPU seconds,
   processes, file size, no core dumps), then drop to the sandbox account (``setgroups([])``, ``setgid``, ``setuid``), forbid regaining privileges (``PR_SET_NO_NEW_PRIVS``) and
   make this process undumpable, so the kernel (same account) can neither attach to it nor open its result pipe
   through ``/proc``;
2. a clean environment, the fresh working folder as cwd and home, fds 0/1/2 on /dev/null and a log file: the
   kernel inherits those, never the result pipe (it is not inheritable);
3. nbgrader's own ``Execute`` preprocessor (per-cell timeout, interrupt, errors recorded as outputs), the kernel
   talking over Unix sockets in the working folder (there is no TCP loopback in the namespace);
4. the executed notebook, as JSON, down the result pipe. Anything else is a failure that the trusted side turns
   into a failing grade with a reason.

The kernel is not started from scratch: a second process forked from the same server, set up the same way, waits
to become it (:mod:`shiplab.grading.kernel`), so no notebook pays for importing IPython and ipykernel.
"""

from __future__ import annotations

import copy
import ctypes
import json
import os
import re
import resource

import nbformat  # noqa: F401 -- imported here so the fork server holds it
from nbgrader.preprocessors.execute import Execute
from traitlets.config import Config

from shiplab.namespaces import (  # noqa: F401 -- the flags are this module's vocabulary
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    MS_BIND,
    MS_NOATIME,
    MS_NODEV,
    MS_NODIRATIME,
    MS_NOEXEC,
    MS_NOSUID,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_RELATIME,
    MS_REMOUNT,
)
from shiplab.namespaces import kernel_at_least as _kernel_at_least
from shiplab.namespaces import libc as _libc
from shiplab.namespaces import mount as _mount

_MOUNT_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
                "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME}
# folders every account may write to, each replaced by an empty one of the run's own (size limit)
PRIVATE_DIRS = {"/tmp": "256m", "/var/tmp": "64m", "/dev/shm": "64m", "/run/lock": "1m"}
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
EXIT_SETUP_FAILED = 70
EXIT_EXECUTE_FAILED = 71


def isolate_network() -> None:
    """Move this process (and every child it will have) into a new, empty network namespace."""
    if _libc().unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET) failed")


def _mount_points() -> list[tuple[str, int]]:
    """(mount point, flags to keep) of this namespace, parents first (``/proc/self/mountinfo``)."""
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        for line in fh:
            fields = line.split()
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
            flags = 0
            for option in fields[5].split(","):
                flags |= _MOUNT_FLAGS.get(option, 0)
            points.append((point, flags))
    return sorted(points, key=lambda p: p[0].count("/") if p[0] != "/" else 0)


def isolate_filesystem(workdir: str, hidden: list[str] | tuple[str, ...] = ()) -> None:
    """A mount and IPC namespace of this process (and every child): everything read-only but ``workdir``, the
    shared writable folders (:data:`PRIVATE_DIRS`) empty and private, ``/proc`` showing this account's processes.

    Mounts made here never reach the host (the whole tree is made private first)."""
    if _libc().unshare(CLONE_NEWNS | CLONE_NEWIPC) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS | CLONE_NEWIPC) failed")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    keep = os.open(workdir, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for point, flags in _mount_points():
            try:
                _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
            except OSError:
                if point == "/":
                    raise
        for folder, size in PRIVATE_DIRS.items():
            if os.path.isdir(folder) and not os.path.islink(folder):
                _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},nr_inodes=20000,mode=1777")
        # folders other accounts write to (participants' homes, the exchange): read-only is not enough there, a
        # socket or FIFO a participant leaves in one would still take what the notebook sends — so they are gone
        for folder in hidden:
            if os.path.isdir(folder) and not os.path.islink(folder):
                _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k,mode=0555")
        if not os.path.isdir(workdir):  # it was under one of those folders: its path again, in the new one
            os.makedirs(os.path.dirname(workdir), mode=0o711, exist_ok=True)
            os.mkdir(workdir, 0o700)
        _mount(f"/proc/self/fd/{keep}", workdir, None, MS_BIND)
        _mount(None, workdir, None, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV)  # the one writable place
    finally:
        os.close(keep)
    if _kernel_at_least(5, 8):  # before 5.8 proc's options were shared by every mount: never touch the host's
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible")


def apply_limits(spec: dict) -> None:
    """Resource limits, set before dropping privileges (an unprivileged process can only lower them)."""
    limits = {
        resource.RLIMIT_AS: spec.get("memory_bytes"),
        resource.RLIMIT_NPROC: spec.get("max_processes"),
        resource.RLIMIT_FSIZE: spec.get("max_file_bytes"),
        resource.RLIMIT_CORE: 0,
    }
    for which, value in limits.items():
        if value is not None:
            resource.setrlimit(which, (value, value))
    cpu = spec.get("cpu_seconds")
    if cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))  # soft: SIGXCPU; hard: SIGKILL


def drop_privileges(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    try:
        os.setuid(0)
    except PermissionError:
        return
    raise RuntimeError("still able to become root after dropping privileges")  # pragma: no cover


def harden_process(dumpable: bool = False) -> None:
    libc = _libc()
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    # setuid() cleared the flag; an exec'd kernel would have it back: the kernel is dumpable (its runner, same
    # account, sees it in its hidepid /proc), the runner is not (the kernel can neither see nor read it)
    libc.prctl(PR_SET_DUMPABLE, 1 if dumpable else 0, 0, 0, 0)


def enter_workdir(spec: dict) -> None:
    """cwd and HOME are the fresh working folder; the environment is the one the trusted side chose."""
    os.chdir(spec["workdir"])
    os.environ.clear()
    os.environ.update(spec["env"])
    devnull = os.open(os.devnull, os.O_RDONLY)
    # appended to, not truncated: the runner and its kernel process both write here
    log = os.open(os.path.join(spec["workdir"], ".runner.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    for fd, target in ((0, devnull), (1, log), (2, log)):
        os.dup2(target, fd)
    os.close(devnull)
    os.close(log)


def enter_sandbox(spec: dict, dumpable: bool = False) -> None:
    """Steps 1 and 2 above, in that order (also the kernel process's set-up, which stays dumpable)."""
    if spec.get("isolate_network"):
        isolate_network()
    if spec.get("isolate_filesystem"):
        isolate_filesystem(spec["workdir"], spec.get("hidden", ()))
    apply_limits(spec)
    if spec.get("uid") is not None:
        drop_privileges(spec["uid"], spec["gid"])
    harden_process(dumpable)
    enter_workdir(spec)


def execute(notebook: dict, execute_settings: dict, prestarted: bool = False) -> dict:
    """Run nbgrader's Execute preprocessor on ``notebook`` in the current folder; return the executed notebook."""
    cfg = Config()
    for key, value in execute_settings.items():
        setattr(cfg.Execute, key, value)
    cell_timeout = execute_settings.get("timeout")

    def timeout_for(cell):  # the last cell answers the judge for as long as the tests run (the total limit holds)
        return None if cell.get("metadata", {}).get("shiplab", {}).get("serve") else cell_timeout

    cfg.Execute.timeout_func = timeout_for
    if prestarted:
        from shiplab.grading.kernel import PrestartedKernelManager

        cfg.Execute.kernel_manager_class = PrestartedKernelManager
    cfg.KernelManager.transport = "ipc"  # Unix sockets in this folder: no TCP loopback in the namespace
    cfg.KernelManager.ip = os.path.join(os.getcwd(), ".kernel")
    nb = nbformat.from_dict(notebook)
    resources = {"metadata": {"path": os.getcwd()}, "nbgrader": {}}
    executor = JudgedExecute(config=cfg)
    nb, _ = executor.preprocess(nb, resources)
    if executor.stuck is not None:
        nb.metadata.setdefault("shiplab", {})["stuck"] = executor.stuck
    return nb


STUCK_MESSAGE = ("A cell timed out: cell {cell} ran past the per-cell limit of {timeout} s and the kernel did not come "
                 "back from the interrupt (code that catches KeyboardInterrupt, or an object whose __repr__ or __str__ "
                 "keeps running while its value or error is shown), so the cells after it did not run")
INTERRUPTS = 3  # interrupts (1 s apart) a timed-out cell gets before it counts as stuck
NOT_RUN_MESSAGE = "not run: cell {index} before it never finished (see that cell)"


class JudgedExecute(Execute):
    """nbgrader's ``Execute``, except that

    - while the last cell answers the judge nothing reaches another cell: the participant's functions, called with
      the hidden tests' arguments, could otherwise write them into an earlier cell's output (``update_display``)
      that the feedback shows;
    - a cell the kernel does not come back from (nbclient waits ``iopub_timeout``, 4 s, after its interrupt, then
      raises ``CellTimeoutError`` out of the whole run) fails *that* cell with the reason, the cells before it keep
      their outputs, and the ones after it are not run (a grade cell among them fails, saying why): one stuck cell
      no longer turns into "could not be executed" on every cell, worded as a 4-second timeout."""

    stuck: str | None = None  # the reason, once a cell did not come back

    async def _async_handle_timeout(self, timeout, cell=None):
        """nbclient interrupts once, then gives up ``iopub_timeout`` later. A kernel whose interrupt lands in code
        that runs again right after (an error whose ``__str__`` never ends: IPython and ipykernel call it several
        times while reporting it) comes back after a few more: interrupt up to :data:`INTERRUPTS` times, a second
        apart, before the cell counts as stuck. The cell still ends with nbgrader's timeout error."""
        from queue import Empty

        from nbclient.exceptions import CellTimeoutError
        from nbclient.util import ensure_async

        if not self.interrupt_on_timeout:
            return await super()._async_handle_timeout(timeout, cell)
        self.log.error("Timeout waiting for execute reply (%ss): interrupting the kernel", timeout)
        for _ in range(INTERRUPTS):
            await ensure_async(self.km.interrupt_kernel())
            try:
                await ensure_async(self.kc.shell_channel.get_msg(timeout=1.0))  # its reply: it is back
                break
            except Empty:
                continue
        else:  # not back: no use waiting for its outputs as well (preprocess_cell records why)
            raise CellTimeoutError.error_from_timeout_and_cell("the kernel did not come back", timeout, cell)
        if self.error_on_timeout:
            return {"content": {**self.error_on_timeout, "status": "error"}}
        return None

    def preprocess_cell(self, cell, resources, index):
        from nbclient.exceptions import CellTimeoutError

        if self.stuck is not None:
            if cell.get("cell_type") == "code":
                cell["outputs"] = ([nbformat.v4.new_output("error", ename="NotRun", evalue=self.stuck_note,
                                                           traceback=[f"NotRun: {self.stuck_note}"])]
                                   if cell.get("metadata", {}).get("nbgrader", {}).get("grade") else [])
            return cell, resources
        try:
            return self._preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            if cell.get("metadata", {}).get("shiplab", {}).get("serve"):
                return cell, resources  # the judge is done with it (the last cell: nothing after it to run)
            timeout = self._get_timeout(cell)
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            self.stuck = STUCK_MESSAGE.format(cell=f"{index + 1}" + (f" ({grade_id})" if grade_id else ""),
                                              timeout=f"{timeout:g}" if timeout else "?")
            self.stuck_note = NOT_RUN_MESSAGE.format(index=index + 1)
            self.shutdown_kernel = "immediate"  # it does not answer a shutdown request either
            cell.setdefault("outputs", []).append(nbformat.v4.new_output(
                "error", ename="CellTimeoutError", evalue=self.stuck, traceback=[f"CellTimeoutError: {self.stuck}"]))
            return cell, resources

    def _preprocess_cell(self, cell, resources, index):
        # (not async_execute_cell: nbclient's execute_cell wraps the base class's coroutine, not an override)
        if not cell.get("metadata", {}).get("shiplab", {}).get("serve"):
            return super().preprocess_cell(cell, resources, index)
        frozen = [copy.deepcopy(c.get("outputs")) for c in self.nb.cells]
        try:
            return super().preprocess_cell(cell, resources, index)
        finally:
            for other, outputs in zip(self.nb.cells, frozen):
                if outputs is not None:
                    other["outputs"] = outputs
            cell["outputs"] = []


def run(spec: dict, notebook: dict, result, kernel: tuple | None = None) -> None:
    """The fork server's target: set up the sandbox, execute, send ``{"notebook": …}`` or ``{"error": …}``.

    ``kernel``: (pid, pipe end) of a kernel process waiting for its launch request (:mod:`.kernel`), or None."""
    os.setsid()
    try:
        enter_sandbox(spec)
        if kernel is not None:
            from shiplab.grading.kernel import offer

            offer(*kernel)
    except Exception as exc:  # noqa: BLE001 -- reported to the trusted side, which fails the job with it
        result.send_bytes(json.dumps({"error": f"sandbox setup failed: {type(exc).__name__}: {exc}"}).encode())
        os._exit(EXIT_SETUP_FAILED)
    try:
        executed = execute(notebook, spec.get("execute", {}), prestarted=kernel is not None)
        from shiplab.grading.kernel import offered

        started = "started" if kernel is None or offered() else "prestarted"  # an offer left over was not taken
        stuck = executed.get("metadata", {}).get("shiplab", {}).pop("stuck", None)
        payload = json.dumps({"notebook": executed, "kernel": started, "stuck": stuck}).encode()
    except BaseException as exc:  # noqa: BLE001 -- MemoryError, a dead kernel, …: say what, exit non-zero
        result.send_bytes(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:2000]}).encode())
        os._exit(EXIT_EXECUTE_FAILED)
    result.send_bytes(payload)
    result.close()
    os._exit(0)
