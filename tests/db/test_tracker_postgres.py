"""The tracker on a real PostgreSQL server: its migrations from nothing and from an older revision, and a cohort's
sixty days driven through the real app, which must give the same answers, figures and CSV as on SQLite."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from shiplab.tracker import db
from shiplab.tracker.app import create_app
from shiplab.tracker.auth import StaticIdentity
from shiplab.tracker.enrol import ensure_cohort, ensure_people
from shiplab.tracker.models import Base, Cohort, Person
from shiplab.tracker.reminders import run_due_reminders
from shiplab.tracker.rules import zone
from shiplab.tracker.settings import TrackerSettings
from trackerkit import AUTUMN_END, AUTUMN_ROSTER, BASELINE, ROSTER, SPRING_END, USERS, UTC, Clock, assert_kept_after_upgrade, \
    assert_next_cycles_after_upgrade, browser, csrf_of, database_at_revision_0001, database_at_revision_0005, \
    make_plan, token

pytestmark = pytest.mark.slow


def outline(engine) -> dict:
    """What must be the same whichever database holds the schema: per table its columns and nullability, primary
    key, indexes, unique constraints, foreign keys (with ON DELETE) and named checks."""
    insp = inspect(engine)
    return {t: {"columns": [(c["name"], c["nullable"]) for c in insp.get_columns(t)],
                "pk": insp.get_pk_constraint(t)["constrained_columns"],
                # PostgreSQL also lists the index behind each unique constraint; those are compared as constraints
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in insp.get_indexes(t) if not i.get("duplicates_constraint")),
                "unique": sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(t)),
                "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
                               (f.get("options") or {}).get("ondelete")) for f in insp.get_foreign_keys(t)),
                "checks": sorted(c["name"] for c in insp.get_check_constraints(t))}
            for t in sorted(insp.get_table_names())}


def test_migrations_build_the_models_schema_on_an_empty_postgres_and_rerun_safely(pg, tmp_path):
    """On an empty PostgreSQL database, does ensure_database apply every migration — the schema exactly the
    models', the same as SQLite's, the revision in the tracker's own table — and does a second run keep the rows?"""
    url = pg.create_database("tracker_schema")
    assert pg.tables(url) == set()
    engine = db.ensure_database(url)
    assert engine.dialect.name == "postgresql"
    head = ScriptDirectory.from_config(db.alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                       "version_table": db.VERSION_TABLE}),
                                Base.metadata)
        assert diff == []
        assert conn.execute(text(f"SELECT version_num FROM {db.VERSION_TABLE}")).scalars().all() == [head]
    assert pg.tables(url) == set(Base.metadata.tables) | {db.VERSION_TABLE}
    schema = outline(engine)
    assert schema == outline(db.ensure_database(f"sqlite:///{tmp_path / 'same.sqlite'}"))

    with Session(engine) as s:
        s.add_all([Cohort(name="c", workshop_start=dt.date(2026, 3, 1), workshop_end=dt.date(2026, 3, 2)),
                   Person(username="anna", team="claims")])
        s.commit()
    engine.dispose()
    again = db.ensure_database(url)  # the next start of the service
    with Session(again) as s:
        assert s.scalar(select(Person.team).where(Person.username == "anna")) == "claims"
        assert s.scalar(select(Cohort.name)) == "c"
    assert outline(again) == schema


def test_an_older_postgres_database_is_upgraded_with_its_rows(pg):
    """Does a PostgreSQL database left at revision 0001 — where Alembic alters tables in place, not by copying them
    as on SQLite — keep its people and plans through every later migration, people active?"""
    url = pg.create_database("tracker_old")
    database_at_revision_0001(url)
    engine = db.ensure_database(url)
    assert_kept_after_upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                       "version_table": db.VERSION_TABLE}),
                                Base.metadata) == []


def test_a_postgres_database_at_revision_0005_upgrades_to_cycles_readings_and_lessons(pg):
    """On PostgreSQL — where the unique keys of ship_plans and reminders are altered in place — does a database at
    revision 0005 with a shipped plan and a sent reminder upgrade keeping them, with room for a next cycle and an
    adoption reminder, the new tables refusing what the rules forbid, and the schema exactly the models'?"""
    url = pg.create_database("tracker_at5")
    database_at_revision_0005(url)
    engine = db.ensure_database(url)
    assert_next_cycles_after_upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                       "version_table": db.VERSION_TABLE}),
                                Base.metadata) == []


# ---- one cohort's sixty days, the same steps on both databases


class Outbox:
    """A reminder channel that keeps what it is given (the edge: no mail server needed here)."""

    channel = "webhook"

    def __init__(self):
        self.sent: list[tuple[str, int]] = []

    def send(self, msg) -> None:
        self.sent.append((msg.username, msg.due_day))


