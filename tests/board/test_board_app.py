"""The board's service in-process, on a course written by the real writers (nbgrader's gradebook, the grading
queue, autograded notebooks, the roster): pages, JSON, CSV, who may look, escaping, the error shape."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from boardkit import LAB, T0, Course, hub_user
from fastapi.testclient import TestClient

from shiplab.board.model import Rules

MIN = dt.timedelta(minutes=1)
EVIL = '<script>alert("x")</script>'


@pytest.fixture
def course(tmp_path):
    c = Course(tmp_path / "state")
    c.grade("anna", T0 + 5 * MIN, {"test_a": 1.0, "test_b": 0.0}, {"test_b": "AssertionError: floats too"})
    c.grade("ben", T0 + 6 * MIN, {"test_a": 1.0, "test_b": 2.0})
    return c


def users(now):
    return [hub_user("ines", ["instructors"]), hub_user("marta", ["managers"]),
            hub_user("anna", ["participants", "team-claims"], running=True, started=T0, active=now - MIN),
            hub_user("ben", ["participants", "team-claims"]),
            hub_user("chloe", ["participants", "team-portal"], running=True, started=T0, active=now - MIN)]


def client(course, now, **kw):
    return TestClient(course.app(users=users(now), now=now, **kw))


def auth(name):
    return {"Authorization": f"token t-{name}"}


def test_board_json_reflects_grades_queue_and_activity(course):
    """Does the JSON board show each participant's state, score, server and the exercise summary?"""
    now = T0 + 10 * MIN
    course.fetch("chloe")
    body = client(course, now).get("/api/board", headers=auth("ines")).json()
    people = {p["username"]: p for p in body["participants"]}
    assert sorted(people) == ["anna", "ben", "chloe"]  # instructors and managers are not in the grid
    assert people["anna"]["cells"][LAB] | {"exercises": None} == {
        "state": "failing", "score": 1.0, "max_score": 3.0, "submitted_at": (T0 + 5 * MIN).isoformat(), "note": "",
        "exercises": None, "my_case": None}  # a lab without an "apply to my case" part
    assert people["ben"]["cells"][LAB]["state"] == "passed"
    assert people["chloe"]["cells"][LAB]["state"] == "working"  # fetched, nothing submitted
    assert people["anna"]["server_running"] and not people["ben"]["server_running"]
    assert people["anna"]["minutes_since_progress"] == 5.0 and people["chloe"]["last_progress"] is None
    summary = {e["grade_id"]: e for e in body["exercises"]}
    assert summary["test_a"]["passing"] == 2 and summary["test_a"]["room"] == 3
    assert summary["test_b"]["top_failure"] == "AssertionError: floats too"


def test_working_needs_the_lab_fetched_not_only_a_running_server(course):
    """Is chloe, whose server runs but who never fetched the lab, shown as not started — and as working once the
    lab's folder is in her home?"""
    c = client(course, T0 + 10 * MIN)
    cell = lambda: next(p for p in c.get("/api/board", headers=auth("ines")).json()["participants"]  # noqa: E731
                        if p["username"] == "chloe")["cells"][LAB]
    assert cell()["state"] == "not_started"
    course.fetch("chloe")
    assert cell()["state"] == "working" and "fetched" in cell()["note"]


def test_exercises_follow_the_notebooks_order_not_the_alphabet(course):
    """With the released notebook asking test_b before test_a, do the labs' exercises, each cell's ✓/✗ strip and
    the exercise table follow that order?"""
    course.release_notebook(["test_b", "test_a"])
    c = client(course, T0 + 10 * MIN)
    body = c.get("/api/board", headers=auth("ines")).json()
    assert [e["grade_id"] for e in body["labs"][0]["exercises"]] == ["test_b", "test_a"]
    anna = next(p for p in body["participants"] if p["username"] == "anna")["cells"][LAB]["exercises"]
    assert list(anna) == [f"{LAB}/test_b", f"{LAB}/test_a"]
    grid = c.get("/grid", headers=auth("ines")).text
    row = grid[grid.index('data-user="anna"'):]
    assert row.index(f'data-exercise="{LAB}/test_b"') < row.index(f'data-exercise="{LAB}/test_a"')
    assert grid.index(f'data-exercise="{LAB}/{LAB}/test_b"') < grid.index(f'data-exercise="{LAB}/{LAB}/test_a"')


