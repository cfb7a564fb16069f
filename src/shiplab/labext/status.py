"""The hub service behind the Assignments tab: ``GET <prefix>api/submissions`` → the caller's own submissions.

Called by the participant's server with the server's hub token (``Authorization: token …``); the hub says whose
token it is (:class:`jupyterhub.services.auth.HubAuth`) and whether it may use this service. The answer is that
user's latest submission per lab (:func:`shiplab.grading.status.own_submissions`): state, jobs ahead in the queue,
score. There is no parameter naming a user, so no request can ask about someone else.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuth
from tornado import ioloop, web

from shiplab.errors import Exit, ShiplabError
from shiplab.grading.status import own_submissions, queue_path
from shiplab.web.listen import bind_host

log = logging.getLogger("shiplab.labext.status")


class SubmissionsHandler(web.RequestHandler):
    def initialize(self, hub_auth: HubAuth, queue_db: Path):
        self.hub_auth, self.queue_db = hub_auth, queue_db

    def set_default_headers(self):
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")

    def _refuse(self, status: int, code: str, message: str) -> None:
        self.set_status(status)
        self.finish(json.dumps({"error": code, "message": message}))

    async def get(self):
        header = self.request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            return self._refuse(401, "no_token", "send the server's hub token: Authorization: token <token>.")
        model = await self.hub_auth.user_for_token(token.strip(), use_cache=True, sync=False)
        if not model or model.get("kind", "user") != "user":
            return self._refuse(401, "bad_token", "the hub does not know this token (expired or revoked?).")
        if not self.hub_auth.check_scopes(self.hub_auth.access_scopes, model):
            return self._refuse(403, "no_access", "this token may not ask for submissions.")
        try:
            labs = own_submissions(self.queue_db, model["name"])
        except Exception:  # noqa: BLE001 -- the queue mid-write or locked: say so, the tab asks again shortly
            log.exception("reading the grading queue %s failed", self.queue_db)
            return self._refuse(503, "queue_unreadable", "the grading queue cannot be read right now; try again.")
        self.finish(json.dumps({"user": model["name"], "labs": labs}))


class HealthHandler(web.RequestHandler):
    def get(self):
        self.finish({"ok": True})


def make_app(hub_auth: HubAuth, queue_db: Path, prefix: str = "/") -> web.Application:
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    return web.Application([
        (prefix + "api/submissions", SubmissionsHandler, {"hub_auth": hub_auth, "queue_db": queue_db}),
        (prefix, HealthHandler),
    ])


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="[%(levelname).1s %(asctime)s %(name)s] %(message)s")
    from shiplab import settings
    from shiplab.course import paths

    try:
        conf = settings.load(os.environ.get("SHIPLAB_SETTINGS") or None)
    except ShiplabError as exc:
        log.error("the submission status service cannot start: %s", exc)
        return exc.exit_code
    course = paths.course_id(os.environ.get("SHIPLAB_COURSE") or conf["course.id"])
    queue_db = queue_path(paths.state_dir(), course)
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    hub_auth = HubAuth(cache_max_age=30)
    app = make_app(hub_auth, queue_db, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"))
    app.listen(url.port, address=bind_host(url.hostname))
    log.info("submission status for %s from %s on %s", course, queue_db, url.geturl())
    ioloop.IOLoop.current().start()
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
