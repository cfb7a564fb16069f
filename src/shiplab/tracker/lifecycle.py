"""A plan's life after it closes, the same for every way of reporting it (attack-21): the participant's own
report, the deployment webhook and an edit of the plan.

- a plan followed by the person's next cycle is closed for good: it neither ships (self-reported or verified) nor
  gets a webhook secret;
- a ship date is never before the person's previous cycle closed, whichever way it is reported, nor (for a
  self-report) before the production deployment that verified the plan;
- a killed plan is closed: it takes no check-in that would reopen it, no self-reported ship and no verification;
- once a plan has shipped or been killed, what its figures are measured against — the metric and its unit, the
  baseline, how it was measured, the target and the planned date — no longer changes.

A first plan may ship before the day it was written (the workshop's first day is the bound): a participant may file
it after shipping. A next cycle may not (attack-31 F2): it is opened after the one before it closed, so it ships on
or after the day it was opened — else one person could open cycle after cycle, each back-dated to the workshop and
"14 days after shipping" at once, and outvote everyone in the after-shipping figures; the same rule keeps one
old deployment from verifying each new cycle in turn (attack-31 F1).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from shiplab.tracker import rules
from shiplab.tracker.errors import TrackerError
from shiplab.tracker.models import Cohort, ShipPlan

FROZEN = ("metric_name", "unit", "baseline_value", "baseline_method", "target_value", "planned_ship_date")


def successor(session: Session, plan: ShipPlan) -> int | None:
    """The id of the person's next plan in the same cohort, if they opened one."""
    return session.scalar(select(ShipPlan.id).where(ShipPlan.cohort_id == plan.cohort_id,
                                                    ShipPlan.person_id == plan.person_id,
                                                    ShipPlan.cycle > plan.cycle).order_by(ShipPlan.cycle).limit(1))


def closed_for_good(session: Session, plan: ShipPlan) -> str | None:
    """Why ``plan`` can no longer ship (None: it can): a next cycle followed it, or it was killed."""
    later = successor(session, plan)
    if later is not None:
        return f"plan {plan.id} was followed by your next plan ({later}); it is closed and cannot ship"
    if plan.status == "killed":
        return f"plan {plan.id} was killed, which closes it; it cannot ship"
    return None


def refuse_if_closed(session: Session, plan: ShipPlan, action: str = "report shipping") -> None:
    """A 409 when ``plan`` is closed for good — followed by a next cycle (``next_cycle_open``, naming it) or
    killed (``plan_closed``: reopening or shipping it would rewrite the share, attack-35) — for ``action``."""
    later = successor(session, plan)
    if later is not None:
        raise TrackerError(409, "next_cycle_open", f"this plan was followed by your next plan ({later}); "
                                                   f"{action} on that one.")
    if plan.status == "killed":
        raise TrackerError(409, "plan_closed", "this plan was killed, which closes it; open your next plan for what "
                                               "comes next (its lesson stays on this one).")


def ship_day_problem(session: Session, plan: ShipPlan, day: dt.date, facts: rules.CohortFacts,
                     previous_closed: dt.date | None) -> str | None:
    """What is wrong with ``day`` as the plan's ship date, in a sentence (None: nothing): before the previous cycle
    closed (``previous_closed``), or, for a next cycle, before the day it was opened (a first plan may be written
    down after its ship, see the module's note)."""
    if previous_closed is not None and day < previous_closed:
        return (f"{day.isoformat()} is before your previous plan closed ({previous_closed.isoformat()}); a next "
                "cycle ships after the one before it")
    if plan.cycle > 1 and plan.created_at is not None:
        opened = rules.local_date(facts, plan.created_at)
        if day < opened:
            return (f"{day.isoformat()} is before this plan was opened ({opened.isoformat()}); a next cycle ships "
                    "on or after the day it was opened")
    return None


def is_closed(plan: ShipPlan) -> bool:
    return plan.shipped is not None or plan.verified is not None or plan.status in rules.CLOSED_STATUSES


def frozen_changes(plan: ShipPlan, fields: dict) -> list[str]:
    """The measured fields an edit would change on a plan that has shipped or been killed."""
    if not is_closed(plan):
        return []
    return [k for k in FROZEN if k in fields and fields[k] != getattr(plan, k)]


def cohort_facts(c: Cohort) -> rules.CohortFacts:
    return rules.CohortFacts(c.id, c.name, c.workshop_end, c.timezone, c.workshop_start)


def previous_closed_on(session: Session, plan: ShipPlan) -> dt.date | None:
    """The local date the person's previous cycle closed: its ship date, else its last check-in (a kill)."""
    prev = session.scalar(select(ShipPlan).where(ShipPlan.cohort_id == plan.cohort_id,
                                                 ShipPlan.person_id == plan.person_id,
                                                 ShipPlan.cycle == plan.cycle - 1))
    if prev is None:
        return None
    facts = cohort_facts(prev.cohort)
    days = [prev.shipped.shipped_on] if prev.shipped else []
    if prev.verified:
        days.append(rules.local_date(facts, prev.verified.verified_at))
    if not days and prev.last_checkin_at:
        days.append(rules.local_date(facts, prev.last_checkin_at))
    return min(days) if days else None
