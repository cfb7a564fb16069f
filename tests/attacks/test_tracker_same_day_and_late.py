"""attack-34, a second fresh-eyes attack on the tracker's 60-day measure after attack-31's fixes: the same goals by
same-day variants, and two ways to rewrite a cohort after its window closed. Real tracker app, real SQLite, real
routes; only the hub identity is a stand-in.

- F1: one morning's deployment verified every next cycle opened that afternoon (dates compared, not instants);
- F2: a dozen same-day cycles, each "adopted" a month later, outvoted the cohort's adoption and median change;
- F3: a first plan killed on day 75 left the 60-day share, turning a miss into nothing;
- F4: a delivery signed on day 150 saying "day 0" made a plan verified within the 60 days.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from fastapi.testclient import TestClient

from test_tracker_webhooks import deploy, signed
from trackerkit import PLAN, UTC, Clock, make_plan, token, tracker_app

from shiplab.tracker.settings import TrackerSettings


@pytest.fixture
def make_tracker(tmp_path):
    """make_tracker(now, count_shipped="both") -> (clock, client)."""
    opened = []

    def make(now: dt.datetime, count_shipped: str = "both"):
        settings = TrackerSettings(database_url=f"sqlite:///{tmp_path / f'tracker{len(opened)}.sqlite'}",
                                   reminder_interval_s=0, cookie_secret=secrets.token_hex(32),
                                   count_shipped=count_shipped)
        clock = Clock(now)
        client = TestClient(tracker_app(settings, clock))
        client.__enter__()
        opened.append(client)
        return clock, client

    yield make
    for c in opened:
        c.__exit__(None, None, None)


def secret_of(client, pid: int) -> str:
    return client.post(f"/api/plans/{pid}/webhook", headers=token("anna")).json()["secret"]


def test_one_morning_deployment_does_not_verify_cycles_opened_after_it(make_tracker):
    """A delivery that finished at 09:00 Berlin verifies Anna's first plan; does it verify the next cycles she opens
    a minute later, the same day (it finished before each was opened), saying so?"""
    clock, client = make_tracker(dt.datetime(2026, 4, 20, 10, 0, tzinfo=UTC))  # day 24 of "spring" (Berlin)
    delivery = deploy(finished_at="2026-04-20T07:00:00Z", id="gh-run-900")
    plans, messages = [], []
    for i in range(5):
        r = client.post("/api/plans", json={**PLAN, "use_case": f"cycle {i + 1}: pre-fill claim intake"},
                        headers=token("anna"))
        if r.status_code != 201:  # the previous cycle is still open: the delivery did not close it
            break
        plans.append(r.json()["id"])
        clock.now += dt.timedelta(minutes=1)
        r = signed(client, plans[-1], secret_of(client, plans[-1]), delivery)
        assert r.status_code == 201, r.text
        messages.append(r.json()["message"])
    verified = [client.get(f"/api/plans/{p}", headers=token("anna")).json()["verified"] for p in plans]
    assert len(plans) == 2 and [v is not None for v in verified] == [True, False], (plans, verified)
    assert "before this plan was opened (2026-04-20T10:01:00Z)" in messages[1], messages
    cycles = client.get("/api/figures", headers=token("marta")).json()["outcomes"]["cycles"]
    assert cycles["median_days_ship_to_next_ship"] is None, cycles


def honest(client, who):
    pid = make_plan(client, who)
    assert client.post(f"/api/plans/{pid}/shipped", json={"evidence_url": "https://git.example/r/1",
                                                          "shipped_on": "2026-04-01", "after_value": 33},
                       headers=token(who)).status_code == 201
    for day, value in (("2026-05-01", 31), ("2026-05-31", 32)):
        assert client.post(f"/api/plans/{pid}/metric", json={"value": value, "measured_on": day},
                           headers=token(who)).status_code == 201
    assert client.post(f"/api/plans/{pid}/adoption", json={"outcome": "went_back"},
                       headers=token(who)).status_code == 200


def test_a_minute_of_same_day_cycles_does_not_decide_the_after_shipping_figures(make_tracker):
    """Ben and Chloé went back to the old way. Anna opens and ships twelve cycles in a minute today (none
    back-dated) and a month later answers each "adopted" with a reading: is she still one voice of three in
    adoption at 14 days and the median change at 30 days, and one person in the days from ship to next ship?"""
    clock, client = make_tracker(dt.datetime(2026, 6, 1, 10, 0, tzinfo=UTC))  # day 66 of "spring"
    honest(client, "ben")
    honest(client, "chloe")
    plans = []
    for i in range(12):
        r = client.post("/api/plans", json={**PLAN, "use_case": f"cycle {i + 1}", "planned_ship_date": "2026-06-15"},
                        headers=token("anna"))
        if r.status_code != 201:
            break
        plans.append(r.json()["id"])
        client.post(f"/api/plans/{plans[-1]}/shipped", json={"evidence_url": "https://git.example/r/1",
                                                             "after_value": 1}, headers=token("anna"))
    assert len(plans) == 12  # each shipped, so the next could open: the figures must weigh it, not refuse it
    clock.now = dt.datetime(2026, 7, 2, 10, 0, tzinfo=UTC)  # 31 days later
    for pid in plans:
        client.post(f"/api/plans/{pid}/metric", json={"value": 0.01}, headers=token("anna"))
        client.post(f"/api/plans/{pid}/adoption", json={"outcome": "adopted"}, headers=token("anna"))
    after = client.get("/api/figures", headers=token("marta")).json()["outcomes"]
    assert after["adoption_14"]["due"] == 3 and after["adoption_14"]["adopted"] == 1, after["adoption_14"]
    assert after["change_30"]["due"] == 3 and after["change_30"]["median_toward_target_pct"] < 0, after["change_30"]
    assert after["cycles"]["ship_to_next_ship"] == 11 and after["cycles"]["median_days_ship_to_next_ship"] == 0


def test_killing_a_missed_plan_after_day_60_does_not_raise_the_60_day_share(make_tracker):
    """Ben shipped, Anna did not by day 60. Does her kill on day 75 leave the cohort's share at 50 % (a miss stays
    a miss), while a kill within the 60 days still leaves the share, as a decision?"""
    clock, client = make_tracker(dt.datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    chloe = make_plan(client, "chloe")
    assert client.post(f"/api/plans/{ben}/shipped", json={"evidence_url": "https://git.example/r/1"},
                       headers=token("ben")).status_code == 201
    assert client.post(f"/api/plans/{chloe}/checkins", json={"status": "killed"},
                       headers=token("chloe")).status_code == 201  # day 5: a decision, left out of the share
    clock.now = dt.datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # day 75: the window closed on day 60
    before = client.get("/api/figures", headers=token("marta")).json()["overall"]
    assert before["share_within_60"] == 0.5, before
    assert client.post(f"/api/plans/{anna}/checkins", json={"status": "killed"},
                       headers=token("anna")).status_code == 201
    after = client.get("/api/figures", headers=token("marta")).json()["overall"]
    assert after["share_within_60"] == 0.5 and after["killed"] == 2 and after["killed_after_60"] == 1, after


def test_a_delivery_received_on_day_150_does_not_verify_a_ship_on_day_0(make_tracker):
    """Anna holds her plan's secret (she gives it to her CI). On day 150 she signs a delivery saying it finished on
    the workshop's last day: does the plan count as verified when it arrived (day 150, outside the 60 days), the
    answer saying so — while a delivery that arrives within three days of its finish counts at its finish?"""
    clock, client = make_tracker(dt.datetime(2026, 4, 1, 10, 0, tzinfo=UTC), count_shipped="verified")
    pid = make_plan(client, "anna")
    secret = secret_of(client, pid)
    clock.now = dt.datetime(2026, 8, 24, 10, 0, tzinfo=UTC)  # day 150
    r = signed(client, pid, secret, deploy(finished_at="2026-03-27T12:00:00Z", id="x"))
    assert r.json()["verified_now"] is True and "counts as shipped when it arrived (2026-08-24" in r.json()["message"]
    figs = client.get("/api/figures", headers=token("marta")).json()
    assert figs["shipping"]["verified_within_60"] == 0 and figs["overall"]["share_within_60"] == 0.0, figs
    ben = make_plan(client, "ben")
    clock.now = dt.datetime(2026, 8, 25, 10, 0, tzinfo=UTC)
    hook = client.post(f"/api/plans/{ben}/webhook", headers=token("ben")).json()["secret"]
    r = signed(client, ben, hook, deploy(finished_at="2026-08-23T12:00:00Z", id="y"))  # two days late: its finish
    assert client.get(f"/api/plans/{ben}", headers=token("ben")).json()["verified"]["verified_at"].startswith(
        "2026-08-23T12:00"), r.text


# ---- attack-35, a third fresh-eyes attack

def test_a_killed_plan_cannot_be_reported_shipped_afterwards(make_tracker):
    """Anna's first plan, unshipped by day 60, killed on day 75 (a miss in the share). Is a self-reported ship dated
    day 9, sent after the kill, refused (409 plan_closed) — so the miss stays a miss — and is a deployment to it
    kept without verifying it?"""
    clock, c = make_tracker(dt.datetime(2026, 4, 1, 10, tzinfo=UTC))
    anna, ben = make_plan(c, "anna"), make_plan(c, "ben")
    secret = secret_of(c, anna)
    assert c.post(f"/api/plans/{ben}/shipped", json={"evidence_url": "https://git.example/r/1"},
                  headers=token("ben")).status_code == 201
    clock.now = dt.datetime(2026, 6, 10, 10, tzinfo=UTC)  # day 75: the window closed on day 60
    assert c.post(f"/api/plans/{anna}/checkins", json={"status": "killed"}, headers=token("anna")).status_code == 201
    r = c.post(f"/api/plans/{anna}/shipped", json={"evidence_url": "https://git.example/r/2",
                                                   "shipped_on": "2026-04-05"}, headers=token("anna"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "plan_closed", r.text
    r = signed(c, anna, secret, deploy(finished_at="2026-06-10T09:00:00Z", id="late"))
    assert r.json()["verified_now"] is False and "was killed" in r.json()["message"], r.text
    after = c.get("/api/figures", headers=token("marta")).json()["overall"]
    assert after["share_within_60"] == 0.5 and after["killed_after_60"] == 1, after


def test_one_persons_minute_of_killed_cycles_does_not_decide_plans_per_person(make_tracker):
    """Does Anna opening and killing thirty cycles in a minute leave "plans per person" the median person's (1),
    while "most plans" still shows her thirty?"""
    clock, c = make_tracker(dt.datetime(2026, 4, 1, 10, tzinfo=UTC))
    make_plan(c, "ben")
    make_plan(c, "chloe")
    for i in range(30):
        r = c.post("/api/plans", json={**PLAN, "use_case": f"cycle {i + 1}"}, headers=token("anna"))
        assert r.status_code == 201, r.text
        c.post(f"/api/plans/{r.json()['id']}/checkins", json={"status": "killed"}, headers=token("anna"))
        clock.now += dt.timedelta(seconds=2)
    cycles = c.get("/api/figures", headers=token("marta")).json()["outcomes"]["cycles"]
    assert (cycles["people"], cycles["plans_per_person"], cycles["most_plans"]) == (3, 1, 30), cycles


def test_a_shipped_plans_metric_and_unit_no_longer_change(make_tracker):
    """Shipped at 30 -> 25 min of handling time: is a rename of the metric to "claims per hour" refused, so the
    manager never reads the same numbers as another metric?"""
    clock, c = make_tracker(dt.datetime(2026, 4, 1, 10, tzinfo=UTC))
    pid = make_plan(c, "anna")
    assert c.post(f"/api/plans/{pid}/shipped", json={"evidence_url": "https://git.example/r/1", "after_value": 25},
                  headers=token("anna")).status_code == 201
    r = c.put(f"/api/plans/{pid}", json={**PLAN, "metric_name": "claims per hour", "unit": "claims/h"},
              headers=token("anna"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "plan_closed", r.text[:300]
    plan = c.get(f"/api/plans/{pid}", headers=token("marta")).json()
    assert (plan["metric_name"], plan["unit"]) == ("handling time", "min"), plan
