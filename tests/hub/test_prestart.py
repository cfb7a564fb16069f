"""Are the participants' servers started before the day, bounded, and only theirs? (Real hub, real spawner.)"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import zoneinfo

import pytest

from hubharness import TEST_PREFIX, start_hub
from shiplab import settings as settings_mod
from shiplab.errors import SettingsError
from shiplab.hub.prestart import Window

ROSTER = """username,full_name,email,role,team,manager
qa-ivy,Ivy Test,ivy@test.example,instructor,,
qa-pam,Pam Test,pam@test.example,participant,claims,
qa-quin,Quin Test,quin@test.example,participant,claims,
qa-rae,Rae Test,rae@test.example,participant,portal,
"""


def _conf(**flat):
    conf = {k: s.default for k, s in settings_mod.BY_KEY.items()}
    conf.update({"tracker.workshop_start": "2026-12-07", "tracker.workshop_end": "2026-12-08",
                 "tracker.timezone": "Europe/Berlin", **flat})
    return conf


def test_the_window_is_each_workshop_day_between_at_and_until_in_the_cohorts_time_zone():
    """Is 08:15–09:30 Berlin time on both days inside, and the evening before, 09:30 and the day after outside?"""
    window = Window.from_settings(_conf())
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    inside = [dt.datetime(2026, 12, 7, 8, 15, tzinfo=berlin), dt.datetime(2026, 12, 8, 9, 29, tzinfo=berlin),
              dt.datetime(2026, 12, 7, 7, 20, tzinfo=dt.timezone.utc)]  # 08:20 in Berlin
    outside = [dt.datetime(2026, 12, 6, 8, 30, tzinfo=berlin), dt.datetime(2026, 12, 7, 9, 30, tzinfo=berlin),
               dt.datetime(2026, 12, 9, 8, 30, tzinfo=berlin), dt.datetime(2026, 12, 7, 8, 14, tzinfo=berlin),
               dt.datetime(2026, 12, 7, 8, 20, tzinfo=dt.timezone.utc)]  # 09:20 in Berlin: inside, see below
    assert [window.contains(t) for t in inside] == [True, True, True]
    assert [window.contains(t) for t in outside[:4]] == [False, False, False, False]
    assert window.contains(outside[4])
    assert Window.from_settings(_conf(**{"prestart.enabled": False})) is None
    assert Window.from_settings(_conf(**{"tracker.workshop_start": "", "tracker.workshop_end": ""})) is None


def test_until_before_at_is_refused_with_a_hint(tmp_path):
    """Is a pre-start window that ends before it starts a settings error naming both settings?"""
    path = tmp_path / "s.yaml"
    path.write_text("prestart:\n  at: '09:00'\n  until: '08:00'\n")
    with pytest.raises(SettingsError) as err:
        settings_mod.load(str(path))
    assert "`prestart.until` (08:00) is not after `prestart.at` (09:00)" in err.value.message


@pytest.mark.slow
def test_every_participants_server_is_ready_before_anyone_logs_in():
    """Inside the window, are pam's, quin's and rae's servers started without a login, ivy's (instructor) not,
    and does a participant who then logs in reach a JupyterLab that is already running?"""
    now = dt.datetime.now(dt.timezone.utc)
    if now.time() > dt.time(23, 50):
        pytest.skip("the window is one day; too close to midnight UTC")
    today = now.date().isoformat()
    hub = start_hub(ROSTER, extra_settings={
        "tracker": {"workshop_start": today, "workshop_end": today, "timezone": "UTC"},
        "prestart": {"at": "00:00", "until": "23:59", "parallel": 2, "every": 1}})
    try:
        clients = {name: hub.login(name) for name in ("qa-ivy", "qa-pam", "qa-quin", "qa-rae")}
        tokens = {name: hub.user_token(c, name) for name, c in clients.items()}

        def ready(name):
            server = (hub.api_get(f"/users/{name}", tokens[name]).json().get("servers") or {}).get("")
            return bool(server and server.get("ready"))

        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not all(ready(n) for n in ("qa-pam", "qa-quin", "qa-rae")):
            time.sleep(1)
        assert [ready(n) for n in ("qa-pam", "qa-quin", "qa-rae")] == [True, True, True], hub.tail_log()
        assert not ready("qa-ivy")
        lab = clients["qa-pam"].get("/user/qa-pam/lab", follow_redirects=True)
        assert lab.status_code == 200 and "JupyterLab" in lab.text
        visited = [str(r.url) for r in lab.history]
        assert not [u for u in visited if "/spawn" in u], visited  # straight to the running server, no spawn page
    finally:
        hub.stop()
        from shiplab.hub.unix import remove_unix_user

        for name in ("qa-ivy", "qa-pam", "qa-quin", "qa-rae"):
            remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)
