"""The usage log and daily budgets: one row per request, per participant and provider (SQLite, one writer)."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,          -- ISO 8601, UTC
    day TEXT NOT NULL,         -- the budget day, UTC date
    user TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    kind TEXT NOT NULL,        -- embeddings | chat
    tokens INTEGER NOT NULL,
    decision TEXT NOT NULL,    -- allow | redact | refuse | over-budget
    rule TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS usage_user_day ON usage (user, day);
"""


@dataclass(frozen=True)
class Budget:
    tokens_per_day: int
    requests_per_day: int


class UsageLog:
    """Thread-safe (one connection, one lock): the gateway is its only writer."""

    def __init__(self, path: Path, clock=lambda: datetime.now(timezone.utc)):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self.clock = clock

    def spent(self, user: str) -> tuple[int, int]:
        """(tokens, requests) the user spent today, refusals not counted."""
        day = self.clock().date().isoformat()
        with self._lock:
            row = self._db.execute("SELECT COALESCE(SUM(tokens), 0), COUNT(*) FROM usage WHERE user=? AND day=? "
                                   "AND decision IN ('allow', 'redact')", (user, day)).fetchone()
        return int(row[0]), int(row[1])

    def over_budget(self, user: str, budget: Budget, tokens_wanted: int = 0) -> str:
        """Empty when the request fits today's budget, else the sentence saying why not."""
        tokens, requests = self.spent(user)
        if requests + 1 > budget.requests_per_day:
            return f"daily budget of {budget.requests_per_day} requests is used up ({requests} today)."
        if tokens + tokens_wanted > budget.tokens_per_day:
            return (f"daily budget of {budget.tokens_per_day} tokens would be exceeded ({tokens} used today, "
                    f"this request needs about {tokens_wanted}).")
        return ""

    def record(self, user: str, provider: str, model: str, kind: str, tokens: int, decision: str,
               rule: str = "") -> None:
        now = self.clock()
        with self._lock:
            self._db.execute("INSERT INTO usage (at, day, user, provider, model, kind, tokens, decision, rule) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (now.isoformat(), now.date().isoformat(), user, provider, model, kind, tokens, decision,
                              rule))

    def summary(self, day: str | None = None) -> list[dict]:
        """Per participant and provider: requests, tokens, refusals — for instructors and the tracker."""
        day = day or self.clock().date().isoformat()
        with self._lock:
            rows = self._db.execute(
                "SELECT user, provider, COUNT(*), COALESCE(SUM(tokens), 0), SUM(decision IN ('refuse', "
                "'over-budget')) FROM usage WHERE day=? GROUP BY user, provider ORDER BY user, provider",
                (day,)).fetchall()
        return [{"user": u, "provider": p, "requests": n, "tokens": t, "refused": r} for u, p, n, t, r in rows]
