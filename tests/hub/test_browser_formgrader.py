"""An instructor opens the formgrader inside JupyterLab in a real browser."""

import pytest

from browser import log_in, screenshot
from hubharness import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_formgrader_loads_inside_jupyterlab(hub, browser):
    """Does the formgrader panel load inside the course's JupyterLab (framed, not blocked by CSP)?"""
    hub.cli("course", "release", "demo")
    page = browser.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "frame-ancestors" in m.text else None)
    try:
        log_in(page, hub.url, "qa-ines", PASSWORD)
        page.goto(f"{hub.url}/services/workshop/lab?formgrader=true")
        frame_el = page.wait_for_selector("iframe[src*='formgrader']", timeout=120_000)
        frame = frame_el.content_frame()
        frame.wait_for_selector("td >> text=demo", timeout=60_000)  # the released lab in the assignments table
        assert not blocked, blocked
        frame.locator("td >> text=demo").first.scroll_into_view_if_needed()
        screenshot(page, "formgrader-inside-jupyterlab")
    finally:
        page.close()
