"""The formgrader's own *Autograde* button is refused: it would run a participant's notebook as the grader account.

nbgrader's formgrader grades a submission in its own server when an instructor presses *Autograde* — nbgrader's
``Autograde`` with its own kernel, as the account the formgrader runs as (``shiplab-grader``), which can read the
hidden tests and solutions and write the gradebook. On a shiplab hub every submission is graded as it arrives by the
grading worker, in the sandbox (another account per slot, no network, the tests in a judge of its own), and
``shiplab course autograde`` refuses the same unsandboxed path without ``--unsandboxed`` (attack-47 found the button
went round it). Loaded in the formgrader's server (``hub_config/jupyter/grader``), this answers the button's API call
with nbgrader's own error shape, saying where grading happens instead.
"""

from __future__ import annotations

import json

REFUSAL = ("The formgrader does not autograde here: it would run the participant's code as the grader account, "
           "outside the sandbox. Every submission is graded as it arrives by the sandboxed grading worker; to grade "
           "a lab again, run `shiplab grading regrade LAB` (or `shiplab course grade LAB`) on the hub.")


def _refused(handler, assignment_id, student_id):
    handler.set_status(403)
    handler.write(json.dumps({"success": False, "error": REFUSAL, "log": ""}))


def _jupyter_server_extension_points():
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    from tornado import web

    from nbgrader.server_extensions.formgrader import apihandlers
    from nbgrader.server_extensions.formgrader.base import check_xsrf

    apihandlers.AutogradeHandler.post = web.authenticated(check_xsrf(_refused))
    serverapp.log.info("shiplab: the formgrader's Autograde button is refused (the sandboxed worker grades)")
