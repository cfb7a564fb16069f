"""The hub's REST API as the services use it: a client with a service's token, and starting people's servers.

:func:`start_servers` is the bounded start both the prestart service (:mod:`shiplab.hub.prestart`, before the
workshop day) and the board's "start everyone" make: at most ``parallel`` servers at once, each slot waiting until
its server is ready, so the machine stays responsive while it works; one person's failure never stops the others.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx


def hub_client(api_url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=api_url.rstrip("/"), headers={"Authorization": f"token {token}"}, timeout=30)


@dataclass
class Started:
    """What one round did: servers started (seconds each until ready), already running, failed (name -> why)."""

    ready: dict[str, float] = field(default_factory=dict)
    running: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def _server(client: httpx.Client, name: str) -> dict | None:
    r = client.get(f"/users/{quote(name)}")
    r.raise_for_status()
    return (r.json().get("servers") or {}).get("")


def start_one(client: httpx.Client, name: str, timeout: float = 180) -> float | None:
    """Start ``name``'s default server and wait until it is ready; seconds it took, None if it already ran."""
    server = _server(client, name)
    if server and server.get("ready"):
        return None
    began = time.monotonic()
    if not server:  # not pending already
        r = client.post(f"/users/{quote(name)}/server")
        if r.status_code == 400 and "already" in r.text:  # started by its owner meanwhile
            return None
        r.raise_for_status()
    while time.monotonic() - began < timeout:
        server = _server(client, name)
        if server and server.get("ready"):
            return time.monotonic() - began
        if not server or not server.get("pending") and not server.get("ready"):
            if time.monotonic() - began > 5:  # the spawn failed: the hub forgot the server
                raise RuntimeError("the server stopped while starting (see the hub's log)")
        time.sleep(0.5)
    raise TimeoutError(f"not ready after {timeout:.0f} s")


def start_servers(client: httpx.Client, names: list[str], parallel: int = 4, timeout: float = 180) -> Started:
    """Start the servers of ``names`` that are not running, ``parallel`` at a time; never raises for one person."""
    out = Started()

    def one(name: str) -> None:
        try:
            took = start_one(client, name, timeout)
        except (httpx.HTTPError, RuntimeError, TimeoutError) as exc:
            out.failed[name] = str(exc) or type(exc).__name__
            return
        if took is None:
            out.running.append(name)
        else:
            out.ready[name] = took

    with ThreadPoolExecutor(max(1, parallel), thread_name_prefix="prestart") as pool:
        list(pool.map(one, names))
    return out
