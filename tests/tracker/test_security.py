"""Escaping, CSRF, the one error shape, and the inputs that must never be trusted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from shiplab import settings
from shiplab.errors import SettingsError
from shiplab.web.login import safe_next
from shiplab.tracker.settings import TrackerSettings
from trackerkit import BASELINE, browser, csrf_of, make_plan, token

XSS = '<script>alert("pwned")</script>'
IMG = '"><img src=x onerror=alert(1)>'


def test_script_in_user_text_is_escaped_on_every_page(client, clock):
    """Does a script typed into a plan and a check-in note come out escaped on every page that shows it?"""
    pid = make_plan(client, "anna", use_case=f"Summaries {XSS}", backlog_ref="NVA-1<b>", metric_name=f"time {IMG}")
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building", "note": f"note {XSS} {IMG}"},
                    headers=token("anna"))
    assert r.status_code == 201
    clock.now = clock.now.replace(month=4, day=20)  # day 24: the day-14 check-in is overdue → dashboard lists it
    client.post(f"/api/plans/{pid}/checkins", json={"status": "blocked", "blocker": "skills_gap",
                                                     "note": XSS}, headers=token("anna"))
    pages = [("anna", "/plan"), ("marta", f"/plans/{pid}"), ("marta", "/dashboard"), ("ines", "/cohorts/1"),
             ("ines", f"/plans/{pid}"), ("root", "/dashboard")]
    shown = 0
    for who, page in pages:
        html = browser(client, who).get(page).text
        assert "<script>" not in html and "<img src=x" not in html, f"unescaped on {page} for {who}"
        shown += "&lt;script&gt;" in html or "&lt;img" in html
    assert shown >= 4  # the text is really on those pages, escaped


def test_form_post_without_csrf_token_is_refused(client):
    """Is a form post from a logged-in browser refused with 403 without the token, with another session's token,
    and accepted with its own?"""
    browser(client, "anna")
    form = {**BASELINE, "use_case": "Summaries", "metric_name": "time", "planned_ship_date": "2026-05-01", "cohort_id": "1"}
    r = client.post("/plan", data=form, follow_redirects=False)
    assert r.status_code == 403 and "security token" in r.text
    bens_token = csrf_of(browser(client, "ben"), "/plan")
    browser(client, "anna")
    client.cookies.set("shiplab-tracker-csrf", bens_token)
    r = client.post("/plan", data={**form, "_csrf": bens_token}, follow_redirects=False)
    assert r.status_code == 403
    client.cookies.clear()
    browser(client, "anna")
    good = csrf_of(client, "/plan")
    r = client.post("/plan", data={**form, "_csrf": good}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/me", headers=token("anna")).json()["plans"]


def test_api_writes_from_a_browser_session_need_the_csrf_header(client):
    """Does a cookie-authenticated API write need X-CSRF-Token, while a hub-token write does not?"""
    pid = make_plan(client, "anna")  # token: no CSRF needed
    browser(client, "anna")
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    good = csrf_of(client, "/plan")
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building"}, headers={"X-CSRF-Token": good})
    assert r.status_code == 201


def test_errors_have_one_shape_and_no_traceback(client, monkeypatch):
    """Do 404, 405, 422 and a crash all answer {"error": {status, code, message}} without traceback or secrets?"""
    h = token("anna")
    for method, path, body, status in (("get", "/api/nothing-here", None, 404), ("delete", "/api/plans", None, 405),
                                       ("post", "/api/plans", {"use_case": 5}, 422),
                                       ("get", "/api/plans/not-a-number", None, 422)):
        r = client.request(method.upper(), path, json=body, headers=h)
        assert r.status_code == status
        err = r.json()["error"]
        assert set(err) == {"status", "code", "message"} and err["status"] == status and err["message"]

    from shiplab.tracker import service

    def broken(*a, **k):
        raise RuntimeError("db password is hunter2 and token abc123")

    monkeypatch.setattr(service, "facts", broken)
    r = client.get("/api/figures", headers=h)
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
    assert "hunter2" not in r.text and "Traceback" not in r.text and "abc123" not in r.text
    page = browser(client, "marta").get("/dashboard", headers={"accept": "text/html"})
    assert page.status_code == 500 and "text/html" in page.headers["content-type"]
    assert "hunter2" not in page.text and "reference" in page.text


def test_openapi_documents_the_error_shape(client):
    """Does the OpenAPI document list the API routes and the error model?"""
    spec = client.get("/api/openapi.json").json()
    assert "/api/plans/{plan_id}/checkins" in spec["paths"] and "/api/figures" in spec["paths"]
    assert "ErrorOut" in spec["components"]["schemas"]
    assert not any(p.startswith("/plan") for p in spec["paths"])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x", "ftp://files.example/x", "//evil"])
def test_evidence_links_must_be_http(client, url):
    """Is an evidence link that is not http(s) refused with a sentence saying what is allowed?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/shipped", json={"evidence_url": url}, headers=token("anna"))
    assert r.status_code == 422 and "http" in r.json()["error"]["message"]
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building", "evidence_url": url},
                    headers=token("anna"))
    assert r.status_code == 422


def test_csv_export_defuses_formulas(client):
    """Does a backlog item like =HYPERLINK(…) reach the CSV as text, while numbers stay numbers?"""
    make_plan(client, "anna", backlog_ref='=HYPERLINK("http://evil","x")', metric_name="@SUM(A1)",
              baseline_value=-5)
    rows = list(csv.DictReader(io.StringIO(client.get("/export.csv", headers=token("marta")).text)))
    assert rows[0]["backlog_ref"].startswith("'=") and rows[0]["metric"].startswith("'@")
    assert rows[0]["baseline"] == "-5.0"


def test_login_redirects_stay_on_this_site():
    """Are absolute, protocol-relative and backslash redirect targets replaced by the default?"""
    for bad in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""):
        assert safe_next(bad, "/services/tracker/") == "/services/tracker/"
    assert safe_next("/services/tracker/plan?x=1", "/") == "/services/tracker/plan?x=1"


def test_settings_refuse_placeholder_secrets():
    """Are a placeholder SMTP password, a short cookie secret and a webhook URL that is not http(s) refused, naming
    the variable, and is a signing key refused without a secret or a hub token?"""
    flat = settings.validate({"tracker": {"smtp_host": "mail.example", "smtp_port": 587, "smtp_starttls": True}})
    with pytest.raises(SettingsError, match="SHIPLAB_TRACKER_SMTP_PASSWORD"):
        TrackerSettings.from_settings(flat, Path("/srv/state"), {"SHIPLAB_TRACKER_SMTP_PASSWORD": "changeme"})
    with pytest.raises(SettingsError, match="SHIPLAB_TRACKER_COOKIE_SECRET"):
        TrackerSettings.from_settings(flat, Path("/srv/state"), {"SHIPLAB_TRACKER_COOKIE_SECRET": "short-but-real-9"})
    with pytest.raises(SettingsError, match="WEBHOOK_URL"):
        TrackerSettings.from_settings(flat, Path("/srv/state"), {"SHIPLAB_TRACKER_WEBHOOK_URL": "file:///etc/passwd"})
    s = TrackerSettings.from_settings(flat, Path("/srv/state"), {})
    assert (s.smtp_host, s.smtp_port, s.smtp_starttls) == ("mail.example", 587, True)
    with pytest.raises(SettingsError, match="JUPYTERHUB_API_TOKEN"):
        s.signing_key({})
