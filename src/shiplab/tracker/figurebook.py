"""The figures of a set of plans at ``now`` (:func:`figures`), and a :class:`FigureBook` that keeps them current.

What each figure means is defined in :mod:`.rules` (days, check-ins, plausible data, what is left out); this module
only counts: overall, per cohort and per team — the share shipped within 60 days (plans killed within them left out of it), the
median days to ship, open, overdue and killed plans, blocked plans by friction, the metric's change from baseline to
after, and the cumulative number shipped by each day 0…60. Split from :mod:`.rules` (which re-exports these names) so
that no module is over 500 lines.

**Cycles.** A person may open a next plan after a plan ships or is killed (:mod:`.cycles`). The figures here — the
60-day measure — count each person's *first* plan of a cohort (``PlanFacts.cycle == 1``) and leave later cycles to
:mod:`.cycles`' own figures.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, NamedTuple

from shiplab.tracker.models import BLOCKERS, CLOSED_STATUSES, DUE_DAYS
from shiplab.tracker.rules import (CHECKIN_GRACE_DAYS, LEFT_OUT, UTC, WINDOW_DAYS, CohortFacts, PlanFacts, _aware,
                                   _metric_left_out, _ship_left_out, change_toward_target_pct, day_number, due_at,
                                   local_date, metric_change_pct, moved_toward_target, zone)

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
    killed_after_60: int = 0  # of the killed: killed after the window closed unshipped, so counted as misses
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
    eligible: int  # plans that count in the share (not killed within the 60 days)
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
    late_kill: bool = False  # killed after the 60 days, unshipped: in the share, as a miss


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
    # a plan killed within the 60 days leaves the share (stopping what does not pay is a decision); one killed
    # after the window had closed unshipped stays in it as a miss — else a kill on day 75 rewrites the cohort
    late_kill = killed and p.last_checkin_at is not None and day_number(
        p.cohort, local_date(p.cohort, p.last_checkin_at)) > WINDOW_DAYS
    open_ = n is None and p.status not in CLOSED_STATUSES
    late_checkin = False
    if open_ and c.grace_passed:
        answered = -10**6 if p.last_checkin_at is None else day_number(p.cohort, local_date(p.cohort,
                                                                                             p.last_checkin_at))
        late_checkin = any(answered < d for d in c.grace_passed)
    if p.cycle > 1:  # a later cycle: its check-ins are watched, but the 60-day figures count the first plan
        return None, late_checkin, why
    return _Derived(n, killed, open_ and (c.today > p.planned_ship_date or c.past_window),
                    p.blocker if open_ and p.status == "blocked" else None,
                    metric_change_pct(p), p.after is not None and why != "value_out_of_range",
                    bool(moved_toward_target(p)), change_toward_target_pct(p), late_kill), late_checkin, why


def _group(items: list[_Derived]) -> GroupFigures:
    g = GroupFigures(plans=len(items))
    days: list[int] = []
    changes: list[float] = []
    towards: list[float] = []
    late_kills = 0
    for d in items:
        if d.days is not None:
            g.shipped += 1
            days.append(d.days)
            g.shipped_within_60 += d.days <= WINDOW_DAYS
        elif d.killed:
            g.killed += 1
            late_kills += d.late_kill
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
    g.killed_after_60 = late_kills
    eligible = g.plans - g.killed + late_kills
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
        if late_checkin:
            late.append(p.id)
        if d is None:
            continue
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
                   shipped_by_day=curve, eligible=overall.plans - overall.killed + overall.killed_after_60,
                   checkin_overdue=late,
                   left_out={k: sorted(v) for k, v in left.items()})


class _Tally:
    """One group's figures kept current as plans come and go: counters, and sorted lists for the medians.

    The same arithmetic as :func:`_group`, one plan at a time (a property test holds the two together)."""

    __slots__ = ("plans", "shipped", "within", "killed", "open", "overdue", "blocked", "with_after", "toward",
                 "days", "changes", "towards", "late_kills")

    def __init__(self):
        self.plans = self.shipped = self.within = self.killed = self.open = self.overdue = 0
        self.with_after = self.toward = self.late_kills = 0
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
            self.late_kills += sign * d.late_kill
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
        eligible = self.plans - self.killed + self.late_kills
        return GroupFigures(
            plans=self.plans, shipped=self.shipped, shipped_within_60=self.within,
            share_within_60=self.within / eligible if eligible else None,
            median_days_to_ship=statistics.median(self.days) if self.days else None,
            open=self.open, overdue=self.overdue, killed=self.killed, killed_after_60=self.late_kills,
            blocked=dict(self.blocked),
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
                                    shipped_by_day=curve,
                                    eligible=overall.plans - overall.killed + overall.killed_after_60,
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
        if late and sign > 0:
            self._late.add(plan_id)
        elif late:
            self._late.discard(plan_id)
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
