"""The board's one action: an instructor's "start everyone" (``POST /api/start-servers``).

It starts the server of every participant who has none, ``prestart.parallel`` at a time, each waiting until it is
ready (:func:`shiplab.web.hubrest.start_servers`, the same bounded start the prestart service makes before the
day), in the background: the answer (202) says how many will start, the grid shows them coming up. One run at a
time; a second press while it runs answers 409 with what the first is doing.

The board has no forms and no CSRF tokens: the request must carry the header ``X-Shiplab-Action: start-servers``,
which a page of another origin cannot send without a CORS preflight the board never allows, and it comes from an
instructor (the board's login). The board's hub role may start servers of the ``participants`` group only.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from shiplab.roster import ROLE_GROUPS
from shiplab.board.auth import instructor
from shiplab.board.errors import BoardError

log = logging.getLogger("shiplab.board")
HEADER, VALUE = "x-shiplab-action", "start-servers"
router = APIRouter()


@dataclass
class StartRun:
    """What the current (or last) "start everyone" does; ``starter(names)`` runs in a thread of its own."""

    starter: object = None  # callable(list[str]) -> shiplab.web.hubrest.Started
    running: bool = False
    wanted: list[str] = field(default_factory=list)
    result: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, names: list[str]) -> bool:
        with self.lock:
            if self.running:
                return False
            self.running, self.wanted, self.result = True, names, None
        threading.Thread(target=self._run, args=(names,), name="start-everyone", daemon=True).start()
        return True

    def _run(self, names):
        try:
            self.result = self.starter(names)
            log.info("start everyone: %d started, %d already running, %d failed %s", len(self.result.ready),
                     len(self.result.running), len(self.result.failed), self.result.failed or "")
        except Exception:  # noqa: BLE001 -- a hub error must not leave the run marked as running
            log.exception("start everyone failed")
        finally:
            with self.lock:
                self.running = False


def hub_starter(parallel: int):
    """Start servers with the board's own hub token (its role: ``servers!group=participants``)."""
    from shiplab.web.hubrest import hub_client, start_servers

    def starter(names):
        with hub_client(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"]) as client:
            return start_servers(client, names, parallel)

    return starter


@router.post("/api/start-servers")
async def start_servers_route(request: Request):
    viewer = await instructor(request)
    if request.headers.get(HEADER) != VALUE:
        raise BoardError(403, "missing_action_header", f"send the header {HEADER}: {VALUE} (the board's button "
                                                       "does): a page of another site cannot.")
    users = await request.app.state.hub_users.users()
    if users is None:
        raise BoardError(503, "hub_unavailable", "the hub's API did not answer; try again in a moment.")
    group = ROLE_GROUPS["participant"]
    names = sorted(u["name"] for u in users if group in (u.get("groups") or [])
                   and not ((u.get("servers") or {}).get("") or {}).get("ready"))
    run: StartRun = request.app.state.start_run
    if not run.start(names):
        return JSONResponse({"started": False, "detail": f"already starting {len(run.wanted)} servers"},
                            status_code=409)
    log.info("start everyone: %s asked for %d servers", viewer.name, len(names))
    return JSONResponse({"started": True, "servers": len(names)}, status_code=202)
