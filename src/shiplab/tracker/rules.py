"""What the tracker counts, as pure functions of plain facts and an explicit ``now``.

**Days.** Day 0 is the workshop's last day *in the cohort's time zone*; day N is the local calendar date N days
later. An instant belongs to the local date on which it happens there: a plan shipped at 23:30 in Berlin on day 60
shipped within 60 days, even though it is already day 61 in Tokyo and still day 60 in UTC — and 00:30 on day 61 in
Berlin does not count, although UTC still says day 60. Every conversion between instants and days happens in
:func:`local_date` and :func:`due_at`; nothing else in the tracker does date arithmetic with time zones.

**Check-ins** are due on days 14, 30, 45 and 60 (from 09:00 local time). One is *outstanding* while the plan is open
and no check-in has been made since that day began; it is *overdue* three days later. A plan is *overdue* when it is
open after its planned ship date or, if it is the person's first plan of the cohort, after day 60.

**Figures** (:func:`~shiplab.tracker.figurebook.figures`, counted in :mod:`.figurebook`) for any set of plans,
overall, per cohort and per team: the share shipped within 60 days — plans killed within the 60 days are left out
of that share, because stopping a use case that does not pay is a decision, not a failure (one killed after the
window closed unshipped stays in it as a miss) —, the median days to ship, open, overdue and killed plans, blocked
plans by friction, the metric's change
from baseline to after, and the cumulative number shipped by each day 0…60.

**Plausible data** (:func:`ship_date_problem`, :func:`planned_date_problem`, :func:`value_problem`). Every write is
checked against these bounds, and the figures apply the same bounds to rows stored before the checks existed:

- a *ship date* lies between the workshop's first day and today (the cohort's local date at ``now``): nothing built
  in the workshop shipped before it began, and nothing is recorded before it is live. A ship date during a
  workshop of several days is day 0 in the figures (never a negative day);
- a *planned ship date* lies between the workshop's first day and :data:`PLANNED_YEARS` years after its last day —
  a plan is made at the workshop, and a date further out is a typo (9999-12-31, 20266-05-01);
- a *metric value* (baseline, target, after) is a finite number of at most :data:`MAX_VALUE` either way.

A plan whose ship date is outside its bounds is **left out** of the figures altogether; a metric value outside its
bounds, a zero baseline (no percentage change exists) or a change beyond :data:`MAX_CHANGE_PCT` percent (a baseline
close to zero) leaves out only the plan's metric change. :attr:`Figures.left_out` names each such plan by the reason
(:data:`LEFT_OUT`), so the dashboard says how many were left out and why.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shiplab.errors import ShiplabError
from shiplab.tracker.models import CLOSED_STATUSES, DUE_DAYS

WINDOW_DAYS = 60
REMINDER_HOUR = 9
CHECKIN_GRACE_DAYS = 3
UTC = dt.timezone.utc
PLANNED_YEARS = 5  # a planned ship date is at most this many years after the workshop's last day
MAX_VALUE = 1e12  # a metric value is finite and at most a trillion either way
MAX_CHANGE_PCT = 10_000.0  # a change from baseline to after beyond ±10,000 % (a hundredfold) is left out

# Why a plan, or its metric change, is left out of the figures (keys of Figures.left_out), in words for the dashboard.
LEFT_OUT = {
    "shipped_before_workshop": "ship date before the workshop began (plan left out)",
    "shipped_in_future": "ship date after today (plan left out)",
    "value_out_of_range": f"metric value not a finite number within ±{MAX_VALUE:,.0f} (metric change left out)",
    "zero_baseline": "baseline of zero, so no percentage change (metric change left out)",
    "change_out_of_range": f"metric change beyond ±{MAX_CHANGE_PCT:,.0f}% (metric change left out)",
}


# Facts are named tuples of plain values: cheap to make by the 10,000, and — holding nothing the garbage collector
# tracks — left out of its scans once it has looked at them (a dashboard cache holds every plan of an organisation).
class CohortFacts(NamedTuple):
    id: int
    name: str
    workshop_end: dt.date
    timezone: str = "UTC"
    workshop_start: dt.date | None = None  # None: a one-day workshop, whose first day is workshop_end


class PlanFacts(NamedTuple):
    """What the rules need to know about one ship plan (built from the database by :mod:`.service`)."""

    id: int
    username: str
    team: str
    cohort: CohortFacts
    planned_ship_date: dt.date
    status: str = "planned"
    blocker: str | None = None
    last_checkin_at: dt.datetime | None = None
    shipped_on: dt.date | None = None
    baseline: float | None = None
    target: float | None = None
    after: float | None = None
    backlog_ref: str = ""
    metric_name: str = ""
    cycle: int = 1  # the person's 1st, 2nd, … plan in the cohort: the 60-day figures count the first


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``, or a clear error naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ShiplabError(f"unknown time zone {name!r}.",
                           hint="use an IANA name such as Europe/Berlin, America/New_York or UTC.") from None


def _aware(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime (UTC) so the day is not guessed")
    return instant


def local_date(cohort: CohortFacts, instant: dt.datetime) -> dt.date:
    """The calendar date on which ``instant`` falls in the cohort's time zone."""
    return _aware(instant).astimezone(zone(cohort.timezone)).date()


