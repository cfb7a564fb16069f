"""A real hub whose database is PostgreSQL, shared with the tracker it runs as a service, as the Kubernetes
deployment does (hub_config/k8s/values.yaml): one database, the password only in ``PGPASSWORD``."""

from __future__ import annotations

import shutil

import pytest

from hubharness import TEST_PREFIX, TEST_ROSTER, free_port, start_hub
from test_tracker_through_hub import T, ensure_plan

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pg_hub(postgres):
    """A hub with ``hub.db_url`` and ``tracker.db_url`` both naming one new PostgreSQL database (no password in
    either); yields (hub, url) once the tracker answers through the hub."""
    url = postgres.create_database("hub")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PGPASSWORD", postgres.password)  # the hub's environment, copied at its start
        hub = start_hub(extra_settings={"hub": {"db_url": url},
                                        "tracker": {"enabled": True, "url": f"http://127.0.0.1:{free_port()}",
                                                    "db_url": url}})
    try:
        hub.wait_until_answers(f"{T}/api/openapi.json", "the tracker")
        yield hub, url
    finally:
        hub.stop()
        from shiplab.hub.unix import is_root, remove_unix_user

        if is_root():
            for line in TEST_ROSTER.strip().splitlines()[1:]:
                remove_unix_user(line.split(",")[0], prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)


def test_the_hub_keeps_its_users_in_postgres(pg_hub, postgres):
    """With hub.db_url on PostgreSQL, does a participant log in through the real form and make a token, and are the
    hub's tables, its users, that token and its migration record in that PostgreSQL database — no SQLite file?"""
    hub, url = pg_hub
    database = url.rsplit("/", 1)[1]
    client = hub.login("qa-anna")
    hub.user_token(client, "qa-anna", note="made on postgres")
    assert {"users", "api_tokens", "oauth_clients", "services", "alembic_version"} <= postgres.tables(url)
    users = {r[0] for r in postgres.admin("SELECT name FROM users", database=database)}
    assert {"qa-anna", "qa-ben", "qa-ines"} <= users
    tokens = postgres.admin("SELECT u.name FROM api_tokens t JOIN users u ON u.id = t.user_id "
                            "WHERE t.note = 'made on postgres'", database=database)
    assert tokens == [["qa-anna"]]
    assert not list(hub.state.glob("*.sqlite"))


def test_the_tracker_shares_the_hubs_postgres_database(pg_hub, postgres):
    """In the hub's own database, does the tracker keep its tables and revision beside JupyterHub's untouched
    alembic_version, and does a plan made through the hub with a hub token land there?"""
    hub, url = pg_hub
    database = url.rsplit("/", 1)[1]
    revisions = dict(postgres.admin("SELECT 'hub', version_num FROM alembic_version UNION ALL "
                                    "SELECT 'tracker', version_num FROM tracker_alembic_version", database=database))
    assert revisions["tracker"].isdigit() and not revisions["hub"].isdigit()  # 0004…; JupyterHub's are hex ids
    plan = ensure_plan(hub, "qa-anna")
    rows = postgres.admin(f"SELECT p.username FROM ship_plans s JOIN people p ON p.id = s.person_id "
                          f"WHERE s.id = {int(plan)}", database=database)
    assert rows == [["qa-anna"]]
    assert not (hub.state / "tracker" / "tracker.sqlite").exists()
