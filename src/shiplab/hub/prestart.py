"""No one waits at 9:00: the roster's servers are started before the workshop day begins.

Runs as the hub-managed service ``shiplab-prestart`` (``python -m shiplab.hub.prestart``) when ``prestart.enabled``
and the cohort has workshop days (``tracker.workshop_start`` … ``tracker.workshop_end``). On each workshop day,
from ``prestart.at`` (local time, ``tracker.timezone``) until ``prestart.until``, every member of the
``participants`` group whose server is not running is started through the hub's API, at most ``prestart.parallel``
at once (each slot waits until its server is ready before the next starts), so the machine stays responsive while
it works. A server the idle culler stops inside that window is started again; after ``prestart.until`` the service
only waits for the next day. It uses one least-privilege role (``servers`` of the participants' group only).

The bounded start itself is :func:`shiplab.web.hubrest.start_servers`, which the board's "start everyone"
uses too.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import zoneinfo
from dataclasses import dataclass

import httpx

from shiplab.web.hubrest import hub_client, start_servers

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


def participants(client: httpx.Client) -> list[str]:
    r = client.get(f"/groups/{GROUP}")
    if r.status_code == 404:
        return []
    r.raise_for_status()
    return sorted(r.json().get("users", []))


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

    from shiplab.errors import ShiplabError

    try:
        conf = settings_mod.load(os.environ.get("SHIPLAB_SETTINGS") or None)
        window = Window.from_settings(conf)
    except ShiplabError as exc:  # a broken settings file: its sentence and the table's code, not a traceback
        log.error("prestart cannot start: %s", exc)
        raise SystemExit(exc.exit_code) from None
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
