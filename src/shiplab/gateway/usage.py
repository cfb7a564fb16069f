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
    """A participant's day: chat tokens (prompt + answer), requests of any kind, embedding tokens.

    Embeddings have a budget of their own: indexing one's own backlog is hundreds of thousands of tokens of a cheap
    local model, and must not use up the day's chat budget (nor a chat budget stop the indexing)."""

    tokens_per_day: int
    requests_per_day: int
    embedding_tokens_per_day: int = 5_000_000


class UsageLog:
    """Thread-safe (one connection, one lock): the gateway is its only writer."""

    def __init__(self, path: Path, clock=lambda: datetime.now(timezone.utc)):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self.clock = clock

    def spent(self, user: str, kind: str | None = None) -> tuple[int, int]:
        """(tokens of ``kind`` — every kind when None —, requests of any kind) the user spent today, refusals not
        counted."""
        day = self.clock().date().isoformat()
        with self._lock:
            row = self._db.execute(
                "SELECT COALESCE(SUM(CASE WHEN ? IS NULL OR kind = ? THEN tokens END), 0), COUNT(*) FROM usage "
                "WHERE user=? AND day=? AND decision IN ('allow', 'redact')", (kind, kind, user, day)).fetchone()
        return int(row[0]), int(row[1])

    def over_budget(self, user: str, budget: Budget, tokens_wanted: int = 0, kind: str = "chat") -> str:
        """Empty when the request fits today's budget, else the sentence saying why not. Chat and embedding tokens
        are budgeted apart (:class:`Budget`); requests of every kind count together."""
        tokens, requests = self.spent(user, kind)
        if requests + 1 > budget.requests_per_day:
            return f"daily budget of {budget.requests_per_day} requests is used up ({requests} today)."
        limit = budget.embedding_tokens_per_day if kind == "embeddings" else budget.tokens_per_day
        what = "embedding tokens" if kind == "embeddings" else "chat tokens"
        if tokens + tokens_wanted > limit:
            return (f"daily budget of {limit} {what} would be exceeded ({tokens} used today, this request needs "
                    f"about {tokens_wanted}).")
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

    def report(self, budget: Budget | None = None, day: str | None = None) -> dict:
        """Everyone's usage, for instructors (and later the tracker). The shape, one JSON object::

            {"day": "2026-11-24",                      # the UTC budget day "today" refers to
             "generated_at": "2026-11-24T10:00:00+00:00",
             "budget": {"tokens_per_day": 200000, "requests_per_day": 5000,    # chat tokens; any requests
                        "embedding_tokens_per_day": 5000000},                # null when not known
             "participants": [                          # sorted by user name
               {"user": "anna",
                "today": {"requests": 3, "tokens": 120, "refused": 1},
                "total": {"requests": 9, "tokens": 800, "refused": 2},
                "providers": [{"provider": "local", "today": {…}, "total": {…}}, …],
                "refusals": [{"rule": "providers.openai.max_class=internal", "today": 1, "total": 2}, …]}],
             "providers": [{"provider": "local", "today": {…}, "total": {…}}, …],
             "refusals": [{"rule": "…", "today": 1, "total": 2}, …]}

        ``requests``/``tokens`` count requests that were answered (allowed or redacted) and their tokens;
        ``refused`` counts requests refused by the policy or over budget, each with its rule (``budget`` for the
        daily budget). "total" is everything in the log.
        """
        now = self.clock()
        day = day or now.date().isoformat()
        with self._lock:
            rows = self._db.execute(
                "SELECT user, provider, day = ?, decision, rule, COUNT(*), COALESCE(SUM(tokens), 0) FROM usage "
                "GROUP BY user, provider, day = ?, decision, rule", (day, day)).fetchall()
        blank = lambda: {"requests": 0, "tokens": 0, "refused": 0}
        people: dict[str, dict] = {}
        providers: dict[str, dict] = {}
        rules: dict[str, dict] = {}
        for user, provider, is_today, decision, rule, n, tokens in rows:
            person = people.setdefault(user, {"user": user, "today": blank(), "total": blank(), "providers": {},
                                              "refusals": {}})
            per_provider = person["providers"].setdefault(provider, {"provider": provider, "today": blank(),
                                                                     "total": blank()})
            overall = providers.setdefault(provider, {"provider": provider, "today": blank(), "total": blank()})
            refused = decision in ("refuse", "over-budget")
            for bucket in (person, per_provider, overall):
                for when in ("today", "total") if is_today else ("total",):
                    if refused:
                        bucket[when]["refused"] += n
                    else:
                        bucket[when]["requests"] += n
                        bucket[when]["tokens"] += tokens
            if refused:
                rule = rule or ("budget" if decision == "over-budget" else "unknown")
                for table in (person["refusals"], rules):
                    entry = table.setdefault(rule, {"rule": rule, "today": 0, "total": 0})
                    entry["total"] += n
                    entry["today"] += n if is_today else 0
        for person in people.values():
            person["providers"] = [person["providers"][p] for p in sorted(person["providers"])]
            person["refusals"] = [person["refusals"][r] for r in sorted(person["refusals"])]
        return {"day": day, "generated_at": now.isoformat(timespec="seconds"),
                "budget": ({"tokens_per_day": budget.tokens_per_day, "requests_per_day": budget.requests_per_day,
                            "embedding_tokens_per_day": budget.embedding_tokens_per_day}
                           if budget else None),
                "participants": [people[u] for u in sorted(people)],
                "providers": [providers[p] for p in sorted(providers)],
                "refusals": [rules[r] for r in sorted(rules)]}
