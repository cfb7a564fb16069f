"""Start the hub in the foreground for `shiplab up`, and report on a running one for `shiplab status`."""

from __future__ import annotations

import ipaddress
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

from shiplab import settings as settings_mod
from shiplab.errors import ShiplabError
from shiplab import roster
from shiplab.hub.bootstrap import proxy_command
from shiplab.settings import spawner_mode
from shiplab.web.origins import hub_origin, service_url
from shiplab.hub.state import ensure_state
from shiplab.hub.unix import ensure_unix_user, is_root

CONFIG_FILE = settings_mod.REPO_ROOT / "hub_config" / "jupyterhub_config.py"


def host_port(url: str) -> tuple[str, int]:
    u = urlparse(url)
    return u.hostname or "127.0.0.1", u.port or (443 if u.scheme == "https" else 80)


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def ports_to_check(settings: dict) -> list[str]:
    """The settings naming a port this machine's hub or one of its services will listen on."""
    keys = ["hub.bind_url", "hub.hub_bind_url", "hub.proxy_api_url", "course.formgrader_url"]
    keys += [f"{svc}.url" for svc in ("gateway", "tracker", "progress") if settings.get(f"{svc}.enabled")]
    keys += ["grading.status_url"] if settings.get("grading.enabled") else []
    return [k for k in keys if k in settings]


def check_ports(settings: dict) -> None:
    """Every port the hub and its services need is free — else a sentence naming the setting, before anything
    starts (a service whose port is taken would otherwise only fail in the hub's log)."""
    for key in ports_to_check(settings):
        host, port = host_port(settings[key])
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if host != "localhost":
                continue  # a name (``hub`` under Kubernetes): not an address of this machine to test
        if port_in_use(host, port):
            from shiplab.web.listen import holder_said

            holder = holder_said(port)
            if holder:
                raise ShiplabError(
                    f"port {port} (setting `{key}`) is held by the account {holder}, not by the hub: a process "
                    "of a participant's may be waiting to stand in for the hub or a service.",
                    hint=f"stop it (`fuser -k {port}/tcp` as root) and start again; the hub's port guard then "
                         "keeps its ports answering only as root, also across restarts.")
            raise ShiplabError(
                f"port {port} on {host} (setting `{key}`) is already in use.",
                hint="another hub may be running: `shiplab status` tells, stop it with Ctrl-C in its terminal; "
                     f"or choose a free port for `{key}` in {settings_mod.settings_path()}.")


def check_environment_reachable(settings: dict) -> None:
    """In unix-users mode, participants' accounts must be able to run this Python and import shiplab."""
    if spawner_mode(settings, is_root()) != "unix-users":
        return
    try:
        import pwd

        pwd.getpwnam("nobody")
    except KeyError:
        return
    proc = subprocess.run([sys.executable, "-c", "import shiplab, jupyterhub"], user="nobody", group="nogroup",
                          capture_output=True, text=True, cwd="/")
    if proc.returncode != 0:
        real = Path(sys.executable).resolve()
        raise ShiplabError(
            f"participants' Unix accounts cannot run this Python environment ({sys.executable} -> {real}): "
            f"{(proc.stderr.strip().splitlines() or ['permission denied'])[-1]}",
            hint="make the environment from a Python every account can read, e.g. "
                 "`rm -rf .venv && make up PYTHON=/usr/bin/python3`, and keep the repository out of private "
                 "folders such as /root.")


def import_roster(path: Path, settings: dict) -> dict:
    """Check a roster file, create Unix accounts where needed, and save it. All rows are checked first."""
    people = roster.read(path)
    state = ensure_state(settings_mod.state_dir(settings))
    before = {p.username: p for p in roster.load(state)}
    ctx_root = is_root()
    if spawner_mode(settings, ctx_root) == "unix-users":
        if not ctx_root:
            raise ShiplabError("spawner.mode is unix-users, which creates one Unix account per participant, "
                               "but this command does not run as root.",
                               hint="run it with sudo, or set spawner.mode: developer.")
        for p in people:
            ensure_unix_user(p.username, prefix=settings["spawner.unix_user_prefix"],
                             homes_dir=settings["spawner.homes_dir"])
    roster.save(people, state)
    from shiplab.course.students import sync_roster  # names and e-mails into the gradebook, once one exists

    sync_roster(state, settings["course.id"], people)
    now = {p.username for p in people}
    return {"added": sorted(now - set(before)),
            "updated": sorted(u for u in now & set(before) if before[u] != next(p for p in people if p.username == u)),
            "dropped": sorted(set(before) - now), "total": len(people), "state": str(state)}


def hub_api(settings: dict) -> str:
    return settings["hub.bind_url"].rstrip("/") + "/hub/api"