def test_grid_shows_a_new_submission_as_submitted_then_its_grade(course):
    """Does the grid fragment show a participant's new submission as submitted, then the new score once graded?"""
    c = client(course, T0 + 10 * MIN)
    course.file("chloe", T0 + 8 * MIN)
    frag = c.get("/grid", headers=auth("ines")).text
    assert 'data-user="chloe"' in frag and 'data-lab="demo" data-state="submitted"' in frag
    course.queue.jobs()  # the worker would now grade it
    job = course.queue.claim(course.worker)
    assert course.queue.finish(job.id, course.worker, ok=True, score=3.0, max_score=3.0)
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url, "workshop") as gb:
        gb.update_or_create_student("chloe")
        gb.add_submission(LAB, "chloe")
        for name, pts in (("test_a", 1.0), ("test_b", 2.0)):
            gb.find_grade(name, LAB, LAB, "chloe").auto_score = pts
        gb.db.commit()
    body = c.get("/api/board", headers=auth("ines")).json()
    chloe = next(p for p in body["participants"] if p["username"] == "chloe")
    assert chloe["cells"][LAB]["state"] == "passed"


def test_stuck_flag_follows_the_controlled_clock(course):
    """With the clock moved on and no new passing test, is the active participant flagged stuck on the page?"""
    rules = Rules(stuck_after=20 * MIN, active_within=10 * MIN)
    early = client(course, T0 + 24 * MIN, rules=rules).get("/api/board", headers=auth("ines")).json()
    late = client(course, T0 + 26 * MIN, rules=rules).get("/api/board", headers=auth("ines")).json()
    stuck = lambda body: sorted(p["username"] for p in body["participants"] if p["stuck"])  # noqa: E731
    # anna progressed at +5 min (stuck from +25); chloe never did, server since T0 (stuck from +20)
    assert stuck(early) == ["chloe"] and stuck(late) == ["anna", "chloe"]
    page = client(course, T0 + 26 * MIN, rules=rules).get("/", headers=auth("ines")).text
    assert page.count('class="stuck"') == 2


@pytest.mark.parametrize("who,status", [("marta", 403), ("anna", 403), (None, 401)])
def test_only_instructors_get_in(course, who, status):
    """Do managers and participants get 403 (and strangers 401) on every page, the JSON, the CSV?"""
    c = client(course, T0)
    for path in ("/", "/grid", "/api/board", "/export.csv", "/participants/anna"):
        r = c.get(path, headers=auth(who) if who else {"Accept": "application/json"})
        assert r.status_code == status, (path, r.status_code)
        assert "Anna Berger" not in r.text and "floats too" not in r.text
    error = c.get("/api/board", headers=auth(who) if who else {}).json()["error"]  # the one error shape
    assert set(error) == {"status", "code", "message"} and error["status"] == status
    assert error["code"] == {403: "not_an_instructor", 401: "not_logged_in"}[status]
    assert c.get("/api/board", headers={"Authorization": "token forged"}).status_code == 401


def test_user_text_is_escaped_everywhere(tmp_path):
    """Are a hostile full name and a hostile failing-test message shown as text, never as markup?"""
    from shiplab import roster

    people = [roster.Person("ines", "Ines", "i@x.example", "instructor"),
              roster.Person("mal", EVIL, "m@x.example", "participant", "claims")]
    course = Course(tmp_path / "state", people)
    course.grade("mal", T0, {"test_a": 0.0, "test_b": 2.0}, {"test_a": "AssertionError: " + EVIL})
    users = [hub_user("mal", ["participants", "team-claims"], running=True, started=T0, active=T0)]
    c = TestClient(course.app(users=users, now=T0 + MIN))
    for path in ("/", "/grid", "/participants/mal"):
        text = c.get(path, headers=auth("ines")).text
        assert EVIL not in text and "&lt;script&gt;alert(" in text, path
    assert "script-src 'nonce-" in c.get("/", headers=auth("ines")).headers["content-security-policy"]


