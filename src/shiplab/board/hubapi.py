"""The hub's users API, asked with the board service's own token.

The service's role (``shiplab-progress`` in :mod:`shiplab.hub.roles`) holds only ``list:users``,
``read:users:name``, ``read:users:groups``, ``read:users:activity`` and ``read:servers``: the user models it gets
carry names, groups, last activity and server status — no admin flag, no tokens. The one thing it may change is
starting a participant's server (``servers!group=participants``, for "start everyone": :mod:`shiplab.board.actions`).
The list is paginated (the hub answers at most ``api_page_max_limit`` users at once), so every page is fetched.
"""

from __future__ import annotations

import logging
import os
import time

import httpx

log = logging.getLogger("shiplab.board")
PAGINATED = "application/jupyterhub-pagination+json"


class HubUsers:
    """``await HubUsers(api_url, token).users()``: every user model; ``None`` when the hub cannot be asked now."""

    def __init__(self, api_url: str, token: str, *, max_age: float = 2.0, timeout: float = 10.0):
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.max_age = max_age
        self.timeout = timeout
        self._cache: tuple[float, list[dict]] | None = None

    @classmethod
    def from_env(cls) -> "HubUsers":
        return cls(os.environ.get("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api"),
                   os.environ.get("JUPYTERHUB_API_TOKEN", ""))

    async def users(self) -> list[dict] | None:
        if self._cache and time.monotonic() - self._cache[0] < self.max_age:
            return self._cache[1]
        try:
            users = await self._fetch()
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            log.warning("the hub's users API did not answer (%s: %s); showing the roster without activity",
                        type(exc).__name__, exc)
            return None
        self._cache = (time.monotonic(), users)
        return users

    async def _fetch(self) -> list[dict]:
        out: list[dict] = []
        headers = {"Authorization": f"token {self.token}", "Accept": PAGINATED}
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            offset = 0
            while True:
                r = await client.get(f"{self.api_url}/users", params={"offset": offset, "limit": 200},
                                     headers=headers)
                r.raise_for_status()
                body = r.json()
                if isinstance(body, list):  # a hub without pagination support
                    return body
                out.extend(body["items"])
                nxt = (body.get("_pagination") or {}).get("next")
                if not nxt or not body["items"]:
                    return out
                offset = int(nxt["offset"])
