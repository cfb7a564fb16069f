"""The participant's server side of the Assignments tab (a jupyter_server extension, on for participants).

``GET shiplab/assignments/status``
    The course id and the caller's own submissions, asked from the ``assignments`` hub service with this server's
    hub token (:mod:`shiplab.labext.status`). The server holds only its own user's token, so it can only ever ask
    about its own user.
``GET shiplab/assignments/feedback/<lab>``
    nbgrader's *fetch feedback* for that lab, then the newest feedback as a web page — or, when there is none yet,
    a page that says why (queued with n ahead, being graded, not submitted) instead of silently nothing.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

KERNELS = Path(__file__).with_name("kernels")
LAB = r"(?P<lab>[A-Za-z0-9][A-Za-z0-9_.-]{0,80})"
# the feedback is the grader's HTML (sanitized by shiplab.grading.safehtml): shown with no script and no network
FEEDBACK_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'"


# nbgrader's feedback template (classic, with bootstrap only) leaves markdown and output tables bare: rules, padding
# and zebra rows, as JupyterLab shows them
FEEDBACK_STYLE = """<style id="shiplab-feedback-style">
.rendered_html table, .output_html table, .text_cell_render table {border-collapse: collapse; margin: .6em 0;
  font-size: 13px; border: 1px solid #bdbdbd}
.rendered_html th, .rendered_html td, .output_html th, .output_html td, .text_cell_render th, .text_cell_render td
  {border: 1px solid #e0e0e0; padding: 4px 10px; text-align: left; vertical-align: top}
.rendered_html thead th, .output_html thead th, .text_cell_render thead th {background: #f5f5f5; font-weight: 600;
  border-bottom: 2px solid #bdbdbd}
.rendered_html tbody tr:nth-child(even), .output_html tbody tr:nth-child(even),
  .text_cell_render tbody tr:nth-child(even) {background: #fafafa}
</style>"""


def styled(page: bytes) -> bytes:
    """The feedback page with :data:`FEEDBACK_STYLE` added at the end of its head (or its start, if headless)."""
    style = FEEDBACK_STYLE.encode()
    at = page.lower().rfind(b"</head>")
    return page[:at] + style + page[at:] if at >= 0 else style + page


def course_id() -> str:
    return os.environ.get("SHIPLAB_COURSE", "workshop")


async def own_submissions() -> dict:
    """``{"available": True, "labs": {...}}`` from the status service, or ``available: False`` with a sentence."""
    base, token = os.environ.get("SHIPLAB_ASSIGNMENTS_URL"), os.environ.get("JUPYTERHUB_API_TOKEN")
    if not base or not token:
        return {"available": False, "labs": {},
                "message": "grading status is not available on this server (no assignments service configured)."}
    req = HTTPRequest(url_path_join(base, "api/submissions"), headers={"Authorization": f"token {token}"},
                      request_timeout=10, connect_timeout=5)
    try:
        resp = await AsyncHTTPClient().fetch(req)
    except HTTPClientError as exc:
        message = "the grading status service refused this server's token."
        if exc.response is not None:
            try:
                message = json.loads(exc.response.body).get("message", message)
            except ValueError:
                pass
        return {"available": False, "labs": {}, "message": message}
    except OSError as exc:
        return {"available": False, "labs": {}, "message": f"the grading status service does not answer ({exc})."}
    return {"available": True, "labs": json.loads(resp.body).get("labs", {})}


class StatusHandler(APIHandler):
    @web.authenticated
    async def get(self):
        answer = await own_submissions()
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"course": course_id(), **answer}))


def why_no_feedback(lab: str, status: dict) -> str:
    """The sentence a participant reads when feedback is asked for and none has come (yet)."""
    sub = (status.get("labs") or {}).get(lab)
    if not status.get("available"):
        return f"No feedback for {lab} yet, and the grading status cannot be read: {status.get('message')}"
    if sub is None:
        return f"No feedback for {lab}: it has not been submitted. Press Submit in the Assignments tab first."
    if sub["state"] == "queued":
        ahead = sub.get("ahead") or 0
        return (f"Not graded yet: your submission of {lab} is queued ({ahead} ahead of it). The feedback appears "
                "here as soon as it is graded — usually within a minute; the Assignments tab shows the score.")
    if sub["state"] == "grading":
        return f"Not graded yet: your submission of {lab} is being graded right now. Try again in a few seconds."
    if sub["state"] in ("failed", "rejected"):
        return f"Your submission of {lab} could not be graded: {sub.get('reason') or 'no reason given'}."
    return (f"{lab} is graded, but its feedback has not reached the exchange yet. Try again in a few seconds; "
            "if it stays missing, ask your instructor to release feedback.")


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}"
            "p.why{padding:1rem;border-left:4px solid #f0ad4e;background:#fff8e6}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")


class FeedbackHandler(JupyterHandler):
    @property
    def manager(self):
        return self.settings.get("assignment_list_manager")

    def _latest_feedback(self, lab: str) -> Path | None:
        listing = self.manager.list_submitted_assignments(course_id=course_id())
        if not listing.get("success"):
            return None
        root = Path(self.manager.root_dir)
        for assignment in listing["value"]:
            if assignment.get("assignment_id") != lab:
                continue
            for sub in sorted(assignment.get("submissions", []), key=lambda s: s["timestamp"], reverse=True):
                for nb in sub.get("notebooks", []):
                    path = nb.get("local_feedback_path")
                    if path and (root / path).is_file():
                        return root / path
        return None

    @web.authenticated
    async def get(self, lab: str):
        self.set_header("Cache-Control", "no-store")
        if self.manager is None:
            raise web.HTTPError(404, "nbgrader's assignment list is not enabled on this server")
        self.manager.fetch_feedback(course_id(), lab)  # copies new feedback from the exchange, if any
        path = self._latest_feedback(lab)
        status = await own_submissions()
        pending = ((status.get("labs") or {}).get(lab) or {}).get("state") in ("queued", "grading")
        if path is None or pending:  # nothing yet, or an older submission's feedback while the new one waits
            self.set_header("Content-Security-Policy", FEEDBACK_CSP)
            return self.finish(_page(f"Feedback on {lab}", f"<p class='why' id='why'>"
                                     f"{html.escape(why_no_feedback(lab, status))}</p>"))
        self.set_header("Content-Security-Policy", FEEDBACK_CSP)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(styled(path.read_bytes()))


def _load_jupyter_server_extension(server_app):
    web_app = server_app.web_app
    base = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [
        (url_path_join(base, "shiplab/assignments/status"), StatusHandler),
        (url_path_join(base, "shiplab/assignments/feedback/") + LAB, FeedbackHandler),
    ])
    # participants' python3 kernels load shiplab.labext.kernelhints (a NameError says which cell to run); the spec
    # is ipykernel's own plus --ext, and jupyter_client runs it with this server's Python
    server_app.kernel_spec_manager.kernel_dirs.insert(0, str(KERNELS))
    server_app.log.info("shiplab: Assignments tab status and feedback pages enabled")

