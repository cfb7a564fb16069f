"""No one waits at 9:00: the roster's servers are started before the workshop day begins.

Runs as the hub-managed service ``shiplab-prestart`` (``python -m shiplab.hub.prestart``) when ``prestart.enabled``
and the cohort has workshop days (``tracker.workshop_start`` … ``tracker.workshop_end``). On each workshop day,
from ``prestart.at`` (local time, ``tracker.timezone``) until ``prestart.until``, every member of the
``participants`` group whose server is not running is started through the hub's API, at most ``prestart.parallel``
at once (each slot waits until its server is ready before the next starts), so the machine stays responsive while
it works. A server the idle culler stops inside that window is started again; after ``prestart.until`` the service
only waits for the next day. It uses one least-privilege role (``servers`` of the participants' group only).

:func:`start_servers` is the same bounded start, for an instructor's "start everyone".
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

log = logging.getLogger("shiplab.prestart")
GROUP = "participants"


@dataclass
class Window:
    """The minutes of each workshop day in which servers are kept started."""

    first_day: dt.date
    last_day: dt.date
    start: dt.time
    until: dt.time
    tz: zoneinfo.ZoneInfo

    def contains(self, now: dt.datetime) -> bool:
        local = now.astimezone(self.tz)
        return self.first_day <= local.date() <= self.last_day and self.start <= local.time() < self.until

    @classmethod
    def from_settings(cls, conf: dict) -> Window | None:
        """The window of ``conf``'s cohort; None when prestart is off or the cohort has no workshop days."""
        if not conf["prestart.enabled"] or not conf["tracker.workshop_start"]:
            return None
        first = dt.date.fromisoformat(conf["tracker.workshop_start"])
        last = dt.date.fromisoformat(conf["tracker.workshop_end"] or conf["tracker.workshop_start"])
        return cls(first, last, dt.time.fromisoformat(conf["prestart.at"]),
                   dt.time.fromisoformat(conf["prestart.until"]), zoneinfo.ZoneInfo(conf["tracker.timezone"]))


@dataclass
class Started:
    """What one round did: servers started (seconds each until ready), already running, failed (name -> why)."""

    ready: dict[str, float] = field(default_factory=dict)
    running: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def participants(client: httpx.Client) -> list[str]:
    r = client.get(f"/groups/{GROUP}")
    if r.status_code == 404:
        return []
    r.raise_for_status()
    return sorted(r.json().get("users", []))


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


def run(client: httpx.Client, window: Window, parallel: int, every: float = 30.0,
        now=lambda: dt.datetime.now(dt.timezone.utc)) -> None:
    """Each ``every`` seconds inside the window, start whoever of the participants has no running server."""
    while True:
        if window.contains(now()):
            try:
                result = start_servers(client, participants(client), parallel)
                if result.ready or result.failed:
                    log.info("prestart: %d started (slowest %.1f s), %d already running, %d failed %s",
                             len(result.ready), max(result.ready.values(), default=0), len(result.running),
                             len(result.failed), result.failed or "")
            except httpx.HTTPError as exc:
                log.warning("prestart round failed, retrying: %s", exc)
        time.sleep(every)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    from shiplab import settings as settings_mod
    from shiplab.hub.sync import hub_client

    conf = settings_mod.load(os.environ.get("SHIPLAB_SETTINGS") or None)
    window = Window.from_settings(conf)
    if window is None:
        log.info("prestart: no workshop days set (tracker.workshop_start); nothing to do")
        while True:
            time.sleep(3600)
    client = hub_client(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"])
    log.info("prestart: %s to %s, %s–%s %s, %d at once", window.first_day, window.last_day, window.start,
             window.until, window.tz.key, conf["prestart.parallel"])
    run(client, window, conf["prestart.parallel"], every=conf["prestart.every"])


if __name__ == "__main__":
    main()
