"""After shipping, through the real app: the metric over time (owner and plan token), adoption at 14 days, the next
cycle, the baseline a plan needs, and the dashboard's figures of all of it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import select

from shiplab.tracker.models import PlanToken
from trackerkit import PLAN, UTC, browser, csrf_of, make_plan, token


def ship(client, who: str, pid: int, **extra) -> None:
    r = client.post(f"/api/plans/{pid}/shipped", json={"evidence_url": "https://git.example/r/1", **extra},
                    headers=token(who))
    assert r.status_code == 201, r.text


def test_a_plan_without_its_baseline_or_method_is_refused_with_what_to_add(client):
    """Is a plan with no baseline, or no word on how it was measured, refused with a 422 naming the field and
    saying what to write — by the API and by the page's form?"""
    body = {k: v for k, v in PLAN.items() if k not in ("baseline_value", "baseline_method")}
    r = client.post("/api/plans", json=body, headers=token("anna"))
    msg = r.json()["error"]["message"]
    assert r.status_code == 422 and "baseline_value: a plan needs its baseline" in msg
    assert "baseline_method: say how the baseline was measured" in msg
    r = client.post("/api/plans", json={**PLAN, "baseline_method": "  measured "}, headers=token("anna"))
    assert r.status_code == 422 and "baseline_method" in r.json()["error"]["message"]
    browser(client, "anna")
    form = {k: str(v) for k, v in PLAN.items() if k != "baseline_method"}
    r = client.post("/plan", data={"_csrf": csrf_of(client, "/plan"), **form, "cohort_id": "1"})
    assert r.status_code == 422 and 'data-field="baseline_method"' in r.text


def test_values_over_time_from_the_owner_and_the_service_token(client, clock, app):
    """Does the owner post a value, does the production service post one with the plan token (shown once, stored
    only as its SHA-256), and are a rotated token, another plan's token and an unknown token refused (401)?"""
    pid, other = make_plan(client, "anna"), make_plan(client, "ben")
    r = client.post(f"/api/plans/{pid}/metric", json={"value": 28, "measured_on": "2026-03-30"}, headers=token("anna"))
    assert r.status_code == 201 and r.json()["source"] == "participant"
    r = client.post(f"/api/plans/{pid}/metric-token", headers=token("anna"))
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
    secret = r.json()["token"]
    assert secret.startswith("shm_") and len(secret) > 40
    with app.state.sessions() as s:
        stored = s.scalar(select(PlanToken.token_sha256).where(PlanToken.plan_id == pid))
    assert stored == hashlib.sha256(secret.encode()).hexdigest() and secret not in stored
    assert "token" not in client.get(f"/api/plans/{pid}/metric-token", headers=token("marta")).json()
    service = {"Authorization": f"Bearer {secret}"}
    r = client.post(f"/api/plans/{pid}/metric", json={"value": 24.5, "note": "daily median"}, headers=service)
    assert r.status_code == 201 and r.json()["source"] == "service" and r.json()["measured_on"] == "2026-04-01"
    assert client.post(f"/api/plans/{other}/metric", json={"value": 1}, headers=service).status_code == 401
    assert client.post(f"/api/plans/{pid}/metric", json={"value": 1},
                       headers={"Authorization": "Bearer shm_" + "x" * 43}).status_code == 401
    assert client.get(f"/api/plans/{pid}/metric", headers=service).status_code == 401  # it reads nothing
    assert client.post(f"/api/plans/{pid}/metric-token", headers=token("anna")).status_code == 409
    r = client.post(f"/api/plans/{pid}/metric-token/rotate", headers=token("anna"))
    assert r.status_code == 200 and r.json()["token"] != secret
    r = client.post(f"/api/plans/{pid}/metric", json={"value": 1}, headers=service)
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_plan_token"
    assert client.post(f"/api/plans/{pid}/metric-token/rotate", headers=token("ben")).status_code == 404
    values = [(m["measured_on"], m["value"]) for m in client.get(f"/api/plans/{pid}/metric",
                                                                 headers=token("marta")).json()]
    assert values == [("2026-03-30", 28.0), ("2026-04-01", 24.5)]
    assert client.get(f"/api/plans/{pid}/metric", headers=token("ben")).status_code == 404
    assert client.post(f"/api/plans/{pid}/metric", json={"value": 1}, headers=token("ben")).status_code == 404
    r = client.post(f"/api/plans/{pid}/metric", json={"value": 1}, headers=token("marta"))  # sees it, may not write
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_plan"
    browser(client, "anna")  # a browser session must send the CSRF token, as every write
    assert client.post(f"/api/plans/{pid}/metric", json={"value": 1}).status_code == 403
    client.cookies.clear()


