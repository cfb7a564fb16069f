"""Helpers for the tracker tests: the roster, the fake hub users, a movable clock, API and browser helpers."""

from __future__ import annotations

import datetime as dt

from shiplab.roster import Person as RosterPerson
from shiplab.tracker.auth import HubUser

UTC = dt.timezone.utc
# Cohort "spring" (Berlin) ended Friday 2026-03-27; cohort "autumn" (New York) ended 2026-10-02.
SPRING_END = dt.date(2026, 3, 27)
AUTUMN_END = dt.date(2026, 10, 2)

ROSTER = [
    RosterPerson("anna", "Anna Berger", "anna@example.org", "participant", "claims", "marta"),
    RosterPerson("ben", "Ben Okafor", "ben@example.org", "participant", "claims", "marta"),
    RosterPerson("chloe", "Chloé Martin", "chloe@example.org", "participant", "portal", "marta"),
    RosterPerson("dave", "Dave Ito", "dave@example.org", "participant", "ops", "olga"),
    RosterPerson("marta", "Marta Keller", "marta@example.org", "manager", "", ""),
    RosterPerson("olga", "Olga Nowak", "olga@example.org", "manager", "ops", ""),
    RosterPerson("ines", "Ines Wagner", "ines@example.org", "instructor", "", ""),
]
AUTUMN_ROSTER = [
    RosterPerson("erik", "Erik Lund", "erik@example.org", "participant", "claims", ""),
    RosterPerson("ivan", "Ivan Petrov", "ivan@example.org", "instructor", "", ""),
]


def hub_user(name: str, *groups: str, admin: bool = False) -> HubUser:
    return HubUser(name, frozenset(groups), admin)


USERS = {
    "anna": hub_user("anna", "participants", "team-claims"),
    "ben": hub_user("ben", "participants", "team-claims"),
    "chloe": hub_user("chloe", "participants", "team-portal"),
    "dave": hub_user("dave", "participants", "team-ops"),
    "erik": hub_user("erik", "participants", "team-claims"),
    "marta": hub_user("marta", "managers"),
    "olga": hub_user("olga", "managers", "team-ops"),
    "ines": hub_user("ines", "instructors"),
    "ivan": hub_user("ivan", "instructors"),
    "root": hub_user("root", admin=True),
    "stranger": hub_user("stranger"),
}


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def tracker_app(settings, clock: Clock):
    """The real tracker app on ``settings``' database with the fake hub identity of :data:`USERS`: cohort "spring"
    (Berlin, workshop 2026-03-26 to 27) with :data:`ROSTER`, cohort "autumn" (New York, 2026-10-01 to 02) with Erik
    and its instructor Ivan; no reminder senders."""
    from sqlalchemy import select

    from shiplab.tracker.app import create_app
    from shiplab.tracker.auth import StaticIdentity
    from shiplab.tracker.enrol import ensure_cohort, ensure_people
    from shiplab.tracker.models import CohortMember, Person

    app = create_app(settings, clock=clock, identity=StaticIdentity(USERS), senders={})
    with app.state.sessions() as s:
        spring = ensure_cohort(s, "spring", start=SPRING_END - dt.timedelta(days=1), end=SPRING_END,
                               timezone="Europe/Berlin", course="ai-101")
        ensure_people(s, ROSTER, spring)
        autumn = ensure_cohort(s, "autumn", start=AUTUMN_END - dt.timedelta(days=1), end=AUTUMN_END,
                               timezone="America/New_York", course="ai-101")
        ensure_people(s, ROSTER + AUTUMN_ROSTER, None)
        for name in ("erik", "ivan"):
            pid = s.scalar(select(Person.id).where(Person.username == name))
            s.add(CohortMember(cohort_id=autumn.id, person_id=pid,
                               role="instructor" if name == "ivan" else "participant"))
        s.commit()
    return app


def token(name: str) -> dict:
    return {"Authorization": f"token {name}"}


# every plan needs its baseline and how it was measured (issue 23)
BASELINE = {"baseline_value": 30, "baseline_method": "median of 200 claims in March, from the ticket export"}
PLAN = {"use_case": "Draft claim summaries for handlers", "backlog_ref": "NVA-123", "metric_name": "handling time",
        "baseline_method": "median of 200 claims in March, from the ticket export",
        "unit": "min", "baseline_value": 30, "target_value": 20, "planned_ship_date": "2026-05-15"}


def make_plan(client, name: str, **overrides) -> int:
    r = client.post("/api/plans", json={**PLAN, **overrides}, headers=token(name))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def browser(client, name: str):
    """Make ``client`` a browser logged in as ``name`` (session cookie); returns it."""
    client.cookies.clear()
    client.cookies.set("fake-session", name)
    return client


def csrf_of(client, page: str = "/") -> str:
    """Load a page and read the CSRF token from its forms (the cookie is set by the same response)."""
    import re

    html = client.get(page).text
    m = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert m, f"no CSRF field on {page}"
    return m.group(1)