@lru_cache(maxsize=1024)
def _today(cohort: CohortFacts, now: dt.datetime) -> dt.date:
    return local_date(cohort, now)


def day_number(cohort: CohortFacts, day: dt.date) -> int:
    """Day N after the workshop's last day (0 is the last day itself) for a local date."""
    return (day - cohort.workshop_end).days


def day_date(cohort: CohortFacts, n: int) -> dt.date:
    return cohort.workshop_end + dt.timedelta(days=n)


@lru_cache(maxsize=4096)
def due_at(cohort: CohortFacts, n: int) -> dt.datetime:
    """The UTC instant at which day N's check-in falls due: 09:00 local time on that day."""
    local = dt.datetime.combine(day_date(cohort, n), dt.time(REMINDER_HOUR), tzinfo=zone(cohort.timezone))
    return local.astimezone(UTC)


def day_begins(cohort: CohortFacts, n: int) -> dt.datetime:
    """The UTC instant at which local day N begins (midnight, or the first instant after a DST gap)."""
    local = dt.datetime.combine(day_date(cohort, n), dt.time(0), tzinfo=zone(cohort.timezone))
    return local.astimezone(UTC)


def first_day(cohort: CohortFacts) -> dt.date:
    """The workshop's first local day."""
    return cohort.workshop_start or cohort.workshop_end


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def ship_date_range(cohort: CohortFacts, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The plausible ship dates at ``now``: from the workshop's first day to today (local), both included."""
    return first_day(cohort), local_date(cohort, now)


def planned_date_range(cohort: CohortFacts) -> tuple[dt.date, dt.date]:
    """The plausible planned ship dates: from the workshop's first day to :data:`PLANNED_YEARS` years after its last
    day, both included."""
    return first_day(cohort), _years_after(cohort.workshop_end, PLANNED_YEARS)


def ship_date_problem(cohort: CohortFacts, day: dt.date, now: dt.datetime) -> str | None:
    """What is wrong with ``day`` as the cohort's ship date at ``now``, in a sentence (None: it is plausible)."""
    lo, hi = ship_date_range(cohort, now)
    allowed = (f"a ship date lies between the workshop's first day ({lo.isoformat()}) and today "
               f"({hi.isoformat()} in {cohort.timezone})")
    if day < lo:
        return f"{day.isoformat()} is before the workshop began; {allowed}"
    if day > hi:
        return f"{day.isoformat()} is in the future; {allowed} — record it once it is live"
    return None


def planned_date_problem(cohort: CohortFacts, day: dt.date) -> str | None:
    """What is wrong with ``day`` as the cohort's planned ship date, in a sentence (None: it is plausible)."""
    lo, hi = planned_date_range(cohort)
    if lo <= day <= hi:
        return None
    where = "before the workshop began" if day < lo else f"more than {PLANNED_YEARS} years after the workshop"
    return (f"{day.isoformat()} is {where}; a planned ship date lies between the workshop's first day "
            f"({lo.isoformat()}) and {hi.isoformat()} ({PLANNED_YEARS} years after its last day)")


def value_problem(value: float) -> str | None:
    """What is wrong with a metric value, in a sentence (None: a finite number of at most :data:`MAX_VALUE`)."""
    if math.isfinite(value) and abs(value) <= MAX_VALUE:
        return None
    return (f"{value!r} is not a plausible metric value; a metric value is a finite number from "
            f"-{MAX_VALUE:,.0f} to {MAX_VALUE:,.0f}")


def _values_plausible(plan: PlanFacts) -> bool:
    return all(v is None or value_problem(v) is None for v in (plan.baseline, plan.target, plan.after))


def _ship_left_out(plan: PlanFacts, today: dt.date) -> str | None:
    if plan.shipped_on is None:
        return None
    if plan.shipped_on < first_day(plan.cohort):
        return "shipped_before_workshop"
    if plan.shipped_on > today:
        return "shipped_in_future"
    return None


def _metric_left_out(plan: PlanFacts) -> str | None:
    if plan.after is None:
        return None
    if not _values_plausible(plan):
        return "value_out_of_range"
    if plan.baseline is None:
        return None
    if plan.baseline == 0:
        return "zero_baseline"
    if abs(plan.after - plan.baseline) / abs(plan.baseline) * 100.0 > MAX_CHANGE_PCT:
        return "change_out_of_range"
    return None


def left_out(plan: PlanFacts, now: dt.datetime) -> tuple[str, ...]:
    """Why the figures at ``now`` leave out the plan (a ship date out of bounds) or its metric change (keys of
    :data:`LEFT_OUT`); empty when everything about it counts. A plan left out is not looked at further."""
    why = _ship_left_out(plan, _today(plan.cohort, _aware(now)))
    if why:
        return (why,)
    why = _metric_left_out(plan)
    return (why,) if why else ()


def is_open(plan: PlanFacts) -> bool:
    return plan.shipped_on is None and plan.status not in CLOSED_STATUSES


def days_to_ship(plan: PlanFacts) -> int | None:
    """Days from the workshop's last day to the ship date (None while not shipped)."""
    return None if plan.shipped_on is None else day_number(plan.cohort, plan.shipped_on)


def shipped_within(plan: PlanFacts, days: int = WINDOW_DAYS, *, now: dt.datetime | None = None) -> bool:
    """Shipped by day ``days``. With ``now``, as the figures count it: a ship date out of its bounds at ``now``
    (:func:`ship_date_problem`) does not count."""
    n = days_to_ship(plan)
    if n is None or n > days:
        return False
    return now is None or _ship_left_out(plan, _today(plan.cohort, _aware(now))) is None


def checkins_due(plan: PlanFacts, now: dt.datetime) -> tuple[int, ...]:
    """The check-in days (14, 30, 45, 60) that have fallen due and are not yet answered by a check-in."""
    if not is_open(plan):
        return ()
    _aware(now)
    due = [n for n in DUE_DAYS if due_at(plan.cohort, n) <= now]
    if not due or plan.last_checkin_at is None:
        return tuple(due)
    answered = day_number(plan.cohort, local_date(plan.cohort, plan.last_checkin_at))
    return tuple(n for n in due if answered < n)


def checkin_overdue(plan: PlanFacts, now: dt.datetime) -> bool:
    """A due check-in has been outstanding for more than the grace period."""
    grace = dt.timedelta(days=CHECKIN_GRACE_DAYS)
    return any(due_at(plan.cohort, n) + grace <= now for n in checkins_due(plan, now))


def is_overdue(plan: PlanFacts, now: dt.datetime) -> bool:
    """Open after its planned ship date, or — a first plan, which the 60 days measure — after day 60."""
    if not is_open(plan):
        return False
    today = _today(plan.cohort, now)
    return today > plan.planned_ship_date or (plan.cycle == 1 and day_number(plan.cohort, today) > WINDOW_DAYS)


def metric_change_pct(plan: PlanFacts) -> float | None:
    """Relative change from baseline to after, in percent. None without both values, and where the figures leave
    the change out: a value out of bounds, a zero baseline, a change beyond :data:`MAX_CHANGE_PCT`."""
    if plan.after is None or plan.baseline is None or _metric_left_out(plan):
        return None
    return (plan.after - plan.baseline) / abs(plan.baseline) * 100.0


def change_toward_target_pct(plan: PlanFacts) -> float | None:
    """:func:`metric_change_pct` signed by the target: positive when the metric moved toward the target (a handling
    time down 40 % toward a lower target is +40), negative when away. None without a target that differs from the
    baseline, or where the change is left out."""
    change = metric_change_pct(plan)
    if change is None or plan.target is None or plan.target == plan.baseline or not _values_plausible(plan):
        return None
    return change if plan.target > plan.baseline else -change


def moved_toward_target(plan: PlanFacts) -> bool | None:
    """Whether the after value moved from the baseline toward the target (None where it cannot tell, or a value is
    out of bounds)."""
    if plan.after is None or plan.baseline is None or plan.target is None or plan.target == plan.baseline \
            or not _values_plausible(plan):
        return None
    return (plan.after - plan.baseline) * (plan.target - plan.baseline) > 0
