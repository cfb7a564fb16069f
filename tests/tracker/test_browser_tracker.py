"""In chromium through a real hub: the demo participant writes a ship plan and ships it, and the demo manager sees it
counted; a blocked check-in without its blocker is shown again with the note kept; the manager's dashboard opens on
one cohort (its day) with people by name and the metric change toward the target; the API reference needs nothing
from outside the machine; after shipping, the manager sees adoption, the change 30 days on, the cycles, a plan's metric
chart and the lessons, where an anonymous author stays unnamed to another team. Screenshots for the README when SHIPLAB_SCREENSHOTS names a folder. The tests run in this
order (ben ships first; anna never gets a plan here: test_tracker_through_hub expects her without one)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import screenshot
from hubharness import PASSWORD

from shiplab.tracker.models import BLOCKERS

pytestmark = [pytest.mark.slow, pytest.mark.browser]
T = "/services/tracker"
KPI = re.compile(r"shipped within 60 days \((\d+) of (\d+)\)")


def open_tracker_logged_in(browser, hub, username: str, lands_on: str):
    """A fresh browser (its own cookies) opens the tracker, is sent to the hub's login page, logs in there and
    comes back through the OAuth round trip to ``lands_on``."""
    page = browser.new_context().new_page()
    page.goto(f"{hub.url}{T}/")
    page.wait_for_url("**/hub/login**", timeout=60_000)
    page.fill("#username_input", username)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(f"**{T}{lands_on}", timeout=60_000)
    return page


def kpi(page) -> tuple[int, int]:
    m = KPI.search(page.inner_text(".kpis"))
    assert m, page.inner_text(".kpis")
    return int(m.group(1)), int(m.group(2))


def svg_text(page, selector: str) -> str:
    return page.locator(selector).first.text_content()  # SVG nodes have text, not HTML inner text


def team_bar(page, team: str) -> tuple[int, int]:
    titles = [t.text_content() for t in page.locator("svg.chart rect.bar title").all()]
    m = next(re.fullmatch(rf"{team}: (\d+) of (\d+)", t) for t in titles if t.startswith(f"{team}:"))
    return int(m.group(1)), int(m.group(2))


def test_participant_ships_and_the_manager_sees_it_in_the_60_day_figure(tracker_hub, browser):
    """Does the participant create a plan and mark it shipped in the page, and does the manager's dashboard then
    count one more plan shipped within 60 days — in the figure, the team chart and the curve?"""
    manager = open_tracker_logged_in(browser, tracker_hub, "qa-marta", "/dashboard")
    manager.goto(f"{tracker_hub.url}{T}/dashboard?cohort=*")  # every cohort together: the demo's earlier one too
    shipped_before, eligible_before = kpi(manager)
    claims_before = team_bar(manager, "claims")

    person = open_tracker_logged_in(browser, tracker_hub, "qa-ben", "/plan")
    try:
        form = person.locator("form", has=person.locator("button", has_text="Create plan"))
        form.locator("textarea[name=use_case]").fill("Draft replies to <b>claim</b> e-mails")
        form.locator("input[name=backlog_ref]").fill("CLM-7")
        form.locator("input[name=metric_name]").fill("minutes per reply")
        form.locator("input[name=unit]").fill("min")
        form.locator("input[name=baseline_value]").fill("15")
        form.locator("input[name=baseline_method]").fill("timed 30 replies in the week before the workshop")
        form.locator("input[name=target_value]").fill("6")
        form.locator("input[name=planned_ship_date]").fill("2030-01-31")
        form.locator("button", has_text="Create plan").click()
        person.wait_for_selector("text=Draft replies to <b>claim</b> e-mails")  # shown as text, not markup
        ship = person.locator("form", has=person.locator("button", has_text="Shipped"))
        ship.locator("input[name=evidence_url]").fill("https://git.example/claims/releases/3")
        ship.locator("input[name=after_value]").fill("7")
        ship.locator("button", has_text="Shipped").click()
        person.wait_for_selector("text=within 60 days")
        assert "Shipped on" in person.inner_text("main")
        screenshot(person, "tracker-participant-shipped")
    finally:
        person.context.close()

    try:
        manager.reload()
        shipped, eligible = kpi(manager)
        assert (shipped, eligible) == (shipped_before + 1, eligible_before + 1)
        # Ben's team's bar counts it too, and the curve ends where the figure says
        assert team_bar(manager, "claims") == (claims_before[0] + 1, claims_before[1] + 1)
        assert svg_text(manager, "svg.chart polyline title") == f"{shipped} of {eligible} shipped by day 60"
        shot = screenshot(manager, "tracker-manager-dashboard")
        assert shot.stat().st_size > 10_000
    finally:
        manager.context.close()


def shoot(page, name: str) -> None:
    """docs/screenshots/NAME.png for the README, only when SHIPLAB_SCREENSHOTS names the folder (CI never rewrites
    the committed ones); the window is 1280 wide."""
    folder = os.environ.get("SHIPLAB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_a_blocked_check_in_without_its_blocker_is_shown_again_with_the_note_kept(tracker_hub, browser):
    """Does qa-dave, checking in 'blocked' with a note but no blocker, get his plan page back with the problem next
    to the blocker field (in words, no internal code), his note still typed and the status still blocked — and
    does choosing a blocker from the list then save it?"""
    page = open_tracker_logged_in(browser, tracker_hub, "qa-dave", "/plan")
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        if page.locator("button", has_text="Create plan").count():
            form = page.locator("form", has=page.locator("button", has_text="Create plan"))
            form.locator("textarea[name=use_case]").fill("Summarise claim files for handlers")
            form.locator("input[name=metric_name]").fill("review minutes")
            form.locator("input[name=baseline_value]").fill("20")
            form.locator("input[name=baseline_method]").fill("median review time of 50 files in March")
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
    """After qa-ben shipped (the test above), does qa-marta's dashboard open on the demo cohort (day 3), not mixed
    with the one 75 days on; list her people by name (ben's plan; anna, who has none yet); show each cohort's day
    and figure; say the metric change as toward the target; and write median days in one format?"""
    page = open_tracker_logged_in(browser, tracker_hub, "qa-marta", "/dashboard")
    try:
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.reload()
        assert page.inner_text("h1") == "Shipping dashboard — demo"
        assert re.search(r"today is day 3 of 60", page.inner_text("#cohort-day"))
        people = page.inner_text("#people")
        assert "qa-ben" in people and "Ben Test" in people and "shipped day 3" in people, people
        assert "demo-" not in people  # the earlier cohort's colleagues are not mixed in
        assert "qa-anna (Anna Test)" in page.inner_text("#without-plan")
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
        # the eight example colleagues by name, two of them twice: their next plan (cycle 2)
        assert page.locator("#people tr[data-user]").count() == 10
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


def test_the_manager_sees_what_happened_after_shipping_and_the_lessons(tracker_hub, browser):
    """On the demo's earlier cohort, does qa-marta's dashboard show adoption at 14 days, the median change 30 days
    after shipping and the cycles; does a shipped plan's page draw its metric (baseline, target, readings) as SVG;
    does the lessons page list the four lessons with Priya named to her manager — and for qa-dave, of another team,
    stay anonymous, also when he searches for her name?"""
    page = open_tracker_logged_in(browser, tracker_hub, "qa-marta", "/dashboard")
    try:
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.goto(f"{tracker_hub.url}{T}/dashboard?cohort=demo-earlier")
        adoption = page.inner_text("#kpi-adoption")
        assert adoption.startswith("67%") and "2 adopted, 1 went back to the old way" in adoption, adoption
        assert re.match(r"\d+% toward", page.inner_text("#kpi-change-30")), page.inner_text("#kpi-change-30")
        assert page.inner_text("#kpi-next-ship").startswith("28"), page.inner_text("#kpi-next-ship")
        assert "cycle 2" in page.inner_text("#people")
        shoot(page, "manager-after-shipping")
        page.locator("#people tr[data-user=demo-omar] a").first.click()
        page.wait_for_selector("svg.chart.metric")
        chart = page.locator("svg.chart.metric")
        assert chart.locator("polyline.series").count() == 1 and chart.locator("circle.point").count() >= 4
        assert "baseline 45" in chart.text_content() and "target 15" in chart.text_content()
        assert "Adopted: still used" in page.inner_text("main")
        page.click("header a:has-text('Lessons')")
        page.wait_for_url(f"**{T}/lessons")
        assert page.locator("article.lesson").count() == 4
        assert "Priya (example)" in page.inner_text("#lessons")  # her manager may know
    finally:
        page.context.close()
    other = open_tracker_logged_in(browser, tracker_hub, "qa-dave", "/plan")
    try:
        other.goto(f"{tracker_hub.url}{T}/lessons")
        text = other.inner_text("#lessons")
        assert other.locator("article.lesson").count() == 4 and "Priya" not in text and "anonymous" in text
        other.fill("input[name=q]", "Priya")
        other.click("#lesson-search button")
        other.wait_for_url("**/lessons?q=Priya**")
        assert other.locator("article.lesson").count() == 0
        other.fill("input[name=q]", "chat tools")
        other.click("#lesson-search button")
        other.wait_for_url("**/lessons?q=chat+tools**")
        assert other.locator("article.lesson").count() == 1 and "Priya" not in other.inner_text("#lessons")
    finally:
        other.context.close()
