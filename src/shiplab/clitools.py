"""Helpers every `shiplab` command group uses."""

from __future__ import annotations

import functools
import sys

import click

from shiplab.errors import ShiplabError


def friendly(fn):
    """Turn a ShiplabError into its message on stderr and a non-zero exit; bugs keep their traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ShiplabError as exc:
            click.secho(f"shiplab: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)

    return wrapper
