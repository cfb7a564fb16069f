"""Attacks on the tracker's deployment webhooks: someone who is not the plan's deploying system tries to make a plan
"shipped — verified" (or to read or take over its secret).

Each test drives the real tracker app (real SQLite file, real routes; only the hub identity is a stand-in, as in
tests/tracker) and checks both the refusal — one JSON error shape, a status, a code — and that nothing was stored.
The webhook's URL is public (a deploying system calls it without a hub login), so the attacker here knows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets

import pytest
from fastapi.testclient import TestClient

# trackerkit: the tracker tests' roster, hub users, clock and API helpers, shared rather than copied
from trackerkit import UTC, Clock, browser, make_plan, token, tracker_app

from shiplab.tracker.settings import TrackerSettings


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 4, 20, 10, 0, tzinfo=UTC))  # day 24 of cohort "spring" (ended 2026-03-27)


@pytest.fixture
def app(tmp_path, clock):
    settings = TrackerSettings(database_url=f"sqlite:///{tmp_path / 'tracker.sqlite'}", reminder_interval_s=0,
                               cookie_secret=secrets.token_hex(32))
    return tracker_app(settings, clock)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def anna(client) -> tuple[int, str]:
    """Anna's plan and its webhook secret."""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/webhook", headers=token("anna"))
    assert r.status_code == 201, r.text
    return pid, r.json()["secret"]


def deploy(**fields) -> bytes:
    return json.dumps({"service": "claims", "environment": "production", "status": "success",
                       "finished_at": "2026-04-19T12:00:00Z", "url": "https://claims.example/", **fields}).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send(client, pid: int, body: bytes, **headers):
    return client.post(f"/api/plans/{pid}/deployments/hook", content=body,
                       headers={"Content-Type": "application/json", **headers})


def signed(client, pid: int, secret: str, body: bytes, **headers):
    return send(client, pid, body, **{"X-Hub-Signature-256": sign(secret, body), **headers})


def refused(r, status: int, code: str) -> str:
    assert r.status_code == status, (r.status_code, r.text[:500])
    err = r.json()["error"]
    assert set(err) == {"status", "code", "message"} and err["status"] == status and err["code"] == code, err
    return err["message"]


def untouched(client, pid: int) -> None:
    """Nothing stored: no deployment, not verified."""
    assert client.get(f"/api/plans/{pid}/deployments", headers=token("anna")).json() == []
    assert client.get(f"/api/plans/{pid}", headers=token("anna")).json()["verified"] is None


def test_a_body_changed_after_signing_is_refused(client, anna):
    """Is a genuine signature over one body refused for another (staging turned into production), as are a
    missing signature, an empty one and one with the right prefix only?"""
    pid, secret = anna
    genuine = deploy(environment="staging")
    r = send(client, pid, deploy(), **{"X-Hub-Signature-256": sign(secret, genuine)})
    assert "does not match" in refused(r, 401, "bad_signature")
    refused(send(client, pid, deploy()), 401, "signature_missing")
    for bad in ("", "sha256=", sign(secret, genuine)[:20], "sha1=" + "0" * 40, sign(secret, deploy())[:-1] + "x"):
        refused(send(client, pid, deploy(), **{"X-Hub-Signature-256": bad}), 401, "bad_signature")
    untouched(client, pid)


def test_another_plans_secret_does_not_open_this_plans_webhook(client, anna):
    """May Ben, with his own plan's valid secret, verify Anna's plan? (Signature and token both.)"""
    pid, _ = anna
    ben = make_plan(client, "ben")
    ben_secret = client.post(f"/api/plans/{ben}/webhook", headers=token("ben")).json()["secret"]
    refused(signed(client, pid, ben_secret, deploy()), 401, "bad_signature")
    refused(send(client, pid, deploy(), **{"X-Gitlab-Token": ben_secret}), 401, "bad_token")
    untouched(client, pid)
    assert signed(client, ben, ben_secret, deploy()).status_code == 201  # his secret works on his own plan


def test_a_forged_gitlab_token_is_refused(client, anna):
    """Is a wrong, empty, truncated or padded X-Gitlab-Token refused — and a good signature beside a forged token
    still checked as a signature (the stronger proof wins, never the weaker)?"""
    pid, secret = anna
    body = json.dumps({"object_kind": "deployment", "status": "success", "environment": "production",
                       "status_changed_at": "2026-04-19 14:00:00 +0200"}).encode()
    for bad in ("", "shw_", secret[:-1], secret + "x", secret.upper(), "x" * 2000):
        refused(send(client, pid, body, **{"X-Gitlab-Event": "Deployment Hook", "X-Gitlab-Token": bad}),
                401, "bad_token")
    refused(send(client, pid, body, **{"X-Gitlab-Token": secret, "X-Hub-Signature-256": sign("guess", body)}),
            401, "bad_signature")
    untouched(client, pid)


