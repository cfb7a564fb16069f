"""One participant's day with spawner.mode docker, for real: the hub's image (hub_config/docker/Dockerfile) runs the
hub and its services in a container beside PostgreSQL, on a network of the test's own, as compose.yaml has them;
DockerSpawner starts each participant's lab container from the same image. Through the proxy, published on the
host's loopback only: log in, spawn, fetch the demo lab, submit, graded in the sandbox inside the hub's container,
score visible; the gateway answers from the participant's container; the tracker and the board answer. Everything
the test made is removed at the end (the images stay, the engine's cache).

`make test-containers` starts the engine and builds the images; elsewhere the test is skipped and says why.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml

from engine import DOCKER_HOST, LAB_IMAGE, POSTGRES_IMAGE, Made, engine_or_skip, wait_healthy
from hubharness import RunningHub, free_port, run_in_kernel, xsrf
from shiplab.course.authoring import reference_answers

pytestmark = [pytest.mark.slow, pytest.mark.containers, pytest.mark.timeout(1500)]
REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "hub_config" / "docker" / "compose.yaml").read_text())
DOCKER_SETTINGS = yaml.safe_load((REPO / "hub_config" / "docker" / "shiplab.docker.yaml").read_text())
PASSWORD = "test-password-123"
COURSE = "workshop"
PARTICIPANT, INSTRUCTOR = "anna", "ines"  # from the demo roster the settings name (hub_config/demo_roster.csv)
UID_BASE = 20000


class HubInContainer(RunningHub):
    """hubharness's client side (login, spawn, kernels) against a hub whose log is its container's."""

    container = None

    def tail_log(self, n: int = 60) -> str:
        return self.container.logs(tail=n).decode(errors="replace") if self.container else ""


def settings_for(made: Made, port: int, network: str, pgpassword: str) -> dict:
    """shiplab.docker.yaml with this run's names: its network, hub name, exchange volume; the proxy on `port`.
    The database password is in the URL too, not only in PGPASSWORD as compose.yaml passes it: the grading worker
    (a hub service, which gets no PGPASSWORD) reads participants' ids from the hub's database (open: see README)."""
    s = json.loads(json.dumps(DOCKER_SETTINGS))
    s["hub"]["bind_url"] = f"http://127.0.0.1:{port}"
    s["hub"]["db_url"] = f"postgresql://shiplab:{pgpassword}@{made.name('postgres')}/shiplab"
    s["hub"]["cleanup_servers"] = True
    s["auth"]["demo_password"] = PASSWORD
    s["culler"] = {"enabled": False}
    s["containers"].update(network=network, hub_host=made.name("hub"), exchange_volume=made.name("exchange"),
                           uid_base=UID_BASE)
    # the services listen on the hub container's name, as in the shipped file (under this run's name)
    for section, key in (("gateway", "url"), ("tracker", "url"), ("grading", "status_url")):
        s[section][key] = s[section][key].replace(DOCKER_SETTINGS["containers"]["hub_host"], made.name("hub"))
    # One origin here: this test drives the hub with httpx, whose cookie jar does not send host-only `localhost`
    # cookies back the way a browser does. The shipped per-user origins are checked as configuration in
    # tests/deploy/test_deploy.py; the services on the hub container's name are exercised here either way.
    s["hub"]["subdomain_host"] = ""
    return s


@pytest.fixture(scope="module")
def day():
    client = engine_or_skip()
    made = Made(client)
    pgpassword = secrets.token_urlsafe(16)
    config_dir = Path(tempfile.mkdtemp(prefix="shiplab-e2e-"))
    hub = None
    try:
        net = made.network("net")
        # PostgreSQL as compose.yaml has it (environment, health check), from Debian's packages: no registry here
        pg = COMPOSE["services"]["postgres"]
        env = {k: (pgpassword if "PASSWORD" in k else v) for k, v in pg["environment"].items()}
        postgres = made.run("postgres", POSTGRES_IMAGE, environment=env, network=net.name,
                            volumes={made.volume("db"): {"bind": "/var/lib/postgresql/data", "mode": "rw"}},
                            healthcheck={"test": pg["healthcheck"]["test"], "interval": 2 * 10 ** 9,
                                         "retries": 60})
        wait_healthy(postgres)

        port = free_port()
        settings = settings_for(made, port, net.name, pgpassword)
        (config_dir / "settings.yaml").write_text(yaml.safe_dump(settings))
        os.chmod(config_dir, 0o711)
        os.chmod(config_dir / "settings.yaml", 0o644)  # read inside the hub's container only
        spec = COMPOSE["services"]["hub"]
        hub_env = {**{k: v for k, v in spec["environment"].items() if not str(v).startswith("${")},
                   "SHIPLAB_SETTINGS": "/srv/shiplab/settings.yaml", "PGPASSWORD": pgpassword}
        container = made.run(
            "hub", LAB_IMAGE, command=spec["command"], user="root", working_dir=spec["working_dir"],
            cap_add=spec["cap_add"], environment=hub_env, network=net.name,
            ports={f"{port}/tcp": ("127.0.0.1", port)},  # the host's loopback only
            volumes={DOCKER_HOST.removeprefix("unix://"): {"bind": "/var/run/docker.sock", "mode": "rw"},
                     made.volume("state"): {"bind": "/srv/shiplab/state", "mode": "rw"},
                     made.volume("exchange"): {"bind": "/srv/shiplab/state/exchange", "mode": "rw"},
                     str(config_dir / "settings.yaml"): {"bind": "/srv/shiplab/settings.yaml", "mode": "ro"}})
        hub = HubInContainer(url=f"http://127.0.0.1:{port}", state=config_dir, settings_file=config_dir /
                             "settings.yaml", env={})
        hub.container = container
        wait_for_hub(hub, timeout=600)
        yield made, hub, container
    finally:
        if hub:
            hub.stop()
        homes = tuple(f"shiplab-home-{u}" for u in (PARTICIPANT, INSTRUCTOR))
        if hub and hub.container:
            try:  # the hub stops its lab containers itself (cleanup_servers)
                hub.container.stop(timeout=60)
            except Exception:  # noqa: BLE001 -- gone already; remove_all checks what is left
                pass
        left = made.remove_all(extra_volumes=homes)
        for f in config_dir.iterdir():
            f.unlink()
        config_dir.rmdir()
        assert not left, f"left behind in the engine: {left}"


def wait_for_hub(hub: HubInContainer, timeout: float) -> None:
    """Until the login page answers through the proxy (the hub's route is added after its services start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hub.container.reload()
        if hub.container.status == "exited":
            raise AssertionError(f"the hub's container exited:\n{hub.tail_log(80)}")
        try:
            if httpx.get(f"{hub.url}/hub/login", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(2)
    raise AssertionError(f"the hub did not answer through its proxy in {timeout:.0f} s:\n{hub.tail_log(80)}")


def action(client, verb: str):
    r = client.post(f"/user/{PARTICIPANT}/assignments/{verb}", data={"course_id": COURSE, "assignment_id": "demo"},
                    headers=xsrf(client, PARTICIPANT))
    assert r.status_code == 200, (verb, r.status_code, r.text[:300])
    return r.json()


def test_a_participants_day_in_containers(day):
    """Does a participant log in through the proxy, get a lab container of their own running as their own uid, fetch
    the demo lab, submit the right answers and see 6/6 graded in the hub container's sandbox — and do the gateway
    (called from inside their container), the tracker and the instructors' board answer?"""
    made, hub, hub_container = day
    timings = {}
    t = time.monotonic()
    client = hub.login(PARTICIPANT, PASSWORD)
    hub.spawn(client, PARTICIPANT, timeout=300)
    timings["login + spawn"] = time.monotonic() - t

    # a container of their own, from the lab image, on the run's network, as uid uid_base + their hub id
    labs = [c for c in made.client.containers.list() if c.name == f"jupyter-{PARTICIPANT}"]
    assert len(labs) == 1, [c.name for c in made.client.containers.list()]
    lab = labs[0]
    assert lab.image.tags and LAB_IMAGE in lab.image.tags
    assert made.name("net") in lab.attrs["NetworkSettings"]["Networks"]
    assert not lab.attrs["HostConfig"]["PortBindings"], "a lab container publishes nothing"
    env = dict(e.split("=", 1) for e in lab.attrs["Config"]["Env"])
    nb_uid = int(env["NB_UID"])
    assert nb_uid > UID_BASE
    out, error = run_in_kernel(hub, client, PARTICIPANT, "import os; print(os.getuid(), os.getgid())")
    assert error is None, error
    assert out.split() == [str(nb_uid), "100"]
    servers = [p for p in lab.top()["Processes"] if "shiplab.labext.singleuser" in " ".join(p)]
    assert servers and all(p[0] == str(nb_uid) for p in servers), lab.top()

    # fetch, answer, submit
    t = time.monotonic()
    action(client, "fetch")
    path = f"/user/{PARTICIPANT}/api/contents/demo/demo.ipynb"
    model = client.get(path).json()
    answers = reference_answers(REPO / "labs" / "demo" / "demo.ipynb")
    for cell in model["content"]["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
    r = client.put(path, json={"type": "notebook", "format": "json", "content": model["content"]},
                   headers=xsrf(client, PARTICIPANT))
    assert r.status_code == 200, r.text[:300]
    action(client, "submit")

    # graded by the worker in the hub's container, with nobody running nbgrader; feedback in their Assignments
    html = None
    deadline = time.monotonic() + 420
    while time.monotonic() < deadline and html is None:
        action(client, "fetch_feedback")
        listing = client.get(f"/user/{PARTICIPANT}/api/contents/demo/feedback")
        if listing.status_code == 200 and listing.json()["content"]:
            stamp = listing.json()["content"][0]["name"]
            html = client.get(f"/user/{PARTICIPANT}/files/demo/feedback/{stamp}/demo.html", follow_redirects=True)
            assert html.status_code == 200
            html = html.text
        else:
            time.sleep(2)
    assert html is not None, f"no feedback in 420 s:\n{hub.tail_log(120)}"
    timings["submit → feedback"] = time.monotonic() - t
    assert "(Score: 6.0 / 6.0)" in html, html[:2000]  # nbgrader's feedback template
    assert "BEGIN HIDDEN TESTS" not in html
    log = hub_container.logs().decode(errors="replace")
    started = re.search(r"grading workshop: \d+ at once, watching .*", log)
    assert started, log[-4000:]
    assert "network namespaces are unavailable" not in log and "WITHOUT isolation" not in log, started[0]
    status = hub_container.exec_run(["shiplab", "grading", "status", "demo"], environment={
        "SHIPLAB_SETTINGS": "/srv/shiplab/settings.yaml", "SHIPLAB_STATE": "/srv/shiplab/state"})
    assert status.exit_code == 0 and PARTICIPANT in status.output.decode() and "6/6" in status.output.decode(), \
        status.output.decode()

    # the score as the Assignments tab asks for it, with the participant's own token
    token = hub.user_token(client, PARTICIPANT)
    mine = httpx.get(f"{hub.url}/services/assignments/api/submissions", timeout=30,
                     headers={"Authorization": f"token {token}"})
    assert mine.status_code == 200, mine.text[:300]
    demo = mine.json()["labs"]["demo"]
    assert (demo["state"], demo["score"], demo["max_score"]) == ("graded", 6, 6), mine.text[:500]

    # the gateway, from inside the participant's container, through the hub's proxy by the hub's name
    code = ("import os, json, urllib.request\n"
            "req = urllib.request.Request(os.environ['SHIPLAB_GATEWAY_URL'] + '/embeddings', method='POST',\n"
            "    data=json.dumps({'input': ['a claim about a dented bumper']}).encode(),\n"
            "    headers={'Authorization': 'Bearer ' + os.environ['SHIPLAB_GATEWAY_TOKEN'],\n"
            "             'Content-Type': 'application/json'})\n"
            "body = json.load(urllib.request.urlopen(req, timeout=120))\n"
            "print(os.environ['SHIPLAB_GATEWAY_URL'], len(body['data'][0]['embedding']))\n")
    out, error = run_in_kernel(hub, client, PARTICIPANT, code, timeout=300)
    assert error is None, f"{error}\n{hub.tail_log(60)}"
    url, dims = out.split()
    assert url == f"http://{made.name('hub')}:{hub.url.rsplit(':', 1)[1]}/services/gateway/v1" and int(dims) > 0

    # the tracker answers the participant; the progress board answers an instructor
    tracker = client.get("/services/tracker/", follow_redirects=True)
    assert tracker.status_code == 200, tracker.text[:300]
    instructor = hub.login(INSTRUCTOR, PASSWORD)
    board = instructor.get("/services/progress/", follow_redirects=True)
    assert board.status_code == 200 and board.url.path.startswith("/services/progress"), (board.url, board.text[:500])
    denied = client.get("/services/progress/", follow_redirects=True)
    assert denied.status_code == 403

    # the hub's database is the PostgreSQL container's
    users = made.containers[0].exec_run(["psql", "-U", "shiplab", "-d", "shiplab", "-tAc",
                                         "select name from users order by name"])
    assert users.exit_code == 0 and PARTICIPANT in users.output.decode().split(), users.output.decode()
    print("; ".join(f"{k}: {v:.0f} s" for k, v in timings.items()))
