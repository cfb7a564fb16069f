"""auth.mode native: people sign up with their own password; strangers wait for an instructor's approval."""

import re

import httpx
import pytest

from hubharness import TEST_PREFIX, TEST_ROSTER, start_hub

pytestmark = pytest.mark.slow

PW = "a-long-passphrase-42"


@pytest.fixture(scope="module")
def native_hub():
    hub = start_hub(extra_settings={"auth": {"mode": "native"}})
    yield hub
    hub.stop()
    from shiplab.hub.unix import is_root, remove_unix_user

    if is_root():
        for name in [line.split(",")[0] for line in TEST_ROSTER.strip().splitlines()[1:]] + ["zed-stranger"]:
            remove_unix_user(name, prefix=TEST_PREFIX)


def _form(client, path, data):
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', client.get(path).text).group(1)
    return client.post(path, data={**data, "_xsrf": xsrf})


def signup(hub, name):
    with httpx.Client(base_url=hub.url, timeout=30) as c:
        r = _form(c, "/hub/signup", {"username": name, "signup_password": PW, "signup_password_confirmation": PW,
                                     "email": f"{name}@test.example"})
        assert r.status_code == 200, r.text[:300]


def can_login(hub, name) -> bool:
    with httpx.Client(base_url=hub.url, timeout=30) as c:
        return _form(c, "/hub/login", {"username": name, "password": PW}).status_code == 302


def test_roster_people_sign_up_and_log_in(native_hub):
    """Does someone on the roster sign up with their own password and log in straight away?"""
    signup(native_hub, "qa-anna")
    assert can_login(native_hub, "qa-anna")
    assert not can_login(native_hub, "qa-ben")  # has not signed up: no shared password lets them in


def test_stranger_waits_for_instructor_approval(native_hub):
    """Is a sign-up from outside the roster refused until an instructor approves it, and can a participant not?"""
    signup(native_hub, "zed-stranger")
    assert not can_login(native_hub, "zed-stranger")
    signup(native_hub, "qa-ben")
    ben = native_hub.login("qa-ben", PW)
    assert ben.get("/hub/authorize/zed-stranger").status_code == 403
    assert not can_login(native_hub, "zed-stranger")
    signup(native_hub, "qa-ines")
    ines = native_hub.login("qa-ines", PW)
    page = ines.get("/hub/authorize")
    assert page.status_code == 200 and "zed-stranger" in page.text
    r = ines.get("/hub/authorize/zed-stranger")  # nativeauthenticator toggles, then sends back to the list
    assert r.status_code == 302 and r.headers["location"].endswith("/hub/authorize#zed-stranger"), r.headers
    assert can_login(native_hub, "zed-stranger")
