"""The deployment webhook under a real JupyterHub: a deploying system with no hub login reaches it through the hub's
proxy, and the key its secrets come from is the tracker's own 0600 file in the state folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import stat

import httpx
import pytest

pytestmark = pytest.mark.slow
T = "/services/tracker"
PLAN = {"use_case": "Summarise claim files for handlers", "backlog_ref": "CLM-42", "metric_name": "review minutes",
        "unit": "min", "baseline_value": 20, "target_value": 12, "planned_ship_date": "2030-01-31",
        "baseline_method": "median review time of 50 claim files in March"}


def test_a_deploying_system_without_a_hub_login_verifies_a_plan_through_the_proxy(tracker_hub):
    """With the secret qa-anna made using her hub token, does a signed plain deployment sent through the hub's
    proxy — no cookie, no hub token — verify her plan, while an unsigned one is refused in JSON (not sent to a
    login page), and is the webhook key a 0600 file in the tracker's state folder?"""
    client = tracker_hub.login("qa-anna")
    token = tracker_hub.user_token(client, "qa-anna", note="webhook test")
    with httpx.Client(base_url=f"{tracker_hub.url}{T}/api", timeout=30,
                      headers={"Authorization": f"token {token}"}) as api:
        plans = api.get("/me").json()["plans"]
        pid = plans[0] if plans else api.post("/plans", json=PLAN).json()["id"]
        r = api.post(f"/plans/{pid}/webhook")  # the session's hub is fresh, and no other test makes a webhook
        assert r.status_code == 201, r.text
        secret, url = r.json()["secret"], r.json()["url"]
    assert url == f"{tracker_hub.url}{T}/api/plans/{pid}/deployments/hook"
    body = json.dumps({"service": "claims", "environment": "production", "status": "success",
                       "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "url": "https://claims.example/", "id": f"hub-{pid}-{dt.datetime.now().timestamp()}"}).encode()
    with httpx.Client(timeout=30) as stranger:  # the CI job: nothing but the secret
        r = stranger.post(url, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "signature_missing", r.text[:300]
        sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        r = stranger.post(url, content=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": sig})
        assert r.status_code == 201, r.text[:300]
        assert r.json()["plan_verified"] is True
    key = tracker_hub.state / "tracker" / "webhook.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    log = tracker_hub.log_file.read_text(errors="replace")
    assert "code=signature_missing" in log and secret not in log