def berlin(y, m, d, h, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=zone("Europe/Berlin")).astimezone(UTC)


def enrol(app) -> None:
    """The spring roster in cohort "spring" (Berlin), then the autumn one (New York), then everyone on the roster
    active again — with the tracker's own enrolment functions, as a hub start does."""
    with app.state.sessions() as s:
        spring = ensure_cohort(s, "spring", start=SPRING_END - dt.timedelta(days=1), end=SPRING_END,
                               timezone="Europe/Berlin", course="ai-101")
        ensure_people(s, ROSTER, spring)
        autumn = ensure_cohort(s, "autumn", start=AUTUMN_END - dt.timedelta(days=1), end=AUTUMN_END,
                               timezone="America/New_York", course="ai-101")
        ensure_people(s, AUTUMN_ROSTER, autumn)
        ensure_people(s, ROSTER + AUTUMN_ROSTER)
        ensure_people(s, ROSTER + AUTUMN_ROSTER)  # a second start changes nothing


def without_csrf(html: str) -> str:
    return re.sub(r'name="_csrf" value="[^"]+"', 'name="_csrf" value=""', html)


def sixty_days(url: str) -> dict:
    """Drive the real tracker app on ``url`` through a cohort's sixty days; return every answer it gave, by step."""
    settings = TrackerSettings(database_url=url, reminder_interval_s=0, cookie_secret=secrets.token_hex(32))
    clock, outbox = Clock(dt.datetime(2026, 4, 1, 10, 0, tzinfo=UTC)), Outbox()
    app = create_app(settings, clock=clock, identity=StaticIdentity(USERS), senders={"webhook": outbox})
    enrol(app)
    seen: dict = {}

    def look(step: str, client, path: str, who: str) -> None:
        r = client.get(path, headers=token(who))
        assert r.status_code == 200, (step, r.status_code, r.text[:300])
        seen[step] = r.json() if r.headers["content-type"].startswith("application/json") else without_csrf(r.text)

    def remind(step: str) -> None:
        with app.state.sessions() as s:
            report = run_due_reminders(s, clock.now, app.state.senders, base_url="https://hub.example/t/")
        seen[step] = (vars(report), sorted(outbox.sent))

    with TestClient(app) as client:
        plans = {"anna": make_plan(client, "anna"),
                 "ben": make_plan(client, "ben", baseline_value=12, target_value=6, metric_name="misroutes",
                                  unit="%"),
                 "dave": make_plan(client, "dave", baseline_value=40, target_value=50, metric_name="tickets/day",
                                   planned_ship_date="2026-05-30")}
        # chloe uses the page's form, not the API
        form = {"_csrf": csrf_of(browser(client, "chloe"), "/plan"), "use_case": "Answer portal FAQs",
                "backlog_ref": "POR-7", "metric_name": "deflected tickets", "unit": "%", "baseline_value": "5",
                "baseline_method": "share of March tickets closed by the FAQ link",
                "target_value": "25", "planned_ship_date": "2026-05-20"}
        assert client.post("/plan", data=form, follow_redirects=False).status_code == 303
        client.cookies.clear()
        plans["chloe"] = client.get("/api/me", headers=token("chloe")).json()["plans"][0]
        seen["plans"] = dict(plans)
        look("figures, day 5", client, "/api/figures", "marta")

        clock.now = berlin(2026, 4, 11, 10)  # day 15: day 14's check-in is owed
        remind("reminders, day 15")
        remind("reminders, day 15 again")
        for who, body in (("anna", {"status": "blocked", "blocker": "ownership", "note": "who owns the prompt?"}),
                          ("ben", {"status": "building", "note": "wired to the queue"}),
                          ("chloe", {"status": "blocked", "blocker": "tool_sprawl"}),
                          ("dave", {"status": "in_review"})):
            r = client.post(f"/api/plans/{plans[who]}/checkins", json=body, headers=token(who))
            assert r.status_code == 201, r.text
        r = client.put(f"/api/plans/{plans['dave']}", headers=token("dave"),
                       json={"use_case": "Triage ops tickets", "backlog_ref": "OPS-3", "metric_name": "tickets/day",
                             "baseline_method": "tickets closed per day, median of March",
                             "unit": "", "baseline_value": 40, "target_value": 55, "planned_ship_date": "2026-06-01"})
        assert r.status_code == 200, r.text
        look("figures, day 15", client, "/api/figures", "marta")
        look("figures of ops, day 15", client, "/api/figures", "olga")

        clock.now = berlin(2026, 4, 20, 16)  # day 24
        r = client.post(f"/api/plans/{plans['anna']}/shipped", headers=token("anna"),
                        json={"evidence_url": "https://git.example/rel/1.4", "after_value": 21.5})
        seen["anna ships"] = r.json()
        r = client.post(f"/api/plans/{plans['anna']}/checkins", json={"status": "building"}, headers=token("anna"))
        seen["after shipping"] = (r.status_code, r.json()["error"]["code"])
        clock.now = berlin(2026, 4, 27, 9, 30)  # day 31
        remind("reminders, day 31")
        r = client.post(f"/api/plans/{plans['chloe']}/checkins", json={"status": "killed", "note": "no owner"},
                        headers=token("chloe"))
        assert r.status_code == 201, r.text
        clock.now = berlin(2026, 5, 27, 0, 30)  # 00:30 on day 61 in Berlin, still day 60 in UTC
        r = client.post(f"/api/plans/{plans['ben']}/shipped", headers=token("ben"),
                        json={"evidence_url": "https://git.example/rel/2.0", "after_value": 7})
        seen["ben ships late"] = r.json()

        clock.now = dt.datetime(2026, 10, 20, 15, tzinfo=UTC)  # autumn's day 18
        plans["erik"] = make_plan(client, "erik", planned_ship_date="2026-11-20")
        r = client.post(f"/api/plans/{plans['erik']}/checkins", json={"status": "blocked", "blocker": "skills_gap"},
                        headers=token("erik"))
        assert r.status_code == 201, r.text
        remind("reminders, autumn")

        for who in ("anna", "marta", "olga", "ines", "ivan", "root"):
            look(f"plans seen by {who}", client, "/api/plans", who)
        for who, plan in (("anna", "anna"), ("marta", "ben"), ("root", "dave")):
            look(f"plan of {plan} seen by {who}", client, f"/api/plans/{plans[plan]}", who)
            look(f"check-ins of {plan} seen by {who}", client, f"/api/plans/{plans[plan]}/checkins", who)
        look("me (anna)", client, "/api/me", "anna")
        for who, query in (("marta", ""), ("marta", "?team=claims"), ("olga", ""), ("ines", "?cohort=spring"),
                           ("ivan", ""), ("root", ""), ("root", "?cohort=autumn")):
            look(f"figures for {who}{query}", client, f"/api/figures{query}", who)
            look(f"export for {who}{query}", client, f"/export.csv{query}", who)
        for who, page in (("root", "/dashboard"), ("marta", "/dashboard?team=claims"), ("ines", "/cohorts"),
                          ("root", "/cohorts/1"), ("anna", "/plan")):
            look(f"page {page} for {who}", client, page, who)
        # Last, as PostgreSQL's sequences keep the id a refused insert took (SQLite reuses it): ids stay comparable.
        r = client.post("/api/plans", json={**BASELINE, "use_case": "again", "metric_name": "m",
                                            "planned_ship_date": "2026-05-15"}, headers=token("dave"))
        seen["second plan refused"] = (r.status_code, r.json()["error"]["code"])  # dave's first is still open
        look("plans seen by dave after the refusal", client, "/api/plans", "dave")
    app.state.engine.dispose()
    return seen


