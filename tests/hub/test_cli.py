"""The shiplab command: help everywhere, and expected failures as one clear sentence with a non-zero exit."""

import socket
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from shiplab.cli import main
from shiplab.errors import Exit


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "shiplab.cli", *args], capture_output=True, text=True, env=env,
                          timeout=60)


@pytest.mark.parametrize("args", [[], ["up"], ["status"], ["roster"], ["roster", "import"], ["roster", "show"],
                                  ["settings"], ["settings", "show"], ["settings", "check"]])
def test_help_everywhere(args):
    """Does every command answer --help?"""
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.fixture
def env(tmp_path, monkeypatch):
    import os

    settings = tmp_path / "s.yaml"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # a port nobody listens on, so `status` sees no hub
    settings.write_text(yaml.safe_dump({"spawner": {"mode": "developer"}, "hub": {"bind_url": f"http://127.0.0.1:{port}"}}))
    return {**os.environ, "SHIPLAB_STATE": str(tmp_path / "state"), "SHIPLAB_SETTINGS": str(settings)}


def test_bad_roster_row_exits_nonzero_with_line(tmp_path, env):
    """Does a bad roster row give its line number, a non-zero exit, and leave no roster behind?"""
    f = tmp_path / "r.csv"
    f.write_text("username,full_name,email,role,team,manager\nanna,Anna,anna@x.example,participant,claims,\n"
                 "BAD NAME,B,b@x.example,participant,claims,\n")
    proc = run("roster", "import", str(f), env=env)
    assert proc.returncode == Exit.REFUSED, proc.stderr
    assert "line 3" in proc.stderr and "nothing was imported" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "state" / "roster.json").exists()


def test_good_roster_then_show(tmp_path, env):
    """Does a good roster import and show, and does a re-import report updates, not duplicates?"""
    f = tmp_path / "r.csv"
    f.write_text("username,full_name,email,role,team,manager\nanna,Anna,anna@x.example,participant,claims,\n")
    proc = run("roster", "import", str(f), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "1 added" in proc.stdout
    proc = run("roster", "import", str(f), env=env)
    assert "0 added, 0 updated" in proc.stdout
    assert "anna" in run("roster", "show", env=env).stdout


def test_bad_setting_exits_nonzero_naming_the_key(tmp_path, env):
    """Does a bad setting stop the command with the key, the value and what is allowed?"""
    bad = tmp_path / "bad.yaml"
    bad.write_text("auth:\n  mode: password\n")
    proc = run("status", env={**env, "SHIPLAB_SETTINGS": str(bad)})
    assert proc.returncode == Exit.REFUSED, proc.stderr
    assert "auth.mode" in proc.stderr and "'password'" in proc.stderr and "demo, native" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_port_in_use_is_reported(tmp_path, env):
    """Does `shiplab up` refuse a port that is taken, saying which setting and what to do?"""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        settings = tmp_path / "p.yaml"
        settings.write_text(yaml.safe_dump({"hub": {"bind_url": f"http://127.0.0.1:{port}"},
                                            "spawner": {"mode": "developer"}}))
        proc = run("up", env={**env, "SHIPLAB_SETTINGS": str(settings)})
    assert proc.returncode == Exit.REFUSED, proc.stderr
    assert f"port {port}" in proc.stderr and "hub.bind_url" in proc.stderr and "shiplab status" in proc.stderr


def test_status_when_no_hub(env):
    """Does status say the hub is not running (and not crash)?"""
    proc = run("status", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert '"hub": "not running"' in proc.stdout