def test_hostile_metric_values_and_dates_are_refused_with_the_field(client):
    """Are NaN-like, huge (1e300, 1e400, a 401-digit integer), boolean, non-numeric and far-dated readings refused with a 422 that names the
    field, and a NUL in the note too?"""
    pid = make_plan(client, "anna")
    h = {**token("anna"), "content-type": "application/json"}
    for body, field in (('{"value": 1e300}', "value"), ('{"value": 1e400}', "value"), ('{"value": "NaN"}', "value"),
                        ('{"value": 5, "measured_on": "9999-12-31"}', "measured_on"),
                        ('{"value": 5, "measured_on": "2020-01-01"}', "measured_on"),
                        ('{"value": 5, "note": "a\\u0000b"}', "note"), ('{"value": true}', "value"),
                        ('{"value": 1' + '0' * 400 + '}', "value")):
        r = client.post(f"/api/plans/{pid}/metric", content=body, headers=h)
        assert r.status_code == 422 and field in r.json()["error"]["message"], (body, r.text)
    assert client.get(f"/api/plans/{pid}/metric", headers=token("anna")).json() == []


def test_the_plan_page_draws_baseline_target_and_the_series(client, clock):
    """Does the plan page (and the manager's view of it) draw an SVG with the baseline, target, ship date and the
    readings, with nothing from a CDN?"""
    pid = make_plan(client, "anna")
    for day, value in (("2026-03-30", 29), ("2026-04-01", 22)):
        client.post(f"/api/plans/{pid}/metric", json={"value": value, "measured_on": day}, headers=token("anna"))
    ship(client, "anna", pid, after_value=22)
    for who, page in (("anna", "/plan"), ("marta", f"/plans/{pid}")):
        html = browser(client, who).get(page).text
        chart = re.search(r'<svg class="chart metric".*?</svg>', html, re.S).group(0)
        assert "baseline 30" in chart and "target 20" in chart and "shipped 2026-04-01" in chart
        assert chart.count('class="point"') == 2 and "http" not in chart.replace("http://www.w3.org/2000/svg", "")
    ben = make_plan(client, "ben")  # no readings: the value reported when it shipped is the one point
    ship(client, "ben", ben, after_value=26)
    chart = re.search(r'<svg class="chart metric".*?</svg>', browser(client, "marta").get(f"/plans/{ben}").text,
                      re.S).group(0)
    assert chart.count('class="point"') == 1 and "2026-04-01: 26" in chart


def test_adoption_is_asked_14_days_after_shipping_and_counted(client, clock):
    """Is the adoption answer refused before day 14 after shipping, taken then (the metric as evidence, a reading
    too), and counted on the dashboard and in /api/figures with the median change 30 days after shipping?"""
    pid = make_plan(client, "anna")
    ship(client, "anna", pid, shipped_on="2026-04-01", after_value=25)
    r = client.post(f"/api/plans/{pid}/adoption", json={"outcome": "adopted"}, headers=token("anna"))
    assert r.status_code == 409 and "2026-04-15" in r.json()["error"]["message"]
    clock.now = dt.datetime(2026, 4, 15, 9, tzinfo=UTC)
    r = client.post(f"/api/plans/{pid}/adoption", json={"outcome": "adopted", "evidence_value": 21,
                                                        "note": "the team uses it daily"}, headers=token("anna"))
    assert r.status_code == 200 and r.json()["outcome"] == "adopted"
    clock.now = dt.datetime(2026, 5, 2, 9, tzinfo=UTC)
    client.post(f"/api/plans/{pid}/metric", json={"value": 18, "measured_on": "2026-05-01"}, headers=token("anna"))
    out = client.get("/api/figures", headers=token("marta")).json()["outcomes"]
    assert out["adoption_14"] == {"due": 1, "adopted": 1, "went_back": 0, "unanswered": 0, "share_adopted": 1.0}
    # 30 → 18 on day 30 after shipping: −40 %, toward the lower target
    assert out["change_30"]["counted"] == 1 and out["change_30"]["median_change_pct"] == -40.0
    assert out["change_30"]["median_toward_target_pct"] == 40.0 and out["change_60"]["due"] == 0
    page = browser(client, "marta").get("/dashboard").text
    assert "100%</b>adopted 14 days after shipping (1 adopted" in page
    assert re.search(r'id="kpi-change-30"><b class="ok">40% toward', page)
    # a changed answer (same count of answers) is seen at once, though the figures are cached
    r = client.post(f"/api/plans/{pid}/adoption", json={"outcome": "went_back"}, headers=token("anna"))
    assert r.status_code == 200
    again = client.get("/api/figures", headers=token("marta")).json()["outcomes"]["adoption_14"]
    assert (again["adopted"], again["went_back"], again["share_adopted"]) == (0, 1, 0.0)


