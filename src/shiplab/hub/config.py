"""Turn checked shiplab settings into JupyterHub configuration: :func:`apply_config`.

``hub_config/jupyterhub_config.py`` calls this once. The function is pure in the TLJH sense: it reads the settings,
the roster and a few facts about the machine (passed in as :class:`HubContext`), and *sets* ``c.*`` values — it never
appends to or mutates what is already there, so running it twice gives the same configuration, and it can be tested
on an in-memory ``traitlets.config.Config`` without a hub.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shiplab.errors import SettingsError
from shiplab.settings import spawner_mode
from shiplab.hub import roles
from shiplab.hub.container_config import apply_docker, apply_kubernetes
from shiplab.course.formgrader import formgrader_service
from shiplab.web.origins import LoginElsewhereRefused, server_side_service_url
from shiplab.hub.limits import parse_bytes
from shiplab.roster import Person, groups_of
from shiplab.hub.state import ensure_private_sqlite
from shiplab.tracker.hubservice import tracker_service


@dataclass(frozen=True)
class HubContext:
    """Facts about the machine the hub runs on (inputs, so apply_config stays pure)."""

    state: Path
    repo_root: Path
    is_root: bool
    python: str = sys.executable
    proxy_command: str = ""
    secrets: dict[str, str] = field(default_factory=dict)  # name -> value, read from the state folder
    environ: dict[str, str] = field(default_factory=dict)  # the hub's environment (OAuth client secret)
    settings_path: Path = Path("hub_config/shiplab.yaml")


def apply_config(settings: dict[str, Any], c, ctx: HubContext, people: list[Person]) -> None:
    """Set JupyterHub configuration on ``c`` from shiplab settings, the roster and the machine facts."""
    bindir = Path(ctx.python).parent
    state = ctx.state

    mode = spawner_mode(settings, ctx.is_root)
    if mode != "kubernetes":  # under Zero to JupyterHub the chart owns network, proxy and database
        _apply_network_and_state(settings, c, ctx)
    c.JupyterHub.log_level = settings["hub.log_level"]
    c.JupyterHub.concurrent_spawn_limit = settings["hub.concurrent_spawn_limit"]
    c.JupyterHub.cleanup_servers = settings["hub.cleanup_servers"]
    c.JupyterHub.oauth_require_pkce = True
    if settings["hub.subdomain_host"]:  # an origin per user and per service (shiplab.web.origins)
        c.JupyterHub.subdomain_host = settings["hub.subdomain_host"]
        # the Services menu's links with the port (JupyterHub's service.href leaves it out)
        c.JupyterHub.template_paths = [str(ctx.repo_root / "hub_config" / "templates")]
        c.Authenticator.post_auth_hook = LoginElsewhereRefused(settings["hub.subdomain_host"])
    c.JupyterHub.template_vars = {"announcement_login": "shiplab workshop hub"}

    # ---- who may log in
    usernames = sorted({p.username for p in people} | set(settings["auth.admin_users"]))
    _apply_auth(settings, c, ctx, usernames)
    c.Authenticator.admin_users = set(settings["auth.admin_users"])
    c.Authenticator.allowed_users = set(usernames)
    c.Authenticator.allow_existing_users = True

    # ---- groups and roles from the roster
    c.JupyterHub.load_groups = {name: {"users": members} for name, members in groups_of(people).items()}
    course = settings["course.id"]
    gateway = ["gateway"] if settings["gateway.enabled"] else []
    tracker = ["tracker"] if settings["tracker.enabled"] else []
    progress = ["progress"] if settings["progress.enabled"] else []
    # the participants' Assignments tab asks `assignments` for their own submissions' states (shiplab.labext)
    assignments = ["assignments"] if settings["grading.enabled"] and mode != "kubernetes" else []
    group_roles = roles.group_roles(course_id=course, participant_services=[*gateway, *tracker, *assignments],
                                    instructor_services=[course, *gateway, *tracker, *progress],
                                    manager_services=tracker, native_auth=settings["auth.mode"] == "native")

    # ---- services
    service_env = {"SHIPLAB_STATE": str(state), "SHIPLAB_SETTINGS": str(ctx.settings_path)}
    services = [{"name": "shiplab-roster", "command": [ctx.python, "-m", "shiplab.hub.sync"],
                 "environment": service_env}]
    # developer mode on a root machine (a container, CI): every server runs as root, which Jupyter refuses without
    # --allow-root (the formgrader then exits and the hub waits for it); no isolation there, as the mode says
    dev_as_root = mode == "developer" and ctx.is_root
    # under docker the hub's own container is root (it starts the lab containers; no participant runs there): the
    # formgrader runs as root there too, which Jupyter also refuses without --allow-root
    services.append(formgrader_service(course=course, url=settings["course.formgrader_url"], python=ctx.python,
                                       repo_root=ctx.repo_root, state=state, as_root=mode == "unix-users",
                                       allow_root=dev_as_root or (mode == "docker" and ctx.is_root)))
    if settings["grading.enabled"] and mode != "kubernetes":
        # no URL: nothing reaches it over HTTP; it watches the exchange and writes gradebook + feedback. It runs
        # as the hub's account (root in unix-users mode), which the sandbox needs to drop participants' code to
        # per-slot accounts without network. Under Kubernetes the hub's container is uid 1000 without privileges:
        # there the worker is the `grading` sidecar of the hub's pod (hub_config/k8s/values.yaml,
        # hub.extraContainers), root with SYS_ADMIN, and the hub must not start a second one.
        services.append({"name": "grading", "command": [ctx.python, "-m", "shiplab.grading"],
                         "environment": {**service_env, "SHIPLAB_COURSE": course},
                         "info": {"description": "Autogrades every submission as it arrives, sandboxed"}})
    if assignments:  # reads the grading queue (the hub's account can); answers each participant about their own
        services.append({"name": "assignments", "url": settings["grading.status_url"],
                         "command": [ctx.python, "-m", "shiplab.labext.status"],
                         "environment": {**service_env, "SHIPLAB_COURSE": course},
                         "info": {"description": "Each participant's own submissions: queued, grading, score"}})
    if settings["prestart.enabled"] and settings["tracker.workshop_start"]:  # servers ready before the day
        services.append({"name": "shiplab-prestart", "command": [ctx.python, "-m", "shiplab.hub.prestart"],
                         "environment": service_env})
    if settings["tracker.enabled"]:  # no role: it needs no hub API scopes (see shiplab.tracker.hubservice)
        # like the board and the gateway, it reads its settings from the settings file (secrets: tracker_secrets)
        services.append(tracker_service(settings, python=ctx.python, base_env=service_env))
    if settings["progress.enabled"]:  # instructors only; reads the queue, gradebook and hub activity
        services.append({"name": "progress", "url": settings["progress.url"], "environment": service_env,
                         "command": [ctx.python, "-m", "shiplab.board"], "oauth_no_confirm": True,
                         "display": True, "info": {"description": "Live progress board for instructors"}})
    if settings["gateway.enabled"]:
        services.append({"name": "gateway", "url": settings["gateway.url"], "environment": service_env,
                         "command": [ctx.python, "-m", "shiplab.gateway"],
                         # instructors open its usage page in a browser: a login, not an "authorize?" question
                         "oauth_no_confirm": True,
                         "info": {"description": "OpenAI-compatible models under the governance policy"}})
    if settings["culler.enabled"] and mode != "kubernetes":  # z2jh runs its own culler (values: cull.*)
        services.append({
            "name": "idle-culler",
            "command": [ctx.python, "-m", "jupyterhub_idle_culler",
                        f"--timeout={settings['culler.timeout']}", f"--cull-every={settings['culler.every']}"],
        })
    ours = [*group_roles, *roles.service_roles([s["name"] for s in services]),
            # nbgrader's course list reads the hub's services with the server's own token
            {"name": "server", "scopes": ["inherit"]}]
    if mode == "kubernetes":  # keep what the chart defined (its idle culler service and that service's role)
        services = _keep_chart_entries(c.JupyterHub, "services", services) + services
        ours = _keep_chart_entries(c.JupyterHub, "load_roles", ours) + ours
    for service in services:  # the hub exits when a managed service is not up in time ("Cannot connect to <name>
        # service managed"): its default 30 s is too short for Jupyter or model services starting together on 2 cores
        if "url" in service and "command" in service:
            service.setdefault("timeout", 120)
    c.JupyterHub.services = services
    c.JupyterHub.load_roles = ours

    # ---- where participants' servers run
    if mode == "unix-users":
        c.JupyterHub.spawner_class = "shiplab.hub.spawner.UnixUserSpawner"
        c.UnixUserSpawner.unix_user_prefix = settings["spawner.unix_user_prefix"]
        c.UnixUserSpawner.homes_dir = settings["spawner.homes_dir"]
        c.UnixUserSpawner.hide_processes = settings["spawner.hide_processes"]
        c.UnixUserSpawner.private_tmp = settings["spawner.private_tmp"]
        c.UnixUserSpawner.keep_in_tmp = [str(state / "exchange"), str(ctx.repo_root), sys.prefix]
        c.UnixUserSpawner.mem_limit_bytes = parse_bytes(settings["spawner.mem_limit"])
        c.UnixUserSpawner.max_tasks = settings["spawner.max_tasks"]
    elif mode == "developer":
        c.JupyterHub.spawner_class = "shiplab.hub.spawner.DeveloperSpawner"
        c.DeveloperSpawner.home_dir_template = str(state / "homes" / "{username}")
    c.Spawner.jupyter_config_root = str(ctx.repo_root / "hub_config" / "jupyter")
    if mode in ("unix-users", "developer"):
        # jupyterhub-singleuser after shiplab.footprint's deferrals: ~16 MB less per server (labext.singleuser)
        c.Spawner.cmd = [ctx.python, "-m", "shiplab.labext.singleuser"]
        if dev_as_root:
            c.Spawner.args = ["--allow-root"]
        if mode == "unix-users":  # kernels on Unix sockets in the server's own folder: loopback TCP is everyone's
            c.Spawner.args = ["--KernelManager.transport=ipc"]
        c.Spawner.environment = {
            "SHIPLAB_COURSE": course,
            "SHIPLAB_SPAWNER_MODE": mode,
            "SHIPLAB_EXCHANGE": str(state / "exchange"),
            **({"SHIPLAB_GATEWAY_URL": server_side_service_url(settings, "gateway", settings["gateway.url"]) + "/v1"}
               if settings["gateway.enabled"] else {}),
            # notebooks and CI jobs check in with the server's own hub token (JUPYTERHUB_API_TOKEN)
            **({"SHIPLAB_TRACKER_URL": server_side_service_url(settings, "tracker", settings["tracker.url"])}
               if settings["tracker.enabled"] else {}),
            # the Assignments tab's server side asks here, with the server's own hub token
            **({"SHIPLAB_ASSIGNMENTS_URL": server_side_service_url(settings, "assignments",
                                                                   settings["grading.status_url"])}
               if assignments else {}),
            # the venv's bin first, so terminals and kernels find shiplab's tools
            "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
            **({"SHIPLAB_PII_ALLOW": "\n".join(settings["data.pii_allow"])} if settings["data.pii_allow"] else {}),
        }
    c.Spawner.default_url = settings["spawner.default_url"]
    c.Spawner.start_timeout = settings["spawner.start_timeout"]
    c.Spawner.http_timeout = settings["spawner.http_timeout"]
    if mode == "docker":
        apply_docker(settings, c)
    elif mode == "kubernetes":
        apply_kubernetes(settings, c)


def _keep_chart_entries(section, key: str, ours: list[dict]) -> list[dict]:
    """Entries the Zero to JupyterHub chart configured under ``key`` that shiplab does not define itself."""
    if key not in section:
        return []
    names = {entry["name"] for entry in ours}
    return [entry for entry in section[key] if entry.get("name") not in names]


def _apply_network_and_state(settings: dict[str, Any], c, ctx: HubContext) -> None:
    """Loopback unless the settings say otherwise (checked in shiplab.settings); state in the state folder."""
    state = ctx.state
    c.JupyterHub.bind_url = settings["hub.bind_url"]
    c.JupyterHub.hub_bind_url = settings["hub.hub_bind_url"]
    c.ConfigurableHTTPProxy.api_url = settings["hub.proxy_api_url"]
    if ctx.proxy_command:
        c.ConfigurableHTTPProxy.command = [ctx.proxy_command]
    c.ConfigurableHTTPProxy.should_start = True
    if settings["hub.db_url"]:
        c.JupyterHub.db_url = settings["hub.db_url"]
    else:
        hub_db = state / "jupyterhub.sqlite"
        if state.is_dir():  # the hub opens it next: 0600 before it does (apply_config in tests may name no folder)
            ensure_private_sqlite(hub_db)
        c.JupyterHub.db_url = f"sqlite:///{hub_db}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")


def _apply_auth(settings: dict[str, Any], c, ctx: HubContext, usernames: list[str]) -> None:
    mode = settings["auth.mode"]
    if mode == "demo":
        c.JupyterHub.authenticator_class = "shared-password"
        c.SharedPasswordAuthenticator.user_password = settings["auth.demo_password"]
        admin_pw = ctx.secrets.get("demo-admin-password", "")
        if settings["auth.admin_users"] and admin_pw:
            c.SharedPasswordAuthenticator.admin_password = admin_pw
    elif mode == "native":
        c.JupyterHub.authenticator_class = "shiplab.hub.native.NativeAuthenticator"
        c.NativeAuthenticator.open_signup = settings["auth.native_open_signup"]
        # The roster's people are pre-authorized at sign-up; anyone else waits until an instructor approves them
        # at /hub/authorize. NativeAuthenticator itself refuses unapproved accounts, so the hub lets through
        # whoever it approves.
        c.NativeAuthenticator.allow_all = True
        c.NativeAuthenticator.minimum_password_length = 10
        c.NativeAuthenticator.check_common_password = True
        c.NativeAuthenticator.allowed_failed_logins = 5
        c.NativeAuthenticator.seconds_before_next_try = 60
    elif mode == "github":
        c.JupyterHub.authenticator_class = "oauthenticator.github.GitHubOAuthenticator"
        _oauth_common(settings, c, ctx, "GitHubOAuthenticator")
    elif mode == "oidc":
        c.JupyterHub.authenticator_class = "oauthenticator.generic.GenericOAuthenticator"
        _oauth_common(settings, c, ctx, "GenericOAuthenticator")
        g = c.GenericOAuthenticator
        g.authorize_url = settings["auth.oidc_authorize_url"]
        g.token_url = settings["auth.oidc_token_url"]
        g.userdata_url = settings["auth.oidc_userdata_url"]
        g.username_claim = settings["auth.oidc_username_claim"]
        g.scope = list(settings["auth.oidc_scope"])


def _oauth_common(settings: dict[str, Any], c, ctx: HubContext, cls: str) -> None:
    auth = c[cls]
    auth.client_id = settings["auth.oauth_client_id"]
    # The secret is read from the environment by name; it never sits in a settings file or a log.
    var = settings["auth.oauth_client_secret_env"]
    if not ctx.environ.get(var):
        raise SettingsError(f"auth.mode {settings['auth.mode']!r} needs the OAuth client secret in the "
                            f"environment variable {var}, which is not set.",
                            hint=f"export {var}=… before starting the hub (or name another variable in "
                                 "auth.oauth_client_secret_env).")
    auth.client_secret = ctx.environ[var]
    if settings["auth.oauth_callback_url"]:
        auth.oauth_callback_url = settings["auth.oauth_callback_url"]
    auth.enable_auth_state = False

