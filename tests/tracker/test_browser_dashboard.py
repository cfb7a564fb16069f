"""In chromium through a real hub: a blocked check-in without its blocker shown again with the note kept; the
manager's dashboard by cohort (its day), people by name, the metric change toward the target; the API reference
with nothing from outside the machine. Screenshots for the README when SHIPLAB_SCREENSHOTS names a folder."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from test_browser_tracker import T, open_tracker_logged_in

from shiplab.tracker.models import BLOCKERS

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def shoot(page, name: str) -> None:
    """docs/screenshots/NAME.png for the README, only when SHIPLAB_SCREENSHOTS names the folder (CI never rewrites
    the committed ones); the window is 1280 wide."""
    folder = os.environ.get("SHIPLAB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_a_blocked_check_in_without_its_blocker_is_shown_again_with_the_note_kept(tracker_hub, browser):
    """Does qa-anna, checking in 'blocked' with a note but no blocker, get her plan page back with the problem next
    to the blocker field (in words, no internal code), her note still typed and the status still blocked — and
    does choosing a blocker from the list then save it?"""
    page = open_tracker_logged_in(browser, tracker_hub, "qa-anna", "/plan")
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        if page.locator("button", has_text="Create plan").count():
            form = page.locator("form", has=page.locator("button", has_text="Create plan"))
            form.locator("textarea[name=use_case]").fill("Summarise claim files for handlers")
            form.locator("input[name=metric_name]").fill("review minutes")
            form.locator("input[name=baseline_value]").fill("20")
            form.locator("input[name=target_value]").fill("12")
            form.locator("input[name=planned_ship_date]").fill("2030-01-31")
            form.locator("button", has_text="Create plan").click()
            page.wait_for_selector("button:has-text('Check in')")
        checkin = page.locator("form[id^=checkin-]").first
        checkin.locator("select[name=status]").select_option("blocked")
        note = "security wants two weeks of review first"
        checkin.locator("input[name=note]").fill(note)
        checkin.locator("button", has_text="Check in").click()
        page.wait_for_selector(".field-error[data-field=blocker]")
        text = page.inner_text("main")
        assert "invalid_form" not in text and "400" not in page.title()
        assert not any(code in text for code in BLOCKERS), text[:500]
        assert "Not saved yet" in text
        checkin = page.locator("form[id^=checkin-]").first
        assert checkin.locator("input[name=note]").input_value() == note
        assert checkin.locator("select[name=status]").input_value() == "blocked"
        error_box = checkin.locator(".field-error[data-field=blocker]").bounding_box()
        select_box = checkin.locator("select[name=blocker]").bounding_box()
        assert abs(error_box["x"] - select_box["x"]) < 40 and 0 <= error_box["y"] - select_box["y"] < 80  # beside it
        checkin.locator("select[name=blocker]").select_option(label=BLOCKERS["tool_sprawl"])
        checkin.locator("button", has_text="Check in").click()
        page.wait_for_url(f"**{T}/plan")
        assert page.locator(".field-error").count() == 0
        assert note in page.inner_text("main")  # saved: in the history
    finally:
        page.context.close()


def test_the_dashboard_opens_on_one_cohort_with_its_day_and_names_its_people(tracker_hub, browser):
    """Does qa-marta's dashboard open on the demo cohort (day 3), not mixed with the one 75 days on; list her
    people by name (qa-anna's plan, who has none yet); show each cohort's day and figure; say the metric change as
    toward the target; and write median days in one format?"""
    page = open_tracker_logged_in(browser, tracker_hub, "qa-marta", "/dashboard")
    try:
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.reload()
        assert page.inner_text("h1") == "Shipping dashboard — demo"
        assert re.search(r"today is day 3 of 60", page.inner_text("#cohort-day"))
        people = page.inner_text("#people")
        assert "qa-anna" in people and "Anna Test" in people
        assert "demo-" not in people  # the earlier cohort's colleagues are not mixed in
        rows = page.locator("#cohort-rows tr[data-cohort]").all()
        cohorts = {r.get_attribute("data-cohort"): r.inner_text() for r in rows}
        assert set(cohorts) == {"demo", "demo-earlier"}
        assert "day 3" in cohorts["demo"] and "day 75" in cohorts["demo-earlier"]
        figures = page.inner_text(".kpis") + page.inner_text("#cohort-rows")
        assert not re.search(r"\b\d+\.0\b", figures), figures
        shoot(page, "manager-dashboard")
        page.goto(f"{tracker_hub.url}{T}/dashboard?cohort=demo-earlier")
        metric = page.inner_text("#kpi-metric")
        assert re.match(r"\d+% toward\s", metric) and "−" not in metric and not metric.startswith("-"), metric
        assert page.locator("#people tr[data-user]").count() == 8  # the example colleagues, by name
    finally:
        page.context.close()


def test_the_api_reference_needs_nothing_from_outside(tracker_hub, browser):
    """With every request to another host refused, does the tracker's API page (linked from the header) show the
    operations — and did it ask for nothing outside this machine?"""
    page = open_tracker_logged_in(browser, tracker_hub, "qa-marta", "/dashboard")
    outside = []

    def only_here(route):
        if urlparse(route.request.url).hostname not in ("127.0.0.1", "localhost"):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    try:
        page.route("**/*", only_here)
        page.click("header a:has-text('API')")
        page.wait_for_url(f"**{T}/api/docs")
        main = page.inner_text("main")
        assert "POST /api/plans/{plan_id}/checkins" in main and "CheckInIn" in main
        assert page.locator("section.operation").count() > 10
        assert outside == []
    finally:
        page.context.close()
