"""CSV export of ship plans that is safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel and
LibreOffice (CSV injection); such cells get a leading apostrophe, which spreadsheets show as text. Numbers are
written as numbers, so a negative baseline stays a number. The rows are what is stored; ``shipped_within_60_days``
and ``change_pct`` are what the figures count (:func:`shiplab.tracker.rules.left_out`): empty or "no" where the
figures leave the plan or its change out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from shiplab.tracker import rules
from shiplab.web.sheets import safe_cell

COLUMNS = ("plan_id", "username", "team", "cohort", "backlog_ref", "metric", "status", "blocker", "planned_ship_date",
           "shipped_on",
           "days_to_ship", "shipped_within_60_days", "overdue", "baseline", "target", "after", "change_pct")


def plans_csv(plans: list[rules.PlanFacts], now: dt.datetime) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for p in plans:
        pct = rules.metric_change_pct(p)
        w.writerow([safe_cell(v) for v in (
            p.id, p.username, p.team, p.cohort.name, p.backlog_ref, p.metric_name, p.status, p.blocker,
            p.planned_ship_date.isoformat(),
            p.shipped_on.isoformat() if p.shipped_on else None, rules.days_to_ship(p),
            rules.shipped_within(p, now=now),
            rules.is_overdue(p, now), p.baseline, p.target, p.after, None if pct is None else round(pct, 1))])
    return out.getvalue()
