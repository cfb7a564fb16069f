"""`shiplab up` releases the labs listed in `course.release_on_up`, so participants see them at once."""

from __future__ import annotations

import subprocess
import sys

import click


def before_hub_start(settings: dict) -> None:
    labs = list(settings["course.release_on_up"])
    if not labs:
        return
    proc = subprocess.run([sys.executable, "-m", "shiplab.cli", "course", "release", *labs],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        click.secho(f"Releasing {', '.join(labs)} failed; the hub starts anyway:\n{proc.stdout}{proc.stderr}",
                    fg="yellow", err=True)
    else:
        click.echo(f"Released lab(s): {', '.join(labs)}.")
