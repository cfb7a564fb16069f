"""`shiplab up` (no hub started here): the labs of course.release_on_up are released first, then the hub runs and
its exit code is the command's."""

import subprocess

import yaml
from click.testing import CliRunner

from shiplab.cli import main


def test_up_releases_the_listed_labs_before_the_hub_starts(tmp_path, monkeypatch):
    """With a roster already imported, does `shiplab up` run `shiplab course release demo` (course.up) before it
    starts the hub, say so, and end with the hub's exit code?"""
    from shiplab.course import up
    from shiplab import roster
    from shiplab.hub import launch

    settings = tmp_path / "s.yaml"
    settings.write_text(yaml.safe_dump({"spawner": {"mode": "developer"}, "course": {"release_on_up": ["demo"]}}))
    monkeypatch.setenv("SHIPLAB_SETTINGS", str(settings))
    monkeypatch.setenv("SHIPLAB_STATE", str(tmp_path / "state"))
    steps = []
    monkeypatch.setattr(launch, "check_ports", lambda s: None)
    monkeypatch.setattr(roster, "load", lambda state: ["someone"])  # imported before: no roster import now
    monkeypatch.setattr(up.subprocess, "run", lambda args, **kw: steps.append(args[-3:]) or
                        subprocess.CompletedProcess(args, 0, "", ""))
    monkeypatch.setattr(launch, "run_hub", lambda s: steps.append("hub") or 5)
    result = CliRunner().invoke(main, ["up"])
    assert steps == [["course", "release", "demo"], "hub"], result.output
    assert "Released lab(s): demo." in result.output and result.exit_code == 5
