"""What the tracker counts, as pure functions of plain facts and an explicit ``now``.

**Days.** Day 0 is the workshop's last day *in the cohort's time zone*; day N is the local calendar date N days
later. An instant belongs to the local date on which it happens there: a plan shipped at 23:30 in Berlin on day 60
shipped within 60 days, even though it is already day 61 in Tokyo and still day 60 in UTC — and 00:30 on day 61 in
Berlin does not count, although UTC still says day 60. Every conversion between instants and days happens in
:func:`local_date` and :func:`due_at`; nothing else in the tracker does date arithmetic with time zones.

**Check-ins** are due on days 14, 30, 45 and 60 (from 09:00 local time). One is *outstanding* while the plan is open
and no check-in has been made since that day began; it is *overdue* three days later. A plan is *overdue* when it is
open after its planned ship date or after day 60.

**Figures** (:func:`figures`) for any set of plans, overall, per cohort and per team: the share shipped within 60
days — killed plans are left out of that share, because stopping a use case that does not pay is a decision, not a
failure —, the median days to ship, open, overdue and killed plans, blocked plans by friction, the metric's change
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

import bisect
import datetime as dt
import itertools
import math
import statistics
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shiplab.errors import ShiplabError
from shiplab.tracker.models import BLOCKERS, CLOSED_STATUSES, DUE_DAYS

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
    """Open after its planned ship date, or after day 60."""
    if not is_open(plan):
        return False
    today = _today(plan.cohort, now)
    return today > plan.planned_ship_date or day_number(plan.cohort, today) > WINDOW_DAYS


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


@dataclass
class GroupFigures:
    plans: int = 0
    shipped: int = 0
    shipped_within_60: int = 0
    share_within_60: float | None = None
    median_days_to_ship: float | None = None
    open: int = 0
    overdue: int = 0
    killed: int = 0
    blocked: dict[str, int] = field(default_factory=lambda: {k: 0 for k in BLOCKERS})
    with_after_value: int = 0
    moved_toward_target: int = 0
    median_change_pct: float | None = None
    median_toward_target_pct: float | None = None  # median of change_toward_target_pct: + toward, - away


@dataclass
class Figures:
    overall: GroupFigures
    by_cohort: dict[str, GroupFigures]
    by_team: dict[str, GroupFigures]
    shipped_by_day: list[int]  # cumulative plans shipped by day 0…60
    eligible: int  # plans that count in the share (not killed)
    checkin_overdue: list[int] = field(default_factory=list)  # ids of open plans with a check-in overdue
    # reason (a key of LEFT_OUT) → ids of the plans it left out, or whose metric change it left out; every key present
    left_out: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in LEFT_OUT})

    def as_dict(self) -> dict:
        """Plain data for JSON (by hand: :func:`dataclasses.asdict` deep-copies and is slow for 200 teams)."""
        def g(x: GroupFigures) -> dict:
            return {**vars(x), "blocked": dict(x.blocked)}

        return {"overall": g(self.overall), "by_cohort": {k: g(v) for k, v in self.by_cohort.items()},
                "by_team": {k: g(v) for k, v in self.by_team.items()}, "shipped_by_day": list(self.shipped_by_day),
                "eligible": self.eligible, "checkin_overdue": list(self.checkin_overdue),
                "left_out": {k: list(v) for k, v in self.left_out.items()}}


class _Derived(NamedTuple):
    """What the figures need from one plan, worked out once (a plan counts overall, in its cohort and its team)."""

    days: int | None
    killed: bool
    overdue: bool
    blocker: str | None
    change_pct: float | None
    has_after: bool
    toward: bool
    toward_pct: float | None = None


@dataclass(frozen=True)
class _CohortNow:
    """The cohort's side of every rule at ``now``, worked out once per cohort instead of once per plan."""

    today: date
    past_window: bool
    grace_passed: tuple[int, ...]  # due days whose check-in is overdue if still unanswered

    @classmethod
    def of(cls, cohort: CohortFacts, now: dt.datetime) -> "_CohortNow":
        today = local_date(cohort, now)
        grace = dt.timedelta(days=CHECKIN_GRACE_DAYS)
        return cls(today, day_number(cohort, today) > WINDOW_DAYS,
                   tuple(n for n in DUE_DAYS if due_at(cohort, n) + grace <= now))


