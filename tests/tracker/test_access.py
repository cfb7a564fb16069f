"""Who may read and write what: participants, managers, instructors, admins, strangers — through pages and API."""

from __future__ import annotations

import pytest

from trackerkit import BASELINE, browser, make_plan, token


@pytest.fixture
def plans(client):
    return {name: make_plan(client, name) for name in ("anna", "ben", "chloe", "dave")}


def visible(client, name: str) -> set[str]:
    r = client.get("/api/plans", headers=token(name))
    assert r.status_code == 200, r.text
    return {p["username"] for p in r.json()}


def test_each_role_sees_exactly_its_plans(client, plans):
    """Does each role see its own set: self; the people they manage or their team; their cohort; everything?"""
    assert visible(client, "anna") == {"anna"}
    assert visible(client, "marta") == {"anna", "ben", "chloe"}  # people whose manager she is
    assert visible(client, "olga") == {"dave"}  # her team, team-ops
    assert visible(client, "ines") == {"anna", "ben", "chloe", "dave"}  # she teaches spring
    assert visible(client, "ivan") == set()  # he teaches autumn only
    assert visible(client, "root") == {"anna", "ben", "chloe", "dave"}


def test_a_participant_cannot_read_or_write_another_plan(client, plans):
    """Is Ben's plan invisible to Anna (404, existence not revealed) for reading, changing and checking in?"""
    ben = plans["ben"]
    h = token("anna")
    assert client.get(f"/api/plans/{ben}", headers=h).status_code == 404
    assert client.get(f"/api/plans/{ben}/checkins", headers=h).status_code == 404
    r = client.post(f"/api/plans/{ben}/checkins", json={"status": "killed"}, headers=h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "plan_not_found"
    r = client.post(f"/api/plans/{ben}/shipped", json={"evidence_url": "https://x.example"}, headers=h)
    assert r.status_code == 404
    r = client.put(f"/api/plans/{ben}", json={**BASELINE, "use_case": "hijacked", "metric_name": "m",
                                               "planned_ship_date": "2026-05-01"}, headers=h)
    assert r.status_code == 404
    assert client.get(f"/api/plans/{ben}", headers=token("ben")).json()["status"] == "planned"
    assert client.get(f"/api/plans/{ben}", headers=token("ben")).json()["use_case"] != "hijacked"
    assert browser(client, "anna").get(f"/plans/{ben}").status_code == 404


def test_managers_and_admins_read_but_do_not_write(client, plans):
    """May Marta read Anna's plan but not check in for her (403), and is Dave's plan hidden from Marta?"""
    anna = plans["anna"]
    assert client.get(f"/api/plans/{anna}", headers=token("marta")).status_code == 200
    for who in ("marta", "root", "ines"):
        r = client.post(f"/api/plans/{anna}/checkins", json={"status": "killed"}, headers=token(who))
        assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_plan"
    assert client.get(f"/api/plans/{plans['dave']}", headers=token("marta")).status_code == 404


def test_manager_figures_cover_only_their_teams(client, plans):
    """Do Olga's figures and dashboard count only Dave's plan, and Marta's only her three people?"""
    assert client.get("/api/figures", headers=token("olga")).json()["overall"]["plans"] == 1
    fig = client.get("/api/figures", headers=token("marta")).json()
    assert fig["overall"]["plans"] == 3 and set(fig["by_team"]) == {"claims", "portal"}
    page = browser(client, "olga").get("/dashboard").text
    assert ">ops<" in page and "claims" not in page and "portal" not in page
    csv_text = client.get("/export.csv", headers=token("olga")).text
    assert "dave" in csv_text and "anna" not in csv_text


def test_instructors_see_only_cohorts_they_teach(client, plans):
    """Does Ivan get 404 for the spring cohort's page while Ines sees it?"""
    browser(client, "ines")
    assert client.get("/cohorts").status_code == 200
    spring = client.get("/cohorts/1")
    assert spring.status_code == 200 and "anna" in spring.text
    browser(client, "ivan")
    assert client.get("/cohorts/1").status_code == 404
    assert "spring" not in client.get("/cohorts").text


@pytest.mark.parametrize("who,page", [("anna", "/dashboard"), ("anna", "/cohorts"), ("marta", "/plan"),
                                      ("marta", "/cohorts"), ("ines", "/plan"), ("stranger", "/plan")])
def test_wrong_role_gets_403_on_pages(client, who, page):
    """Does a page for another role answer 403 with a sentence saying whose page it is?"""
    r = browser(client, who).get(page, headers={"accept": "text/html"})
    assert r.status_code == 403
    assert "text/html" in r.headers["content-type"] and who in r.text


def test_only_participants_create_plans_and_strangers_get_nothing(client):
    """Is a manager refused a plan (403), and a hub user in no tracker group refused everything?"""
    r = client.post("/api/plans", json={**BASELINE, "use_case": "mine", "metric_name": "m",
                                        "planned_ship_date": "2026-05-01"},
                    headers=token("marta"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_role"
    r = client.get("/api/plans", headers=token("stranger"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "no_role"


def test_one_plan_per_participant_and_cohort(client):
    """Is a second plan in the same cohort refused with 409, pointing at changing the first?"""
    make_plan(client, "anna")
    r = client.post("/api/plans", json={**BASELINE, "use_case": "again", "metric_name": "m",
                                        "planned_ship_date": "2026-05-01"},
                    headers=token("anna"))
    assert r.status_code == 409 and "change that one" in r.json()["error"]["message"]


def test_not_logged_in_is_401(client):
    """Without a token or session, does the API answer 401 and a page an HTML 401 (no hub login here)?"""
    client.cookies.clear()
    r = client.get("/api/plans")
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_logged_in"
    r = client.get("/plan", headers={"accept": "text/html"})
    assert r.status_code == 401 and "text/html" in r.headers["content-type"]
    r = client.get("/api/plans", headers=token("nobody-knows-this"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_token"
