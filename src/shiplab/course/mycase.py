"""The participant's own use case: picked in lab 1, carried through every later lab and into the ship plan.

Lab 1 ends with "pick your case": :func:`score_candidates` groups the participant's backlog (by component, else
by type) and weighs each group's **impact** (how many items, how long they take: the participant's own
``profile_backlog``) against its **complexity** (how much of it is restricted or confidential by their own
``classify_item``, and whether the course's provider may read it by their own ``decide``; how many items carry a
description a model could learn from). The participant writes their choice in a dict, and :func:`save_case`
checks it and keeps it in ``~/shiplab-case.json`` (0600): later labs read it with :func:`load_case`, the progress
board sees that the file exists, and lab 6's plan starts from it.

Nothing here grades: a choice is the participant's, and the checks are only that it is theirs (not the example's
words, a key of their backlog, a baseline with a method).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

CASE_FILE = "shiplab-case.json"
FIELDS = ("use_case", "group", "example_key", "baseline_metric", "baseline_method", "why")
EXAMPLE_WORDS = ("<", "TODO", "...")  # what the cell's template holds until the participant writes


class CaseProblem(ValueError):
    """The choice cannot be kept as it is; the message says what to write."""


@dataclass
class Candidate:
    group: str
    items: int
    median_days: float | None
    open_items: int
    sensitive_share: float  # restricted or confidential, by the participant's classify_item
    provider_decision: str  # allow / redact / refuse for the most sensitive class in the group
    described_share: float  # items with a description (what a model or a gold set can use)
    impact: float
    complexity: float

    @property
    def score(self) -> float:
        return round(self.impact / (1 + self.complexity), 1)


def _group_of(item) -> str:
    return (item.components[0] if item.components else f"type: {item.type or 'unknown'}").strip()


def score_candidates(items, profile, classify, decide, policy: dict, provider: str, top: int = 8) -> list[Candidate]:
    """The backlog's groups as candidate use cases, best score first (``profile``, ``classify`` and ``decide``
    are the participant's lab 1 functions). Impact: items × median days to resolve (the hours a case could save,
    in item-days); complexity: 2 × the sensitive share, +2 when the provider would refuse the group's data, +1
    when it must be redacted, +1 when fewer than half the items are described."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(_group_of(item), []).append(item)
    order = ["public", "internal", "confidential", "restricted"]
    out = []
    for name, members in groups.items():
        prof = profile(members)
        classes = [classify(i) for i in members]
        sensitive = sum(c in ("restricted", "confidential") for c in classes) / len(members)
        worst = max(classes, key=lambda c: order.index(c) if c in order else len(order))
        decision = decide(policy, provider, worst)
        described = sum(bool((i.description or "").strip()) for i in members) / len(members)
        days = prof.get("median_days_to_resolve")
        impact = len(members) * (days if days else 1.0)
        complexity = 2 * sensitive + {"refuse": 2, "redact": 1}.get(decision, 0) + (1 if described < 0.5 else 0)
        out.append(Candidate(name, len(members), days, prof.get("open", 0), round(sensitive, 2), decision,
                             round(described, 2), round(impact, 1), round(complexity, 2)))
    out.sort(key=lambda c: (-c.score, c.group))
    return out[:top]


def table(candidates: list[Candidate]) -> str:
    """The candidates as a Markdown table (the notebook shows it with ``display(Markdown(...))``)."""
    rows = ["| group | items | open | median days | sensitive | provider | described | impact | complexity | score |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for c in candidates:
        days = "–" if c.median_days is None else f"{c.median_days:g}"
        rows.append(f"| {c.group} | {c.items} | {c.open_items} | {days} | {c.sensitive_share:.0%} | "
                    f"{c.provider_decision} | {c.described_share:.0%} | {c.impact:g} | {c.complexity:g} | "
                    f"{c.score:g} |")
    return "\n".join(rows)


def check_case(case: dict, items) -> dict:
    """The choice, cleaned; raises :class:`CaseProblem` naming the first field to fix."""
    if not isinstance(case, dict):
        raise CaseProblem("MY_CASE must be a dict with the keys " + ", ".join(FIELDS) + ".")
    missing = [f for f in FIELDS if not str(case.get(f) or "").strip()]
    if missing:
        raise CaseProblem(f"write {missing[0]!r} in MY_CASE (still empty).")
    clean = {f: " ".join(str(case[f]).split())[:500] for f in FIELDS}
    for f in FIELDS:
        if any(w in clean[f] for w in EXAMPLE_WORDS):
            raise CaseProblem(f"{f!r} still holds the template's words ({clean[f][:60]!r}): write your own.")
    keys = {i.key for i in items}
    if clean["example_key"] not in keys:
        raise CaseProblem(f"example_key {clean['example_key']!r} is not a key of the backlog you scored "
                          f"({len(keys)} items): pick one item of your case from it.")
    if len(clean["baseline_method"].split()) < 4:
        raise CaseProblem("baseline_method: say in a sentence how you will measure the baseline (where the "
                          "number comes from, over which period), so the after value can be compared with it.")
    clean["backlog_items"] = len(items)
    return clean


def save_case(case: dict, items, home: str | os.PathLike | None = None) -> Path:
    """Check the choice and keep it in ``~/shiplab-case.json`` (0600, replaced atomically); the path."""
    clean = check_case(case, items)
    path = Path(home if home is not None else Path.home()) / CASE_FILE
    tmp = path.with_name(f".{CASE_FILE}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(clean, fh, indent=2, ensure_ascii=False)
    os.replace(tmp, path)
    return path


def load_case(home: str | os.PathLike | None = None) -> dict | None:
    """The case picked in lab 1, or None (not picked yet, or a file that is not one)."""
    path = Path(home if home is not None else Path.home()) / CASE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and all(f in data for f in FIELDS) else None

