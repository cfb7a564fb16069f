"""Attacks on the shipping tracker's input: implausible data that was accepted and poisoned the manager's figures.

Each test replays one finding of the security review against the real tracker app (real SQLite file, real routes;
only the hub identity is a stand-in, as in tests/tracker): a ship date of 1990-01-01 that counted as "shipped within
60 days" with a median of −13,481 days, planned dates 0001-01-01 and 9999-12-31, NUL characters, an after value of
−1e300 whose 300-digit percentage stretched the dashboard to 5,584 px, and ids and offsets that answered 500. Rows
written before the checks existed are put straight into the database, as an older tracker left them.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from fastapi.testclient import TestClient

from shiplab.tracker.models import ShipPlan, Shipped
from shiplab.tracker.settings import TrackerSettings
# trackerkit: the tracker tests' roster, hub users, clock and API helpers, shared rather than copied
from trackerkit import PLAN, UTC, Clock, browser, csrf_of, make_plan, token, tracker_app

HUGE_ID = "99999999999999999999999"
LONG_NUMBER = re.compile(r"\d{16,}")  # no figure the dashboard shows has 16 digits in a row


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


def refused(r, status: int, *words: str) -> str:
    """The error message of ``r``, after checking the one error shape, the status and that it names ``words``."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    err = r.json()["error"]
    assert set(err) == {"status", "code", "message"} and err["status"] == status
    for w in words:
        assert w in err["message"], (w, err["message"])
    return err["message"]


def store_old_row(app, plan_id: int, *, shipped_on: dt.date | None = None, after: float | None = None,
                  baseline: float | None = None) -> None:
    """Write what an older tracker accepted straight into the database (no check runs)."""
    with app.state.sessions() as s:
        plan = s.get(ShipPlan, plan_id)
        if baseline is not None:
            plan.baseline_value = baseline
        if shipped_on is not None:
            s.add(Shipped(plan_id=plan_id, shipped_on=shipped_on, evidence_url="https://x.example",
                          after_value=after, recorded_at=dt.datetime(2026, 4, 2, tzinfo=UTC)))
            plan.status = "shipped"
        s.commit()


# ---- refused at the API and in the forms

