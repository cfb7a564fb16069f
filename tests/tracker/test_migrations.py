"""The schema: Alembic builds it from nothing, upgrades an older database with its rows, and the tables hold."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shiplab.errors import ShiplabError
from shiplab.tracker import db
from shiplab.tracker.models import Base, CheckIn, Cohort, Person, Reminder, ShipPlan
from trackerkit import (assert_kept_after_upgrade, assert_next_cycles_after_upgrade, database_at_revision_0001,
                        database_at_revision_0005)

UTC = dt.timezone.utc
HEAD = ScriptDirectory(str(db.MIGRATIONS)).get_current_head()  # the newest revision, whichever it is


def test_upgrade_on_an_empty_database_matches_the_models(tmp_path):
    """Does `alembic upgrade head` on a new file give exactly the models' tables, with SQLite's safety pragmas?"""
    engine = db.ensure_database(f"sqlite:///{tmp_path / 'new.sqlite'}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                       "version_table": "tracker_alembic_version"}),
                                Base.metadata)
        assert diff == []
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        # its own version table: JupyterHub's alembic_version may live in the same (PostgreSQL) database
        assert conn.execute(text("SELECT version_num FROM tracker_alembic_version")).scalar() == HEAD
        assert "alembic_version" not in inspect(conn).get_table_names()
    indexes = {i["name"] for i in inspect(engine).get_indexes("ship_plans")}
    assert {"ix_ship_plans_cohort_status", "ix_ship_plans_person_id"} <= indexes


def test_upgrade_keeps_the_rows_of_an_older_database(tmp_path):
    """Does a database written at revision 0001 keep its people and plans after upgrading, with people active?"""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    database_at_revision_0001(url)
    engine = db.ensure_database(url)
    db.ensure_database(url)  # a second start changes nothing
    assert_kept_after_upgrade(engine)


def test_tables_refuse_what_would_break_the_rules(tmp_path):
    """Do the tables refuse a second reminder for the same day and channel, a blocked check-in without blocker,
    and a check-in for a plan that does not exist?"""
    engine = db.ensure_database(f"sqlite:///{tmp_path / 't.sqlite'}")
    now = dt.datetime(2026, 4, 1, tzinfo=UTC)
    with Session(engine) as s:
        c = Cohort(name="c", workshop_start=dt.date(2026, 3, 1), workshop_end=dt.date(2026, 3, 2))
        p = Person(username="anna")
        s.add_all([c, p])
        s.flush()
        plan = ShipPlan(cohort_id=c.id, person_id=p.id, use_case="x", metric_name="m",
                        planned_ship_date=dt.date(2026, 4, 1))
        s.add(plan)
        s.commit()
        s.add(Reminder(plan_id=plan.id, due_day=14, channel="email", next_attempt_at=now))
        s.commit()
        for bad in (Reminder(plan_id=plan.id, due_day=14, channel="email", next_attempt_at=now),
                    CheckIn(plan_id=plan.id, at=now, status="blocked"),
                    CheckIn(plan_id=9999, at=now, status="building"),
                    Reminder(plan_id=plan.id, due_day=15, channel="email", next_attempt_at=now)):
            s.add(bad)
            with pytest.raises(IntegrityError):
                s.commit()
            s.rollback()


def test_a_bad_database_url_says_what_to_use():
    """Is a URL that is not a SQLAlchemy URL refused with an example of a good one?"""
    with pytest.raises(ShiplabError) as err:
        db.ensure_database("not a url")
    assert "sqlite:///" in str(err.value)


def test_an_older_database_moves_its_revision_to_the_trackers_own_table(tmp_path):
    """Does a database made before revision 0004 (its revision in Alembic's default table) upgrade with its rows,
    keeping its revision in tracker_alembic_version from then on?"""
    url = f"sqlite:///{tmp_path / 'legacy.sqlite'}"
    engine = db.make_engine(url)
    db.upgrade(engine, "0003")
    with engine.begin() as conn:  # as revision 0003 left it: the revision in alembic_version
        conn.execute(text("ALTER TABLE tracker_alembic_version RENAME TO alembic_version"))
        conn.execute(text("INSERT INTO cohorts (id, name, course, workshop_start, workshop_end, timezone) "
                          "VALUES (1, 'old', '', '2026-01-01', '2026-01-02', 'UTC')"))
    engine.dispose()
    engine = db.ensure_database(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM tracker_alembic_version")).scalar() == HEAD
        assert "alembic_version" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT name FROM cohorts")).scalar() == "old"


def test_a_hubs_alembic_version_in_the_same_database_is_left_alone(tmp_path):
    """In a database shared with JupyterHub, is the hub's alembic_version untouched by the tracker's migrations?"""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('4621fec11365')"))
    engine.dispose()
    engine = db.ensure_database(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "4621fec11365"
        assert conn.execute(text("SELECT version_num FROM tracker_alembic_version")).scalar() == HEAD


def test_a_database_at_revision_0005_upgrades_to_cycles_readings_and_lessons(tmp_path):
    """Does a database with a shipped plan and a sent reminder at revision 0005 upgrade (0006-0008) keeping them —
    the plan cycle 1, the reminder a check-in — with room for a next cycle and an adoption reminder, and the new
    tables refusing what the rules forbid; and does it go back down, refusing to drop a next cycle silently?"""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'at5.sqlite'}"
    database_at_revision_0005(url)
    engine = db.ensure_database(url)
    assert_next_cycles_after_upgrade(engine)
    command.downgrade(db.alembic_config(engine), "0006")  # 0005 would drop the next cycle: refused below
    assert {"retrospectives", "metric_readings"}.isdisjoint(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reminders")).scalar() == 1  # the adoption one went
    with pytest.raises(RuntimeError, match="second or later cycle"):
        command.downgrade(db.alembic_config(engine), "0005")
