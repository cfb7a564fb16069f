"""The `shiplab` command: start the hub, manage the roster, check settings.

Expected failures (a bad setting, a bad roster row, a port in use) print one sentence and how to fix it, and exit
with the table's code for it (:class:`shiplab.errors.Exit`, also in the README); anything else is a bug and keeps its
traceback.

Start-up stays short for every command: the settings module (jsonschema) is imported when a command reads the
settings, and the rooms' command groups (`shiplab data`, `course`, `grading`, which bring nbgrader) when that group is
run or help lists it — `shiplab data import` never imports nbgrader.
"""

from __future__ import annotations

import importlib
import json
import sys

import click

from shiplab.clitools import friendly

ROOM_COMMANDS = ("data", "course", "grading")


def _room_group(name: str) -> click.Group:
    """A room's command group, imported now: only when it is run or help lists it (see the module docstring)."""
    if name == "data":
        from shiplab.data.cli import data as group
    elif name == "course":
        from shiplab.course.cli import course as group
    else:
        from shiplab.grading.cli import grading as group
    return group


class _LazyModule:
    """A module imported on first use (``settings_mod.load()``), so commands that do not need it start fast."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr):
        return getattr(importlib.import_module(self._name), attr)


settings_mod = _LazyModule("shiplab.settings")


class _Shiplab(click.Group):
    """The top-level group; rooms' command groups are imported only when needed (see the module docstring)."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(ROOM_COMMANDS))

    def get_command(self, ctx, name):
        return super().get_command(ctx, name) or self._room(name)

    def _room(self, name):
        if name not in ROOM_COMMANDS:
            return None
        group = _room_group(name)
        self.add_command(group, name)
        return group


@click.group(cls=_Shiplab, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="shiplab")
def main():
    """shiplab: hands-on AI workshops on JupyterHub that end in shipped features."""


@main.command()
@click.option("--roster", "roster_file", type=click.Path(dir_okay=False), default=None,
              help="Roster CSV to import before starting (default: course.roster, only if none imported yet).")
@friendly
def up(roster_file):
    """Start the hub in the foreground (imports the demo roster on first run). Stop with Ctrl-C."""
    from shiplab import roster
    from shiplab.course.up import before_hub_start
    from shiplab.hub import launch

    s = settings_mod.load()
    launch.check_ports(s)
    state = settings_mod.state_dir(s)
    if roster_file or not roster.load(state):
        path = roster_file or settings_mod.REPO_ROOT / s["course.roster"]
        summary = launch.import_roster(path, s)
        click.echo(f"Imported roster {path}: {summary['total']} people.")
    before_hub_start(s)  # releases the labs of course.release_on_up
    sys.exit(launch.run_hub(s))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@friendly
def status(as_json):
    """Is the hub running, with which settings, roster and state folder?"""
    from shiplab.hub import launch

    info = launch.status(settings_mod.load())
    if as_json:
        click.echo(json.dumps(info, indent=1))
    else:
        for k, v in info.items():
            click.echo(f"{k:>14}: {v}")


@main.group()
def roster():
    """Import and show the cohort roster (users, roles, teams, managers)."""


@roster.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@friendly
def roster_import(path):
    """Import a roster CSV (username, full_name, email, role, team, manager).

    Every row is checked first; a bad row is reported with its line number and nothing is applied. Re-importing
    updates people and never duplicates them; a running hub picks the change up within seconds.
    """
    from pathlib import Path

    from shiplab.hub import launch

    summary = launch.import_roster(Path(path), settings_mod.load())
    click.echo(f"Imported {summary['total']} people from {path}: {len(summary['added'])} added, "
               f"{len(summary['updated'])} updated, {len(summary['dropped'])} dropped from the roster.")
    if summary["dropped"]:
        click.echo("Dropped people keep their account and files; they leave the cohort's groups: "
                   + ", ".join(summary["dropped"]))


@roster.command("show")
@friendly
def roster_show():
    """List the imported roster."""
    from shiplab import roster as roster_mod

    people = roster_mod.load(settings_mod.state_dir(settings_mod.load()))
    if not people:
        click.echo("No roster imported yet: `shiplab roster import FILE.csv`.")
    for p in people:
        click.echo(f"{p.username:<16} {p.role:<12} {p.team or '-':<12} {p.manager or '-':<12} {p.full_name}")


@main.group()
def settings():
    """Show and check hub_config/shiplab.yaml."""


@settings.command("show")
def settings_show():
    """Every setting with its help text and default."""
    for s in settings_mod.SETTINGS:
        click.secho(f"{s.key}", bold=True, nl=False)
        click.echo(f"  (default: {s.default!r}" + (f"; one of {', '.join(s.enum)}" if s.enum else "") + ")")
        click.echo(f"    {s.help}")


@settings.command("env")
def settings_env():
    """Every SHIPLAB_* environment variable: who sets it and what it does (settings belong in the file)."""
    from shiplab.envvars import all_variables

    for v in all_variables():
        click.secho(v.name, bold=True, nl=False)
        click.echo(f"  (set by {v.set_by})")
        click.echo(f"    {v.help}")


@settings.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@friendly
def settings_check(path):
    """Check a settings file (default: the one in use) and print the effective values."""
    values = settings_mod.load(path)
    for k, v in values.items():
        click.echo(f"{k} = {v!r}")
    click.secho("settings OK", fg="green")


if __name__ == "__main__":
    main()