def test_a_ship_date_of_1990_is_refused_naming_shipped_on(client):
    """Is a shipped date of 1990-01-01 refused with 422 naming shipped_on, the date and the workshop's first day —
    and does nothing count as shipped afterwards?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/shipped", headers=token("anna"),
                    json={"shipped_on": "1990-01-01", "evidence_url": "https://git.example/rel/1"})
    refused(r, 422, "shipped_on", "1990-01-01", "2026-03-26")
    figs = client.get("/api/figures", headers=token("marta")).json()["overall"]
    assert figs["shipped"] == 0 and figs["median_days_to_ship"] is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_planned_dates_at_the_ends_of_the_calendar_are_refused(client, day):
    """Is a planned ship date of 0001-01-01 or 9999-12-31 refused with 422 naming planned_ship_date, the date and
    what is allowed — when a plan is made, when it is changed, and in the page's form?"""
    refused(client.post("/api/plans", json={**PLAN, "planned_ship_date": day}, headers=token("anna")), 422,
            "planned_ship_date", day, "2026-03-26")
    pid = make_plan(client, "anna")
    refused(client.put(f"/api/plans/{pid}", json={**PLAN, "planned_ship_date": day}, headers=token("anna")), 422,
            "planned_ship_date", day)
    assert client.get(f"/api/plans/{pid}", headers=token("anna")).json()["planned_ship_date"] == "2026-05-15"
    browser(client, "anna")
    form = {**{k: str(v) for k, v in PLAN.items()}, "planned_ship_date": day, "_csrf": csrf_of(client, "/plan")}
    page = client.post(f"/plan/{pid}/edit", data=form, headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 422 and "planned_ship_date" in page.text and day in page.text


@pytest.mark.parametrize("field", ["use_case", "backlog_ref", "metric_name", "unit"])
def test_nul_characters_in_a_plan_are_refused(client, field):
    """Is a NUL character in a plan's text refused with 422 naming the field and the character?"""
    r = client.post("/api/plans", json={**PLAN, field: "Draft summaries\x00 for handlers"}, headers=token("anna"))
    refused(r, 422, field, "U+0000")
    assert client.get("/api/me", headers=token("anna")).json()["plans"] == []


def test_nul_characters_in_notes_are_refused(client):
    """Is a NUL character in a check-in's note or a shipped record's note refused with 422 naming note?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building", "note": "PR\x00 open"},
                    headers=token("anna"))
    refused(r, 422, "note", "U+0000")
    r = client.post(f"/api/plans/{pid}/shipped", headers=token("anna"),
                    json={"evidence_url": "https://x.example", "note": "live\x00"})
    refused(r, 422, "note", "U+0000")
    assert client.get(f"/api/plans/{pid}/checkins", headers=token("anna")).json() == []


@pytest.mark.parametrize("note,named", [("looks\u200bempty", "U+200B"), ("\ufeffBOM first", "U+FEFF"),
                                        ("a\u2060joined", "U+2060"), ("Z" + "\u0301" * 300, "combining marks")])
def test_invisible_characters_in_notes_are_refused(client, note, named):
    """attack-15b: a zero-width space, a byte-order mark, a word joiner or 300 stacked combining accents were stored
    as check-in notes a manager sees as empty or misleading. Is each refused with 422 naming note and the
    character, nothing stored — while the joiners real text needs (an emoji family, Persian ZWNJ) are kept?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building", "note": note}, headers=token("anna"))
    refused(r, 422, "note", named)
    assert client.get(f"/api/plans/{pid}/checkins", headers=token("anna")).json() == []
    kept = "family \U0001F468\u200d\U0001F469\u200d\U0001F467, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645, caf\u0065\u0301"
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building", "note": kept}, headers=token("anna"))
    assert r.status_code == 201, r.text[:300]
    assert [c["note"] for c in client.get(f"/api/plans/{pid}/checkins", headers=token("anna")).json()] == [kept]


def test_a_line_separator_in_a_note_becomes_a_line_break(client):
    """Are U+2028/U+2029 in a note stored as line breaks (shown as such), not as invisible separators?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building", "note": "one\u2028two\u2029three"},
                    headers=token("anna"))
    assert r.status_code == 201, r.text[:300]
    assert client.get(f"/api/plans/{pid}/checkins", headers=token("anna")).json()[0]["note"] == "one\ntwo\n\nthree"


def test_an_after_value_of_minus_1e300_is_refused(client):
    """Is an after value of -1e300 refused with 422 naming after_value, the value and the allowed range?"""
    pid = make_plan(client, "anna")
    r = client.post(f"/api/plans/{pid}/shipped", headers=token("anna"),
                    json={"evidence_url": "https://x.example", "after_value": -1e300})
    refused(r, 422, "after_value", "-1e+300", "1,000,000,000,000")
    assert client.get(f"/api/plans/{pid}", headers=token("anna")).json()["shipped"] is None


def test_a_plan_id_of_23_digits_is_not_found_everywhere(client):
    """Does /api/plans/99999999999999999999999 answer 404 in the error shape — reading, changing, checking in,
    shipping, and on the pages — instead of a 500?"""
    h = token("anna")
    for method, path, body in (("GET", f"/api/plans/{HUGE_ID}", None), ("GET", f"/api/plans/{HUGE_ID}/checkins", None),
                               ("PUT", f"/api/plans/{HUGE_ID}", PLAN),
                               ("POST", f"/api/plans/{HUGE_ID}/checkins", {"status": "building"}),
                               ("POST", f"/api/plans/{HUGE_ID}/shipped", {"evidence_url": "https://x.example"})):
        refused(client.request(method, path, json=body, headers=h), 404, HUGE_ID)
    assert browser(client, "marta").get(f"/plans/{HUGE_ID}", headers={"accept": "text/html"}).status_code == 404
    assert browser(client, "ines").get(f"/cohorts/{HUGE_ID}", headers={"accept": "text/html"}).status_code == 404


def test_an_offset_of_1e20_is_refused_not_a_500(client):
    """Does ?offset=100000000000000000000 (1e20 written out; the text "1e20" was already refused as not an integer)
    answer 422 naming offset and what is allowed, instead of a 500?"""
    refused(client.get("/api/plans?offset=100000000000000000000", headers=token("marta")), 422, "offset",
            "100000000000000000000", "2147483647")


# ---- rows stored before the checks cannot poison the figures

def test_a_stored_ship_date_of_1990_is_left_out_of_the_figures(app, client):
    """With a plan stored as shipped on 1990-01-01, is it left out of the share and the median (no negative
    median, no share above what really shipped), and does the dashboard say one plan was left out and why?"""
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    store_old_row(app, anna, shipped_on=dt.date(1990, 1, 1))
    r = client.post(f"/api/plans/{ben}/shipped", headers=token("ben"), json={"evidence_url": "https://x.example"})
    assert r.status_code == 201
    figs = client.get("/api/figures", headers=token("marta")).json()
    o = figs["overall"]
    assert (o["plans"], o["shipped"], o["shipped_within_60"], o["median_days_to_ship"]) == (1, 1, 1, 24)
    assert figs["left_out"]["shipped_before_workshop"] == [anna]
    assert client.get(f"/api/plans/{anna}", headers=token("anna")).json()["shipped"]["within_60_days"] is False
    page = browser(client, "marta").get("/dashboard").text
    assert re.search(r"<b>([^<]*)</b>median days to ship", page).group(1) == "24"
    assert "Left out of these figures</strong> (1 plan)" in page and "before the workshop began" in page
    assert f'href="/plans/{anna}"' in page


def test_a_stored_ship_date_in_the_future_is_left_out(app, client):
    """With a plan stored as shipped on 2026-12-31 (after today, 2026-04-20), is it left out of the figures and
    named on the dashboard?"""
    anna = make_plan(client, "anna")
    store_old_row(app, anna, shipped_on=dt.date(2026, 12, 31))
    figs = client.get("/api/figures", headers=token("marta")).json()
    assert figs["overall"]["shipped"] == 0 and figs["overall"]["median_days_to_ship"] is None
    assert figs["left_out"]["shipped_in_future"] == [anna]
    assert "ship date after today" in browser(client, "marta").get("/dashboard").text


def test_a_stored_after_value_of_minus_1e300_does_not_stretch_the_dashboard(app, client):
    """With an after value of -1e300 stored, does the dashboard show no 300-digit percentage (nor any number of
    16 digits), leave that change out of the median and say so — while the plan still counts as shipped?"""
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    store_old_row(app, anna, shipped_on=dt.date(2026, 4, 10), after=-1e300)
    store_old_row(app, ben, shipped_on=dt.date(2026, 4, 12), after=24.0)
    figs = client.get("/api/figures", headers=token("marta")).json()
    o = figs["overall"]
    assert o["shipped_within_60"] == 2 and o["median_change_pct"] == -20.0 and o["with_after_value"] == 1
    assert figs["left_out"]["value_out_of_range"] == [anna]
    for who, page in (("marta", "/dashboard"), ("ines", "/cohorts/1"), ("ines", "/cohorts")):
        html = browser(client, who).get(page).text
        assert not LONG_NUMBER.search(html), (page, LONG_NUMBER.search(html).group()[:40])
    html = browser(client, "marta").get("/dashboard").text
    assert "metric value not a finite number" in html


def test_a_stored_zero_baseline_is_left_out_and_said(app, client):
    """With a baseline of 0 stored, is that plan's change left out of the median change (no division by zero, no
    infinite percentage), and does the dashboard say one change was left out because of it?"""
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    store_old_row(app, anna, shipped_on=dt.date(2026, 4, 10), after=12.0, baseline=0.0)
    store_old_row(app, ben, shipped_on=dt.date(2026, 4, 12), after=24.0)
    figs = client.get("/api/figures", headers=token("marta")).json()
    assert figs["overall"]["median_change_pct"] == -20.0 and figs["left_out"]["zero_baseline"] == [anna]
    html = browser(client, "marta").get("/dashboard").text
    assert "baseline of zero" in html and not LONG_NUMBER.search(html)
