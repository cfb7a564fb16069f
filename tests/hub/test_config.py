"""apply_config on an in-memory traitlets Config: no hub needed (as TLJH tests its configurer)."""

from pathlib import Path

import pytest
from traitlets.config import Config

from shiplab import settings
from shiplab.errors import SettingsError
from shiplab import roster
from shiplab.hub.config import HubContext, apply_config

PEOPLE = roster.parse("""username,full_name,email,role,team,manager
ines,Ines,i@x.example,instructor,,
marta,Marta,m@x.example,manager,,
anna,Anna,a@x.example,participant,claims,marta
""")


def configured(raw=None, *, is_root=True, environ=None):
    c = Config()
    ctx = HubContext(state=Path("/srv/state"), repo_root=Path("/repo"), is_root=is_root,
                     python="/repo/.venv/bin/python", proxy_command="/repo/node_modules/.bin/configurable-http-proxy",
                     secrets={"demo-admin-password": "x" * 64}, environ=environ or {})
    apply_config(settings.validate(raw or {}), c, ctx, PEOPLE)
    return c


def test_defaults_are_loopback_sqlite_demo():
    """Do the defaults give a loopback hub with SQLite in the state folder and the demo login?"""
    c = configured()
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert c.JupyterHub.hub_bind_url.startswith("http://127.0.0.1")
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1")
    assert c.JupyterHub.db_url == "sqlite:////srv/state/jupyterhub.sqlite"
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.Authenticator.allowed_users == {"ines", "marta", "anna"}
    assert c.ConfigurableHTTPProxy.command == ["/repo/node_modules/.bin/configurable-http-proxy"]


def test_root_means_unix_accounts_else_developer_mode():
    """Is each participant their own Unix account when root, and the labelled developer mode otherwise?"""
    assert configured(is_root=True).JupyterHub.spawner_class == "shiplab.hub.spawner.UnixUserSpawner"
    dev = configured(is_root=False)
    assert dev.JupyterHub.spawner_class == "shiplab.hub.spawner.DeveloperSpawner"
    assert dev.Spawner.environment["SHIPLAB_SPAWNER_MODE"] == "developer"


def test_developer_mode_on_a_root_machine_allows_root_servers():
    """In developer mode on a root machine (a container, CI), do the formgrader and the servers get --allow-root
    (Jupyter refuses root without it, and the hub waited for a formgrader that had exited) — and nowhere else?"""
    def formgrader(c):
        return next(s for s in c.JupyterHub.services if s["name"] == "workshop")

    dev_root = configured({"spawner": {"mode": "developer"}}, is_root=True)
    assert formgrader(dev_root)["command"][-1] == "--allow-root" and "user" not in formgrader(dev_root)
    assert dev_root.Spawner.args == ["--allow-root"]
    for c in (configured(is_root=True), configured(is_root=False)):
        assert "--allow-root" not in formgrader(c)["command"] and "--allow-root" not in c.Spawner.get("args", [])


def test_postgres_by_url():
    """Is any SQLAlchemy URL passed through?"""
    c = configured({"hub": {"db_url": "postgresql://hub@db/jupyterhub"}})
    assert c.JupyterHub.db_url == "postgresql://hub@db/jupyterhub"


def test_groups_and_least_privilege_roles():
    """Do roster groups exist, and do roles grant instructors cohort reads but no access to servers?"""
    c = configured()
    assert c.JupyterHub.load_groups["participants"] == {"users": ["anna"]}
    assert c.JupyterHub.load_groups["team-claims"] == {"users": ["anna"]}
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    instructor = roles["shiplab-instructor"]["scopes"]
    assert "read:users:activity" in instructor
    assert not any(s.startswith(("access:servers", "admin:", "servers")) for s in instructor)
    assert roles["shiplab-participant"]["groups"] == ["participants"]
    assert "admin:users" in {r["name"]: r for r in configured({"auth": {"mode": "native"}}).JupyterHub.load_roles}[
        "shiplab-instructor"]["scopes"]


def test_idle_culler_on_with_workshop_timeout():
    """Is the idle culler on by default with a timeout that survives lunch?"""
    c = configured()
    culler = next(s for s in c.JupyterHub.services if s["name"] == "idle-culler")
    assert "--timeout=7200" in culler["command"]
    assert not any(s["name"] == "idle-culler" for s in configured({"culler": {"enabled": False}}).JupyterHub.services)


def test_oauth_secret_comes_from_environment_only():
    """Does GitHub mode read the secret from the environment, and fail clearly without it?"""
    raw = {"auth": {"mode": "github", "oauth_client_id": "abc"}}
    with pytest.raises(SettingsError, match="SHIPLAB_OAUTH_CLIENT_SECRET"):
        configured(raw)
    c = configured(raw, environ={"SHIPLAB_OAUTH_CLIENT_SECRET": "s3cret"})
    assert c.JupyterHub.authenticator_class == "oauthenticator.github.GitHubOAuthenticator"
    assert c.GitHubOAuthenticator.client_secret == "s3cret"


def test_oidc_and_native_modes():
    """Do oidc and native modes configure their authenticators?"""
    c = configured({"auth": {"mode": "oidc", "oauth_client_id": "abc", "oidc_authorize_url": "https://i/a",
                             "oidc_token_url": "https://i/t", "oidc_userdata_url": "https://i/u"}},
                   environ={"SHIPLAB_OAUTH_CLIENT_SECRET": "s"})
    assert c.GenericOAuthenticator.token_url == "https://i/t"
    assert c.GenericOAuthenticator.username_claim == "preferred_username"
    n = configured({"auth": {"mode": "native"}})
    assert n.JupyterHub.authenticator_class == "shiplab.hub.native.NativeAuthenticator"
    assert n.NativeAuthenticator.open_signup is False


def test_apply_twice_is_identical():
    """Does applying the same settings twice give the same configuration (set, never append)?"""
    c = Config()
    ctx = HubContext(state=Path("/s"), repo_root=Path("/r"), is_root=True)
    s = settings.validate({})
    apply_config(s, c, ctx, PEOPLE)
    first = repr(c)
    apply_config(s, c, ctx, PEOPLE)
    assert repr(c) == first


def test_real_classes_accept_the_config():
    """Do the real JupyterHub, proxy and spawner classes load this configuration without complaint?"""
    from jupyterhub.app import JupyterHub
    from jupyterhub.authenticators.shared import SharedPasswordAuthenticator

    from shiplab.hub.spawner import UnixUserSpawner

    c = configured()
    app = JupyterHub(config=c)
    assert app.bind_url == "http://127.0.0.1:8000"
    auth = SharedPasswordAuthenticator(config=c)
    assert auth.user_password == "shiplab-demo"
    assert UnixUserSpawner(config=c).unix_user_prefix == "jupyter-"


def test_the_instructors_pii_allow_list_reaches_participants_servers():
    """Do the names in data.pii_allow reach every participant's server, where personal-data detection reads them,
    and does a name on that list stop being found as a person?"""
    from shiplab.data import pii

    c = configured({"data": {"pii_allow": ["Maria Schmidt", "Emma Store"]}})
    env = c.Spawner.environment
    assert env["SHIPLAB_PII_ALLOW"] == "Maria Schmidt\nEmma Store"
    assert "SHIPLAB_PII_ALLOW" not in configured().Spawner.environment
    text = "Call Maria Schmidt about the release."  # a team's release bot, named like a person
    assert [e.type for e in pii.detect(text, allow=[])] == ["PERSON"]
    assert pii.detect(text, allow=env["SHIPLAB_PII_ALLOW"].split("\n")) == []
