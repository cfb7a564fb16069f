"""hub.subdomain_host on an in-memory Config: an origin per user and per service, and shiplab's links between rooms
built for it (shiplab.web.origins). The attack it stops runs in tests/attacks/test_same_origin.py."""

from pathlib import Path

import pytest
from traitlets.config import Config

from shiplab import settings
from shiplab.errors import SettingsError
from shiplab.hub.config import HubContext, apply_config
from shiplab.hub.launch import banner
from shiplab.tracker.settings import TrackerSettings
from shiplab.web.origins import hub_origin, server_side_service_url, service_url, user_origin

SUB = {"hub": {"subdomain_host": "http://localhost:8000"}}


def configured(raw):
    c = Config()
    ctx = HubContext(state=Path("/srv/state"), repo_root=Path("/repo"), is_root=True, python="/repo/.venv/bin/python")
    apply_config(settings.validate(raw), c, ctx, [])
    return c


def test_subdomain_host_reaches_jupyterhub_and_services_move_to_their_own_origins():
    """With hub.subdomain_host, does JupyterHub get it, the tracker's public URL (e-mails) its own origin, and a
    participant's server the services' internal URLs (the proxy routes by host there)?"""
    c = configured(SUB)
    assert c.JupyterHub.subdomain_host == "http://localhost:8000"
    assert c.JupyterHub.template_paths == ["/repo/hub_config/templates"]
    public = TrackerSettings.from_settings(settings.validate(SUB), Path("/srv/state"), {}).base_url
    assert public == "http://tracker--service.localhost:8000/services/tracker/"
    env = c.Spawner.environment
    assert env["SHIPLAB_GATEWAY_URL"] == "http://127.0.0.1:8095/services/gateway/v1"
    assert env["SHIPLAB_TRACKER_URL"] == "http://127.0.0.1:8096/services/tracker"
    assert env["SHIPLAB_ASSIGNMENTS_URL"] == "http://127.0.0.1:8098/services/assignments"


def test_without_it_everything_stays_on_one_origin_as_before():
    """Empty hub.subdomain_host: no subdomain config, and the links go through the proxy at hub.bind_url?"""
    c = configured({})
    assert "subdomain_host" not in c.JupyterHub and "template_paths" not in c.JupyterHub
    assert c.Spawner.environment["SHIPLAB_TRACKER_URL"] == "http://127.0.0.1:8000/services/tracker"
    flat = settings.validate({})
    assert service_url(flat, "progress") == "http://127.0.0.1:8000/services/progress/"
    assert server_side_service_url(flat, "gateway", "http://127.0.0.1:8095") == "http://127.0.0.1:8000/services/gateway"


def test_the_origins_are_jupyterhubs_own():
    """Do the helpers name users and services the way JupyterHub's idna subdomain hook does?"""
    flat = settings.validate(SUB)
    assert hub_origin(flat) == "http://localhost:8000"
    assert user_origin(flat, "ben") == "http://ben.localhost:8000"
    assert service_url(flat, "workshop") == "http://workshop--service.localhost:8000/services/workshop/"


def test_the_banner_sends_people_to_the_hubs_origin():
    """Does `shiplab up` print the login at localhost and each service at its own origin?"""
    text = banner(settings.validate(SUB), [])
    assert "shiplab hub is running: http://localhost:8000/hub/login" in text
    assert "http://progress--service.localhost:8000/services/progress/" in text
    assert "127.0.0.1:8000/services" not in text


@pytest.mark.parametrize("raw, says", [
    ({"hub": {"subdomain_host": "localhost:8000"}}, "is not valid"),
    ({"hub": {"subdomain_host": "http://localhost:8000/hub"}}, "is not valid"),
    ({"hub": {"subdomain_host": "http://localhost:9000"}}, "does not match the port"),
    ({"hub": {"subdomain_host": "https://workshop.example.com"}}, "loopback only"),
])
def test_a_wrong_subdomain_host_is_refused_with_a_hint(raw, says):
    """A host without scheme, with a path, on another port than the proxy's, or remote with demo logins: refused?"""
    with pytest.raises(SettingsError, match=says):
        settings.validate(raw)


def test_make_ups_settings_give_per_user_origins():
    """Does hub_config/shiplab.yaml (make up) turn per-user origins on, on the proxy's port?"""
    flat = settings.load(settings.REPO_ROOT / "hub_config" / "shiplab.yaml")
    assert flat["hub.subdomain_host"] == "http://localhost:8000" and flat["hub.bind_url"].endswith(":8000")
