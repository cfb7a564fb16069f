"""The far side of the sandbox: execute one notebook, nothing else.

:mod:`shiplab.grading.sandbox` starts :func:`run` in a child forked from a *fork server* that imported nbclient and
nbgrader's ``Execute`` once (a fresh interpreter per notebook would spend ~2 CPU-seconds on imports before the
kernel even starts; this module imports them at the top so the fork server holds them). The child runs in its own
session, and the order is the point of this module:

1. the sandbox's walls (:func:`shiplab.grading.confine.enter_sandbox`): namespaces, read-only file systems but the
   run's folder, limits, the sandbox account, a clean environment — before anything of the participant's runs;
2. nbgrader's own ``Execute`` preprocessor (per-cell timeout, interrupt, errors recorded as outputs), the kernel
   talking over Unix sockets in the working folder (there is no TCP loopback in the namespace);
3. the executed notebook, as JSON, down the result pipe. Anything else is a failure that the trusted side turns
   into a failing grade with a reason.

The kernel is not started from scratch: a second process forked from the same server, set up the same way, waits
to become it (:mod:`shiplab.grading.kernel`), so no notebook pays for importing IPython and ipykernel.
"""

from __future__ import annotations

import copy
import json
import os

import nbformat  # noqa: F401 -- imported here so the fork server holds it
from nbgrader.preprocessors.execute import Execute
from traitlets.config import Config

from shiplab.grading.confine import EXIT_EXECUTE_FAILED, EXIT_SETUP_FAILED, enter_sandbox


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
