"""The Assignments tab's wiring, without a hub: the service, who may call it, and the participants' servers."""

import json
from pathlib import Path

from traitlets.config import Config

from shiplab import settings
from shiplab import roster
from shiplab.hub.config import HubContext, apply_config
from shiplab.labext import LABEXTENSION

REPO = Path(__file__).resolve().parents[2]
PEOPLE = roster.parse("""username,full_name,email,role,team,manager
ines,Ines,i@x.example,instructor,,
anna,Anna,a@x.example,participant,claims,
""")


def configured(raw=None):
    c = Config()
    ctx = HubContext(state=Path("/srv/state"), repo_root=Path("/repo"), is_root=True, python="/repo/.venv/bin/python",
                     secrets={"demo-admin-password": "x" * 64})
    apply_config(settings.validate(raw or {}), c, ctx, PEOPLE)
    return c


def test_participants_may_call_the_assignments_service_and_their_servers_know_where_it_is():
    """Is `assignments` a managed service on its own URL, in the participants' role, and named to their servers?"""
    c = configured()
    service = next(s for s in c.JupyterHub.services if s["name"] == "assignments")
    assert service["url"] == "http://127.0.0.1:8098"
    assert service["command"][-2:] == ["-m", "shiplab.labext.status"]
    role = next(r for r in c.JupyterHub.load_roles if r["name"] == "shiplab-participant")
    assert "access:services!service=assignments" in role["scopes"]
    assert c.Spawner.environment["SHIPLAB_ASSIGNMENTS_URL"] == "http://127.0.0.1:8000/services/assignments"


def test_without_the_grading_worker_there_is_no_status_service():
    """With grading off, is there no `assignments` service, no role naming it and no URL for the servers?"""
    c = configured({"grading": {"enabled": False}})
    assert "assignments" not in {s["name"] for s in c.JupyterHub.services}
    assert "SHIPLAB_ASSIGNMENTS_URL" not in c.Spawner.environment


def test_participants_servers_load_the_tab_from_the_package():
    """Do participants' servers enable the server extension and find the prebuilt lab extension in the package
    (package.json naming the hand-written container, which exists)?"""
    conf = json.loads((REPO / "hub_config/jupyter/participant/jupyter_server_config.json").read_text())
    assert conf["ServerApp"]["jpserver_extensions"]["shiplab.labext"] is True
    assert "LABEXTENSION" in (REPO / "hub_config/jupyter/participant/jupyter_server_config.py").read_text()
    pkg = json.loads((LABEXTENSION / "@shiplab/assignments/package.json").read_text())
    assert (LABEXTENSION / "@shiplab/assignments" / pkg["jupyterlab"]["_build"]["load"]).is_file()


def test_participants_servers_leave_out_the_language_server_relay():
    """Is jupyter_lsp off for participants (no language server is installed; completion comes from the kernel) while
    what they use stays on: JupyterLab, terminals, the assignment list, Validate and the Assignments tab?"""
    conf = json.loads((REPO / "hub_config/jupyter/participant/jupyter_server_config.json").read_text())
    on = conf["ServerApp"]["jpserver_extensions"]
    assert on["jupyter_lsp"] is False
    assert on["nbgrader.server_extensions.assignment_list"] and on["nbgrader.server_extensions.validate_assignment"]
    assert "jupyterlab" not in on and "jupyter_server_terminals" not in on and "notebook" not in on  # as installed


def test_the_lean_server_entry_is_jupyterhub_singleuser_after_the_deferrals():
    """Does `python -m shiplab.labext.singleuser` run jupyterhub-singleuser (same version, same options), with the
    IRI grammar not compiled when jupyter_server has been imported?"""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    version = subprocess.run([sys.executable, "-m", "shiplab.labext.singleuser", "--version"], capture_output=True,
                             text=True, env=env, timeout=120)
    import jupyterhub

    assert version.returncode == 0 and version.stdout.strip() == jupyterhub.__version__, version.stderr[-2000:]
    code = ("import sys, shiplab.labext.singleuser as s, jupyterhub.singleuser, jupyter_server.serverapp\n"
            "print(s.main.__module__, 'jsonschema' in sys.modules, 'rfc3987_syntax.syntax_helpers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split() == ["shiplab.labext.singleuser", "True", "False"], out.stderr[-2000:]
