"""The part of :func:`shiplab.hub.config.apply_config` for spawner.mode docker and kubernetes (pure: sets only)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

IMAGE_ROOT = "/opt/shiplab"
EXCHANGE_MOUNT = "/srv/shiplab/exchange"
HOME = "/home/jovyan"


def pod_uid(spawner) -> int:
    """KubeSpawner accepts a callable for ``uid``: participant N's pod runs as uid_base + N."""
    return spawner.uid_base + int(spawner.user.id)


def _proxy(settings: dict[str, Any]) -> str:
    proxy = settings["containers.proxy_url"]
    if not proxy and settings["spawner.mode"] == "docker":  # the proxy runs in the hub's container
        proxy = f"http://{settings['containers.hub_host']}:{urlparse(settings['hub.bind_url']).port or 8000}"
    elif not proxy:  # Zero to JupyterHub: the proxy's in-cluster service
        proxy = "http://proxy-public"
    return proxy.rstrip("/")


def service_url_in_lab(settings: dict[str, Any], name: str, internal_url: str) -> str:
    """Where a lab container's Python (not a browser) reaches hub service ``name``, without a trailing slash.

    One origin: through the hub's proxy, by its name on the internal network (the public URL may not resolve, or
    may loop out through the internet, from inside a container). With ``hub.subdomain_host`` the proxy routes by
    host name (``<name>--service.localhost``, which does not resolve inside a container), so under docker the
    service's own URL, which the docker settings put on the hub container's name (``http://shiplab-hub:8095``):
    the service serves the same ``/services/<name>/`` paths and checks the same hub token.
    """
    if settings["hub.subdomain_host"] and settings["spawner.mode"] == "docker":
        return f"{internal_url.rstrip('/')}/services/{name}"
    return f"{_proxy(settings)}/services/{name}"


def gateway_url(settings: dict[str, Any]) -> str | None:
    """Where a lab container reaches the model gateway's OpenAI-compatible API (see :func:`service_url_in_lab`)."""
    if not settings["gateway.enabled"]:
        return None
    return service_url_in_lab(settings, "gateway", settings["gateway.url"]) + "/v1"


def lab_environment(settings: dict[str, Any]) -> dict[str, str]:
    env = {"SHIPLAB_COURSE": settings["course.id"], "SHIPLAB_EXCHANGE": EXCHANGE_MOUNT,
           "SHIPLAB_SPAWNER_MODE": settings["spawner.mode"]}
    url = gateway_url(settings)
    if url:  # the spawner adds SHIPLAB_GATEWAY_TOKEN (the participant's own hub token) beside it
        env["SHIPLAB_GATEWAY_URL"] = url
    if settings["tracker.enabled"]:  # notebooks check in with the server's own hub token
        env["SHIPLAB_TRACKER_URL"] = service_url_in_lab(settings, "tracker", settings["tracker.url"])
    if settings["grading.enabled"] and settings["spawner.mode"] == "docker":  # the Assignments tab's server side asks here, with the server's hub token
        env["SHIPLAB_ASSIGNMENTS_URL"] = service_url_in_lab(settings, "assignments", settings["grading.status_url"])
    if settings["data.pii_allow"]:
        env["SHIPLAB_PII_ALLOW"] = "\n".join(settings["data.pii_allow"])
    return env


def apply_docker(settings: dict[str, Any], c) -> None:
    c.JupyterHub.spawner_class = "shiplab.hub.containers.ShiplabDockerSpawner"
    d = c.ShiplabDockerSpawner
    d.image = settings["containers.image"]
    d.network_name = settings["containers.network"]
    d.use_internal_ip = True
    d.remove = True  # the container goes, the home volume stays
    d.notebook_dir = HOME
    d.volumes = {"shiplab-home-{username}": HOME, settings["containers.exchange_volume"]: EXCHANGE_MOUNT}
    d.mem_limit = settings["containers.mem_limit"]
    d.cpu_limit = float(settings["containers.cpu_limit"])
    d.uid_base = settings["containers.uid_base"]
    # start as root only to give the home volume to NB_UID; the start script then drops to it for good
    d.extra_create_kwargs = {"user": "root"}
    d.cmd = [f"{IMAGE_ROOT}/hub_config/docker/start-lab.sh"]
    d.environment = lab_environment(settings)
    d.jupyter_config_root = f"{IMAGE_ROOT}/hub_config/jupyter"
    # the hub listens on all of its container's interfaces; compose publishes the proxy on the host's loopback only
    port = urlparse(settings["hub.bind_url"]).port or 8000
    c.JupyterHub.bind_url = f"http://0.0.0.0:{port}"
    c.JupyterHub.hub_bind_url = "http://0.0.0.0:8081"
    c.JupyterHub.hub_connect_url = f"http://{settings['containers.hub_host']}:8081"


def apply_kubernetes(settings: dict[str, Any], c) -> None:
    c.JupyterHub.spawner_class = "shiplab.hub.containers.ShiplabKubeSpawner"
    k = c.ShiplabKubeSpawner
    name, _, tag = settings["containers.image"].partition(":")
    k.image = f"{name}:{tag or 'latest'}"
    k.mem_limit = settings["containers.mem_limit"]
    k.mem_guarantee = settings["containers.mem_guarantee"]
    k.cpu_limit = float(settings["containers.cpu_limit"])
    k.cpu_guarantee = float(settings["containers.cpu_guarantee"])
    k.uid_base = settings["containers.uid_base"]
    k.uid = pod_uid
    k.fs_gid = 100
    k.storage_pvc_ensure = True
    k.pvc_name_template = "shiplab-home-{username}"
    k.storage_capacity = settings["containers.storage_capacity"]
    k.volumes = [{"name": "home", "persistentVolumeClaim": {"claimName": "shiplab-home-{username}"}},
                 {"name": "exchange", "persistentVolumeClaim": {"claimName": settings["containers.exchange_volume"]}}]
    k.volume_mounts = [{"name": "home", "mountPath": HOME}, {"name": "exchange", "mountPath": EXCHANGE_MOUNT}]
    k.environment = lab_environment(settings)
    k.jupyter_config_root = f"{IMAGE_ROOT}/hub_config/jupyter"