def test_a_next_plan_opens_after_a_ship_and_only_the_first_counts_in_60_days(client, clock):
    """While anna's plan is open, is a second refused; once it shipped, is her next plan cycle 2, left out of the
    60-day figure but counted in the cycles — with the days from one ship to the next?"""
    first = make_plan(client, "anna")
    r = client.post("/api/plans", json=PLAN, headers=token("anna"))
    assert r.status_code == 409 and "still open" in r.json()["error"]["message"]
    ship(client, "anna", first, shipped_on="2026-03-30")
    second = make_plan(client, "anna", use_case="Route claims to the right team")
    assert client.get(f"/api/plans/{second}", headers=token("anna")).json()["cycle"] == 2
    r = client.post(f"/api/plans/{first}/checkins", json={"status": "building"}, headers=token("anna"))
    assert r.status_code == 409
    page = browser(client, "anna").get("/plan").text
    assert page.index("(cycle 2)") < page.index(PLAN["use_case"])  # the newest cycle first
    figs = client.get("/api/figures", headers=token("marta")).json()
    assert figs["overall"]["plans"] == 1 and figs["overall"]["shipped"] == 1
    clock.now = dt.datetime(2026, 4, 20, 9, tzinfo=UTC)
    ship(client, "anna", second, shipped_on="2026-04-19")
    third = make_plan(client, "anna", use_case="Answer status questions")
    cycles = client.get("/api/figures", headers=token("marta")).json()["outcomes"]["cycles"]
    assert cycles["plans"] == 3 and cycles["people"] == 1 and cycles["on_later_cycle"] == 1
    assert cycles["median_days_ship_to_next_ship"] == 20 and cycles["most_plans"] == 3
    assert client.get(f"/api/plans/{third}", headers=token("anna")).json()["cycle"] == 3
    page = browser(client, "marta").get("/dashboard").text
    assert re.search(r'id="kpi-next-ship"><b>20</b>median days from one ship to the next', page)


class Outbox:
    channel = "webhook"

    def __init__(self):
        self.sent = []

    def send(self, msg) -> None:
        self.sent.append((msg.username, msg.subject))


def test_the_adoption_question_is_sent_once_14_days_after_shipping(client, clock, app):
    """Is anna asked 'still used?' at 09:00 Berlin on day 14 after her ship date — not before, once only, and not
    at all for a plan already answered?"""
    from shiplab.tracker.reminders import run_due_reminders

    pid = make_plan(client, "anna")
    ship(client, "anna", pid, shipped_on="2026-04-01")
    outbox = Outbox()

    def run(now):
        with app.state.sessions() as s:
            return run_due_reminders(s, now, {"webhook": outbox})

    run(dt.datetime(2026, 4, 15, 6, 59, tzinfo=UTC))  # 08:59 in Berlin
    assert not [m for m in outbox.sent if "still used" in m[1]]
    run(dt.datetime(2026, 4, 15, 7, 0, tzinfo=UTC))
    run(dt.datetime(2026, 4, 16, 7, 0, tzinfo=UTC))
    assert [m for m in outbox.sent if "still used" in m[1]] == [("anna", "Two weeks after shipping: is it still used?")]
    ben = make_plan(client, "ben")
    ship(client, "ben", ben, shipped_on="2026-04-01")
    clock.now = dt.datetime(2026, 4, 15, 7, 30, tzinfo=UTC)
    client.post(f"/api/plans/{ben}/adoption", json={"outcome": "went_back"}, headers=token("ben"))
    run(dt.datetime(2026, 4, 15, 8, 0, tzinfo=UTC))
    assert not [m for m in outbox.sent if m[0] == "ben" and "still used" in m[1]]


def test_the_demo_shows_readings_adoption_lessons_and_next_cycles_once(app, client):
    """Does the demo's earlier cohort come with readings, adoption answers, four lessons (one anonymous) and two
    next cycles — made once, however often the demo is ensured?"""
    from pathlib import Path

    from shiplab.roster import parse
    from shiplab.tracker.demo import ensure_demo_data

    roster = parse((Path(__file__).resolve().parents[2] / "hub_config" / "demo_roster.csv").read_text("utf-8"))
    with app.state.sessions() as s:
        ensure_demo_data(s, roster, today=dt.date(2026, 4, 1))
        ensure_demo_data(s, roster, today=dt.date(2026, 4, 2))
    manager = next(p.username for p in roster if p.role == "manager")
    from shiplab.tracker.auth import StaticIdentity
    from trackerkit import hub_user

    app.state.identity = StaticIdentity({**app.state.identity.users, manager: hub_user(manager, "managers")})
    figs = client.get("/api/figures?cohort=demo-earlier", headers=token(manager)).json()
    out = figs["outcomes"]
    assert (out["adoption_14"]["adopted"], out["adoption_14"]["went_back"], out["adoption_14"]["due"]) == (2, 1, 3)  # first shipped plans: one voice each
    assert out["change_30"]["counted"] == out["change_30"]["due"] == 2
    assert out["change_30"]["median_toward_target_pct"] > 0
    assert out["cycles"]["on_later_cycle"] == 2 and out["cycles"]["median_days_ship_to_next_ship"] == 28
    assert figs["overall"]["plans"] == 8  # the 60-day figure: first plans only
    lessons = client.get("/api/lessons", headers=token("chloe")).json()  # portal: another team than Priya's
    assert len(lessons) == 4 and [x["author"] for x in lessons if x["anonymous"]] == [None]
    mine = client.get("/api/lessons", headers=token("anna")).json()  # claims: Priya's team
    assert [x["author"] for x in mine if x["anonymous"]] == ["Priya (example)"]


