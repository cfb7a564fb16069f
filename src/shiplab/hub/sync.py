"""Keep a running hub's users and groups equal to the imported roster.

Runs as the hub-managed service ``shiplab-roster`` (``python -m shiplab.hub.sync``): at start and whenever
``<state>/roster.json`` changes, it creates missing users and makes the membership of the groups shiplab owns
(``participants``, ``instructors``, ``managers``, ``team-*``) exactly what the roster says. People dropped from the
roster leave those groups but keep their account and files. It is the only writer of that membership, so a
re-import while the hub runs needs no restart, and a stale membership left from before a restart is removed.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from shiplab import roster
from shiplab.roster import ROLE_GROUPS
from shiplab.web.hubrest import hub_client

log = logging.getLogger("shiplab.roster-sync")


def owned(group: str) -> bool:
    return group in ROLE_GROUPS.values() or group.startswith("team-")


def plan(people: list[roster.Person], hub_users: set[str], hub_groups: dict[str, set[str]]) -> dict:
    """What to change: users to create, groups to create, and members to add/remove per owned group."""
    want = roster.groups_of(people)
    changes: dict = {"create_users": sorted({p.username for p in people} - hub_users),
                     "create_groups": sorted(set(want) - set(hub_groups)), "add": {}, "remove": {}}
    for g in sorted(set(want) | {g for g in hub_groups if owned(g)}):
        have, need = hub_groups.get(g, set()), set(want.get(g, []))
        if need - have:
            changes["add"][g] = sorted(need - have)
        if have - need:
            changes["remove"][g] = sorted(have - need)
    return changes


def sync_once(client: httpx.Client, people: list[roster.Person]) -> dict:
    users = {u["name"] for u in _paged(client, "/users")}
    groups = {g["name"]: set(g.get("users", [])) for g in _paged(client, "/groups")}
    changes = plan(people, users, groups)
    if changes["create_users"]:
        client.post("/users", json={"usernames": changes["create_users"]}).raise_for_status()
    for g in changes["create_groups"]:
        client.post(f"/groups/{quote(g)}").raise_for_status()
    for g, members in changes["add"].items():
        client.post(f"/groups/{quote(g)}/users", json={"users": members}).raise_for_status()
    for g, members in changes["remove"].items():
        client.request("DELETE", f"/groups/{quote(g)}/users", json={"users": members}).raise_for_status()
    return changes


def _paged(client: httpx.Client, path: str) -> list[dict]:
    items, offset = [], 0
    while True:
        r = client.get(path, params={"offset": offset, "limit": 200},
                       headers={"Accept": "application/jupyterhub-pagination+json"})
        r.raise_for_status()
        body = r.json()
        page = body["items"] if isinstance(body, dict) else body
        items.extend(page)
        nxt = body.get("_pagination", {}).get("next") if isinstance(body, dict) else None
        if not nxt:
            return items
        offset = nxt["offset"]


def watch(state: Path, client: httpx.Client, every: float = 2.0) -> None:
    """Sync at start and whenever roster.json changes; never exits on a transient hub error."""
    last = None
    while True:
        path = roster.roster_path(state)
        stamp = path.stat().st_mtime_ns if path.exists() else None
        if stamp != last:
            try:
                changes = sync_once(client, roster.load(state))
                last = stamp
                if any(changes.values()):
                    log.info("roster sync: %s", json.dumps(changes))
            except (httpx.HTTPError, OSError, ValueError) as exc:
                log.warning("roster sync failed, retrying: %s", exc)
        time.sleep(every)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    from shiplab import settings as settings_mod
    from shiplab.errors import ShiplabError

    try:
        state = settings_mod.state_dir(settings_mod.load())
    except ShiplabError as exc:  # a broken settings file: its sentence and the table's code, not a traceback
        log.error("roster sync cannot start: %s", exc)
        raise SystemExit(exc.exit_code) from None
    client = hub_client(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"])
    watch(state, client)


if __name__ == "__main__":
    main()
