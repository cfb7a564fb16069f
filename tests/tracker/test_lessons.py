"""Lessons, shared: retrospectives of shipped or killed plans on a page every role can read and search, and an
anonymous author who stays unnamed to other teams in the HTML, the JSON and the CSV."""

from __future__ import annotations

import csv
import io

from trackerkit import browser, csrf_of, make_plan, token

RETRO = {"what_worked": "labelled 400 old claims with the team first", "what_blocked": "nobody owned the prompt",
         "frictions": ["ownership", "no_measurement"], "would_again": "yes"}


def closed_plans(client) -> dict[str, int]:
    """anna (claims) ships and writes an anonymous lesson; dave (ops) kills his plan and writes a named one."""
    anna, dave = make_plan(client, "anna"), make_plan(client, "dave", backlog_ref="OPS-9")
    r = client.post(f"/api/plans/{anna}/retrospective", json=RETRO, headers=token("anna"))
    assert r.status_code == 409  # not shipped yet
    assert client.post(f"/api/plans/{anna}/shipped", json={"evidence_url": "https://git.example/1"},
                       headers=token("anna")).status_code == 201
    r = client.post(f"/api/plans/{anna}/retrospective", json={**RETRO, "anonymous": True}, headers=token("anna"))
    assert r.status_code == 200 and r.json()["author"] == "Anna Berger"  # she sees her own name
    assert client.post(f"/api/plans/{dave}/checkins", json={"status": "killed"}, headers=token("dave")).status_code \
        == 201
    r = client.post(f"/api/plans/{dave}/retrospective", headers=token("dave"),
                    json={"what_worked": "the pilot showed it early", "frictions": ["tool_sprawl"],
                          "would_again": "maybe"})
    assert r.status_code == 200 and r.json()["outcome"] == "killed"
    return {"anna": anna, "dave": dave}


def test_every_role_reads_the_lessons_and_an_anonymous_author_stays_unnamed_to_other_teams(client):
    """Does dave (ops) read anna's lesson without her name, team or plan id — in JSON, HTML and CSV — while ben
    (her team), marta (her manager) and anna herself see her name; and do a manager and an instructor read them?"""
    plans = closed_plans(client)
    for who in ("dave", "chloe"):
        lesson = next(x for x in client.get("/api/lessons", headers=token(who)).json()
                      if x["backlog_ref"] == "NVA-123")
        assert (lesson["author"], lesson["team"], lesson["plan_id"]) == (None, None, None) and lesson["anonymous"]
        html = browser(client, who).get("/lessons").text
        body = client.get("/lessons.csv").text
        for leak in ("Anna", "anna", "Berger", "(claims)", ",claims,", f"/plans/{plans['anna']}"):
            assert leak not in html.split("<main>")[1] and leak not in body, (who, leak)
        assert RETRO["what_worked"] in html and RETRO["what_worked"] in body
        # a search by her name finds nothing; searching the text finds the lesson, still unnamed
        assert client.get("/api/lessons?q=Anna", headers=token(who)).json() == []
        found = client.get("/api/lessons?q=400 OLD claims", headers=token(who)).json()
        assert [x["author"] for x in found] == [None]
    for who in ("ben", "marta", "anna", "root"):
        lesson = next(x for x in client.get("/api/lessons", headers=token(who)).json()
                      if x["backlog_ref"] == "NVA-123")
        assert lesson["author"] == "Anna Berger", who
    named = next(x for x in client.get("/api/lessons", headers=token("anna")).json() if x["backlog_ref"] == "OPS-9")
    assert named["author"] == "Dave Ito" and named["team"] == "ops" and named["plan_id"] is None
    assert client.get(f"/api/plans/{plans['dave']}", headers=token("anna")).status_code == 404  # the plan stays his
    assert len(client.get("/api/lessons", headers=token("ines")).json()) == 2
    assert client.get("/api/lessons", headers=token("stranger")).status_code == 403


def test_lessons_are_filtered_by_friction_and_outcome_and_hostile_queries_refused(client):
    """Do the friction and outcome filters select the right lessons, does a LIKE wildcard match only itself, and is
    an unknown friction or a NUL in the query refused with a 422?"""
    closed_plans(client)
    h = token("chloe")
    assert [x["backlog_ref"] for x in client.get("/api/lessons?friction=tool_sprawl", headers=h).json()] == ["OPS-9"]
    assert [x["outcome"] for x in client.get("/api/lessons?outcome=shipped", headers=h).json()] == ["shipped"]
    assert client.get("/api/lessons?q=%25", headers=h).json() == []
    assert client.get("/api/lessons?friction=budget", headers=h).status_code == 422
    assert client.get("/api/lessons?q=a%00b", headers=h).status_code == 422
    rows = list(csv.DictReader(io.StringIO(browser(client, "chloe").get("/lessons.csv?outcome=killed").text)))
    assert [(r["backlog_ref"], r["author"], r["frictions"]) for r in rows] == [("OPS-9", "Dave Ito", "tool_sprawl")]


def test_the_retrospective_form_needs_csrf_and_keeps_what_was_typed(client):
    """Is the plan page's retrospective form refused without its CSRF token, shown again with the problem beside
    the field (and the frictions ticked) when it fails, and saved with its frictions and anonymity when right?"""
    pid = make_plan(client, "anna")
    client.post(f"/api/plans/{pid}/shipped", json={"evidence_url": "https://git.example/1"}, headers=token("anna"))
    browser(client, "anna")
    form = {"what_worked": "ok", "frictions": ["skills_gap"], "would_again": "no"}
    assert client.post(f"/plan/{pid}/retro", data=form).status_code == 403
    csrf = csrf_of(client, "/plan")
    r = client.post(f"/plan/{pid}/retro", data={**form, "_csrf": csrf})
    assert r.status_code == 422 and 'data-field="what_worked"' in r.text
    assert 'value="skills_gap" checked' in r.text
    r = client.post(f"/plan/{pid}/retro", data={**form, "what_worked": "pairing with the handlers", "_csrf": csrf,
                                                 "anonymous": "on"}, follow_redirects=False)
    assert r.status_code == 303
    lesson = client.get("/api/lessons", headers=token("anna")).json()[0]
    assert lesson["frictions"] == ["skills_gap"] and lesson["anonymous"] and lesson["would_again"] == "no"