def _derive(p: PlanFacts, c: _CohortNow) -> tuple[_Derived | None, bool, str | None]:
    """The plan's figures (None: the plan is left out), whether a check-in is overdue, and why the plan or its metric
    change is left out (None: nothing is) — the same answers as :func:`is_overdue`, :func:`checkin_overdue` and
    :func:`left_out` (a property test holds them together), without per-plan time zone work."""
    why = _ship_left_out(p, c.today)
    if why:
        return None, False, why
    why = _metric_left_out(p)
    # a ship date during a workshop of several days is day 0: no negative days in medians or the curve
    n = None if p.shipped_on is None else max((p.shipped_on - p.cohort.workshop_end).days, 0)
    killed = n is None and p.status == "killed"
    open_ = n is None and p.status not in CLOSED_STATUSES
    late_checkin = False
    if open_ and c.grace_passed:
        answered = -10**6 if p.last_checkin_at is None else day_number(p.cohort, local_date(p.cohort,
                                                                                             p.last_checkin_at))
        late_checkin = any(answered < d for d in c.grace_passed)
    return _Derived(n, killed, open_ and (c.today > p.planned_ship_date or c.past_window),
                    p.blocker if open_ and p.status == "blocked" else None,
                    metric_change_pct(p), p.after is not None and why != "value_out_of_range",
                    bool(moved_toward_target(p)), change_toward_target_pct(p)), late_checkin, why


def _group(items: list[_Derived]) -> GroupFigures:
    g = GroupFigures(plans=len(items))
    days: list[int] = []
    changes: list[float] = []
    towards: list[float] = []
    for d in items:
        if d.days is not None:
            g.shipped += 1
            days.append(d.days)
            g.shipped_within_60 += d.days <= WINDOW_DAYS
        elif d.killed:
            g.killed += 1
        else:
            g.open += 1
            g.overdue += d.overdue
            if d.blocker in g.blocked:
                g.blocked[d.blocker] += 1
        if d.change_pct is not None:
            changes.append(d.change_pct)
        if d.toward_pct is not None:
            towards.append(d.toward_pct)
        g.with_after_value += d.has_after
        g.moved_toward_target += d.toward
    eligible = g.plans - g.killed
    g.share_within_60 = g.shipped_within_60 / eligible if eligible else None
    g.median_days_to_ship = statistics.median(days) if days else None
    g.median_change_pct = round(statistics.median(changes), 1) if changes else None
    g.median_toward_target_pct = round(statistics.median(towards), 1) if towards else None
    return g


def stable_until(cohorts: Iterable[CohortFacts], now: dt.datetime) -> dt.datetime:
    """The first instant after ``now`` at which a figure could change with no plan changing: a check-in falling
    due or overdue, or a new local day in one of ``cohorts``. Figures computed at ``now`` hold until then.

    The next local day begins at local midnight; where a daylight-saving jump skips or repeats midnight, zoneinfo
    maps it to the instant the date actually changes (fold=0), so the day change is never missed."""
    horizon = now + dt.timedelta(hours=6)
    grace = dt.timedelta(days=CHECKIN_GRACE_DAYS)
    for c in set(cohorts):
        tomorrow = dt.datetime.combine(local_date(c, now) + dt.timedelta(days=1), dt.time(0), tzinfo=zone(c.timezone))
        horizon = min(horizon, tomorrow.astimezone(UTC))
        for n in DUE_DAYS:
            for t in (due_at(c, n), due_at(c, n) + grace):
                if now < t < horizon:
                    horizon = t
    return max(horizon, now)


