"""The JSON API as a notebook uses it, the ship-date edge in the cohort's time zone, the demo cohort and start-up."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient

from shiplab.roster import parse
from shiplab.tracker.demo import DEMO_COHORT, ensure_demo_data
from shiplab.tracker.models import CohortMember, Person
from trackerkit import UTC, make_plan, token


DEMO_ROSTER = Path(__file__).resolve().parents[2] / "hub_config" / "demo_roster.csv"


def berlin(y, m, d, h, mi=0) -> dt.datetime:
    from shiplab.tracker.rules import zone

    return dt.datetime(y, m, d, h, mi, tzinfo=zone("Europe/Berlin")).astimezone(UTC)


def test_a_notebook_keeps_its_plan_current(client, clock):
    """Can a participant find their plan, check in, be told what is due, and record shipping with evidence?"""
    h = token("anna")
    pid = make_plan(client, "anna")
    me = client.get("/api/me", headers=h).json()
    assert me["plans"] == [pid] and me["cohorts"] == [{"id": 1, "name": "spring"}]
    clock.now = berlin(2026, 4, 11, 10)  # day 15: day 14 is owed
    before = client.get("/api/figures", headers=token("marta")).json()["overall"]
    assert before["open"] == 1 and before["blocked"]["ownership"] == 0
    assert client.get(f"/api/plans/{pid}", headers=h).json()["checkins_due"] == [14]
    r = client.post(f"/api/plans/{pid}/checkins", headers=h,
                    json={"status": "blocked", "blocker": "ownership", "note": "who owns the prompt?"})
    assert r.status_code == 201 and r.json()["blocker"] == "ownership"
    plan = client.get(f"/api/plans/{pid}", headers=h).json()
    assert plan["status"] == "blocked" and plan["checkins_due"] == []
    after = client.get("/api/figures", headers=token("marta")).json()["overall"]  # not a stale cached answer
    assert after["blocked"]["ownership"] == 1
    r = client.post(f"/api/plans/{pid}/checkins", headers=h, json={"status": "shipped"})
    assert r.status_code == 422  # shipping is recorded with evidence, below
    r = client.post(f"/api/plans/{pid}/shipped", headers=h,
                    json={"evidence_url": "https://git.example/rel/1.4", "after_value": 21.5})
    assert r.status_code == 201
    shipped = r.json()["shipped"]
    assert shipped == {"shipped_on": "2026-04-11", "day": 15, "within_60_days": True,
                       "evidence_url": "https://git.example/rel/1.4", "after_value": 21.5}
    history = client.get(f"/api/plans/{pid}/checkins", headers=h).json()
    assert [c["status"] for c in history] == ["shipped", "blocked"]
    r = client.post(f"/api/plans/{pid}/checkins", headers=h, json={"status": "building"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_shipped"
    figs = client.get("/api/figures", headers=token("marta")).json()
    assert figs["overall"]["shipped_within_60"] == 1 and figs["overall"]["median_change_pct"] == -28.3


def test_shipping_at_2330_on_day_60_in_berlin_counts(client, clock):
    """Recorded at 23:30 Berlin time on day 60 (21:30 UTC), does the plan count as shipped within 60 days —
    and one recorded at 00:30 on day 61 (still day 60 in UTC) not?"""
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    clock.now = berlin(2026, 5, 26, 23, 30)
    r = client.post(f"/api/plans/{anna}/shipped", headers=token("anna"), json={"evidence_url": "https://x.example"})
    assert r.json()["shipped"]["day"] == 60 and r.json()["shipped"]["within_60_days"] is True
    clock.now = berlin(2026, 5, 27, 0, 30)
    assert clock.now.date() == dt.date(2026, 5, 26)
    r = client.post(f"/api/plans/{ben}/shipped", headers=token("ben"), json={"evidence_url": "https://x.example"})
    assert r.json()["shipped"]["day"] == 61 and r.json()["shipped"]["within_60_days"] is False
    figs = client.get("/api/figures?team=claims", headers=token("marta")).json()["overall"]
    assert (figs["shipped"], figs["shipped_within_60"]) == (2, 1)


def test_a_ship_date_in_the_future_is_refused(client, clock):
    """Is a ship date after today (in the cohort's zone) refused with the local date in the message?"""
    pid = make_plan(client, "anna")
    clock.now = berlin(2026, 4, 20, 23, 30)
    r = client.post(f"/api/plans/{pid}/shipped", headers=token("anna"),
                    json={"evidence_url": "https://x.example", "shipped_on": "2026-04-21"})
    assert r.status_code == 400 and "2026-04-20" in r.json()["error"]["message"]


def test_changing_a_plan_and_refusing_unknown_fields(client):
    """Can the owner change their plan's fields, and is a misspelt field refused rather than ignored?"""
    pid = make_plan(client, "anna")
    body = {"use_case": "Route claims", "metric_name": "misroutes", "unit": "%", "baseline_value": 12,
            "baseline_method": "share misrouted in 300 March claims",
            "target_value": 6, "planned_ship_date": "2026-05-20", "backlog_ref": "NVA-9"}
    r = client.put(f"/api/plans/{pid}", json=body, headers=token("anna"))
    assert r.status_code == 200 and r.json()["metric_name"] == "misroutes"
    r = client.put(f"/api/plans/{pid}", json={**body, "metirc": "x"}, headers=token("anna"))
    assert r.status_code == 422 and "metirc" in r.json()["error"]["message"]
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "blocked", "blocker": "budget"},
                    headers=token("anna"))
    assert r.status_code == 422


