"""A participant logs in with a real browser and JupyterLab loads."""

import pytest

from browser import log_in, screenshot
from hubharness import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_participant_sees_jupyterlab_in_chromium(hub, browser):
    """Does the demo participant log in through the page and see JupyterLab's launcher?"""
    page = browser.new_page()
    try:
        log_in(page, hub.url, "qa-chloe", PASSWORD)
        page.wait_for_url("**/user/qa-chloe/lab**", timeout=120_000)
        page.wait_for_selector(".jp-Launcher", timeout=120_000)
        assert page.title().endswith("JupyterLab") and page.locator(".jp-LabShell").count() == 1, page.title()
        shot = screenshot(page, "hub-participant-jupyterlab")
        assert shot.stat().st_size > 10_000
    finally:
        page.close()
