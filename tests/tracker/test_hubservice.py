"""The tracker in the hub's configuration: a managed service with least privilege, reading the one settings file.

Configuration only (no hub): :func:`shiplab.hub.config.apply_config` on an in-memory ``Config``, and the real
JupyterHub ``Service`` class loading the entry. The through-the-hub tests start a real one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import Config

from shiplab import settings
from shiplab.errors import SettingsError
from shiplab import roster
from shiplab.hub.config import HubContext, apply_config
from shiplab.tracker.hubservice import SECRETS_PREFIX, tracker_secrets
from shiplab.tracker.settings import TrackerSettings

PEOPLE = roster.parse("""username,full_name,email,role,team,manager
ines,Ines,i@x.example,instructor,,
marta,Marta,m@x.example,manager,,
anna,Anna,a@x.example,participant,claims,marta
""")
ACCESS = "access:services!service=tracker"


def configured(raw=None, environ=None) -> Config:
    c = Config()
    ctx = HubContext(state=Path("/srv/state"), repo_root=Path("/repo"), is_root=False, python="/repo/.venv/bin/python",
                     environ=environ or {})
    apply_config(settings.validate(raw or {}), c, ctx, PEOPLE)
    return c


def tracker(c: Config) -> dict:
    (svc,) = [s for s in c.JupyterHub.services if s["name"] == "tracker"]
    return svc


def test_tracker_is_a_managed_service_everyone_in_the_roster_may_open():
    """Is the tracker started by the hub at its URL, and may participants, instructors and managers reach it?"""
    c = configured()
    svc = tracker(c)
    assert svc["url"] == "http://127.0.0.1:8096"
    assert svc["command"] == ["/repo/.venv/bin/python", "-m", "shiplab.tracker"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    for role in ("shiplab-participant", "shiplab-instructor", "shiplab-manager"):
        assert ACCESS in roles[role]["scopes"], role
    assert c.Spawner.environment["SHIPLAB_TRACKER_URL"] == "http://127.0.0.1:8000/services/tracker"


def test_tracker_holds_no_hub_scopes_and_its_logins_only_identify():
    """Least privilege: may the tracker service itself only reach the model gateway (to show instructors the usage
    log; nothing without a gateway), and may its OAuth tokens only identify the person (name, groups) and reach the
    tracker — never act as them elsewhere?"""
    c = configured()
    assert [r["scopes"] for r in c.JupyterHub.load_roles if "tracker" in r.get("services", [])] == [
        ["access:services!service=gateway"]]
    assert from_settings().gateway_url == "http://127.0.0.1:8095/services/gateway/"
    c = configured({"gateway": {"enabled": False}})
    assert not [r for r in c.JupyterHub.load_roles if "tracker" in r.get("services", [])]
    assert from_settings({"gateway": {"enabled": False}}).gateway_url == ""
    svc = tracker(c)
    assert set(svc["oauth_client_allowed_scopes"]) == {ACCESS, "read:users:name!user", "read:users:groups!user"}
    assert svc["oauth_no_confirm"] is True


def from_settings(raw=None, environ=None) -> TrackerSettings:
    return TrackerSettings.from_settings(settings.validate(raw or {}), Path("/srv/state"), environ or {})


def test_the_service_gets_the_settings_file_and_the_state_and_no_tracker_variables(tmp_path):
    """Does the hub start the tracker with SHIPLAB_SETTINGS and SHIPLAB_STATE, as the board and the gateway, and no
    SHIPLAB_TRACKER_* variable (its settings come from the file; its secrets through the state's secrets folder)?"""
    path = tmp_path / "shiplab.yaml"
    c = Config()
    ctx = HubContext(state=tmp_path / "state", repo_root=Path("/repo"), is_root=False, python="/py",
                     settings_path=path)
    apply_config(settings.validate({}), c, ctx, PEOPLE)
    env = tracker(c)["environment"]
    board = next(s for s in c.JupyterHub.services if s["name"] == "progress")["environment"]
    assert env == {"SHIPLAB_SETTINGS": str(path), "SHIPLAB_STATE": str(tmp_path / "state")} == board
    assert [k for k in env if k.startswith("SHIPLAB_TRACKER_")] == []


def test_the_tracker_reads_the_tracker_settings_from_the_file_unchanged(tmp_path, monkeypatch):
    """Does a tracker.reminder_every (and the cohort, its dates, time zone and SMTP server) written in the settings
    file reach the settings of the tracker the hub starts, unchanged, with the database, roster and public URL the
    state and hub.bind_url give?"""
    import os

    from shiplab.tracker import __main__ as tracker_main

    path = tmp_path / "shiplab.yaml"
    path.write_text("tracker:\n  reminder_every: 45\n  cohort: 2026-11-claims\n  workshop_start: '2026-11-26'\n"
                    "  workshop_end: '2026-11-27'\n  timezone: Europe/Berlin\n  smtp_host: mail.example\n"
                    "  smtp_port: 587\n  smtp_starttls: true\n", encoding="utf-8")
    c = Config()
    ctx = HubContext(state=tmp_path / "state", repo_root=Path("/repo"), is_root=False, python="/py",
                     settings_path=path)
    apply_config(settings.load(path), c, ctx, PEOPLE)
    monkeypatch.setattr(os, "environ", dict(tracker(c)["environment"]))
    seen = {}
    monkeypatch.setattr(tracker_main, "create_app", lambda s, roster=None: seen.setdefault("s", s))
    monkeypatch.setattr(tracker_main, "mount_at", lambda app, prefix: app)
    s = tracker_main.build_app()
    assert s.reminder_interval_s == 45
    assert (s.cohort, str(s.workshop_start), str(s.workshop_end), s.timezone, s.demo) == (
        "2026-11-claims", "2026-11-26", "2026-11-27", "Europe/Berlin", False)
    assert (s.smtp_host, s.smtp_port, s.smtp_starttls) == ("mail.example", 587, True)
    state = (tmp_path / "state").resolve()
    assert s.database_url == f"sqlite:///{state / 'tracker' / 'tracker.sqlite'}"
    assert (s.roster, s.base_url) == (str(state / "roster.json"), "http://127.0.0.1:8000/services/tracker/")


def test_demo_cohort_by_default():
    """Does the default hub (the demo) give the tracker the demo cohort, and a configured cohort none?"""
    assert from_settings().demo
    raw = {"tracker": {"cohort": "spring", "workshop_start": "2026-11-26", "workshop_end": "2026-11-27"}}
    assert not from_settings(raw).demo


def test_a_bad_secret_is_refused_naming_its_variable():
    """Is a placeholder SMTP password or a short cookie key in the tracker's environment refused, naming the
    variable (the secrets are the only tracker settings outside the settings file)?"""
    with pytest.raises(SettingsError, match="SHIPLAB_TRACKER_SMTP_PASSWORD: is a placeholder"):
        from_settings(environ={"SHIPLAB_TRACKER_SMTP_PASSWORD": "changeme"})
    with pytest.raises(SettingsError, match="SHIPLAB_TRACKER_COOKIE_SECRET: must be at least 32"):
        from_settings(environ={"SHIPLAB_TRACKER_COOKIE_SECRET": "short-but-real-9"})
    with pytest.raises(SettingsError, match="SHIPLAB_TRACKER_WEBHOOK_URL: must be an http"):
        from_settings(environ={"SHIPLAB_TRACKER_WEBHOOK_URL": "file:///etc/passwd"})
    assert from_settings(environ={"SHIPLAB_TRACKER_COOKIE_SECRET": "k" * 20 + "0123456789ab"}).cookie_secret


def test_secrets_come_from_the_hubs_environment_and_never_reach_the_hubs_database(tmp_path, monkeypatch):
    """Are the SMTP password, the webhook URL, the cookie key and PGPASSWORD read from the hub's environment (by the
    names the settings give), kept out of the service definition (JupyterHub stores it in its database), handed over
    0600 through the state's secrets folder, and found there by the tracker at start?"""
    import os
    import stat

    import yaml

    from shiplab.web import secrets as service_secrets
    from shiplab.tracker import __main__ as tracker_main

    raw = {"tracker": {"db_url": "postgresql://shiplab@db/shiplab", "webhook_url_env": "SLACK_HOOK"}}
    environ = {"SHIPLAB_TRACKER_SMTP_PASSWORD": "smtp-pw-123", "PGPASSWORD": "pg-pw-456",
               "SLACK_HOOK": "https://hooks.example/T1/B2/x", "SHIPLAB_TRACKER_COOKIE_SECRET": "k" * 20 + "0123456789ab"}
    c = configured(raw, environ=environ)
    for value in environ.values():
        assert value not in repr(c), "a secret is in the hub's configuration"
    secrets = tracker_secrets(settings.validate(raw), environ)
    assert secrets["SHIPLAB_TRACKER_SMTP_PASSWORD"] == "smtp-pw-123"
    assert secrets["SHIPLAB_TRACKER_WEBHOOK_URL"] == "https://hooks.example/T1/B2/x"
    assert secrets["PGPASSWORD"] == "pg-pw-456"
    assert tracker_secrets(settings.validate({}), environ)["PGPASSWORD"] == ""  # SQLite: no database password
    service_secrets.store(tmp_path, SECRETS_PREFIX, secrets)
    files = sorted((tmp_path / "secrets").iterdir())
    assert len(files) == 4 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    # the tracker process, started by the hub with only its plain environment, finds them
    path = tmp_path / "shiplab.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    monkeypatch.setattr(os, "environ", {"SHIPLAB_SETTINGS": str(path), "SHIPLAB_STATE": str(tmp_path)})
    seen = {}
    monkeypatch.setattr(tracker_main, "create_app", lambda s, roster=None: seen.setdefault("s", s))
    monkeypatch.setattr(tracker_main, "mount_at", lambda app, prefix: app)
    s = tracker_main.build_app()
    assert (s.smtp_password, s.webhook_url, os.environ["PGPASSWORD"]) == ("smtp-pw-123",
                                                                          "https://hooks.example/T1/B2/x", "pg-pw-456")
    service_secrets.store(tmp_path, SECRETS_PREFIX, tracker_secrets(settings.validate(raw), {}))
    assert not list((tmp_path / "secrets").iterdir())  # unset in the hub's environment: gone at the next start


def test_tracker_off_means_no_service_and_no_access():
    """With tracker.enabled false, is there no tracker service and no role naming it?"""
    c = configured({"tracker": {"enabled": False}})
    assert "tracker" not in [s["name"] for s in c.JupyterHub.services]
    assert not any(ACCESS in r["scopes"] for r in c.JupyterHub.load_roles)
    assert "SHIPLAB_TRACKER_URL" not in c.Spawner.environment


@pytest.mark.parametrize("raw, words", [
    ({"cohort": "spring"}, "needs `tracker.workshop_start`"),
    ({"cohort": "spring", "workshop_start": "2026-11-27", "workshop_end": "2026-11-26"}, "is before"),
    ({"workshop_end": "2026-02-30"}, "is not a date"),
    ({"timezone": "Europe/Berlinn"}, "is not a time zone"),
    ({"cohort": "Spring Cohort!"}, "tracker.cohort"),
    ({"url": "ftp://x"}, "tracker.url"),
])
def test_bad_tracker_settings_are_named(raw, words):
    """Is each bad tracker setting refused with its key and what to do?"""
    with pytest.raises(SettingsError) as exc:
        settings.validate({"tracker": raw}, source="shiplab.yaml")
    assert words in str(exc.value)


def test_real_jupyterhub_service_accepts_the_entry():
    """Does JupyterHub's own Service class take every field of the tracker's entry?"""
    from jupyterhub.services.service import Service

    svc = tracker(configured())
    service = Service(**svc)
    assert service.managed and service.oauth_no_confirm and service.url == "http://127.0.0.1:8096"


def test_under_kubernetes_the_tracker_listens_where_the_proxy_pod_reaches_it():
    """In the Helm values, is the tracker's URL the hub's Service (which the proxy pod can reach), does a host
    name make it listen on every interface of the pod, and does it get the database password?"""
    import yaml

    from shiplab.web.listen import bind_host

    values = yaml.safe_load((Path(__file__).resolve().parents[2] / "hub_config" / "k8s" / "values.yaml").read_text())
    raw = yaml.safe_load(values["hub"]["extraFiles"]["shiplab-settings"]["stringData"])
    c = Config()
    ctx = HubContext(state=Path("/srv/shiplab/state"), repo_root=Path("/opt/shiplab"), is_root=True,
                     python="/usr/local/bin/python", environ={"SHIPLAB_OAUTH_CLIENT_SECRET": "x", "PGPASSWORD": "pw"})
    apply_config(settings.validate(raw), c, ctx, [])
    svc = tracker(c)
    port = int(svc["url"].rsplit(":", 1)[1])
    assert svc["url"] == "http://hub:8096" and bind_host("hub") == "0.0.0.0"
    assert {"name": "tracker", "port": port, "targetPort": port} in values["hub"]["service"]["extraPorts"]
    assert any(p["port"] == port for rule in values["hub"]["networkPolicy"]["ingress"] for p in rule["ports"])
    assert "PGPASSWORD" not in svc["environment"]  # handed over through the state's secrets, not the hub's DB
    assert tracker_secrets(settings.validate(raw), ctx.environ)["PGPASSWORD"] == "pw"
    assert (bind_host("127.0.0.1"), bind_host("localhost"), bind_host(None)) == ("127.0.0.1",) * 3