def test_a_next_cycle_cannot_ship_before_it_began_and_stored_ones_do_not_poison_the_figures(client, clock):
    """Is a cycle-2 ship date before the previous plan shipped refused (422 naming shipped_on), and does a stored pair
    shipped out of order count as nothing rather than as negative days?"""
    from shiplab.tracker.outcomes import Outcome, cycles

    first = make_plan(client, "anna")
    clock.now = dt.datetime(2026, 4, 10, 9, tzinfo=UTC)
    ship(client, "anna", first, shipped_on="2026-04-08")
    second = make_plan(client, "anna", use_case="Next one")
    r = client.post(f"/api/plans/{second}/shipped", json={"evidence_url": "https://x.example/1",
                                                          "shipped_on": "2026-04-02"}, headers=token("anna"))
    assert r.status_code == 422 and "shipped_on" in r.json()["error"]["message"] and "2026-04-08" in \
        r.json()["error"]["message"]
    day = dt.date(2026, 4, 1)
    older = [Outcome(1, "x", "c", 1, day, day, 1, 2, None), Outcome(2, "x", "c", 2, day - dt.timedelta(days=9), day,
                                                                    1, 2, None)]
    c = cycles(older)
    assert (c.ship_to_next_ship, c.median_days_ship_to_next_ship, c.on_later_cycle) == (0, None, 1)


def test_stored_ship_dates_out_of_bounds_do_not_poison_adoption_or_cycles(client, clock, app):
    """With a first plan an older tracker stored as shipped on 1990-01-01 and a next plan shipped normally, are the
    adoption figure and the days from one ship to the next left without it (no 13,000-day gap, no due answer)?"""
    from shiplab.tracker.models import Shipped, ShipPlan

    first = make_plan(client, "anna")
    ship(client, "anna", first, shipped_on="2026-03-28")
    with app.state.sessions() as s:
        row = s.scalar(select(Shipped).where(Shipped.plan_id == first))
        row.shipped_on = dt.date(1990, 1, 1)
        s.scalar(select(ShipPlan).where(ShipPlan.id == first)).updated_at = dt.datetime.now(UTC)
        s.commit()
    second = make_plan(client, "anna", use_case="Next")
    ship(client, "anna", second, shipped_on="2026-04-01")
    clock.now = dt.datetime(2026, 5, 1, 9, tzinfo=UTC)
    out = client.get("/api/figures", headers=token("marta")).json()
    assert out["left_out"]["shipped_before_workshop"] == [first]
    cycles = out["outcomes"]["cycles"]
    assert (cycles["ship_to_next_ship"], cycles["median_days_ship_to_next_ship"]) == (0, None)
    assert out["outcomes"]["adoption_14"]["due"] == 1  # only the next plan's ship counts
    assert not re.search(r"\d{5,}", browser(client, "marta").get("/dashboard").text.split('id="cycles"')[1][:600])


def test_a_next_cycle_is_overdue_after_its_planned_date_not_after_day_60():
    """On day 70, is an open second plan planned for day 80 on time, while a first plan planned for day 80 is
    overdue (the 60 days measure first plans), and both are overdue after day 80?"""
    from shiplab.tracker import rules

    cohort = rules.CohortFacts(1, "c", dt.date(2026, 3, 27), "Europe/Berlin")
    first = rules.PlanFacts(1, "anna", "claims", cohort, rules.day_date(cohort, 80), "building")
    second = first._replace(id=2, cycle=2)
    day70 = dt.datetime(2026, 6, 5, 10, tzinfo=UTC)
    assert (rules.is_overdue(first, day70), rules.is_overdue(second, day70)) == (True, False)
    day81 = day70 + dt.timedelta(days=11)
    assert rules.is_overdue(first, day81) and rules.is_overdue(second, day81)
