"""The roster becomes the tracker's people and cohort, and a changed roster shows on dashboards at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os

from sqlalchemy import select

from shiplab import roster as hub_roster
from shiplab.tracker.models import Cohort, CohortMember, Person
from shiplab.tracker.roster_sync import RosterFollower
from shiplab.tracker.settings import TrackerSettings
from trackerkit import ROSTER, make_plan, token


def figures_plans(client, name: str) -> int:
    r = client.get("/api/figures", headers=token(name))
    assert r.status_code == 200, r.text
    return r.json()["overall"]["plans"]


def test_a_team_move_shows_on_both_managers_dashboards_at_once(client, app):
    """When a roster import moves Dave from Olga's team to Marta's, do both managers' figures change on the next
    look (no waiting for a cache to expire), while check-ins keep showing at once too?"""
    for name in ("anna", "dave"):
        make_plan(client, name)
    assert (figures_plans(client, "olga"), figures_plans(client, "marta")) == (1, 1)
    moved = [dataclasses.replace(p, team="claims", manager="marta") if p.username == "dave" else p for p in ROSTER]
    from shiplab.tracker.enrol import ensure_people

    with app.state.sessions() as s:
        ensure_people(s, moved)
    assert (figures_plans(client, "olga"), figures_plans(client, "marta")) == (0, 2)
    plan = client.get("/api/me", headers=token("anna")).json()["plans"][0]
    r = client.post(f"/api/plans/{plan}/shipped", json={"evidence_url": "https://git.example/r/1"},
                    headers=token("anna"))
    assert r.status_code == 201, r.text
    assert client.get("/api/figures", headers=token("marta")).json()["overall"]["shipped"] == 1


def _write_roster(path, people):
    hub_roster.save(people, path.parent)
    assert path.exists()


def test_follower_enrols_the_configured_cohort_and_follows_a_reimport(tmp_path, app):
    """Does the roster file become people enrolled in the configured cohort, and does a re-import (one person
    gone, one new) update them — the one gone kept but inactive?"""
    path = tmp_path / "roster.json"
    people = [p for p in ROSTER if p.role != "manager" or p.username == "marta"]
    _write_roster(path, people)
    settings = TrackerSettings(database_url=app.state.settings.database_url, cohort="2026-11-claims",
                               workshop_start=dt.date(2026, 11, 26), workshop_end=dt.date(2026, 11, 27),
                               timezone="Europe/Berlin", cookie_secret="k" * 8 + "0123456789abcdefghijklmnopqrstuv")
    follower = RosterFollower(path, settings)
    assert follower.sync(app.state.sessions) is True
    assert follower.sync(app.state.sessions) is False  # unchanged file: nothing to do
    with app.state.sessions() as s:
        cohort = s.scalar(select(Cohort).where(Cohort.name == "2026-11-claims"))
        assert (cohort.workshop_end, cohort.timezone) == (dt.date(2026, 11, 27), "Europe/Berlin")
        members = set(s.scalars(select(Person.username).join(CohortMember)
                                .where(CohortMember.cohort_id == cohort.id)))
        assert members == {"anna", "ben", "chloe", "dave", "ines"}  # participants and instructors, not managers
    newcomer = hub_roster.Person("fay", "Fay Lind", "fay@example.org", "participant", "claims", "marta")
    _write_roster(path, [p for p in people if p.username != "ben"] + [newcomer])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert follower.sync(app.state.sessions) is True
    with app.state.sessions() as s:
        by_name = {p.username: p for p in s.scalars(select(Person))}
        assert by_name["fay"].team == "claims" and by_name["fay"].manager_username == "marta"
        assert by_name["ben"].active is False and by_name["anna"].active is True


def test_a_broken_roster_file_keeps_the_people(tmp_path, app, caplog):
    """Is a roster file that is not valid JSON reported in the log, with the tracker's people left as they were?"""
    path = tmp_path / "roster.json"
    path.write_text(json.dumps({"people": [{"username": "anna"}]}))  # fields missing
    settings = TrackerSettings(database_url=app.state.settings.database_url, cookie_secret="x" * 32 + "yz01")
    with app.state.sessions() as s:
        before = {p.username: p.active for p in s.scalars(select(Person))}
    assert RosterFollower(path, settings).sync(app.state.sessions) is False
    assert "cannot read the roster" in caplog.text
    with app.state.sessions() as s:
        assert {p.username: p.active for p in s.scalars(select(Person))} == before


def test_demo_cohort_from_the_roster_when_no_cohort_is_set(tmp_path, app):
    """With demo on and no cohort configured, is the roster enrolled in the demo cohort, ended three days ago?"""
    path = tmp_path / "roster.json"
    _write_roster(path, ROSTER)
    settings = TrackerSettings(database_url=app.state.settings.database_url, demo=True,
                               cookie_secret="d" * 30 + "emo-key1")
    assert RosterFollower(path, settings).sync(app.state.sessions)
    with app.state.sessions() as s:
        demo = s.scalar(select(Cohort).where(Cohort.name == "demo"))
        assert demo is not None and demo.workshop_end == dt.date.today() - dt.timedelta(days=3)
        earlier = s.scalar(select(Cohort).where(Cohort.name == "demo-earlier"))
        assert earlier.workshop_end == dt.date.today() - dt.timedelta(days=75)
        examples = list(s.scalars(select(Person).where(Person.username.like("demo-%"))))
        assert len(examples) == 8 and not any(p.active for p in examples)
        assert {p.manager_username for p in examples} == {"marta"}