def test_a_replayed_delivery_is_refused(client, anna):
    """Is the same body sent again (under a new delivery id), or a new body under a delivery id already seen,
    refused as a replay — the deployment stored once?"""
    pid, secret = anna
    first = deploy(id="run-1")
    assert signed(client, pid, secret, first).status_code == 201
    assert "already received" in refused(signed(client, pid, secret, first), 409, "replayed")
    refused(signed(client, pid, secret, deploy(id="run-1", finished_at="2026-04-19T13:00:00Z")), 409, "replayed")
    gh = json.dumps({"deployment_status": {"state": "success", "environment": "production",
                                           "created_at": "2026-04-19T12:30:00Z"}}).encode()
    assert signed(client, pid, secret, gh, **{"X-GitHub-Event": "deployment_status",
                                              "X-GitHub-Delivery": "guid-1"}).status_code == 201
    refused(signed(client, pid, secret, gh, **{"X-GitHub-Event": "deployment_status", "X-GitHub-Delivery": "guid-2"}),
            409, "replayed")
    other = json.dumps({"deployment_status": {"state": "failure", "environment": "production",
                                              "created_at": "2026-04-19T12:40:00Z"}}).encode()
    refused(signed(client, pid, secret, other, **{"X-GitHub-Event": "deployment_status",
                                                  "X-GitHub-Delivery": "guid-1"}), 409, "replayed")
    assert len(client.get(f"/api/plans/{pid}/deployments", headers=token("anna")).json()) == 2


def test_the_public_url_does_not_tell_which_plans_have_a_webhook(client, anna):
    """Is a delivery to a plan that does not exist, to one whose owner made no secret, or to an id no plan can have
    answered exactly as a wrong secret for Anna's real plan is — the same status, code and sentence for a wrong
    signature, a wrong GitLab token and no signature at all — so that nobody without a secret learns which plans
    exist (a 404 for unknown plans beside a 401 for real ones told them)?"""
    pid, secret = anna
    ben = make_plan(client, "ben")  # no webhook
    body = deploy()
    ways = {"signature": {"X-Hub-Signature-256": sign("shw_guess", body)}, "token": {"X-Gitlab-Token": "shw_guess"},
            "unsigned": {}}
    for way, headers in ways.items():
        r = send(client, pid, body, **headers)
        real = (r.status_code, r.json())
        assert r.status_code == 401, (way, r.text)
        for target in (ben, 999, 0, -1, 2**31, 10**30):
            r = send(client, target, body, **headers)
            assert (r.status_code, r.json()) == real, (way, target, r.text)
    # a secret valid for Anna's plan proves nothing for another number, and is told the same as a wrong one
    for target in (ben, 999):
        refused(signed(client, target, secret, body), 401, "bad_signature")
    assert client.get(f"/api/plans/{ben}", headers=token("ben")).json()["verified"] is None
    untouched(client, pid)