def wait_for_hub(settings: dict, proc: subprocess.Popen | None = None, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            # ask the hub itself first (asking through the proxy before the hub added its route only logs 404s)
            internal = settings["hub.hub_bind_url"].rstrip("/") + "/hub/api"
            if httpx.get(internal, timeout=2).status_code == 200 and \
                    httpx.get(hub_api(settings), timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def banner(settings: dict, people: list[roster.Person]) -> str:
    url = hub_origin(settings) + "/"
    lines = ["", "=" * 72, f"  shiplab hub is running: {url}hub/login", ""]
    if settings["hub.subdomain_host"]:
        lines += ["  Every participant and every service has an origin of its own (hub.subdomain_host): open the",
                  f"  hub at {url}, not at {settings['hub.bind_url']}.", ""]
    if settings["auth.mode"] == "demo":
        lines.append(f"  Demo logins (password: {settings['auth.demo_password']}):")
        for p in people:
            lines.append(f"    {p.username:<10} {p.role:<12} {p.full_name}" + (f" (team {p.team})" if p.team else ""))
    else:
        lines.append(f"  Log in with auth.mode = {settings['auth.mode']}.")
    pages = [("Ship plans, 60-day dashboard", "tracker", "", settings["tracker.enabled"]),
             ("Live progress board (instructors)", "progress", "", settings["progress.enabled"]),
             ("Formgrader (instructors)", settings["course.id"], "", True),
             ("Model usage (instructors)", "gateway", "instructor/usage", settings["gateway.enabled"])]
    lines += ["", "  Services:"] + [f"    {label:<36} {service_url(settings, name)}{path}"
                                    for label, name, path, on in pages if on]
    if settings["grading.enabled"]:
        lines.append("    Grading on submit: on (`shiplab grading status` shows the queue)")
    mode = spawner_mode(settings, is_root())
    if mode == "developer":
        lines += ["", "  DEVELOPER MODE: every server runs as this account; participants are NOT isolated.",
                  "  Run as root (spawner.mode unix-users) for a real workshop."]
    stop = "  Stop: press Ctrl-C here. Status: `shiplab status`."
    if not settings["hub.cleanup_servers"]:
        stop += "\n  Participants' servers keep running when the hub stops (hub.cleanup_servers: false)."
    lines += ["", stop, "=" * 72, ""]
    return "\n".join(lines)


def run_hub(settings: dict) -> int:
    """Start JupyterHub in the foreground; print the banner once it answers; return its exit code."""
    check_ports(settings)
    check_environment_reachable(settings)
    state = ensure_state(settings_mod.state_dir(settings))
    if not Path(proxy_command(settings_mod.REPO_ROOT)).exists():
        raise ShiplabError("configurable-http-proxy is not installed in node_modules/.",
                           hint="run `make up` (it runs `npm ci`), or `npm install` in the repository.")
    (state / "logs").mkdir(exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG_FILE)], cwd=state,
                            preexec_fn=_default_sigint)
    # Ctrl-C reaches the hub itself (same foreground process group); we only wait for it to finish. A no-op
    # handler, not SIG_IGN: an ignored SIGINT would be inherited by the hub's services, and each would then take
    # 60 s to stop.
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        if wait_for_hub(settings, proc):
            print(banner(settings, roster.load(state)), flush=True)
        return proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=60)
        _say_what_keeps_running(settings, state)


def _say_what_keeps_running(settings: dict, state: Path) -> None:
    """After the hub stopped: the participants' servers still running, and how to stop them (see .leftover)."""
    from shiplab.hub.leftover import leftover_servers, leftover_message

    if settings["hub.cleanup_servers"] or settings["hub.db_url"]:
        return  # stopped with the hub; or a database we do not read here (`shiplab status` on the next start)
    message = leftover_message(leftover_servers(state / "jupyterhub.sqlite"), str(settings_mod.settings_path()))
    if message:
        print(message, flush=True)


def _default_sigint() -> None:
    """A hub started from a script in the background inherits an ignored SIGINT (and passes it on to every
    service, which then needs 60 s to stop); give it back the default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def status(settings: dict) -> dict:
    state = settings_mod.state_dir(settings)
    people = roster.load(state)
    info = {"settings": str(settings_mod.settings_path()), "state": str(state), "roster_people": len(people),
            "auth_mode": settings["auth.mode"], "spawner_mode": spawner_mode(settings, is_root()),
            "url": hub_origin(settings) + "/hub/login", "hub": "not running"}
    try:
        r = httpx.get(hub_api(settings), timeout=3)
        if r.status_code == 200:
            info["hub"] = f"running (JupyterHub {r.json().get('version')})"
    except httpx.HTTPError:
        pass
    return info
