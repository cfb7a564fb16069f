"""attack-31, a fresh-eyes attack on the tracker's 60-day measure after attack-21's fixes: what one participant (or
an outsider at the public webhook URL) could still do. Real tracker app, real SQLite, real routes; only the hub
identity is a stand-in.

- F2: a flood of next cycles, each back-dated to the workshop and "adopted" at once, decided the manager's
  after-shipping figures (adoption at 14 days 0 % -> 95 %);
- F1: one deployment verified every next cycle its owner sent it to;
- F6: after the webhook key was replaced, the public answer told which plan numbers have a webhook;
- F5: a killed plan reopened by a check-in unfroze its baseline; a verified plan still took check-ins;
- F3, F4: a signed deployment at a calendar end, or with a lone surrogate, answered 500.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from fastapi.testclient import TestClient

import test_tracker_webhooks as hooks
from test_tracker_webhooks import deploy, refused, send, signed
from trackerkit import PLAN, UTC, Clock, browser, make_plan, token, tracker_app

from shiplab.tracker.settings import TrackerSettings

# the webhook attacks' tracker: clock on day 24 of cohort "spring", real SQLite, the real app
clock, app, client = hooks.clock, hooks.app, hooks.client


def secret_of(client, pid: int, who: str = "anna") -> str:
    r = client.post(f"/api/plans/{pid}/webhook", headers=token(who))
    assert r.status_code == 201, r.text
    return r.json()["secret"]


def checkin(client, who, pid, status, **kw):
    return client.post(f"/api/plans/{pid}/checkins", json={"status": status, **kw}, headers=token(who))


# ---- F2: one person's burst of back-dated cycles

@pytest.fixture
def day66(tmp_path):
    settings = TrackerSettings(database_url=f"sqlite:///{tmp_path / 'tracker66.sqlite'}", reminder_interval_s=0,
                               cookie_secret=secrets.token_hex(32))
    with TestClient(tracker_app(settings, Clock(dt.datetime(2026, 6, 1, 10, 0, tzinfo=UTC)))) as c:
        yield c  # day 66 of cohort "spring"


def honest(client, who: str) -> None:
    pid = make_plan(client, who)
    r = client.post(f"/api/plans/{pid}/shipped", json={"evidence_url": "https://git.example/r/1",
                                                        "shipped_on": "2026-04-01", "after_value": 33},
                    headers=token(who))
    assert r.status_code == 201, r.text
    for day, value in (("2026-05-01", 31), ("2026-05-31", 32)):
        assert client.post(f"/api/plans/{pid}/metric", json={"value": value, "measured_on": day},
                           headers=token(who)).status_code == 201
    assert client.post(f"/api/plans/{pid}/adoption", json={"outcome": "went_back"},
                       headers=token(who)).status_code == 200


def flood(client, cycles: int = 12) -> list[int]:
    """Anna's dozen back-dated cycles; whatever the tracker refuses is simply not there. Returns the codes of the
    refused ships."""
    refusals = []
    for i in range(cycles):
        r = client.post("/api/plans", headers=token("anna"), json={
            "use_case": f"cycle {i + 1}", "metric_name": "handling time", "unit": "min", "baseline_value": 30,
            "baseline_method": "median of 200 claims in March, from the ticket export", "target_value": 20,
            "planned_ship_date": "2026-06-15"})
        if r.status_code != 201:
            break
        pid = r.json()["id"]
        r = client.post(f"/api/plans/{pid}/shipped", json={"evidence_url": "https://git.example/r/1",
                                                            "shipped_on": "2026-03-26", "after_value": 1},
                        headers=token("anna"))
        if r.status_code != 201:
            refusals.append((r.status_code, r.json()["error"]["message"]))
        for day in ("2026-04-25", "2026-05-25"):
            client.post(f"/api/plans/{pid}/metric", json={"value": 0.01, "measured_on": day}, headers=token("anna"))
        client.post(f"/api/plans/{pid}/adoption", json={"outcome": "adopted"}, headers=token("anna"))
    return refusals


def test_one_persons_back_dated_cycles_do_not_decide_adoption_or_the_change_after_shipping(day66):
    """Ben and Chloé shipped once and went back to the old way. Can Anna, in a minute, open a dozen cycles each
    reported shipped on the workshop's first day and "adopted" at once, and so outvote them in Marta's figures? A
    next cycle may not ship before the day it was opened: the second one's back-dated ship is refused, saying so."""
    honest(day66, "ben")
    honest(day66, "chloe")
    before = day66.get("/api/figures", headers=token("marta")).json()["outcomes"]
    assert before["adoption_14"]["share_adopted"] == 0.0
    refusals = flood(day66)
    assert refusals and refusals[0][0] == 422 and "before this plan was opened (2026-06-01)" in refusals[0][1], \
        refusals
    after = day66.get("/api/figures", headers=token("marta")).json()["outcomes"]
    assert (after["adoption_14"]["share_adopted"] or 0) <= 0.5, after["adoption_14"]
    for n in ("change_30", "change_60"):
        assert after[n]["median_toward_target_pct"] < 50, after[n]


