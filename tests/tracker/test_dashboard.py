"""The manager's dashboard in-process: one cohort by default with its day, every cohort with its own figures, people
by name (a new plan, nobody's plan yet), the metric change said toward or away from the target, days in one format."""

from __future__ import annotations

import datetime as dt
import re

from trackerkit import UTC, browser, make_plan, token

from shiplab.tracker import rules


def ship(client, name: str, pid: int, on: str, after: float | None = None) -> None:
    body = {"evidence_url": "https://git.example/r/1", "shipped_on": on}
    if after is not None:
        body["after_value"] = after
    r = client.post(f"/api/plans/{pid}/shipped", json=body, headers=token(name))
    assert r.status_code == 201, r.text


def text(html: str, element_id: str) -> str:
    """The text of the element with ``element_id`` (tags dropped, spaces squeezed)."""
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</(table|p|div)>', html, re.S)
    assert m, f"no #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


def test_the_dashboard_opens_on_the_latest_cohort_and_lists_every_cohort_with_its_day(client, clock):
    """Three days after the autumn workshop, does the dashboard open on autumn (day 3), not mix it with spring
    (day 192), list both cohorts with their own day and figures, and show everything only when asked?"""
    make_plan(client, "anna", planned_ship_date="2026-05-15")
    clock.now = dt.datetime(2026, 10, 1, 12, tzinfo=UTC)
    make_plan(client, "erik", planned_ship_date="2026-11-15")
    clock.now = dt.datetime(2026, 10, 5, 16, tzinfo=UTC)  # autumn (New York) ended 2026-10-02: day 3
    page = browser(client, "root").get("/dashboard").text
    assert "Shipping dashboard — autumn" in page and "day 3</strong> of 60" in page
    assert re.search(r'<option value="autumn" selected>', page)
    people = text(page, "people")
    assert "erik" in people and "anna" not in people  # the default view is one cohort
    cohorts = text(page, "cohort-rows")
    assert "autumn 2026-10-02 day 3 1" in cohorts and "spring 2026-03-27 day 192 1" in cohorts
    everything = browser(client, "root").get("/dashboard?cohort=*").text
    assert "all cohorts" in everything and "mix cohorts" in everything
    assert {"anna", "erik"} <= set(re.findall(r'data-user="([a-z]+)"', everything))
    assert browser(client, "root").get("/dashboard?cohort=nosuch").status_code == 404


def test_people_are_listed_by_name_with_a_new_plan_and_those_without_one(client, clock):
    """Does marta's dashboard list anna's new plan by name (not only in the totals), with ben and chloe, who have
    none yet, named as having no plan; and does a check-in overdue put ben's plan first, marked?"""
    pid = make_plan(client, "anna")
    page = browser(client, "marta").get("/dashboard").text
    people = text(page, "people")
    assert "anna Anna Berger claims planned 2026-05-15 never" in people, people
    assert text(page, "without-plan") == "No plan yet: ben (Ben Okafor), chloe (Chloé Martin)."
    clock.now = dt.datetime(2026, 4, 20, 10, tzinfo=UTC)  # day 24: the day-14 check-in is overdue
    make_plan(client, "ben")  # no check-in yet: his day-14 one is overdue
    r = client.post(f"/api/plans/{pid}/checkins", json={"status": "building"}, headers=token("anna"))
    assert r.status_code == 201, r.text
    page = browser(client, "marta").get("/dashboard").text
    rows = re.findall(r'<tr data-user="([a-z]+)">', page)
    assert rows == ["ben", "anna"] and "1 with a check-in overdue" in page
    assert "day 14 (overdue)" in text(page, "people")
    assert client.get(f"/plans/{pid}").status_code == 200  # the name links to the plan


def test_a_metric_that_fell_toward_a_lower_target_reads_as_toward_it(client, clock):
    """Handling time 30 → 18 against a target of 20 is −40 %: is it shown as 40 % toward the target (not as a
    fall), and a metric moved away from its target as away?"""
    pid = make_plan(client, "anna", baseline_value=30, target_value=20)
    clock.now = dt.datetime(2026, 4, 20, 10, tzinfo=UTC)
    ship(client, "anna", pid, "2026-04-17", after=18)
    kpi = text(browser(client, "marta").get("/dashboard").text, "kpi-metric")
    assert kpi.startswith("40% toward median metric change, from the baseline toward the target (1 of 1 moved"), kpi
    assert "−40" not in kpi and "-40" not in kpi
    figs = client.get("/api/figures", headers=token("marta")).json()["overall"]
    assert figs["median_change_pct"] == -40.0 and figs["median_toward_target_pct"] == 40.0
    worse = rules.PlanFacts(1, "x", "", rules.CohortFacts(1, "c", dt.date(2026, 1, 1)), dt.date(2026, 2, 1),
                            baseline=30, target=20, after=33)
    assert rules.change_toward_target_pct(worse) == -10.0


def test_median_days_read_in_one_format(client, clock):
    """With ship days 21 and 85 (median 53), is it shown as 53 — never 53.0 — beside a whole 21 elsewhere?"""
    anna, ben = make_plan(client, "anna"), make_plan(client, "ben")
    clock.now = dt.datetime(2026, 6, 30, 10, tzinfo=UTC)
    ship(client, "anna", anna, "2026-04-17")  # day 21
    ship(client, "ben", ben, "2026-06-20")  # day 85
    page = browser(client, "marta").get("/dashboard").text
    assert "53.0" not in page
    assert re.search(r"<b>53</b>median days to ship", page)
