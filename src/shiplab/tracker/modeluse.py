"""Each participant's use of the model gateway, as the tracker shows it to instructors next to the ship plans.

The gateway keeps the usage log (:mod:`shiplab.gateway.usage`); the tracker reads it over HTTP from the gateway's
``instructor/usage.json`` with its own hub token (``JUPYTERHUB_API_TOKEN``). The hub gives the tracker exactly
one scope for that, ``access:services!service=gateway`` (:func:`shiplab.hub.roles.service_roles`), and the gateway
admits the tracker by name (:data:`shiplab.gateway.instructors.READERS`).

The report is fetched at most once a minute (a cohort page must not wait on the gateway every time) and with a
short timeout: a gateway that is down or still loading its models costs the page a sentence, never the page.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import httpx

log = logging.getLogger("shiplab.tracker.modeluse")


@dataclass(frozen=True)
class Use:
    """One person's use of the models: answered requests and their tokens, and refused requests."""

    requests: int = 0
    tokens: int = 0
    refused: int = 0
    requests_today: int = 0
    refusal_rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """The usage report as the tracker shows it: per person, or why it is not available."""

    people: dict[str, Use] = field(default_factory=dict)
    day: str = ""
    problem: str = ""  # empty when the report was read

    def of(self, username: str) -> Use:
        return self.people.get(username, Use())

    def total(self, usernames) -> Use:
        uses = [self.of(u) for u in usernames]
        return Use(sum(u.requests for u in uses), sum(u.tokens for u in uses), sum(u.refused for u in uses),
                   sum(u.requests_today for u in uses))


def parse(report: dict) -> Snapshot:
    """The gateway's report (the shape documented at :meth:`shiplab.gateway.usage.UsageLog.report`)."""
    people = {}
    for p in report.get("participants", []):
        total, today = p["total"], p["today"]
        people[p["user"]] = Use(int(total["requests"]), int(total["tokens"]), int(total["refused"]),
                                int(today["requests"]), tuple(r["rule"] for r in p.get("refusals", [])))
    return Snapshot(people, str(report.get("day", "")))


class ModelUse:
    """Reads the gateway's usage report for the tracker, cached for ``ttl`` seconds."""

    def __init__(self, base_url: str, token: str, *, ttl: float = 60.0, timeout: float = 3.0,
                 clock: Callable[[], float] = time.monotonic, transport: httpx.BaseTransport | None = None):
        self.url = base_url.rstrip("/") + "/instructor/usage.json"
        self._headers = {"Authorization": f"token {token}"}
        self.ttl, self.timeout, self.clock = ttl, timeout, clock
        self._transport = transport
        self._lock = threading.Lock()
        self._cached: tuple[float, Snapshot] | None = None

    def snapshot(self) -> Snapshot:
        with self._lock:
            if self._cached and self.clock() - self._cached[0] < self.ttl:
                return self._cached[1]
            snap = self._fetch()
            # a failure is retried sooner: the gateway may only be loading its models
            self._cached = (self.clock() - (self.ttl - 10 if snap.problem else 0), snap)
            return snap

    def _fetch(self) -> Snapshot:
        try:
            with httpx.Client(timeout=self.timeout, transport=self._transport) as client:
                r = client.get(self.url, headers=self._headers)
        except httpx.HTTPError as exc:
            log.warning("model gateway usage not read from %s: %s", self.url, exc)
            return Snapshot(problem="the model gateway did not answer (it may still be starting); try again in a "
                                    "minute.")
        if r.status_code != 200:
            log.warning("model gateway usage: %s %s", r.status_code, r.text[:200])
            return Snapshot(problem=f"the model gateway refused to show its usage log (HTTP {r.status_code}): the "
                                    "hub must give the tracker access to the gateway (role shiplab-tracker).")
        try:
            return parse(r.json())
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("model gateway usage: unexpected report: %s", exc)
            return Snapshot(problem="the model gateway's usage report was not in the expected shape.")