def test_csv_export_neutralizes_formulas_and_follows_the_team_filter(tmp_path):
    """Does the CSV hold one row per participant and lab, with formula-like cells prefixed, and only the team asked
    for?"""
    from shiplab import roster

    people = [roster.Person("ines", "Ines", "i@x.example", "instructor"),
              roster.Person("anna", "=HYPERLINK(\"http://evil\")", "a@x.example", "participant", "claims"),
              roster.Person("ben", "+Ben", "b@x.example", "participant", "portal")]
    course = Course(tmp_path / "state", people)
    course.grade("anna", T0, {"test_a": 1.0, "test_b": 0.0})
    users = [hub_user("anna", ["participants", "team-claims"]), hub_user("ben", ["participants", "team-portal"])]
    c = TestClient(course.app(users=users, now=T0 + MIN))
    r = c.get("/export.csv", headers=auth("ines"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["username"], x["full_name"], x["state"], x["score"]) for x in rows] == [
        ("anna", "'=HYPERLINK(\"http://evil\")", "failing", "1.0"), ("ben", "'+Ben", "not_started", "")]
    only = list(csv.DictReader(io.StringIO(c.get("/export.csv?team=portal", headers=auth("ines")).text)))
    assert [x["username"] for x in only] == ["ben"]
    bad = c.get("/export.csv?team=nope", headers=auth("ines"))
    assert bad.status_code == 404 and "claims, portal" in bad.text


def test_participant_detail_lists_submissions_and_feedback(course):
    """Does the detail page list the participant's submissions, scores, failing test and feedback link, and refuse
    paths outside the feedback folder?"""
    fb = course.root / "feedback" / "anna" / LAB
    fb.mkdir(parents=True)
    (fb / f"{LAB}.html").write_text("<html><body>Score: 1 / 3</body></html>")
    course.grade("anna", T0 + 9 * MIN, {"test_a": 1.0, "test_b": 0.0}, {"test_b": "AssertionError: floats too"})
    c = client(course, T0 + 10 * MIN)
    page = c.get("/participants/anna", headers=auth("ines")).text
    assert page.count("<td>superseded</td>") == 1 and page.count("<td>done</td>") == 1
    assert "AssertionError: floats too" in page and f"/participants/anna/feedback/{LAB}/{LAB}.html" in page
    assert "/services/workshop/formgrader/submissions/" in page
    r = c.get(f"/participants/anna/feedback/{LAB}/{LAB}.html", headers=auth("ines"))
    assert r.status_code == 200 and "Score: 1 / 3" in r.text and "sandbox" in r.headers["content-security-policy"]
    assert c.get(f"/participants/anna/feedback/{LAB}/..%2F..%2Fgradebook.html", headers=auth("ines")).status_code \
        == 404
    assert c.get("/participants/nobody", headers=auth("ines")).status_code == 404


def test_board_without_hub_or_gradebook_still_answers(tmp_path):
    """With the hub's API down and no lab built yet, does the board show the roster's participants and say so?"""
    from shiplab import roster

    state = tmp_path / "state"
    roster.save([roster.Person("ines", "Ines", "i@x.example", "instructor"),
                 roster.Person("anna", "Anna", "a@x.example", "participant", "claims")], state)
    from boardkit import TOKENS

    from shiplab.board.app import BoardConfig, FixedUsers, create_app
    from shiplab.board.auth import TokenTable

    app = create_app(BoardConfig(state=state, course="workshop"), clock=lambda: T0, identity=TokenTable(TOKENS),
                     hub_users=FixedUsers(None))
    page = TestClient(app).get("/", headers=auth("ines"))
    assert page.status_code == 200 and 'data-user="anna"' in page.text and "No lab has been built" in page.text
