"""What happened after shipping, and the next cycle, as pure functions of plain facts and an explicit ``today``.

**Adoption at 14 days** (:func:`adoption_at_14`): of the plans shipped at least 14 days ago (by the local date of
their cohort), how many answered *adopted*, how many *went back to the old way*, how many have not answered; the
share adopted is of those who answered.

**Change at 30 and 60 days after shipping** (:func:`change_after`): a plan's value *at day N after shipping* is its
reading nearest to ship date + N, within :data:`NEAR_DAYS` days either side (a later one wins a tie); a plan whose day
N has not come yet, or has no reading near it, is not counted (the figure says how many were). The change is relative
to the baseline in percent, with the same bounds as every metric change (:mod:`.rules`: no zero baseline, values
within ±1e12, at most ±10,000 %); ``toward`` signs it by the target (+: toward it), as the dashboard's other change.

**Cycles** (:func:`cycles`): per person and cohort, the plans they opened one after another. The figures: people
with a plan, plans per person (mean and most), people on a second or later cycle, and the median days from one ship
to the next (between consecutive plans of one person that both shipped; a next ship dated before the one before it,
as an older tracker could store, is left out rather than counted as negative days).

Every plan counts here, whatever its cycle: the 60-day figure alone counts first plans (:mod:`.figurebook`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from shiplab.tracker.rules import MAX_CHANGE_PCT, value_problem

NEAR_DAYS = 7
ADOPTION_DAYS = 14


class Outcome(NamedTuple):
    """One plan after shipping: what the figures here need (built from the database by :mod:`.outcome_routes`)."""

    plan_id: int
    username: str
    cohort: str
    cycle: int
    shipped_on: dt.date | None
    today: dt.date  # the cohort's local date now
    baseline: float | None
    target: float | None
    adoption: str | None  # adopted | went_back | None
    readings: tuple[tuple[dt.date, float], ...] = ()


def value_at(o: Outcome, days: int) -> float | None:
    """The reading nearest to ship date + ``days`` (within :data:`NEAR_DAYS`), once that day has come."""
    if o.shipped_on is None:
        return None
    day = o.shipped_on + dt.timedelta(days=days)
    if o.today < day:
        return None
    best = None
    for when, value in o.readings:
        gap = abs((when - day).days)
        if gap <= NEAR_DAYS and when >= o.shipped_on and (best is None or gap <= best[0]):
            best = (gap, value)
    return None if best is None else best[1]


def change_pct(baseline: float | None, value: float | None) -> float | None:
    """Relative change from ``baseline`` to ``value`` in percent, or None where the figures cannot count it."""
    if baseline is None or value is None or baseline == 0:
        return None
    if value_problem(baseline) or value_problem(value):
        return None
    pct = (value - baseline) / abs(baseline) * 100.0
    return pct if abs(pct) <= MAX_CHANGE_PCT else None


@dataclass
class Change:
    days: int
    counted: int = 0  # plans with a value at that day
    due: int = 0  # shipped plans whose day has come
    median_change_pct: float | None = None
    median_toward_target_pct: float | None = None


def change_after(outcomes: Iterable[Outcome], days: int) -> Change:
    out = Change(days)
    changes, towards = [], []
    for o in outcomes:
        if o.shipped_on is None or o.today < o.shipped_on + dt.timedelta(days=days):
            continue
        out.due += 1
        pct = change_pct(o.baseline, value_at(o, days))
        if pct is None:
            continue
        out.counted += 1
        changes.append(pct)
        if o.target is not None and o.target != o.baseline and not value_problem(o.target):
            towards.append(pct if o.target > o.baseline else -pct)
    out.median_change_pct = round(statistics.median(changes), 1) if changes else None
    out.median_toward_target_pct = round(statistics.median(towards), 1) if towards else None
    return out


@dataclass
class Adoption:
    due: int = 0  # shipped at least 14 days ago
    adopted: int = 0
    went_back: int = 0
    unanswered: int = 0
    share_adopted: float | None = None  # of those who answered


def adoption_at_14(outcomes: Iterable[Outcome]) -> Adoption:
    a = Adoption()
    for o in outcomes:
        if o.shipped_on is None or o.today < o.shipped_on + dt.timedelta(days=ADOPTION_DAYS):
            continue
        a.due += 1
        if o.adoption == "adopted":
            a.adopted += 1
        elif o.adoption == "went_back":
            a.went_back += 1
        else:
            a.unanswered += 1
    answered = a.adopted + a.went_back
    a.share_adopted = a.adopted / answered if answered else None
    return a


@dataclass
class Cycles:
    people: int = 0
    plans: int = 0
    plans_per_person: float | None = None
    most_plans: int = 0
    on_later_cycle: int = 0  # people with a second or later plan
    ship_to_next_ship: int = 0  # consecutive ship pairs counted
    median_days_ship_to_next_ship: float | None = None


def cycles(outcomes: Iterable[Outcome]) -> Cycles:
    by_person: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        by_person.setdefault((o.cohort, o.username), []).append(o)
    c = Cycles(people=len(by_person))
    gaps: list[list[int]] = []
    for plans in by_person.values():
        plans.sort(key=lambda o: o.cycle)
        c.plans += len(plans)
        c.most_plans = max(c.most_plans, len(plans))
        c.on_later_cycle += len(plans) > 1
        gaps.append([(b.shipped_on - a.shipped_on).days for a, b in zip(plans, plans[1:])
                     if a.shipped_on is not None and b.shipped_on is not None and b.shipped_on >= a.shipped_on])
        # (a stored next ship before the last is left out)
    # the median person's count, not the mean: one person opening thirty cycles does not move it (attack-35 F2)
    c.plans_per_person = statistics.median(len(p) for p in by_person.values()) if c.people else None
    c.ship_to_next_ship = sum(len(g) for g in gaps)
    # each person's own median gap, then the median of those: one person's burst of ships is one voice
    per_person = [statistics.median(g) for g in gaps if g]
    c.median_days_ship_to_next_ship = statistics.median(per_person) if per_person else None
    return c


def first_shipped(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """Each person's earliest plan that shipped: what adoption and the changes after shipping count, so that one
    person's many cycles are one voice, as in the 60-day figure (attack-34 F2)."""
    first: dict[tuple[str, str], Outcome] = {}
    for o in outcomes:
        key = (o.cohort, o.username)
        if o.shipped_on is not None and (key not in first or o.cycle < first[key].cycle):
            first[key] = o
    return list(first.values())


@dataclass
class OutcomeFigures:
    adoption: Adoption
    change_30: Change
    change_60: Change
    cycles: Cycles

    def as_dict(self) -> dict:
        return {"adoption_14": vars(self.adoption), "change_30": vars(self.change_30),
                "change_60": vars(self.change_60), "cycles": vars(self.cycles)}


def outcome_figures(outcomes: list[Outcome]) -> OutcomeFigures:
    first = first_shipped(outcomes)
    return OutcomeFigures(adoption_at_14(first), change_after(first, 30), change_after(first, 60), cycles(outcomes))