# ---- F1: one deployment, many plans

DELIVERY = deploy(finished_at="2026-04-01T12:00:00Z", id="gh-run-812")


def test_the_delivery_that_verified_one_plan_does_not_verify_the_next(client):
    """Anna's first plan is verified by a deployment of 2026-04-01; she opens her next cycle on 2026-04-20 and
    sends it the same delivery (re-signed, as GitHub's Redeliver does). Is it kept as a record that verifies
    nothing, saying why?"""
    first = make_plan(client, "anna")
    r = signed(client, first, secret_of(client, first), DELIVERY)
    assert r.status_code == 201 and r.json()["verified_now"] is True, r.text
    second = make_plan(client, "anna", use_case="Route claims by coverage")
    r = signed(client, second, secret_of(client, second), DELIVERY)
    assert r.status_code == 201 and r.json()["verified_now"] is False, r.text
    # the first plan counts from the delivery's arrival (19 days after it says it finished: attack-34 F4)
    assert "before your previous plan closed (2026-04-20)" in r.json()["message"], r.json()
    assert client.get(f"/api/plans/{second}", headers=token("anna")).json()["verified"] is None


def test_one_deployment_does_not_make_five_verified_ships(client):
    plans = []
    for i in range(5):
        r = client.post("/api/plans", json={**PLAN, "use_case": f"cycle {i + 1}: pre-fill claim intake"},
                        headers=token("anna"))
        if r.status_code != 201:  # the previous cycle is still open: the delivery did not close it
            break
        pid = r.json()["id"]
        signed(client, pid, secret_of(client, pid), DELIVERY)
        plans.append(pid)
    verified = [client.get(f"/api/plans/{p}", headers=token("anna")).json()["verified"] for p in plans]
    assert len(plans) == 2 and sum(v is not None for v in verified) == 1, verified
    cycles = client.get("/api/figures", headers=token("marta")).json()["outcomes"]["cycles"]
    assert cycles["median_days_ship_to_next_ship"] != 0, cycles


# ---- F6: the key replaced

def test_after_the_key_is_replaced_a_plan_with_a_webhook_is_answered_as_one_without(app, client):
    """After the admin replaces state/tracker/webhook.key (revoking every secret), is a wrong signature to a plan
    with a webhook answered exactly as one to a plan without, or to no plan — while the owner's page says the
    secret no longer works and must be rotated?"""
    with_hook = make_plan(client, "anna")
    secret_of(client, with_hook)
    without = make_plan(client, "ben")
    assert "This secret no longer works" not in browser(client, "anna").get("/plan").text
    client.cookies.clear()
    key = app.state.webhook_key
    key.path.write_text(secrets.token_hex(32) + "\n")  # the admin replaces the key file …
    key._key = None  # … and restarts the tracker (the key is read once per process)
    answers = {pid: send(client, pid, deploy(), **{"X-Hub-Signature-256": "sha256=" + "0" * 64})
               for pid in (with_hook, without, 4242)}
    assert {r.status_code for r in answers.values()} == {401}
    bodies = {pid: r.json()["error"] for pid, r in answers.items()}
    assert bodies[with_hook] == bodies[without] == bodies[4242], bodies
    page = browser(client, "anna").get("/plan").text
    assert page.count("This secret no longer works") == 1 and "Rotate the secret" in page  # Anna's one webhook