def test_a_cohorts_sixty_days_give_the_same_answers_on_postgres_and_sqlite(pg, tmp_path):
    """Run through the real app — enrolment, plans by API and by form, check-ins, a changed plan, reminders, two
    shipped (one at 00:30 on day 61), one killed, a second cohort — do PostgreSQL and SQLite give the same answer
    at every step: plans, figures, dashboards and CSV exports for every role?"""
    on_sqlite = sixty_days(f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    on_postgres = sixty_days(pg.create_database("tracker_flow"))
    assert list(on_postgres) == list(on_sqlite)
    for step, answer in on_sqlite.items():
        assert on_postgres[step] == answer, step

    # and the answers are the right ones, not merely equal
    figs = on_postgres["figures for root"]["overall"]
    assert (figs["plans"], figs["shipped"], figs["shipped_within_60"], figs["killed"]) == (5, 2, 1, 1)
    # anna 30 → 21.5 (−28.3 %), ben 12 → 7 (−41.7 %): median −35.0; erik's block is the one still open
    assert figs["blocked"] == {**{k: 0 for k in figs["blocked"]}, "skills_gap": 1}
    assert figs["median_change_pct"] == -35.0
    assert on_postgres["ben ships late"]["shipped"]["day"] == 61
    assert on_postgres["second plan refused"] == (409, "plan_exists")
    assert on_postgres["figures of ops, day 15"]["overall"]["plans"] == 1
    report, outbox = on_postgres["reminders, day 15"]
    assert report["sent"] == 4 and outbox == [("anna", 14), ("ben", 14), ("chloe", 14), ("dave", 14)]
    assert on_postgres["reminders, day 15 again"][0]["sent"] == 0
    rows = list(csv.DictReader(io.StringIO(on_postgres["export for marta"])))
    assert [r["username"] for r in rows] == ["anna", "ben", "chloe"]
    assert on_postgres["page /dashboard for root"].count("<svg") == 2
