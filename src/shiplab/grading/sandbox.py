"""Run a participant's notebook as nobody in particular: the trusted side of the sandbox.

Only the *execution* of a notebook crosses into the sandbox; everything that reads or writes the gradebook stays in
the trusted worker. One execution gets:

- an **account of its own**: ``shiplab-sandbox-<k>``, a system account per parallel slot (created with
  ``useradd --system``, idempotently), held through a lock file while in use, so a submission can neither read,
  signal nor outlive another running beside it (after each run every process of that account is killed);
- a **fresh folder** (0700, that account's), holding the notebook's support files and nothing else, removed after;
  the course folder and gradebook are 0700 the grader's, so the account cannot read them, nor other submissions;
- **limits**: address space (a 10 GB allocation is a ``MemoryError``), CPU seconds, processes (a fork bomb
  stops), file size; a per-cell timeout (nbgrader's ``Execute.timeout``, the cell is interrupted and fails) and a
  total timeout (everything is killed, every test scores 0, the reason is logged);
- **private files**: a mount and IPC namespace in which every file system is read-only except the run's folder,
  and ``/tmp``, ``/var/tmp``, ``/dev/shm``, ``/run/lock`` are empty folders of the run's own, gone with it; its
  ``/proc`` shows only its own processes (:func:`shiplab.grading.confine.isolate_filesystem`);
- **no network**: a new network namespace (``unshare(CLONE_NEWNET)``, which needs root). Fallback where that
  fails (not root, or a container without the capability): the notebook runs *with* the host's network, the
  worker logs it once, and :attr:`Sandbox.isolation` says so. Blocking sockets without namespaces (seccomp) was
  judged too much for this project: run the worker as root on a host, or inside a container with no network.

Not root at all (a developer's laptop): the notebook runs as the worker's own account with the limits and
timeouts only, which is no protection for the gradebook; :attr:`Sandbox.isolation` says ``"none"``.

The result that comes back is trusted only for outputs: :func:`merge_outputs` takes outputs and execution counts
from it, and keeps every cell's source and metadata from the notebook that went in.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import logging
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from shiplab.grading import GradingError, forkserver, processes

log = logging.getLogger("shiplab.grading.sandbox")

ACCOUNT_PREFIX = "shiplab-sandbox-"
JUDGE_PREFIX = "shiplab-judge-"  # the judge of each slot runs the tests as an account of its own
DEFAULT_WORK_ROOT = Path(tempfile.gettempdir()) / "shiplab-sandbox"


@dataclass(frozen=True)
class Limits:
    """What one notebook execution may use."""

    # address space per process (not resident memory): a kernel with onnxruntime + chromadb maps ~1.5 GiB before
    # doing anything (thread arenas, mapped models); labs peak at ~1.4 GiB resident. A 10 GB allocation still fails.
    memory_bytes: int = 4 << 30
    cpu_seconds: int = 300  # CPU seconds per process
    max_processes: int = 128  # tasks (processes and threads) of the slot's account
    max_file_bytes: int = 64 << 20  # largest file it may write
    total_timeout: float = 300.0  # wall seconds for the whole notebook, kernel start included
    result_bytes: int = 64 << 20  # largest executed notebook accepted back


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int


@dataclass
class JudgeJob:
    """The tests to run outside the kernel (:mod:`shiplab.grading.judge`): the instructor's cells (``kind`` "setup"
    or "test", ``grade_id``, ``source``), the names the solution cells define, the files beside the source
    notebook (name -> path: the instructor's, never the submission's)."""

    cells: list[dict]
    names: list[str]
    files: dict[str, Path]


@dataclass
class Execution:
    """What came back: the executed notebook, or why there is none."""

    notebook: dict | None
    reason: str | None = None
    seconds: float = 0.0
    log_tail: str = ""
    extra: dict = field(default_factory=dict)  # "kernel": "prestarted" (forked ready) or "started" (from scratch)
    judged: dict | None = None  # grade id -> the test cell's outputs, from the judge; None: not judged


def is_root() -> bool:
    return os.geteuid() == 0


def ensure_sandbox_accounts(count: int, prefix: str = ACCOUNT_PREFIX) -> list[Account]:
    """System accounts ``<prefix>0 … <prefix>{count-1}`` exist (no home, no login shell); safe to re-run."""
    if not is_root():
        raise GradingError("creating sandbox accounts needs root.",
                           hint="run the grading worker as root (it drops to the sandbox accounts itself).")
    accounts = []
    for k in range(count):
        name = f"{prefix}{k}"
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            proc = subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                                   "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment",
                                   "shiplab grading sandbox", name], capture_output=True, text=True)
            if proc.returncode != 0 and "already exists" not in proc.stderr:
                raise GradingError(f"could not create the sandbox account {name!r}: {proc.stderr.strip()}",
                                   hint="check that useradd works here (Debian: package passwd).")
            entry = pwd.getpwnam(name)
        accounts.append(Account(name, entry.pw_uid, entry.pw_gid))
    return accounts


def network_isolation_available() -> bool:
    """Can a child of this process enter a new network namespace? (Needs root, and a kernel/container allowing it.)"""
    if not is_root() or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0


def filesystem_isolation_available() -> bool:
    """Can a child of this process have mount and IPC namespaces of its own? (Root, and a kernel or container
    allowing it: a container needs ``SYS_ADMIN``.)"""
    if not is_root() or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--mount", "--ipc", "--propagation", "private", "true"],
                          capture_output=True).returncode == 0


def hidden_folders(extra: list[Path], workdir: Path) -> list[str]:
    """What a graded notebook must not see: ``extra``, the home of every account that is not a system account (the
    participants'), the user runtime folders and the host's POSIX message queues — all places another account can
    leave a socket, FIFO or queue in. A folder holding what the run needs (this Python, the run's folder, an import
    path) is kept."""
    import pwd

    folders = {str(p) for p in extra}
    folders |= {e.pw_dir for e in pwd.getpwall() if 1000 <= e.pw_uid < 65534 and e.pw_dir not in ("", "/")}
    folders |= {"/run/user", "/dev/mqueue"}
    needed = [os.path.realpath(p) for p in (sys.prefix, sys.executable, str(workdir), *sys.path) if p]
    keep = []
    for folder in sorted(folders):
        real = os.path.realpath(folder)
        if any(n == real or n.startswith(real.rstrip("/") + "/") for n in needed):
            continue
        keep.append(folder)
    return keep


def ensure_work_root(path: Path, mode: int = 0o711) -> Path:
    """The parent of the per-run folders: ours, not a link, 0711 (others may pass through, not list)."""
    path.mkdir(parents=True, exist_ok=True)
    st = os.lstat(path)
    if not os.path.isdir(path) or os.path.islink(path) or st.st_uid != os.geteuid():
        raise GradingError(f"the sandbox folder {path} is not a folder owned by this account.",
                           hint=f"remove it (rm -rf {path}) or choose another with --sandbox-root.")
    os.chmod(path, mode)
    return path


# one lock file per sandbox account, whatever the work root; in root's /run (not the world-writable /run/lock)
SLOT_LOCKS = "/run/shiplab-sandbox"


def _sandbox_env(workdir: Path, token: str) -> dict[str, str]:
    home = str(workdir)
    return {
        "HOME": home, "USER": "sandbox", "LANG": "C.UTF-8", "PYTHONNOUSERSITE": "1",
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "JUPYTER_RUNTIME_DIR": f"{home}/.runtime", "IPYTHONDIR": f"{home}/.ipython", "MPLCONFIGDIR": f"{home}/.mpl",
        # the runner and the kernel each have a private /tmp of their own: what they share (the kernel's connection
        # file, which jupyter_client writes with tempfile) goes in the run's folder
        "TMPDIR": f"{home}/.tmp",
        "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1", "NBGRADER_EXECUTION": "autograde",
        # one thread per numeric library: fair sharing, and thread pools do not hit the process limit. The
        # embedding model too (onnxruntime, tokenizers): its default, 2 threads per process with several runs at
        # once on 2 cores, cost lab 5's index ~20% more CPU (12.9 CPU-s for 297 chunks, 10.6 with one thread)
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "SHIPLAB_EMBED_THREADS": "1", "TOKENIZERS_PARALLELISM": "false",
        "SHIPLAB_SANDBOX_RUN": token,
        # a worker run from a checkout grades with that checkout's code, in a kernel started fresh as in a forked one
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}),
        # where the instructor's read-only cache of sample vectors is, when the worker was told (shiplab.rag.embcache)
        **{k: v for k, v in os.environ.items() if k == "SHIPLAB_EMBED_CACHE"},
    }


def merge_outputs(sent: dict, executed: dict) -> dict:
    """The notebook that went in, with outputs and execution counts from the one that came back.

    Sources and metadata (points, grade ids, checksums) are never taken from the sandbox's answer."""
    out = copy.deepcopy(sent)
    if len(executed.get("cells", [])) != len(out["cells"]):
        raise ValueError("the executed notebook has a different number of cells")
    for mine, theirs in zip(out["cells"], executed["cells"]):
        if mine.get("cell_type") == "code":
            mine["outputs"] = theirs.get("outputs", [])
            mine["execution_count"] = theirs.get("execution_count")
    return out


class Sandbox:
    """Executes notebooks in the sandbox; ``slots`` runs may be under way at once (across worker processes too)."""

    def __init__(self, slots: int = 1, limits: Limits | None = None, work_root: Path = DEFAULT_WORK_ROOT,
                 isolate_network: bool = True, prestart_kernel: bool = True,
                 preload: tuple[str, ...] | list[str] = forkserver.DEFAULT_PRELOAD, hidden: list[Path] | None = None):
        """``hidden``: folders other accounts write to that a graded notebook must not even see (the exchange,
        developer homes); every participant's home is hidden too (:func:`hidden_folders`), and so are this checkout's
        instructor sources (solutions, hidden tests, wrong answers, history) whatever their modes: a fresh clone's
        are world-readable until the hub's first start protects them."""
        from shiplab.course.protect import private_paths
        from shiplab.settings import REPO_ROOT
        self.hidden = [Path(p) for p in hidden or []] + private_paths(REPO_ROOT)
        self.limits = limits or Limits()
        self.preload = tuple(preload)
        self.prestart_kernel = prestart_kernel  # False: each kernel starts from scratch (bench/grading.py compares)
        self.work_root = ensure_work_root(Path(work_root))
        self.accounts: list[Account | None] = ensure_sandbox_accounts(slots) if is_root() else [None] * slots
        self.judges: list[Account | None] = (ensure_sandbox_accounts(slots, JUDGE_PREFIX) if is_root()
                                             else [None] * slots)
        self.isolate_network = isolate_network and network_isolation_available()
        # private /tmp, /var/tmp, /dev/shm; everything else read-only (needs the same rights as the network's)
        self.isolate_filesystem = self.isolate_network and filesystem_isolation_available()
        self.running = self.peak_running = 0  # executions under way now / at most so far
        self._count_lock = threading.Lock()
        if not is_root():
            log.warning("not running as root: notebooks run as this account, with limits but WITHOUT isolation "
                        "(they could read the gradebook). Run the grading worker as root for a real sandbox.")
        elif isolate_network and not self.isolate_network:
            log.warning("network namespaces are unavailable here: graded notebooks keep network access.")
        elif self.isolate_network and not self.isolate_filesystem:
            log.warning("mount namespaces are unavailable here: graded notebooks share /tmp and /dev/shm.")

    @property
    def can_judge(self) -> bool:
        """Can a judge run the tests (:mod:`shiplab.grading.judge`)? Its pipe reaches only a pre-forked kernel; with
        ``prestart_kernel=False`` (a comparison in ``bench/grading.py``) tests run in the kernel, as nbgrader's do."""
        return self.prestart_kernel

    def warm_up(self) -> int:
        """Start the fork server now, so the first submission does not wait while it imports the runner, the kernel
        and ``grading.preload`` (a few seconds with chromadb); returns its pid. Safe to call again."""
        from multiprocessing import forkserver as mp_forkserver

        forkserver.context(self.preload)
        mp_forkserver.ensure_running()
        return mp_forkserver._forkserver._forkserver_pid

    @property
    def isolation(self) -> str:
        if not is_root():
            return "none"
        if not self.isolate_network:
            return "account+limits (network NOT isolated)"
        return "account+limits+no-network" + ("+private-files" if self.isolate_filesystem else " (/tmp shared)")

    @contextlib.contextmanager
    def _slot(self):
        """Hold one slot: its account and its judge's (an exclusive lock file per slot, so two workers never share
        one at once)."""
        while True:
            for k, account in enumerate(zip(self.accounts, self.judges)):
                fh = open(self._lock_path(k, account[0]), "w")
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    fh.close()
                    continue
                try:
                    yield account
                finally:
                    fh.close()
                return
            time.sleep(0.05)

    def _lock_path(self, k: int, account: Account | None) -> Path:
        """The lock of slot ``k``: keyed on its account where there is one, in a root-only folder, so that two
        workers with different work roots (a second hub, a test beside a hub) never use one account at once (a
        slot's start kills every process of its account); without accounts, in the work root."""
        if account is None:
            return self.work_root / f".slot-{k}.lock"
        return ensure_work_root(Path(SLOT_LOCKS), mode=0o700) / f"{account.name}.lock"

    def execute(self, notebook: dict, files: dict[str, Path], execute_settings: dict | None = None,
                judge: JudgeJob | None = None) -> Execution:
        """Execute ``notebook`` with ``files`` (name in the folder -> file to copy) beside it; with ``judge``, its
        tests run in the judge while the notebook's last cell answers it (see :mod:`shiplab.grading.judge`)."""
        if judge is not None and not self.can_judge:
            raise GradingError("this sandbox cannot judge: its kernels are not pre-forked (prestart_kernel=False).")
        with self._slot() as (account, judge_account):
            started = time.monotonic()
            token = uuid.uuid4().hex
            for acct in (account, judge_account):  # leftovers of a worker killed mid-run: processes and folders
                if acct:
                    processes.kill_everything(acct, token)
                    for stale in self.work_root.glob("run-*"):
                        with contextlib.suppress(FileNotFoundError):
                            if stale.stat().st_uid == acct.uid:
                                shutil.rmtree(stale, ignore_errors=True)
            with self._count_lock:
                self.running += 1
                self.peak_running = max(self.peak_running, self.running)
            workdir = Path(tempfile.mkdtemp(prefix="run-", dir=self.work_root))
            judge_spec = None  # (the clean-up below reads it whatever fails first)
            try:
                self._fill_workdir(workdir, files, account)
                spec = {"workdir": str(workdir), "env": _sandbox_env(workdir, token),
                        "execute": dict(execute_settings or {}), "isolate_network": self.isolate_network,
                        "isolate_filesystem": self.isolate_filesystem,
                        "hidden": hidden_folders(self.hidden, workdir),
                        "uid": account.uid if account else None, "gid": account.gid if account else None,
                        "memory_bytes": self.limits.memory_bytes, "cpu_seconds": self.limits.cpu_seconds,
                        "max_processes": self.limits.max_processes, "max_file_bytes": self.limits.max_file_bytes}
                if judge is not None:
                    judge_dir = Path(tempfile.mkdtemp(prefix="run-", dir=self.work_root))
                    self._fill_workdir(judge_dir, judge.files, judge_account)
                    # the judge defines what the tests use; it builds no index nobody will search
                    # (shiplab.rag.store: the kernel has built its own)
                    judge_env = {**_sandbox_env(judge_dir, token), "SHIPLAB_DEFER_INDEXING": "1"}
                    judge_spec = {**spec, "workdir": str(judge_dir), "env": judge_env,
                                  "hidden": hidden_folders(self.hidden, judge_dir),
                                  "uid": judge_account.uid if judge_account else None,
                                  "gid": judge_account.gid if judge_account else None}
                result = self._run(spec, notebook, workdir, judge, judge_spec)
            finally:
                processes.kill_everything(account, token)
                log_tail = _tail(workdir / ".runner.log")
                shutil.rmtree(workdir, ignore_errors=True)
                if judge_spec is not None:
                    processes.kill_everything(judge_account, token)
                    log_tail += _tail(Path(judge_spec["workdir"]) / ".runner.log")
                    shutil.rmtree(judge_spec["workdir"], ignore_errors=True)
                with self._count_lock:
                    self.running -= 1
            result.seconds = time.monotonic() - started
            result.log_tail = log_tail
            return result

    def _fill_workdir(self, workdir: Path, files: dict[str, Path], account: Account | None) -> None:
        for name, src in files.items():
            dest = (workdir / name).resolve()
            if workdir.resolve() not in dest.parents:
                continue  # a file name that climbs out of the folder is not copied
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        (workdir / ".tmp").mkdir()
        if account:
            for path in [workdir, *workdir.rglob("*")]:
                os.lchown(path, account.uid, account.gid)
        os.chmod(workdir, 0o700)

    def _run(self, spec: dict, notebook: dict, workdir: Path, judge: JudgeJob | None = None,
             judge_spec: dict | None = None) -> Execution:
        from shiplab.grading import judge as judging
        from shiplab.grading import kernel, runner

        ctx = forkserver.context(self.preload)
        receive, send = ctx.Pipe(duplex=False)
        if not self.prestart_kernel:
            proc = ctx.Process(target=runner.run, args=(spec, notebook, send), name=forkserver.RUN_NAME)
            proc.start()
            send.close()
            return self._collect(proc, receive, notebook)
        judge_proc = verdict_in = None
        kernel_end = None
        if judge_spec is not None:  # the judge first: it runs the instructor's set-up while the notebook runs
            kernel_end, judge_end = ctx.Pipe(duplex=True)
            verdict_in, verdict_out = ctx.Pipe(duplex=False)
            job = {"cells": judge.cells, "names": judge.names,
                   "cell_timeout": float(spec["execute"].get("timeout") or 60),
                   "ready_within": max(5.0, self.limits.total_timeout - 10), "case_salt": judging.case_salt()}
            judge_proc = ctx.Process(target=judging.run, args=(judge_spec, job, judge_end, verdict_out),
                                     name=forkserver.RUN_NAME)
            judge_proc.start()
            judge_end.close()
            verdict_out.close()
        # the kernel process (it never sees the notebook), then the runner, told where the kernel waits
        requests_in, requests_out = ctx.Pipe(duplex=False)
        kernel_proc = ctx.Process(target=kernel.serve, args=(spec, requests_in, kernel_end), name=forkserver.RUN_NAME)
        kernel_proc.start()
        requests_in.close()
        if kernel_end is not None:
            kernel_end.close()
        proc = ctx.Process(target=runner.run, args=(spec, notebook, send, (kernel_proc.pid, requests_out)),
                           name=forkserver.RUN_NAME)
        proc.start()
        send.close()
        requests_out.close()
        try:
            result = self._collect(proc, receive, notebook, judge_proc, verdict_in)
            if judge_spec is not None:
                result.extra["case_salt"] = job["case_salt"]
            return result
        finally:  # the kernel is the runner's to stop; whatever is left of it goes now (its own process group)
            for child in (kernel_proc, judge_proc):
                if child is not None and child.is_alive():
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(child.pid, signal.SIGKILL)
                if child is not None:
                    child.join(5)

    def _collect(self, proc, receive, notebook: dict, judge_proc=None, verdict=None) -> Execution:
        from multiprocessing.connection import wait

        deadline = time.monotonic() + self.limits.total_timeout
        payload = judged = None
        waiting = [receive] + ([verdict] if verdict is not None else [])
        try:
            while waiting and time.monotonic() < deadline:
                for conn in wait(waiting, max(0.0, deadline - time.monotonic())):
                    waiting.remove(conn)
                    try:
                        data = conn.recv_bytes(self.limits.result_bytes)
                    except EOFError:
                        continue
                    if conn is receive:
                        payload = data
                    else:
                        judged = json.loads(data)
        except OSError:
            return Execution(None, f"the executed notebook is larger than {self.limits.result_bytes >> 20} MB")
        finally:
            receive.close()
            if verdict is not None:
                verdict.close()
        proc.join(max(0.1, deadline - time.monotonic()))
        if proc.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.join(5)
            return Execution(None, f"ran past the total time limit of {self.limits.total_timeout:.0f} s and was "
                                   "stopped (look for a loop that never ends or waits for input)")
        if payload is None:
            return Execution(None, _exit_reason(proc.exitcode))
        answer = json.loads(payload)
        if "error" in answer:
            first_line = answer["error"].strip().splitlines()[0] if answer["error"].strip() else "unknown error"
            return Execution(None, f"the notebook could not be executed: {first_line}")
        if verdict is not None:
            if judged is None:
                judge_proc.join(1)
                why = (", out of time" if time.monotonic() >= deadline
                       else f": {_exit_reason(judge_proc.exitcode)}" if judge_proc.exitcode else "")
                return Execution(None, f"the tests could not be run (the judge ended without an answer{why})")
            if "error" in judged:
                return Execution(None, f"the tests could not be run: {str(judged['error']).splitlines()[0]}")
        try:
            extra = {"kernel": str(answer.get("kernel", ""))[:20]}
            if answer.get("stuck"):  # a cell the kernel never came back from (:class:`runner.JudgedExecute`)
                extra["stuck"] = str(answer["stuck"])[:2000]
            return Execution(merge_outputs(notebook, answer["notebook"]), extra=extra,
                             judged=judged["cells"] if judged is not None else None)
        except (ValueError, KeyError, TypeError) as exc:
            return Execution(None, f"the sandbox returned a notebook that does not match the one sent ({exc})")


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        if -code == signal.SIGXCPU:
            return f"used more CPU time than allowed and was stopped ({name})"
        return f"the sandbox was killed by {name} before it finished"
    return f"the sandbox ended (exit code {code}) without returning the executed notebook"


def _tail(path: Path, limit: int = 2000) -> str:
    """The last ``limit`` bytes of a run's log — a file in a folder the sandbox account controls, so opened without
    following a link and without blocking (a FIFO put there froze the root worker), and read only if it is a
    regular file."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return ""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return ""
        os.lseek(fd, max(0, st.st_size - limit), os.SEEK_SET)
        return os.read(fd, limit).decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        os.close(fd)