# ---- F5: a closed plan stays closed

def test_a_killed_plans_baseline_cannot_be_rewritten_by_reopening_it(client):
    """Killed: is a check-in that would reopen it refused (409 plan_closed), so its baseline, target and planned
    date stay what it was measured by?"""
    pid = make_plan(client, "anna")
    assert checkin(client, "anna", pid, "killed").status_code == 201
    edit = {**PLAN, "baseline_value": 99, "target_value": 1, "planned_ship_date": "2030-01-01"}
    refused(client.put(f"/api/plans/{pid}", json=edit, headers=token("anna")), 409, "plan_closed")
    msg = refused(checkin(client, "anna", pid, "building"), 409, "plan_closed")
    assert "open your next plan" in msg
    client.put(f"/api/plans/{pid}", json=edit, headers=token("anna"))
    plan = client.get(f"/api/plans/{pid}", headers=token("marta")).json()
    assert (plan["status"], plan["baseline_value"], plan["target_value"], plan["planned_ship_date"]) == (
        "killed", 30, 20, "2026-05-15"), plan


def test_a_verified_plan_takes_no_more_check_ins_like_a_self_reported_one(client):
    pid = make_plan(client, "ben")
    assert signed(client, pid, secret_of(client, pid, "ben"), deploy()).json()["verified_now"] is True
    refused(checkin(client, "ben", pid, "blocked", blocker="ownership"), 409, "already_shipped")
    assert client.get(f"/api/plans/{pid}", headers=token("marta")).json()["status"] == "shipped"


# ---- F3, F4: hostile but signed bodies

EARLY, LATE = "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"


def bodies(when: str):
    yield "plain", deploy(finished_at=when), {}
    yield "github", json.dumps({"deployment_status": {"state": "success", "environment": "production",
                                                      "created_at": when, "target_url": "https://ci.example/1"},
                                "repository": {"full_name": "claims/intake"}}).encode(), \
        {"X-GitHub-Event": "deployment_status", "X-GitHub-Delivery": "d-" + when}
    gitlab_when = when.replace("T", " ").replace("+05:00", " +0500").replace("-05:00", " -0500")
    yield "gitlab", json.dumps({"object_kind": "deployment", "status": "success", "environment": "production",
                                "status_changed_at": gitlab_when}).encode(), {"X-Gitlab-Event": "Deployment Hook"}


@pytest.mark.parametrize("when", [EARLY, LATE])
def test_a_time_at_the_ends_of_the_calendar_is_refused_not_a_500(client, when):
    pid = make_plan(client, "anna")
    secret = secret_of(client, pid)
    for kind, body, headers in bodies(when):
        r = signed(client, pid, secret, body, **headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_event", (kind, r.text[:300])
    assert client.get(f"/api/plans/{pid}", headers=token("anna")).json()["verified"] is None


@pytest.mark.parametrize("field", ["service", "environment", "status", "id"])
def test_a_lone_surrogate_in_a_deployment_is_refused_not_a_500(client, field):
    pid = make_plan(client, "anna")
    body = deploy(**{field: "PLACEHOLDER"}).replace(b'"PLACEHOLDER"', b'"\\ud800x"')
    msg = refused(signed(client, pid, secret_of(client, pid), body), 422, "invalid_event")
    assert field in msg and "surrogate" in msg
    assert client.get(f"/api/plans/{pid}/deployments", headers=token("anna")).json() == []
