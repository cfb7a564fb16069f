"""The rules: days in the cohort's time zone, due check-ins, overdue plans and the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shiplab.errors import ShiplabError
from shiplab.tracker import figurebook, rules
from shiplab.tracker.rules import CohortFacts, PlanFacts

UTC = dt.timezone.utc
BERLIN = CohortFacts(1, "spring", dt.date(2026, 3, 27), "Europe/Berlin")  # DST starts Sunday 2026-03-29
LA = CohortFacts(2, "west", dt.date(2026, 3, 6), "America/Los_Angeles")


def plan(cohort=BERLIN, **kw) -> PlanFacts:
    base = dict(id=1, username="anna", team="claims", cohort=cohort, planned_ship_date=dt.date(2026, 5, 15))
    return PlanFacts(**{**base, **kw})


def berlin(y, m, d, h, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=rules.zone("Europe/Berlin")).astimezone(UTC)


def test_day_60_at_2330_berlin_counts_and_0030_day_61_does_not():
    """Does a release at 23:30 Berlin time on day 60 count, and one at 00:30 on day 61 not — though UTC says day 60?"""
    day60 = rules.day_date(BERLIN, 60)
    assert day60 == dt.date(2026, 5, 26)
    late = berlin(2026, 5, 26, 23, 30)
    after = berlin(2026, 5, 27, 0, 30)
    assert late.date() == after.date() == day60  # both still 26 May in UTC (21:30 and 22:30)
    p_late = plan(shipped_on=rules.local_date(BERLIN, late))
    p_after = plan(shipped_on=rules.local_date(BERLIN, after))
    assert rules.days_to_ship(p_late) == 60 and rules.shipped_within(p_late)
    assert rules.days_to_ship(p_after) == 61 and not rules.shipped_within(p_after)


def test_west_of_utc_the_local_date_is_the_day_before():
    """Is 06:30 UTC on 5 May still 4 May in Los Angeles (day 59 there, day 60 in UTC)?"""
    instant = dt.datetime(2026, 5, 5, 6, 30, tzinfo=UTC)
    assert rules.local_date(LA, instant) == dt.date(2026, 5, 4)
    assert rules.day_number(LA, rules.local_date(LA, instant)) == 59


def test_due_times_follow_daylight_saving():
    """Is each check-in due at 09:00 local, whether Berlin is on winter (UTC+1) or summer (UTC+2) time?"""
    assert rules.due_at(BERLIN, 0) == dt.datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
    assert rules.due_at(BERLIN, 14) == dt.datetime(2026, 4, 10, 7, 0, tzinfo=UTC)
    # day 2 is the DST day itself: 00:00 local exists, 09:00 local is 07:00 UTC
    assert rules.day_begins(BERLIN, 2) == dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert rules.due_at(BERLIN, 2) == dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def test_checkins_fall_due_and_a_late_checkin_answers_earlier_days():
    """Do days 14 and 30 fall due at 09:00 local, and does one check-in on day 31 answer both?"""
    p = plan()
    assert rules.checkins_due(p, berlin(2026, 4, 10, 8, 59)) == ()
    assert rules.checkins_due(p, berlin(2026, 4, 10, 9, 0)) == (14,)
    day30 = berlin(2026, 4, 26, 10)
    assert rules.checkins_due(p, day30) == (14, 30)
    answered = plan(last_checkin_at=berlin(2026, 4, 27, 9))  # day 31
    assert rules.checkins_due(answered, day30 + dt.timedelta(days=1)) == ()
    assert rules.checkins_due(answered, berlin(2026, 5, 11, 9)) == (45,)


def test_a_checkin_late_in_the_evening_counts_for_that_local_day():
    """Does a check-in at 23:50 Berlin time on day 13 stay a day-13 check-in, so day 14 is still owed?"""
    p = plan(last_checkin_at=berlin(2026, 4, 9, 23, 50))
    assert rules.local_date(BERLIN, p.last_checkin_at) == dt.date(2026, 4, 9)
    assert rules.checkins_due(p, berlin(2026, 4, 10, 9)) == (14,)


def test_closed_plans_owe_nothing_and_are_never_overdue():
    """Do shipped and killed plans owe no check-in and never count as overdue?"""
    late = berlin(2026, 7, 1, 12)
    for p in (plan(status="killed"), plan(status="shipped", shipped_on=dt.date(2026, 4, 2))):
        assert rules.checkins_due(p, late) == ()
        assert not rules.is_overdue(p, late)
        assert not rules.checkin_overdue(p, late)


def test_overdue_after_the_planned_date_or_day_60():
    """Is an open plan overdue the local day after its planned date, and after day 60 whatever it planned?"""
    p = plan(planned_ship_date=dt.date(2026, 4, 20))
    assert not rules.is_overdue(p, berlin(2026, 4, 20, 23, 59))
    assert rules.is_overdue(p, berlin(2026, 4, 21, 0, 1))
    far = plan(planned_ship_date=dt.date(2026, 9, 1))
    assert not rules.is_overdue(far, berlin(2026, 5, 26, 23))
    assert rules.is_overdue(far, berlin(2026, 5, 27, 1))


def test_checkin_overdue_after_three_days_grace():
    """Is a due check-in flagged only after three days without one?"""
    p = plan()
    assert not rules.checkin_overdue(p, berlin(2026, 4, 13, 8))
    assert rules.checkin_overdue(p, berlin(2026, 4, 13, 9, 1))


def test_figures_leave_killed_plans_out_of_the_share():
    """Do the figures count shipped-within-60 over non-killed plans, with medians, blockers and the curve?"""
    now = berlin(2026, 6, 15, 12)
    other = CohortFacts(3, "summer", dt.date(2026, 5, 1), "UTC")
    plans = [
        plan(id=1, shipped_on=dt.date(2026, 4, 6), after=24.0, baseline=30.0, target=20.0),  # day 10
        plan(id=2, shipped_on=dt.date(2026, 5, 6), after=33.0, baseline=30.0, target=20.0),  # day 40
        plan(id=3, shipped_on=dt.date(2026, 6, 5)),  # day 70: shipped, but late
        plan(id=4, status="killed"),
        plan(id=5, team="portal", status="blocked", blocker="tool_sprawl", planned_ship_date=dt.date(2026, 7, 1)),
        plan(id=6, team="portal", status="building", planned_ship_date=dt.date(2026, 5, 1)),
        plan(id=7, team="portal", cohort=other, status="blocked", blocker="no_measurement",
             planned_ship_date=dt.date(2026, 6, 30)),
    ]
    f = figurebook.figures(plans, now)
    o = f.overall
    assert (o.plans, o.shipped, o.shipped_within_60, o.killed, o.open) == (7, 3, 2, 1, 3)
    assert o.share_within_60 == pytest.approx(2 / 6)
    assert o.median_days_to_ship == 40
    assert o.blocked["tool_sprawl"] == 1 and o.blocked["no_measurement"] == 1 and o.blocked["skills_gap"] == 0
    assert o.overdue == 2  # plan 5 (past day 60) and 6 (past its date); plan 7's cohort is still inside its window
    assert (o.with_after_value, o.moved_toward_target) == (2, 1)
    assert o.median_change_pct == pytest.approx((-20.0 + 10.0) / 2)
    assert f.by_team["claims"].share_within_60 == pytest.approx(2 / 3)
    assert f.by_team["portal"].share_within_60 == 0
    assert set(f.by_cohort) == {"spring", "summer"}
    assert f.shipped_by_day[9] == 0 and f.shipped_by_day[10] == 1 and f.shipped_by_day[40] == 2
    assert f.shipped_by_day[60] == 2 and len(f.shipped_by_day) == 61
    assert f.eligible == 6


def test_figures_of_nothing_are_empty_not_zero_division():
    """Do figures for no plans give empty values rather than a division by zero?"""
    f = figurebook.figures([], dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert f.overall.plans == 0 and f.overall.share_within_60 is None and f.overall.median_days_to_ship is None


def test_unknown_time_zone_and_naive_datetimes_are_refused():
    """Is a misspelt time zone named in the error, and a naive datetime refused instead of guessed?"""
    with pytest.raises(ShiplabError, match="Europe/Berlinn"):
        rules.local_date(CohortFacts(9, "x", dt.date(2026, 1, 1), "Europe/Berlinn"), dt.datetime.now(UTC))
    with pytest.raises(ValueError, match="naive"):
        rules.local_date(BERLIN, dt.datetime(2026, 5, 1, 12))


ZONES = ("Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo", "Pacific/Chatham", "America/Santiago", "UTC")


@st.composite
def plan_sets(draw):
    cohorts = [CohortFacts(i, f"c{i}", dt.date(2026, 3, 1) + dt.timedelta(days=draw(st.integers(0, 60))),
                           draw(st.sampled_from(ZONES))) for i in range(draw(st.integers(1, 3)))]
    plans = []
    for i in range(draw(st.integers(0, 25))):
        c = draw(st.sampled_from(cohorts))
        status = draw(st.sampled_from(["planned", "building", "in_review", "blocked", "killed", "shipped"]))
        shipped = c.workshop_end + dt.timedelta(days=draw(st.integers(-2, 90))) if status == "shipped" else None
        last = draw(st.none() | st.builds(lambda d, h: d * 24 * 60 + h * 60, st.sampled_from([13, 14, 15, 30, 44, 45,
                                                                                            60, 61, 70]),
                                          st.integers(0, 23)))
        plans.append(PlanFacts(
            i, "u", draw(st.sampled_from(["a", "b", ""])), c,
            c.workshop_end + dt.timedelta(days=draw(st.integers(0, 80))), status,
            draw(st.sampled_from(["ownership", "skills_gap"])) if status == "blocked" else None,
            None if last is None else dt.datetime.combine(c.workshop_end, dt.time(0), tzinfo=UTC)
            + dt.timedelta(minutes=last), shipped))
    return plans


@settings(max_examples=150, deadline=None)
@given(plan_sets(), st.integers(0, 110 * 24).map(lambda h: h * 60))
def test_figures_agree_with_the_one_plan_rules(plans, minutes):
    """Do the figures' fast per-cohort arithmetic and the one-plan rules (is_overdue, checkin_overdue,
    shipped_within and left_out at `now`: a ship date after today does not count) always give the same answers,
    in any time zone at any minute?"""
    now = dt.datetime(2026, 3, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
    f = figurebook.figures(plans, now)
    assert f.overall.overdue == sum(rules.is_overdue(p, now) for p in plans)
    assert set(f.checkin_overdue) == {p.id for p in plans if rules.checkin_overdue(p, now)}
    assert f.overall.shipped_within_60 == sum(rules.shipped_within(p, now=now) for p in plans)
    assert {i for ids in f.left_out.values() for i in ids} == {p.id for p in plans if rules.left_out(p, now)}
    assert f.overall.open == sum(rules.is_open(p) for p in plans)


@settings(max_examples=100, deadline=None)
@given(plan_sets(), st.integers(0, 110 * 24).map(lambda h: h * 60), st.integers(0, 600))
def test_figures_hold_until_stable_until(plans, minutes, later):
    """Are figures computed at `now` exactly those computed at any later instant before `stable_until`?"""
    now = dt.datetime(2026, 3, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
    until = figurebook.stable_until({p.cohort for p in plans}, now)
    assert until > now or not plans
    t = min(now + dt.timedelta(minutes=later), until - dt.timedelta(microseconds=1))
    if t >= now:
        assert figurebook.figures(plans, t) == figurebook.figures(plans, now)