def test_an_oversized_body_is_refused_before_it_is_read(client, anna):
    """Is a body over 256 KiB refused (413) whether it says its length or streams without one, and is a
    thousands-deep JSON nest a 400, never a 500?"""
    pid, secret = anna
    big = deploy(service="x" * 300_000)
    refused(signed(client, pid, secret, big), 413, "body_too_large")

    def chunks():
        for _ in range(100):
            yield b"x" * 8192

    r = client.post(f"/api/plans/{pid}/deployments/hook", content=chunks(),
                    headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=0"})
    refused(r, 413, "body_too_large")
    refused(send(client, pid, b"{}", **{"Content-Length": "1e9", "X-Hub-Signature-256": "x"}), 400, "bad_request")
    deep = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    refused(signed(client, pid, secret, deep[:250_000]), 400, "not_json")
    untouched(client, pid)


def test_signatures_and_tokens_are_compared_in_constant_time(client, anna, monkeypatch):
    """Does every check of a signature or a token go through hmac.compare_digest (never ==, which stops at the
    first wrong character and lets an attacker find the signature byte by byte)?"""
    pid, secret = anna
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body = deploy()
    wrong = sign(secret, body)[:-4] + "0000"
    refused(send(client, pid, body, **{"X-Hub-Signature-256": wrong}), 401, "bad_signature")
    assert (sign(secret, body).encode(), wrong.encode()) in calls
    calls.clear()
    refused(send(client, pid, body, **{"X-Gitlab-Token": secret[:-1]}), 401, "bad_token")
    assert calls and all(len(a) == len(b) == 32 for a, b in calls)  # digests: the token's length does not show
    calls.clear()
    assert signed(client, pid, secret, body).status_code == 201
    assert (sign(secret, body).encode(),) * 2 in calls


def test_refusals_are_logged_without_the_secret_or_the_signature(client, anna, caplog):
    """Is each refusal a log line naming the plan and the code, and does no log line hold the secret, a
    signature, a token or the body?"""
    pid, secret = anna
    body = deploy(service="canary-in-the-body")
    with caplog.at_level(logging.INFO, logger="shiplab.tracker"):
        send(client, pid, body, **{"X-Hub-Signature-256": sign(secret + "x", body)})
        send(client, pid, body, **{"X-Gitlab-Token": secret + "x"})
        send(client, pid, body, **{"X-Hub-Signature-256": "sha256=00", "X-GitHub-Delivery": "d\nFAKE LOG LINE"})
        signed(client, pid, secret, body, **{"X-GitHub-Delivery": "d-1"})
        signed(client, pid, secret, body)
        signed(client, 777, secret, body)
    text = caplog.text
    for code in ("bad_signature", "bad_token", "replayed"):
        assert f"code={code}" in text, code
    assert "plan=777 status=401 code=bad_signature" in text and "unknown_plan: no deployment webhook for plan 777" \
        in text  # answered as a wrong secret, logged as what it was
    assert f"plan={pid}" in text and "deployment webhook accepted" in text
    for leak in (secret, secret[4:20], sign(secret, body)[7:30], sign(secret + "x", body)[7:30], "canary-in-the-body"):
        assert leak not in text, leak
    assert "\nFAKE LOG LINE" not in text  # a header cannot forge a log line


def test_managers_and_instructors_can_neither_read_nor_replace_the_secret(client, anna):
    """Can Marta (Anna's manager) or Ines (her instructor) read the secret anywhere, or rotate it to take the
    webhook over? Can Ben, from another plan, even see it exists?"""
    pid, secret = anna
    for who in ("marta", "ines"):
        for path in (f"/api/plans/{pid}", f"/api/plans/{pid}/webhook", f"/api/plans/{pid}/deployments", "/api/plans",
                     "/api/figures"):
            r = client.get(path, headers=token(who))
            assert r.status_code == 200 and secret not in r.text and secret[4:] not in r.text, (who, path)
        assert secret not in browser(client, who).get(f"/plans/{pid}").text
        client.cookies.clear()
        for path in (f"/api/plans/{pid}/webhook/rotate", f"/api/plans/{pid}/webhook"):
            refused(client.post(path, headers=token(who)), 403, "not_your_plan")
    refused(client.get(f"/api/plans/{pid}/webhook", headers=token("ben")), 404, "plan_not_found")
    refused(client.post(f"/api/plans/{pid}/webhook/rotate", headers=token("ben")), 404, "plan_not_found")
    assert signed(client, pid, secret, deploy()).status_code == 201  # the secret still works: nobody replaced it


def test_a_page_form_cannot_rotate_the_secret_without_its_csrf_token(client, anna):
    """Can another site make Anna's browser rotate her secret (breaking her deploys) without the page's token?"""
    pid, secret = anna
    browser(client, "anna")
    refused(client.post(f"/plan/{pid}/webhook/rotate", data={}, headers={"Accept": "application/json"}),
            403, "csrf_failed")
    refused(client.post(f"/api/plans/{pid}/webhook/rotate"), 403, "csrf_failed")
    client.cookies.clear()
    assert signed(client, pid, secret, deploy()).status_code == 201


def test_a_deployment_cannot_carry_a_script_or_an_implausible_time(client, anna):
    """Is a javascript: link refused, a control character in the environment refused, HTML in the service name
    shown as text, and a deployment dated before the workshop or next week refused?"""
    pid, secret = anna
    refused(signed(client, pid, secret, deploy(url="javascript:alert(1)")), 422, "invalid_event")
    refused(signed(client, pid, secret, deploy(environment="produc\u202etion")), 422, "invalid_event")
    refused(signed(client, pid, secret, deploy(finished_at="2020-01-01T00:00:00Z")), 422, "implausible_time")
    refused(signed(client, pid, secret, deploy(finished_at="2026-04-27T10:00:00Z")), 422, "implausible_time")
    untouched(client, pid)
    assert signed(client, pid, secret, deploy(service="<script>alert(1)</script>")).status_code == 201
    page = browser(client, "marta").get(f"/plans/{pid}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
