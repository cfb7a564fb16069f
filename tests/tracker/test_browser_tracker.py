"""In chromium: the demo participant writes a ship plan and ships it; the demo manager sees it counted."""

from __future__ import annotations

import re

import pytest

from browser import screenshot
from hubharness import PASSWORD

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
