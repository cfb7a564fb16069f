"""The PostgreSQL driver a deployment installs is the one SQLAlchemy loads for its URLs."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
# the import name SQLAlchemy loads → the distributions that provide it
PROVIDERS = {"psycopg": {"psycopg"}, "psycopg2": {"psycopg2", "psycopg2-binary"}}


def test_the_deploy_extra_installs_the_driver_of_a_plain_postgresql_url():
    """Does `pip install shiplab[deploy]` bring the driver SQLAlchemy loads for `postgresql://user@host/db` — the
    form hub_config's compose and Kubernetes settings use for hub.db_url and tracker.db_url? (Since SQLAlchemy 2.1
    that is psycopg 3, not psycopg2; without it the hub and the tracker stop at start with ModuleNotFoundError.)"""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    deploy = {Requirement(r).name.lower() for r in project["optional-dependencies"]["deploy"]}
    driver = make_url("postgresql://shiplab@postgres/shiplab").get_dialect().driver
    assert deploy & PROVIDERS[driver], (f"SQLAlchemy loads {driver!r} for postgresql:// URLs; the deploy extra "
                                        f"installs none of {sorted(PROVIDERS[driver])}")