def figures(plans: Iterable[PlanFacts], now: dt.datetime) -> Figures:
    """Figures for ``plans`` as of ``now``: overall, per cohort (by name) and per team."""
    _aware(now)
    everything: list[_Derived] = []
    by_cohort: dict[str, list[_Derived]] = {}
    by_team: dict[str, list[_Derived]] = {}
    curve = [0] * (WINDOW_DAYS + 1)
    contexts: dict[CohortFacts, _CohortNow] = {}
    late: list[int] = []
    left: dict[str, list[int]] = {k: [] for k in LEFT_OUT}
    for p in plans:
        c = contexts.get(p.cohort) or contexts.setdefault(p.cohort, _CohortNow.of(p.cohort, now))
        d, late_checkin, why = _derive(p, c)
        if why:
            left[why].append(p.id)
        if d is None:
            continue
        if late_checkin:
            late.append(p.id)
        everything.append(d)
        by_cohort.setdefault(p.cohort.name, []).append(d)
        by_team.setdefault(p.team or "(no team)", []).append(d)
        if d.days is not None and d.days <= WINDOW_DAYS:
            curve[d.days] += 1
    for day in range(1, len(curve)):
        curve[day] += curve[day - 1]
    overall = _group(everything)
    return Figures(overall=overall,
                   by_cohort={k: _group(v) for k, v in sorted(by_cohort.items())},
                   by_team={k: _group(v) for k, v in sorted(by_team.items())},
                   shipped_by_day=curve, eligible=overall.plans - overall.killed, checkin_overdue=late,
                   left_out={k: sorted(v) for k, v in left.items()})


class _Tally:
    """One group's figures kept current as plans come and go: counters, and sorted lists for the medians.

    The same arithmetic as :func:`_group`, one plan at a time (a property test holds the two together)."""

    __slots__ = ("plans", "shipped", "within", "killed", "open", "overdue", "blocked", "with_after", "toward",
                 "days", "changes", "towards")

    def __init__(self):
        self.plans = self.shipped = self.within = self.killed = self.open = self.overdue = 0
        self.with_after = self.toward = 0
        self.blocked = {k: 0 for k in BLOCKERS}
        self.days: list[int] = []
        self.changes: list[float] = []
        self.towards: list[float] = []

    def add(self, d: _Derived, sign: int = 1, keep_sorted: bool = True) -> None:
        self.plans += sign
        if d.days is not None:
            self.shipped += sign
            self.within += sign * (d.days <= WINDOW_DAYS)
            _place(self.days, d.days, sign, keep_sorted)
        elif d.killed:
            self.killed += sign
        else:
            self.open += sign
            self.overdue += sign * d.overdue
            if d.blocker in self.blocked:
                self.blocked[d.blocker] += sign
        if d.change_pct is not None:
            _place(self.changes, d.change_pct, sign, keep_sorted)
        if d.toward_pct is not None:
            _place(self.towards, d.toward_pct, sign, keep_sorted)
        self.with_after += sign * d.has_after
        self.toward += sign * d.toward

    def figures(self) -> GroupFigures:
        eligible = self.plans - self.killed
        return GroupFigures(
            plans=self.plans, shipped=self.shipped, shipped_within_60=self.within,
            share_within_60=self.within / eligible if eligible else None,
            median_days_to_ship=statistics.median(self.days) if self.days else None,
            open=self.open, overdue=self.overdue, killed=self.killed, blocked=dict(self.blocked),
            with_after_value=self.with_after, moved_toward_target=self.toward,
            median_change_pct=round(statistics.median(self.changes), 1) if self.changes else None,
            median_toward_target_pct=round(statistics.median(self.towards), 1) if self.towards else None)


def _place(values: list, value, sign: int, keep_sorted: bool) -> None:
    if sign > 0:
        if keep_sorted:
            bisect.insort(values, value)
        else:
            values.append(value)
    else:
        del values[bisect.bisect_left(values, value)]


