"""What keeps running after `shiplab up` stops: participants' servers, and the words that say so.

``hub.cleanup_servers`` is off for workshops (a hub restart at 10:30 must not stop thirty labs), so when the hub
stops — Ctrl-C on `make up` — every participant's server and its kernels keep running, and the next start picks
them up again. :func:`leftover_servers` reads which ones from the hub's database (the spawners with a server and,
for servers on this machine, a live process id); :func:`leftover_message` says so, and how to stop them.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Leftover:
    user: str
    pid: int | None  # None: not a process of this machine (a container), or not known


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftover_servers(hub_db: Path) -> list[Leftover]:
    """The servers the hub's SQLite database says are running, for processes only those still alive."""
    if not Path(hub_db).is_file():
        return []
    db = sqlite3.connect(f"file:{hub_db}?mode=ro", uri=True, timeout=5)
    try:
        rows = db.execute("SELECT users.name, spawners.state FROM spawners JOIN users ON spawners.user_id = users.id "
                          "WHERE spawners.server_id IS NOT NULL ORDER BY users.name").fetchall()
    except sqlite3.Error:
        return []
    finally:
        db.close()
    out = []
    for user, state in rows:
        try:
            pid = (json.loads(state or "{}") or {}).get("pid")
        except ValueError:
            pid = None
        if isinstance(pid, int) and pid > 0:
            if _alive(pid):
                out.append(Leftover(user, pid))
        else:
            out.append(Leftover(user, None))
    return out


def leftover_message(left: list[Leftover], settings_file: str) -> str:
    """What `shiplab up` prints when the hub has stopped and servers keep running ('' when none do)."""
    if not left:
        return ""
    names = ", ".join(s.user for s in left[:12]) + (f" and {len(left) - 12} more" if len(left) > 12 else "")
    pids = " ".join(str(s.pid) for s in left if s.pid)
    lines = [f"The hub stopped; {len(left)} participant server(s) keep running with their kernels: {names}.",
             "  That is on purpose (hub.cleanup_servers is off): a restart never interrupts a lab, and the next "
             "`make up` picks them up again."]
    if pids:
        lines.append(f"  To stop them now: kill {pids}    (files on disk are kept; unsaved notebook edits are lost)")
    lines.append(f"  To stop them with the hub every time: hub: {{cleanup_servers: true}} in {settings_file}")
    return "\n".join(lines)
