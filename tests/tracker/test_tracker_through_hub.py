"""The tracker under a real JupyterHub: started by the hub, logged into through it (OAuth with PKCE), the wrong
role refused, a manager limited to their team, and the JSON API used with a hub token as a notebook would."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
import pytest

pytestmark = pytest.mark.slow
T = "/services/tracker"
PLAN = {"use_case": "Summarise claim files for handlers", "backlog_ref": "CLM-42", "metric_name": "review minutes",
        "unit": "min", "baseline_value": 20, "target_value": 12, "planned_ship_date": "2030-01-31",
        "baseline_method": "median review time of 50 claim files in March"}


def tracker_session(hub, name: str) -> tuple[httpx.Client, httpx.Response]:
    """Log in to the hub as ``name``, then open the tracker; returns the client and the tracker's first page."""
    client = hub.login(name)
    return client, client.get(f"{T}/", follow_redirects=True)


def hub_token(hub, name: str) -> str:
    """A hub API token for ``name``, made the way a person does on the hub's token page."""
    return hub.user_token(hub.login(name), name, note="tracker test")


def api(hub, token: str) -> httpx.Client:
    """A script's client: no cookies, only the hub token (as a notebook or CI job calls the tracker)."""
    return httpx.Client(base_url=f"{hub.url}{T}/api", timeout=30, headers={"Authorization": f"token {token}"})


def ensure_plan(hub, name: str) -> int:
    with api(hub, hub_token(hub, name)) as c:
        mine = c.get("/me").json()["plans"]
        if mine:
            return mine[0]
        r = c.post("/plans", json=PLAN)
        assert r.status_code == 201, r.text
        return r.json()["id"]


def test_the_hub_starts_the_tracker_as_its_service(tracker_hub):
    """Did the hub itself start the tracker, and does the hub list it among its services?"""
    assert "Starting service 'tracker'" in tracker_hub.log_file.read_text(errors="replace")
    r = httpx.get(f"{tracker_hub.api}/services", headers={"Authorization": f"token {hub_token(tracker_hub, 'qa-ben')}"},
                  timeout=30)
    assert r.status_code == 200 and "tracker" in r.json()


def test_participant_logs_in_through_the_hub_with_pkce(tracker_hub):
    """Does a participant logged into the hub reach their ship plan page through the hub's OAuth — with an S256
    PKCE challenge on the way and no confirmation page — and see the demo cohort made from the roster?"""
    _, r = tracker_session(tracker_hub, "qa-anna")
    assert r.status_code == 200, (r.status_code, str(r.url), r.text[:300])
    urls = [str(h.url) for h in r.history] + [str(r.url)]
    authorize = next(u for u in urls if "/hub/api/oauth2/authorize" in u)
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["client_id"] == ["service-tracker"]
    assert any(f"{T}/oauth_callback?code=" in u for u in urls)
    assert urlparse(str(r.url)).path == f"{T}/plan"
    assert "My ship plan" in r.text and "New ship plan — demo" in r.text


def test_without_a_hub_login_the_tracker_sends_you_to_the_hub(tracker_hub):
    """Does a browser without a hub session end on the hub's login page (never on a tracker page)?"""
    r = httpx.get(f"{tracker_hub.url}{T}/dashboard", follow_redirects=True, timeout=30)
    assert urlparse(str(r.url)).path == "/hub/login" and r.status_code == 200


def test_participant_gets_403_on_the_manager_dashboard(tracker_hub):
    """Is a participant refused the dashboard, in the documented error shape and with a sentence saying why?"""
    client, _ = tracker_session(tracker_hub, "qa-ben")
    r = client.get(f"{T}/dashboard")
    assert r.status_code == 403
    assert "qa-ben" in r.text and "participant" in r.text
    r = client.get(f"{T}/api/plans", params={"limit": 5})
    assert r.status_code == 200 and all(p["username"] == "qa-ben" for p in r.json())


def test_manager_sees_their_team_and_not_others(tracker_hub):
    """Does the manager's dashboard and API show the plans of the people they manage, and not a plan from
    another team (not even by its number)?"""
    anna, dave = ensure_plan(tracker_hub, "qa-anna"), ensure_plan(tracker_hub, "qa-dave")
    client, first = tracker_session(tracker_hub, "qa-marta")
    assert urlparse(str(first.url)).path == f"{T}/dashboard", str(first.url)
    r = client.get(f"{T}/api/plans")
    assert r.status_code == 200, r.text
    names = {p["username"] for p in r.json()}
    hub_people = {n for n in names if not n.startswith("demo-")}  # demo-*: the demo's example colleagues, hers
    assert "qa-anna" in hub_people and hub_people <= {"qa-anna", "qa-ben"}  # Ben's once he has one; never Dave's
    assert len(names - hub_people) == 8
    assert client.get(f"{T}/api/plans/{anna}").status_code == 200
    assert client.get(f"{T}/api/plans/{dave}").status_code == 404
    page = client.get(f"{T}/dashboard")
    assert page.status_code == 200 and "<td>claims</td>" in page.text


def test_api_with_a_participants_hub_token_from_outside_a_browser(tracker_hub):
    """Can a participant's script check in and record a release with only their hub token (no cookies, no CSRF
    token: a browser never sends that header by itself), and is a wrong token refused in the error shape?"""
    token = hub_token(tracker_hub, "qa-dave")
    plan = ensure_plan(tracker_hub, "qa-dave")
    with api(tracker_hub, token) as c:
        me = c.get("/me").json()
        assert me["name"] == "qa-dave" and me["role"] == "participant" and plan in me["plans"]
        r = c.post(f"/plans/{plan}/checkins", json={"status": "in_review", "note": "PR open",
                                                     "evidence_url": "https://git.example/pr/7"})
        assert r.status_code == 201, r.text
        assert c.get(f"/plans/{plan}/checkins").json()[0]["note"] == "PR open"
        r = c.post(f"/plans/{plan}/shipped", json={"evidence_url": "https://git.example/rel/1", "after_value": 9})
        assert r.status_code == 201 and r.json()["shipped"]["within_60_days"] is True
    bad = httpx.get(f"{tracker_hub.url}{T}/api/me", headers={"Authorization": "token not-a-real-token-123"},
                    timeout=30)
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "bad_token"
    assert "not-a-real-token-123" not in bad.text
