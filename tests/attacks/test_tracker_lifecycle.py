"""attack-21: a plan's life was kept by the participant's own report but not by the deployment webhook or an edit —
a killed plan followed by a next cycle became "shipped — verified", a next cycle was verified before the one
before it closed, and a shipped plan's baseline was rewritten afterwards (the manager's "median change toward the
target" went from 60 % to 96 %). Real tracker app, real SQLite, real routes; only the hub identity is a stand-in."""

from __future__ import annotations

import datetime as dt

import pytest

import test_tracker_webhooks as hooks
from test_tracker_webhooks import deploy, refused, signed
from trackerkit import PLAN, make_plan, token

# the webhook attacks' tracker: clock on day 24 of cohort "spring", real SQLite, the real app
clock, app, client = hooks.clock, hooks.app, hooks.client


def secret_of(client, pid: int) -> str:
    r = client.post(f"/api/plans/{pid}/webhook", headers=token("anna"))
    assert r.status_code == 201, r.text
    return r.json()["secret"]


def kill(client, pid: int) -> None:
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "killed", "note": "the data was not there"},
                    headers=token("anna"))
    assert r.status_code == 201, r.text


def plan(client, pid: int) -> dict:
    return client.get(f"/api/plans/{pid}", headers=token("anna")).json()


def test_a_killed_plan_followed_by_a_next_cycle_ships_by_no_channel(client):
    """Killed, then the next cycle opened: does a production deployment to its webhook (made before) stay a
    record that verifies nothing, are a new webhook secret and a self-reported ship refused, and does it stay
    killed?"""
    first = make_plan(client, "anna")
    secret = secret_of(client, first)
    kill(client, first)
    make_plan(client, "anna", use_case="Route claims by coverage")
    r = signed(client, first, secret, deploy(finished_at="2026-04-20T09:00:00Z"))
    assert r.status_code == 201, r.text
    assert r.json()["verified_now"] is False
    assert "does not verify the plan" in r.json()["message"] and "next plan" in r.json()["message"]
    assert plan(client, first)["verified"] is None and plan(client, first)["status"] == "killed"
    refused(client.post(f"/api/plans/{first}/webhook/rotate", headers=token("anna")), 409, "next_cycle_open")
    refused(client.post(f"/api/plans/{first}/shipped", json={"evidence_url": "https://git.example/r/1"},
                        headers=token("anna")), 409, "next_cycle_open")


def test_a_next_cycle_is_not_verified_before_the_one_before_it_closed(client, clock):
    """The first plan killed on 2026-04-20; is a deployment of the second that finished on 04-19 recorded
    without verifying it (as the self-report of that day is refused), and one that finished after it verified?"""
    first = make_plan(client, "anna")
    kill(client, first)
    second = make_plan(client, "anna", use_case="Route claims by coverage")
    secret = secret_of(client, second)
    early = signed(client, second, secret, deploy(finished_at="2026-04-19T12:00:00Z"))
    assert early.status_code == 201 and early.json()["verified_now"] is False, early.text
    assert "before your previous plan closed" in early.json()["message"]
    assert plan(client, second)["verified"] is None
    clock.now += dt.timedelta(hours=2)
    later = signed(client, second, secret, deploy(finished_at="2026-04-20T11:00:00Z"))
    assert later.json()["verified_now"] is True, later.text


def test_a_self_reported_ship_date_cannot_come_before_the_verified_deployment(client):
    """Verified by a production deployment on 2026-04-19: is a self-report dated 04-02 refused, naming that
    deployment, and one dated the same day accepted?"""
    pid = make_plan(client, "anna")
    assert signed(client, pid, secret_of(client, pid), deploy()).json()["verified_now"] is True
    message = refused(client.post(f"/api/plans/{pid}/shipped", json={
        "evidence_url": "https://git.example/r/1", "shipped_on": "2026-04-02"}, headers=token("anna")),
        422, "invalid_input")
    assert "before the production deployment that verified this plan (2026-04-19)" in message
    ok = client.post(f"/api/plans/{pid}/shipped", json={"evidence_url": "https://git.example/r/1",
                                                        "shipped_on": "2026-04-19", "after_value": 22},
                     headers=token("anna"))
    assert ok.status_code == 201, ok.text


@pytest.mark.parametrize("field,value", [("baseline_value", 300), ("target_value", 12),
                                         ("baseline_method", "a better story"), ("planned_ship_date", "2026-04-01")])
def test_what_a_shipped_plans_figures_are_measured_against_stays(client, field, value):
    """Shipped with baseline 30 and target 20: is an edit of the baseline, its method, the target or the planned
    date refused (409, naming the field) and the plan unchanged, while its use case's wording may still change?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/shipped", json={"evidence_url": "https://git.example/r/1", "after_value": 22},
                    headers=token("anna"))
    assert r.status_code == 201, r.text
    before = plan(client, pid)
    message = refused(client.put(f"/api/plans/{pid}", json={**PLAN, field: value}, headers=token("anna")),
                      409, "plan_closed")
    assert field in message
    assert plan(client, pid)[field] == before[field]
    reworded = client.put(f"/api/plans/{pid}", json={**PLAN, "use_case": "Draft claim summaries (handlers)"},
                          headers=token("anna"))
    assert reworded.status_code == 200, reworded.text


def test_a_killed_plans_baseline_stays_too(client):
    """Is the baseline of a killed plan (whose figures the dashboard still shows) frozen as well?"""
    pid = make_plan(client, "anna")
    kill(client, pid)
    refused(client.put(f"/api/plans/{pid}", json={**PLAN, "baseline_value": 3}, headers=token("anna")),
            409, "plan_closed")


def test_no_tracker_page_can_be_framed_by_another_origin(client):
    """attack-21 F7: a participant's server (another origin) could frame a plan page and steer a click on
    *Rotate*. Do the pages, the API and the webhook answer refuse framing?"""
    from trackerkit import browser

    pid = make_plan(client, "anna")
    for path, who in ((f"/plans/{pid}", "anna"), ("/lessons", "anna"), (f"/api/plans/{pid}", None)):
        r = (browser(client, who).get(path) if who else client.get(path, headers=token("anna")))
        assert r.status_code == 200, (path, r.status_code)
        assert r.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], path
