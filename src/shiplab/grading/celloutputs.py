"""What a test cell the judge ran shows in the graded notebook: what it printed, and the error it ended with.

A failing test is an output, as in a kernel: its error's class and message, with the lines of the test cell it
went through. Two things are worded here rather than passed on: a cell that ran past its time
(:class:`CellTimedOut`, a ``CellTimeoutError`` as nbgrader's own), and a participant's exception raised in a hidden
test case, whose message could hold the hidden case's inputs.
"""

from __future__ import annotations

import traceback

TIMEOUT_MESSAGE = ("the tests ran longer than the per-cell time limit and were stopped: look for a loop that never "
                   "ends in the function they test")


class CellTimedOut(BaseException):
    """The test cell ran past its time (raised by the alarm; never caught by a test's ``except Exception``); with a
    message: what the time went on when it was not the tested function's own run (reading what it returned)."""


READING_TIMED_OUT = ("your function returned, but reading what it returned as data ran past the time limit in a "
                     "hidden test case (its object's own code kept running): return plain data: str, list, dict, "
                     "numbers, bool, None")
HIDDEN_MESSAGE = ("your code raised {ename} in a hidden test case (its message is not shown: it could hold the "
                  "hidden test's inputs); look for the case your function does not handle")


def cell_outputs(stdout: str, stderr: str, error: BaseException | None, cell_name: str,
             hidden_from: int | None = None) -> list[dict]:
    outputs = []
    if stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": stdout})
    if stderr:
        outputs.append({"output_type": "stream", "name": "stderr", "text": stderr})
    if error is not None:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == cell_name]
        in_hidden = hidden_from is not None and (not frames or frames[-1].lineno >= hidden_from)
        if isinstance(error, CellTimedOut):
            ename, evalue = "CellTimeoutError", TIMEOUT_MESSAGE
            if error.args:  # the kernel's words (it holds the hidden case's arguments): never under hidden tests
                evalue = READING_TIMED_OUT if in_hidden else str(error.args[0])
            lines = [f"{ename}: {evalue}"]
        else:
            ename, evalue = type(error).__name__, str(error)
            if in_hidden and getattr(type(error), "__module__", "") == "participant":
                evalue = HIDDEN_MESSAGE.format(ename=ename)
            lines = [f"  line {f.lineno}: {f.line}" for f in frames[-3:]] + [f"{ename}: {evalue}"]
        outputs.append({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": lines})
    return outputs