class FigureBook:
    """:func:`figures` for a set of plans at ``now``, kept current as plans change without recounting the others.

    A dashboard over a whole organisation counts 10,000s of plans, and every check-in changes one of them. The book
    remembers what each plan contributes to the overall, cohort and team figures; :meth:`update` takes a changed
    plan's old contribution out and puts the new one in (counters, and sorted lists for the medians), so a write
    costs microseconds instead of a recount. The figures are those at ``at`` and stay exact while nothing but plans
    changes, until :attr:`until` (:func:`stable_until`: a new local day or a check-in falling due or overdue in one
    of its cohorts); :meth:`valid_at` tells whether the book may answer for an instant.
    """

    def __init__(self, plans: Iterable[PlanFacts], now: dt.datetime):
        self.at = _aware(now)
        self.until: dt.datetime | None = None
        self._contexts: dict[CohortFacts, _CohortNow] = {}
        self._rows: dict[int, tuple[_Derived | None, bool, str, str, str | None]] = {}
        self._overall = _Tally()
        self._cohorts: dict[str, _Tally] = {}
        self._teams: dict[str, _Tally] = {}
        self._shipped_on_day = [0] * (WINDOW_DAYS + 1)
        self._late: set[int] = set()
        self._left_out: dict[str, set[int]] = {k: set() for k in LEFT_OUT}
        self._figures: Figures | None = None
        for p in plans:
            self._put(p, keep_sorted=False)
        for tally in (self._overall, *self._cohorts.values(), *self._teams.values()):
            tally.days.sort()
            tally.changes.sort()
            tally.towards.sort()
        self.until = stable_until(self._contexts, self.at)

    def valid_at(self, now: dt.datetime) -> bool:
        return self.at <= now < self.until

    def update(self, plans: Iterable[PlanFacts]) -> None:
        """Plans that are new or changed (same id: the old version is replaced)."""
        for p in plans:
            self._put(p)
        self._figures = None

    def figures(self) -> Figures:
        if self._figures is None:
            curve = list(itertools.accumulate(self._shipped_on_day))
            overall = self._overall.figures()
            self._figures = Figures(overall=overall,
                                    by_cohort={k: v.figures() for k, v in sorted(self._cohorts.items())},
                                    by_team={k: v.figures() for k, v in sorted(self._teams.items())},
                                    shipped_by_day=curve, eligible=overall.plans - overall.killed,
                                    checkin_overdue=sorted(self._late),
                                    left_out={k: sorted(v) for k, v in self._left_out.items()})
        return self._figures

    def _context(self, cohort: CohortFacts) -> _CohortNow:
        c = self._contexts.get(cohort)
        if c is None:
            c = self._contexts[cohort] = _CohortNow.of(cohort, self.at)
            if self.until is not None:  # a cohort new to the book may change sooner than the others
                self.until = min(self.until, stable_until([cohort], self.at))
        return c

    def _put(self, p: PlanFacts, keep_sorted: bool = True) -> None:
        old = self._rows.pop(p.id, None)
        if old is not None:
            self._apply(p.id, old, -1, True)
        d, late, why = _derive(p, self._context(p.cohort))
        row = (d, late, p.cohort.name, p.team or "(no team)", why)
        self._rows[p.id] = row
        self._apply(p.id, row, 1, keep_sorted)

    def _apply(self, plan_id: int, row: tuple[_Derived | None, bool, str, str, str | None], sign: int,
               keep_sorted: bool) -> None:
        d, late, cohort, team, why = row
        if why:
            (self._left_out[why].add if sign > 0 else self._left_out[why].discard)(plan_id)
        if d is None:
            return
        self._overall.add(d, sign, keep_sorted)
        for groups, name in ((self._cohorts, cohort), (self._teams, team)):
            tally = groups.get(name) or groups.setdefault(name, _Tally())
            tally.add(d, sign, keep_sorted)
            if not tally.plans:
                del groups[name]
        if d.days is not None and d.days <= WINDOW_DAYS:
            self._shipped_on_day[d.days] += sign
        if late and sign > 0:
            self._late.add(plan_id)
        elif late:
            self._late.discard(plan_id)
