"""The course formgrader as a hub service: instructors only, framable by the hub, gradebook out of reach."""

import os
import stat
import time

import pytest

pytestmark = pytest.mark.slow


def _get_until(client, path, ok=(200, 403), timeout=90):
    """The service starts with the hub; give it time to answer."""
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(path, follow_redirects=True)
        if r.status_code in ok or time.monotonic() > deadline:
            return r
        time.sleep(1)


def test_instructor_opens_formgrader_participant_gets_403(hub):
    """Does the instructor get the formgrader through the hub, and a participant or manager a 403?"""
    ines = hub.login("qa-ines")
    r = _get_until(ines, "/services/workshop/formgrader")
    assert r.status_code == 200, (r.status_code, str(r.url), hub.tail_log())
    assert "formgrader" in r.text.lower()
    csp = r.headers.get("content-security-policy", "")
    assert "frame-ancestors 'self'" in csp, csp
    for name in ("qa-anna", "qa-marta"):
        other = hub.login(name)
        r = _get_until(other, "/services/workshop/formgrader")
        assert r.status_code == 403, (name, r.status_code, str(r.url))


def test_participant_servers_still_refuse_framing(hub):
    """Is the relaxed frame-ancestors limited to the formgrader (participants' servers keep 'none')?"""
    anna = hub.login("qa-anna")
    hub.spawn(anna, "qa-anna")
    r = anna.get("/user/qa-anna/lab", follow_redirects=True)
    assert "frame-ancestors 'none'" in r.headers.get("content-security-policy", "")


@pytest.mark.root
def test_course_folder_private_to_grader(hub):
    """Is the course folder (gradebook, sources with hidden tests) closed to everyone but the grader?"""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    course = hub.state / "courses" / "workshop"
    mode = stat.S_IMODE(course.stat().st_mode)
    assert mode & 0o077 == 0, oct(mode)
    import pwd

    assert course.stat().st_uid == pwd.getpwnam("shiplab-grader").pw_uid


def test_instructor_course_list_points_at_the_formgrader_service(hub):
    """Does the instructor's JupyterLab list the course, linking to the formgrader service, and does it open?"""
    ines = hub.login("qa-ines")
    hub.spawn(ines, "qa-ines")
    _get_until(ines, "/services/workshop/formgrader")  # the service is up
    r = ines.get("/user/qa-ines/formgraders")
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["success"], body
    courses = {c["course_id"]: c for c in body["value"]}
    assert list(courses) == ["workshop"], courses  # the hub's course only, no local formgrader in a home folder
    url = courses["workshop"]["url"]
    assert url.endswith("/services/workshop/lab?formgrader=true")
    page = ines.get(url[url.index("/services/"):], follow_redirects=True)
    assert page.status_code == 200 and "JupyterLab" in page.text


@pytest.mark.root
def test_developer_mode_as_root_starts_formgrader_and_servers():
    """On a root machine with `spawner.mode: developer` (containers, CI), does the hub come up with a working
    formgrader and participant server (both used to exit: Jupyter refuses root without --allow-root)?"""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    from hubharness import start_hub

    hub = start_hub(extra_settings={"spawner": {"mode": "developer"}})
    try:
        ines = hub.login("qa-ines")
        r = _get_until(ines, "/services/workshop/formgrader")
        assert r.status_code == 200 and "formgrader" in r.text.lower(), (r.status_code, hub.tail_log())
        anna = hub.login("qa-anna")
        assert "JupyterLab" in hub.spawn(anna, "qa-anna").text
    finally:
        hub.stop()


def test_the_formgraders_autograde_button_is_refused(hub):
    """attack-47: the formgrader's Autograde button ran a participant's notebook as the grader account, outside the
    sandbox (round `shiplab course autograde`'s refusal). Is the button's API call refused, saying where grading
    happens?"""
    from shiplab.course.formgraderguard import REFUSAL

    ines = hub.login("qa-ines")
    r = _get_until(ines, "/services/workshop/formgrader")
    assert r.status_code == 200, (r.status_code, hub.tail_log())
    xsrf = next(c.value for c in ines.cookies.jar if c.name == "_xsrf" and c.path.startswith("/services/workshop"))
    r = ines.post("/services/workshop/formgrader/api/submission/demo/qa-anna/autograde",
                  headers={"X-XSRFToken": xsrf})
    assert r.status_code == 403, (r.status_code, r.text[:300])
    assert r.json() == {"success": False, "error": REFUSAL, "log": ""}