def test_pages_render_for_each_role(client, clock):
    """Do the participant page, the dashboard with its two charts, and the cohort pages render?"""
    pid = make_plan(client, "anna")
    clock.now = berlin(2026, 4, 20, 12)
    client.post(f"/api/plans/{pid}/shipped", headers=token("anna"), json={"evidence_url": "https://x.example"})
    client.cookies.set("fake-session", "anna")
    page = client.get("/plan").text
    assert "Shipped on 2026-04-20 (day 24, within 60 days)" in page
    client.cookies.set("fake-session", "root")
    dash = client.get("/dashboard?team=claims").text
    assert dash.count("<svg") == 2 and "Ownership between strategy and execution" in dash
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    assert "spring" in client.get("/cohorts").text


def test_demo_data_is_made_once(app, clock):
    """Does ensure_demo_data make the demo cohort and enrol the roster, and change nothing when run again?"""
    roster = parse(DEMO_ROSTER.read_text(encoding="utf-8"))
    with app.state.sessions() as s:
        first = ensure_demo_data(s, roster, today=dt.date(2026, 4, 1))
        again = ensure_demo_data(s, roster, today=dt.date(2026, 6, 1))
        assert first.id == again.id and again.workshop_end == dt.date(2026, 3, 29) and again.name == DEMO_COHORT
        members = s.query(CohortMember).filter_by(cohort_id=first.id).count()
        assert members == sum(p.role in ("participant", "instructor") for p in roster)
        assert s.query(Person).filter_by(username="chloe").one().full_name == "Chloé Martin"


def test_the_service_starts_like_the_hub_starts_it(tmp_path, monkeypatch):
    """With the hub's environment, does `python -m shiplab.tracker`'s app serve under the service prefix, make the
    demo cohort from the imported roster, and send anonymous browsers to the hub login?"""
    from shiplab import roster
    from shiplab.tracker.__main__ import build_app

    roster.save(parse(DEMO_ROSTER.read_text(encoding="utf-8")), tmp_path)
    (tmp_path / "shiplab.yaml").write_text("tracker:\n  demo_cohort: true\n", encoding="utf-8")
    env = {"SHIPLAB_STATE": str(tmp_path), "SHIPLAB_SETTINGS": str(tmp_path / "shiplab.yaml"),
           "JUPYTERHUB_SERVICE_PREFIX": "/services/tracker/", "JUPYTERHUB_API_TOKEN": "a" * 16 + "b" * 16,
           "JUPYTERHUB_API_URL": "http://127.0.0.1:9/hub/api", "JUPYTERHUB_CLIENT_ID": "service-tracker",
           "JUPYTERHUB_SERVICE_NAME": "tracker"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with TestClient(build_app()) as c:
        spec = c.get("/services/tracker/api/openapi.json")
        assert spec.status_code == 200 and json.loads(spec.text)["info"]["title"] == "shiplab tracker"
        r = c.get("/services/tracker/plan", headers={"accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 302 and r.headers["location"].startswith("/services/tracker/login")
        r = c.get(r.headers["location"], follow_redirects=False)
        assert "code_challenge=" in r.headers["location"] and "client_id=service-tracker" in r.headers["location"]
    assert (tmp_path / "tracker" / "tracker.sqlite").exists()
