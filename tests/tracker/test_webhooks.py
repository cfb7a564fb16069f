"""Deployment evidence through the real tracker app: a plan's webhook secret, GitHub, GitLab and plain deployments,
"shipped — verified" apart from self-reported shipping, the 60-day figure's basis, and the plan page's instructions.

Cohort "spring" (Berlin) held its workshop on 2026-03-26/27; the clock starts on 2026-04-01 (day 5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import stat
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from trackerkit import UTC, browser, csrf_of, make_plan, token, tracker_app

from shiplab.tracker.settings import TrackerSettings

T_DEPLOYED = "2026-03-31T14:03:00Z"  # day 4, after the workshop


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def github_body(state: str = "success", environment: str = "production", created_at: str = T_DEPLOYED,
                status_id: int = 1, url: str = "https://claims.example/") -> bytes:
    """A GitHub deployment_status event as GitHub sends it (the fields the tracker reads, and some it does not)."""
    return json.dumps({
        "action": "created",
        "deployment_status": {"id": status_id, "state": state, "environment": environment,
                              "environment_url": url, "target_url": "https://github.com/acme/claims/actions/runs/7",
                              "created_at": created_at, "updated_at": created_at},
        "deployment": {"id": 42, "environment": environment, "sha": "a1b2c3", "ref": "main"},
        "repository": {"full_name": "acme/claims", "html_url": "https://github.com/acme/claims"},
        "sender": {"login": "anna"}}).encode()


def gitlab_body(status: str = "success", environment: str = "production",
                changed: str = "2026-03-31 16:03:00 +0200", deployment_id: int = 15) -> bytes:
    return json.dumps({
        "object_kind": "deployment", "status": status, "status_changed_at": changed, "deployment_id": deployment_id,
        "deployable_id": 796, "deployable_url": "https://gitlab.example/acme/claims/-/jobs/796",
        "environment": environment, "environment_tier": "production",
        "environment_external_url": "https://claims.example/",
        "project": {"id": 30, "path_with_namespace": "acme/claims", "web_url": "https://gitlab.example/acme/claims"},
        "short_sha": "a1b2c3"}).encode()


def plain_body(**fields) -> bytes:
    return json.dumps({"service": "claims-intake", "environment": "production", "status": "success",
                       "finished_at": T_DEPLOYED, "url": "https://ci.example/runs/812", **fields}).encode()


def hook(plan_id: int) -> str:
    return f"/api/plans/{plan_id}/deployments/hook"


def new_secret(client, name: str, plan_id: int) -> str:
    r = client.post(f"/api/plans/{plan_id}/webhook", headers=token(name))
    assert r.status_code == 201, r.text
    return r.json()["secret"]


def post_github(client, plan_id: int, secret: str, body: bytes, event: str = "deployment_status",
                delivery: str | None = None):
    return client.post(hook(plan_id), content=body, headers={
        "Content-Type": "application/json", "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or secrets.token_hex(8), "X-Hub-Signature-256": sign(secret, body)})


def post_plain(client, plan_id: int, secret: str, body: bytes):
    return client.post(hook(plan_id), content=body, headers={"Content-Type": "application/json",
                                                             "X-Hub-Signature-256": sign(secret, body)})


def test_the_owner_gets_the_secret_once_and_nobody_reads_it_again(client, settings):
    """Does Anna's new secret come back only in the answer that made it — not from the API, pages or the
    database — with a second create refused (409), and may neither her manager nor an instructor make one?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/webhook", headers=token("anna"))
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
    out = r.json()
    secret = out["secret"]
    assert secret.startswith("shw_") and len(secret) > 40
    assert out["url"] == f"http://127.0.0.1:8000/services/tracker/api/plans/{pid}/deployments/hook"
    r = client.post(f"/api/plans/{pid}/webhook", headers=token("anna"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "webhook_exists"
    for who in ("anna", "marta", "ines", "root"):
        seen = client.get(f"/api/plans/{pid}/webhook", headers=token(who))
        assert seen.status_code == 200 and seen.json()["configured"] is True
        assert secret not in seen.text and "secret" not in seen.json()
    for who, status, code in (("marta", 403, "not_your_plan"), ("ines", 403, "not_your_plan"),
                              ("ben", 404, "plan_not_found")):
        for path in (f"/api/plans/{pid}/webhook", f"/api/plans/{pid}/webhook/rotate"):
            r = client.post(path, headers=token(who))
            assert (r.status_code, r.json()["error"]["code"]) == (status, code), (who, path, r.text)
    assert secret not in browser(client, "anna").get("/plan").text
    assert secret not in browser(client, "marta").get(f"/plans/{pid}").text
    client.cookies.clear()
    db_file = Path(settings.database_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in (db_file, db_file.with_name(db_file.name + "-wal")) if p.exists())
    assert secret.encode() not in stored and secret[4:].encode() not in stored
    key = settings.webhook_key_path()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_github_deployment_to_production_marks_the_plan_shipped_verified(client):
    """After GitHub's ping, does a successful deployment_status in production verify Anna's plan — with the
    environment URL as the link, the finish time, its day — while her self-reported ship stays empty?"""
    pid = make_plan(client, "anna")
    secret = new_secret(client, "anna", pid)
    ping = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
    r = post_github(client, pid, secret, ping, event="ping")
    assert r.status_code == 200 and "pong" in r.json()["message"]
    r = post_github(client, pid, secret, github_body(), delivery="d-1")
    assert r.status_code == 201, r.text
    assert r.json()["verified_now"] is True and "shipped — verified" in r.json()["message"]
    plan = client.get(f"/api/plans/{pid}", headers=token("anna")).json()
    assert plan["shipped"] is None
    v = plan["verified"]
    assert (v["verified_at"], v["shipped_on"], v["day"], v["within_60_days"]) == (
        "2026-03-31T14:03:00Z", "2026-03-31", 4, True)
    assert (v["url"], v["source"], v["service"], v["environment"]) == (
        "https://claims.example/", "github", "acme/claims", "production")
    assert plan["status"] == "shipped"
    deps = client.get(f"/api/plans/{pid}/deployments", headers=token("marta")).json()
    assert [(d["delivery_id"], d["production"]) for d in deps] == [("d-1", True)]
    history = client.get(f"/api/plans/{pid}/checkins", headers=token("anna")).json()
    assert history[0]["status"] == "shipped" and history[0]["note"].startswith("shipped — verified")
    page = browser(client, "marta").get(f"/plans/{pid}").text
    assert "Shipped — verified" in page and "https://claims.example/" in page


def test_later_deployments_are_kept_but_never_move_the_verified_date(client, clock):
    """Are a later and an earlier-finished production deployment (and a failed one) stored as further deployments,
    with the verified date still the first one's?"""
    pid = make_plan(client, "anna")
    secret = new_secret(client, "anna", pid)
    assert post_github(client, pid, secret, github_body(status_id=1)).json()["verified_now"] is True
    later = post_github(client, pid, secret, github_body(status_id=2, created_at="2026-04-01T08:00:00Z"))
    earlier = post_github(client, pid, secret, github_body(status_id=3, created_at="2026-03-30T08:00:00Z"))
    failed = post_github(client, pid, secret, github_body(status_id=4, state="failure"))
    for r in (later, earlier):
        assert r.status_code == 201 and r.json()["verified_now"] is False
        assert "keeps that date" in r.json()["message"]
    assert failed.status_code == 201 and "is not 'success'" in failed.json()["message"]
    plan = client.get(f"/api/plans/{pid}", headers=token("anna")).json()
    assert plan["verified"]["verified_at"] == "2026-03-31T14:03:00Z"
    deps = client.get(f"/api/plans/{pid}/deployments", headers=token("anna")).json()
    assert len(deps) == 4 and sum(d["production"] for d in deps) == 3


def test_a_gitlab_deployment_event_with_its_secret_token_verifies(client):
    """Does a GitLab deployment event, authenticated by X-Gitlab-Token, count — its environment named in another
    case, its time in GitLab's own style, its link the job's URL?"""
    pid = make_plan(client, "ben")
    secret = new_secret(client, "ben", pid)
    body = gitlab_body(environment="Production")
    r = client.post(hook(pid), content=body, headers={"Content-Type": "application/json",
                                                      "X-Gitlab-Event": "Deployment Hook",
                                                      "X-Gitlab-Event-UUID": "4b1d-77", "X-Gitlab-Token": secret})
    assert r.status_code == 201, r.text
    assert r.json()["verified_now"] is True and r.json()["deployment"]["delivery_id"] == "4b1d-77"
    v = client.get(f"/api/plans/{pid}", headers=token("ben")).json()["verified"]
    assert (v["verified_at"], v["url"], v["source"], v["service"]) == (
        "2026-03-31T14:03:00Z", "https://gitlab.example/acme/claims/-/jobs/796", "gitlab", "acme/claims")
    r = client.post(hook(pid), content=gitlab_body(status="running", deployment_id=16), headers={
        "X-Gitlab-Event": "Deployment Hook", "X-Gitlab-Token": secret})
    assert r.status_code == 201 and r.json()["deployment"]["production"] is False


def test_plain_json_counts_only_successes_in_production(client):
    """From curl: is a failed production deployment and a successful staging one recorded without verifying, and
    the successful production one verifying?"""
    pid = make_plan(client, "chloe")
    secret = new_secret(client, "chloe", pid)
    r = post_plain(client, pid, secret, plain_body(status="failed", id="run-1"))
    assert r.status_code == 201 and r.json()["verified_now"] is False
    r = post_plain(client, pid, secret, plain_body(environment="staging", id="run-2"))
    assert r.status_code == 201 and "'staging' is not a production environment" in r.json()["message"]
    assert client.get(f"/api/plans/{pid}", headers=token("chloe")).json()["verified"] is None
    r = post_plain(client, pid, secret, plain_body(environment="live", id="run-3"))
    assert r.status_code == 201 and r.json()["verified_now"] is True
    r = post_plain(client, pid, secret, plain_body(id="run-4", finished_at="2026-03-31 16:03"))
    assert r.status_code == 422 and "finished_at" in r.json()["error"]["message"]
    r = post_plain(client, pid, secret, plain_body(id="run-5", finishedAt="x"))
    assert r.status_code == 422 and "'finishedAt'" in r.json()["error"]["message"]


def test_production_environments_come_from_the_settings(tmp_path, clock):
    """With tracker.production_environments set to live-eu only, does "production" no longer count and
    "LIVE-EU" count?"""
    settings = TrackerSettings(database_url=f"sqlite:///{tmp_path / 't.sqlite'}", reminder_interval_s=0,
                               cookie_secret=secrets.token_hex(32), production_environments="live-eu")
    with TestClient(tracker_app(settings, clock)) as client:
        pid = make_plan(client, "anna")
        secret = new_secret(client, "anna", pid)
        r = post_plain(client, pid, secret, plain_body(id="1"))
        assert r.json()["deployment"]["production"] is False and "live-eu" in r.json()["message"]
        r = post_plain(client, pid, secret, plain_body(id="2", environment="LIVE-EU"))
        assert r.json()["verified_now"] is True
        assert client.get(f"/api/plans/{pid}/webhook", headers=token("anna")).json()[
            "production_environments"] == ["live-eu"]


def test_implausible_times_are_refused(client, clock):
    """Is a deployment that finished before the workshop began, or ten minutes in the future, refused (422, naming
    the time) — and one two minutes ahead (clock skew) taken, verified no later than now?"""
    pid = make_plan(client, "anna")
    secret = new_secret(client, "anna", pid)
    for when, words in (("2026-03-25T22:59:00Z", "before the workshop began"),
                        ("2026-04-01T10:10:00Z", "in the future")):
        r = post_plain(client, pid, secret, plain_body(finished_at=when, id=when))
        assert r.status_code == 422 and r.json()["error"]["code"] == "implausible_time"
        assert words in r.json()["error"]["message"] and when in r.json()["error"]["message"]
    assert client.get(f"/api/plans/{pid}/deployments", headers=token("anna")).json() == []
    # 2026-03-26 00:00 in Berlin is 2026-03-25T23:00Z: the first minute of the workshop counts
    r = post_plain(client, pid, secret, plain_body(finished_at="2026-04-01T10:02:00Z", id="skew"))
    assert r.status_code == 201 and r.json()["verified_now"] is True
    assert client.get(f"/api/plans/{pid}", headers=token("anna")).json()["verified"]["verified_at"] == \
        "2026-04-01T10:00:00Z"


def _ship_two(client):
    """Anna self-reports her ship (day 15); Ben's is verified by a deployment (day 4), not self-reported."""
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    r = client.post(f"/api/plans/{anna}/shipped", headers=token("anna"),
                    json={"shipped_on": "2026-03-31", "evidence_url": "https://git.example/rel/1"})
    assert r.status_code == 201, r.text
    secret = new_secret(client, "ben", ben)
    assert post_github(client, ben, secret, github_body()).json()["verified_now"] is True
    return anna, ben


def test_the_dashboard_shows_verified_and_self_reported_apart(client):
    """By default, does the 60-day figure count both — labelled so — with the dashboard and the API telling one
    verified and one self-reported ship apart, per team too?"""
    _ship_two(client)
    figs = client.get("/api/figures", headers=token("marta")).json()
    assert figs["overall"]["shipped_within_60"] == 2
    assert figs["shipping"] == {"counts": "both", "verified": 1, "verified_within_60": 1, "self_reported_only": 1,
                                "self_reported_only_within_60": 1, "verified_within_60_by_team": {"claims": 1}}
    page = browser(client, "marta").get("/dashboard").text
    assert "verified and self-reported" in page and "Verified by a deployment" in page
    assert "Self-reported only" in page


def test_a_setting_makes_the_60_day_figure_count_verified_ships_only(tmp_path, clock):
    """With tracker.count_shipped = verified, does the figure count only Ben's verified ship, labelled "verified
    only", while the split still shows Anna's self-reported one?"""
    settings = TrackerSettings(database_url=f"sqlite:///{tmp_path / 't.sqlite'}", reminder_interval_s=0,
                               cookie_secret=secrets.token_hex(32), count_shipped="verified")
    with TestClient(tracker_app(settings, clock)) as client:
        _ship_two(client)
        figs = client.get("/api/figures", headers=token("marta")).json()
        assert figs["overall"]["shipped_within_60"] == 1 and figs["overall"]["share_within_60"] == 0.5
        assert figs["shipping"]["counts"] == "verified" and figs["shipping"]["self_reported_only_within_60"] == 1
        page = browser(client, "marta").get("/dashboard").text
        assert "verified only" in page and "only verified ships" in page


def test_the_cached_figures_see_a_new_verification(client):
    """Having looked at the dashboard once, does the manager's next look count a plan verified in between — one
    already self-reported as shipped, whose status does not change?"""
    pid = make_plan(client, "anna")
    assert client.post(f"/api/plans/{pid}/shipped", headers=token("anna"),
                       json={"evidence_url": "https://git.example/rel/1"}).status_code == 201
    figs = client.get("/api/figures", headers=token("marta")).json()
    assert figs["overall"]["shipped"] == 1 and figs["shipping"]["verified"] == 0
    secret = new_secret(client, "anna", pid)
    assert post_github(client, pid, secret, github_body()).status_code == 201
    figs = client.get("/api/figures", headers=token("marta")).json()
    assert figs["overall"]["shipped"] == 1 and figs["shipping"]["verified"] == 1


def test_rotating_the_secret_on_the_page_stops_the_old_one_at_once(client):
    """Does the plan page's button show the new secret once (not cached), explain the set-up with the URL and the
    headers, and is the old secret refused from that moment?"""
    pid = make_plan(client, "anna")
    page = browser(client, "anna").get("/plan").text
    assert "Create the webhook secret" in page
    assert f"/api/plans/{pid}/deployments/hook" in page
    assert "X-Hub-Signature-256" in page and "X-Gitlab-Token" in page and "Deployment statuses" in page
    r = client.post(f"/plan/{pid}/webhook", data={"_csrf": csrf_of(client, "/plan")})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    first = r.text.split('<code class="secret">')[1].split("</code>")[0]
    assert first.startswith("shw_") and "shown this once" in r.text
    assert "Rotate the secret" in client.get("/plan").text and first not in client.get("/plan").text
    client.cookies.clear()
    assert post_plain(client, pid, first, plain_body(status="queued", id="a")).status_code == 201
    browser(client, "anna")
    r = client.post(f"/plan/{pid}/webhook/rotate", data={"_csrf": csrf_of(client, "/plan")})
    second = r.text.split('<code class="secret">')[1].split("</code>")[0]
    assert second != first and "stopped working" in r.text
    client.cookies.clear()
    r = post_plain(client, pid, first, plain_body(status="queued", id="b"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
    assert post_plain(client, pid, second, plain_body(status="queued", id="c")).status_code == 201
    r = client.post(f"/api/plans/{pid}/webhook/rotate", headers=token("anna"))
    assert r.status_code == 200 and r.json()["secret"] not in (first, second)


def test_the_webhook_is_in_the_api_docs(client):
    """Does the OpenAPI document describe the webhook, its headers and the plain shape?"""
    spec = client.get("/api/openapi.json").json()
    op = spec["paths"]["/api/plans/{plan_id}/deployments/hook"]["post"]
    assert "X-Hub-Signature-256" in op["description"] and "X-Gitlab-Token" in op["description"]
    shape = op["requestBody"]["content"]["application/json"]["schema"]
    assert set(shape["required"]) == {"environment", "status", "finished_at"}
    assert "/api/plans/{plan_id}/webhook/rotate" in spec["paths"]


def test_settings_are_declared_once_and_reach_the_service():
    """Do the hub's tracker.production_environments and tracker.count_shipped (defaults: production, prod, live;
    both) reach the tracker's settings from the settings file, and is a bad value refused there, naming the
    setting?"""
    from shiplab import settings as hub_settings
    from shiplab.errors import SettingsError

    flat = hub_settings.validate({"tracker": {"production_environments": ["Prod-EU", "live"],
                                              "count_shipped": "verified"}})
    s = TrackerSettings.from_settings(flat, Path("/srv/state"), {})
    assert s.production_environments == ("prod-eu", "live") and s.count_shipped == "verified"
    default = TrackerSettings()
    assert default.production_environments == ("production", "prod", "live") and default.count_shipped == "both"
    assert hub_settings.BY_KEY["tracker.production_environments"].default == ["production", "prod", "live"]
    with pytest.raises(SettingsError, match="tracker.count_shipped"):
        hub_settings.validate({"tracker": {"count_shipped": "self"}})
    with pytest.raises(SettingsError, match="tracker.production_environments"):
        hub_settings.validate({"tracker": {"production_environments": ["prod,live"]}})
    with pytest.raises(SettingsError, match="tracker.production_environments"):
        hub_settings.validate({"tracker": {"production_environments": [" "]}})
    with pytest.raises(SettingsError, match="tracker.smtp_port"):
        hub_settings.validate({"tracker": {"smtp_port": 70000}})


def test_the_demo_shows_a_verified_ship_and_is_safe_to_rerun(tmp_path):
    """Does the demo's earlier cohort have one plan shipped — verified by a deployment, apart from the
    self-reported ones — made once however often the demo data is ensured, even on a database made before?"""
    from sqlalchemy import func, select

    from shiplab.roster import parse
    from shiplab.tracker.db import ensure_database, session_factory
    from shiplab.tracker.demo import ensure_demo_data, ensure_demo_deployment
    from shiplab.tracker.models import Deployment, VerifiedShip

    roster = parse((Path(__file__).resolve().parents[2] / "hub_config" /
                    "demo_roster.csv").read_text())
    sessions = session_factory(ensure_database(f"sqlite:///{tmp_path / 'demo.sqlite'}"))
    today = dt.date(2026, 6, 1)
    with sessions() as s:
        ensure_demo_data(s, roster, today)
        ensure_demo_data(s, roster, today)
        assert s.scalar(select(func.count()).select_from(VerifiedShip)) == 1
        assert s.scalar(select(func.count()).select_from(Deployment)) == 2  # a staging one, then production
        s.query(VerifiedShip).delete()
        s.query(Deployment).delete()
        s.commit()
        ensure_demo_deployment(s)  # a demo database made before deployments existed gets it too
        ensure_demo_deployment(s)
        v = s.scalar(select(VerifiedShip))
        assert v.plan.person.username == "demo-omar" and v.plan.shipped is not None
        assert v.verified_at.tzinfo is not None and v.url.startswith("https://")


def test_an_old_database_gets_the_new_tables_with_its_rows(tmp_path):
    """Does a database at revision 0004 with a plan upgrade to the deployment tables, its plan intact and not
    verified?"""
    from sqlalchemy import inspect, text

    from shiplab.tracker import db

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = db.make_engine(url)
    db.upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO cohorts (id, name, course, workshop_start, workshop_end, timezone) "
                          "VALUES (1, 'old', 'ai', '2026-01-01', '2026-01-02', 'UTC')"))
        conn.execute(text("INSERT INTO people (id, username, full_name, email, team, manager_username, role, "
                          "active) VALUES (1, 'anna', 'Anna', '', 'claims', '', 'participant', 1)"))
        conn.execute(text("INSERT INTO ship_plans (id, cohort_id, person_id, use_case, backlog_ref, metric_name, "
                          "unit, planned_ship_date, status, created_at, updated_at) VALUES (1, 1, 1, 'x', 'NVA-1', "
                          "'m', '', '2026-02-01', 'planned', '2026-01-03 10:00:00', '2026-01-03 10:00:00')"))
    engine.dispose()
    engine = db.ensure_database(url)
    assert {"plan_webhooks", "deployments", "verified_ships"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT backlog_ref FROM ship_plans")).scalar() == "NVA-1"
        assert conn.execute(text("SELECT count(*) FROM verified_ships")).scalar() == 0
    from alembic import command

    command.downgrade(db.alembic_config(engine), "0004")  # and back down, for an operator who must
    assert "deployments" not in inspect(engine).get_table_names()


@pytest.mark.slow
def test_the_deployment_tables_on_a_real_postgres(postgres, monkeypatch, clock):
    """On PostgreSQL, does a database at revision 0004 upgrade to the deployment tables, and do a verification and
    a replay behave as on SQLite (the unique keys refuse the second copy)?"""
    from sqlalchemy import inspect

    from shiplab.tracker import db

    monkeypatch.setenv("PGPASSWORD", postgres.password)
    url = postgres.create_database("tracker_webhooks")
    db.upgrade(db.make_engine(url), "0004")
    settings = TrackerSettings(database_url=url, reminder_interval_s=0, cookie_secret=secrets.token_hex(32),
                               webhook_key_file=str(Path(tempfile.mkdtemp()) / "webhook.key"))
    with TestClient(tracker_app(settings, clock)) as client:
        assert {"plan_webhooks", "deployments", "verified_ships"} <= set(
            inspect(client.app.state.engine).get_table_names())
        pid = make_plan(client, "anna")
        secret = new_secret(client, "anna", pid)
        body = github_body()
        assert post_github(client, pid, secret, body, delivery="pg-1").json()["verified_now"] is True
        r = post_github(client, pid, secret, body, delivery="pg-2")
        assert r.status_code == 409 and r.json()["error"]["code"] == "replayed"
        assert client.get(f"/api/plans/{pid}", headers=token("anna")).json()["verified"]["day"] == 4


def test_times_parse_as_the_senders_write_them():
    """Are ISO 8601 with Z or an offset, and GitLab's "2026-03-31 16:03:00 +0200" and "… UTC", read as the same
    instant, and a time without a zone refused?"""
    from shiplab.tracker.deployments import parse_time
    from shiplab.tracker.errors import TrackerError

    want = dt.datetime(2026, 3, 31, 14, 3, tzinfo=UTC)
    for text in ("2026-03-31T14:03:00Z", "2026-03-31T16:03:00+02:00", "2026-03-31 16:03:00 +0200",
                 "2026-03-31 14:03:00 UTC"):
        assert parse_time(text, "t") == want, text
    for bad in ("2026-03-31T14:03:00", "yesterday", 1743429780):
        with pytest.raises(TrackerError):
            parse_time(bad, "t")
