"""*Validate* on a cell that never ends: say it ran past the limit and likely loops, not "KeyboardInterrupt".

nbgrader's Validate runs the notebook with nbclient. When a cell runs past ``Execute.timeout``, nbclient interrupts
the kernel — the kernel then reports a ``KeyboardInterrupt`` the learner never pressed — and nbgrader adds
"CellTimeoutError: No reply from kernel before timeout". :func:`configure_validation` replaces both with one
sentence naming the limit; ``hub_config/jupyter/common/nbgrader_config.py`` calls it for every server.
"""

from __future__ import annotations

VALIDATE_TIMEOUT = 30  # seconds per cell (nbgrader's default); a lab cell that needs longer is a lab bug


def timeout_error(seconds: int) -> dict:
    """The error a timed-out cell shows (nbclient's ``error_on_timeout``)."""
    text = (f"this cell ran longer than the limit ({seconds} s) and was stopped. It most likely loops forever: "
            "check that every `while` condition can become false and that each loop moves on.")
    return {"ename": "CellTimeoutError", "evalue": text, "traceback": [f"\x1b[0;31mCellTimeoutError\x1b[0m: {text}"]}


def drop_the_interrupt(cell=None, execute_reply=None, **_) -> None:
    """nbclient's ``on_cell_error`` hook: a cell stopped for running too long keeps only the timeout's error, not
    the KeyboardInterrupt of the kernel's side of that stop."""
    content = (execute_reply or {}).get("content") or {}
    if cell is None or content.get("ename") != "CellTimeoutError":
        return
    cell.outputs = [o for o in cell.outputs
                    if not (o.get("output_type") == "error" and o.get("ename") == "KeyboardInterrupt")]
    if not any(o.get("output_type") == "error" for o in cell.outputs):
        from nbformat.v4 import new_output

        err = timeout_error(VALIDATE_TIMEOUT)
        cell.outputs.append(new_output("error", ename=err["ename"], evalue=err["evalue"],
                                       traceback=err["traceback"]))


def configure_validation(c, timeout: int = VALIDATE_TIMEOUT) -> None:
    """Set nbgrader's Execute step (Validate) on the config ``c``: the per-cell limit and the words when it is hit."""
    c.Execute.timeout = timeout
    c.Execute.interrupt_on_timeout = True
    c.Execute.error_on_timeout = timeout_error(timeout)
    c.Execute.on_cell_error = drop_the_interrupt
