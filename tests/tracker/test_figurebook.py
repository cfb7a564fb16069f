"""The figure book: figures kept current plan by plan must equal figures counted afresh, always."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from shiplab.tracker import figurebook
from shiplab.tracker.rules import CohortFacts, PlanFacts

UTC = dt.timezone.utc
ZONES = ("Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo", "Pacific/Chatham", "UTC")
COHORTS = [CohortFacts(i, f"c{i}", dt.date(2026, 3, 1) + dt.timedelta(days=9 * i), ZONES[i % len(ZONES)])
           for i in range(4)]


@st.composite
def plan_facts(draw, plan_id: int) -> PlanFacts:
    c = draw(st.sampled_from(COHORTS))
    status = draw(st.sampled_from(["planned", "building", "in_review", "blocked", "killed", "shipped"]))
    shipped = c.workshop_end + dt.timedelta(days=draw(st.integers(-2, 90))) if status == "shipped" else None
    last = draw(st.none() | st.integers(0, 90 * 24).map(
        lambda h: dt.datetime.combine(c.workshop_end, dt.time(0), tzinfo=UTC) + dt.timedelta(hours=h)))
    values = st.none() | st.sampled_from([0.0, 5.0, 12.5, 20.0, 30.0, 31.5])
    return PlanFacts(plan_id, f"u{plan_id}", draw(st.sampled_from(["claims", "portal", "", "ops"])), c,
                     c.workshop_end + dt.timedelta(days=draw(st.integers(0, 80))), status,
                     draw(st.sampled_from(["ownership", "skills_gap", "no_measurement"])) if status == "blocked"
                     else None, last, shipped, draw(values), draw(values), draw(values) if shipped else None)


@st.composite
def histories(draw):
    """Some plans, then a run of writes: a changed plan (same id, new facts) or a new plan."""
    n = draw(st.integers(0, 20))
    first = [draw(plan_facts(i)) for i in range(n)]
    writes = []
    next_id = n
    for _ in range(draw(st.integers(1, 25))):
        if next_id and draw(st.booleans()):
            writes.append(draw(plan_facts(draw(st.integers(0, next_id - 1)))))
        else:
            writes.append(draw(plan_facts(next_id)))
            next_id += 1
    return first, writes


@settings(max_examples=200, deadline=None)
@given(histories(), st.integers(0, 130 * 24).map(lambda h: h * 60 + 17))
def test_book_updated_plan_by_plan_equals_a_fresh_count(history, minutes):
    """After any run of check-ins, new plans, team moves and ships, are the book's figures exactly the figures of
    the plans as they now are — medians, shares, frictions, the curve and overdue check-ins included?"""
    first, writes = history
    now = dt.datetime(2026, 3, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
    book = figurebook.FigureBook(first, now)
    current = {p.id: p for p in first}
    for p in writes:
        book.update([p])
        current[p.id] = p
        assert book.figures() == figurebook.figures(sorted(current.values(), key=lambda p: p.id), now)


@settings(max_examples=100, deadline=None)
@given(histories(), st.integers(0, 130 * 24).map(lambda h: h * 60), st.integers(0, 24 * 60))
def test_book_answers_only_while_its_figures_hold(history, minutes, later):
    """Is the book valid exactly where its figures equal a fresh count at that later instant — also after a plan
    of a cohort it had not seen before arrives (which may bring the next change closer)?"""
    first, writes = history
    now = dt.datetime(2026, 3, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
    book = figurebook.FigureBook(first[:1], now)
    book.update(first[1:] + writes)
    plans = {p.id: p for p in first + writes}
    t = now + dt.timedelta(minutes=later)
    assert book.valid_at(now)
    assert not book.valid_at(now - dt.timedelta(seconds=1))
    assert book.until <= figurebook.stable_until({p.cohort for p in plans.values()}, now)
    if book.valid_at(t):
        assert book.figures() == figurebook.figures(sorted(plans.values(), key=lambda p: p.id), t)


def test_a_team_emptied_by_a_move_disappears():
    """When the only plan of a team moves to another team, does the old team leave the figures?"""
    now = dt.datetime(2026, 4, 1, tzinfo=UTC)
    p = PlanFacts(1, "anna", "claims", COHORTS[0], dt.date(2026, 4, 20))
    book = figurebook.FigureBook([p], now)
    assert set(book.figures().by_team) == {"claims"}
    book.update([p._replace(team="portal")])
    assert set(book.figures().by_team) == {"portal"}
    assert book.figures().by_team["portal"].plans == 1