def database_at_revision_0001(url: str):
    """A tracker database left at revision 0001 holding one cohort, person and plan (an older hub's); returns its
    engine, disposed. Then ``ensure_database(url)`` must upgrade it keeping them (:func:`assert_kept_after_upgrade`)."""
    from sqlalchemy import text

    from shiplab.tracker import db

    engine = db.make_engine(url)
    db.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO cohorts (id, name, course, workshop_start, workshop_end, timezone) "
                          "VALUES (1, 'old', 'ai', '2026-01-01', '2026-01-02', 'UTC')"))
        conn.execute(text("INSERT INTO people (id, username, full_name, email, team, manager_username, role) "
                          "VALUES (1, 'anna', 'Anna', 'a@example.org', 'claims', '', 'participant')"))
        conn.execute(text("INSERT INTO ship_plans (id, cohort_id, person_id, use_case, backlog_ref, metric_name, "
                          "unit, planned_ship_date, status, created_at, updated_at) VALUES (1, 1, 1, 'x', 'NVA-1', "
                          "'m', '', '2026-02-01', 'planned', '2026-01-03 10:00:00', '2026-01-03 10:00:00')"))
    engine.dispose()
    return engine


def assert_kept_after_upgrade(engine) -> None:
    """The rows :func:`database_at_revision_0001` wrote, read back after the upgrade: anna active, her plan intact."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shiplab.tracker.models import Person, ShipPlan

    with Session(engine) as s:
        anna = s.scalar(select(Person).where(Person.username == "anna"))
        assert anna.active is True and anna.team == "claims"
        plan = s.scalar(select(ShipPlan))
        assert plan.backlog_ref == "NVA-1" and plan.created_at == dt.datetime(2026, 1, 3, 10, tzinfo=UTC)


def database_at_revision_0005(url: str):
    """A tracker database left at revision 0005 (deployments, before metric readings, lessons and cycles) holding a
    cohort, a person, a shipped plan with a check-in reminder; returns its engine, disposed. After the upgrade
    :func:`assert_next_cycles_after_upgrade` must hold."""
    from sqlalchemy import text

    from shiplab.tracker import db

    database_at_revision_0001(url)
    engine = db.make_engine(url)
    db.upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO shipped (plan_id, shipped_on, evidence_url, after_value, recorded_at) "
                          "VALUES (1, '2026-01-20', 'https://git.example/1', 0.5, '2026-01-20 10:00:00')"))
        conn.execute(text("UPDATE ship_plans SET status = 'shipped'"))
        conn.execute(text("INSERT INTO reminders (plan_id, due_day, channel, status, attempts, last_error, "
                          "next_attempt_at) VALUES (1, 14, 'email', 'sent', 1, '', '2026-01-16 09:00:00')"))
        if conn.dialect.name == "postgresql":  # the 0001 rows were given their ids: move the sequences past them
            for table in ("cohorts", "people", "ship_plans"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    engine.dispose()
    return engine


def assert_next_cycles_after_upgrade(engine) -> None:
    """The rows of :func:`database_at_revision_0005` after the upgrade: the plan is cycle 1 with an empty baseline
    method, the reminder a check-in; a next plan (cycle 2) and an adoption reminder on day 14 fit beside them; a
    second cycle 2, a retrospective with an unknown outcome and a service reading of a made-up source do not."""
    import pytest
    from sqlalchemy import select, text
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    from shiplab.tracker.models import Reminder, ShipPlan

    with Session(engine) as s:
        plan = s.scalar(select(ShipPlan))
        assert (plan.cycle, plan.baseline_method, plan.status) == (1, "", "shipped")
        assert s.scalar(select(Reminder.kind)) == "checkin"
        s.add(ShipPlan(cohort_id=1, person_id=1, cycle=2, use_case="next", metric_name="m",
                       planned_ship_date=dt.date(2026, 3, 1), baseline_value=3, baseline_method="m" * 10))
        s.add(Reminder(plan_id=1, due_day=14, channel="email", kind="adoption",
                       next_attempt_at=dt.datetime(2026, 2, 3, 8, tzinfo=UTC)))
        s.commit()
    for bad in ("INSERT INTO ship_plans (cohort_id, person_id, cycle, use_case, backlog_ref, metric_name, unit, "
                "planned_ship_date, status, created_at, updated_at) VALUES (1, 1, 2, 'x', '', 'm', '', "
                "'2026-03-01', 'planned', '2026-01-03 10:00:00', '2026-01-03 10:00:00')",
                "INSERT INTO retrospectives (plan_id, outcome, what_worked, what_blocked, frictions, would_again, "
                "anonymous, created_at, updated_at) VALUES (1, 'won', 'x', '', '', 'yes', false, "
                "'2026-01-03 10:00:00', '2026-01-03 10:00:00')",
                "INSERT INTO metric_readings (plan_id, measured_on, value, source, note, recorded_at) VALUES "
                "(1, '2026-01-21', 1.0, 'robot', '', '2026-01-21 10:00:00')"):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(bad))
