"""A participant drops their team's export into ``~/backlog/`` through JupyterLab and the labs' loader picks it up —
in the participant's own kernel, on the real hub; a broken export gets the importer's message, not a traceback."""

from __future__ import annotations

import csv
import io
import time

import pytest
from hubharness import xsrf as _xsrf

from shiplab.data.api import datasets_dir

pytestmark = pytest.mark.slow
USER = "qa-chloe"


def run_in_kernel(hub, client, user: str, code: str, timeout: float = 120) -> tuple[str, str | None]:
    return hub.run_in_kernel(client, user, code, timeout)


def _upload(client, user: str, path: str, text: str) -> None:
    client.put(f"/user/{user}/api/contents/{path}", json={"type": "file", "format": "text", "content": text},
               headers=_xsrf(client, user))  # 201 for a new file, 200 over an old one: what counts is what is there
    there = client.get(f"/user/{user}/api/contents/{path}", params={"format": "text", "content": "1"})
    assert there.status_code == 200 and there.json()["content"] == text, there.text[:300]


def test_export_dropped_in_backlog_folder_is_what_the_labs_load(hub):
    """Does a Jira export uploaded to ~/backlog/ come back from find_user_backlog in the participant's kernel, with
    its own keys and provenance — and does a broken one give the importer's message naming the file?"""
    client = hub.login(USER)
    hub.spawn(client, USER)
    client.put(f"/user/{USER}/api/contents/backlog", json={"type": "directory"}, headers=_xsrf(client, USER))
    folder = client.get(f"/user/{USER}/api/contents/backlog", params={"content": "0"})  # other tests may have made it
    assert folder.status_code == 200 and folder.json()["type"] == "directory", folder.text[:300]
    with open(datasets_dir() / "backlog" / "nordlicht_jira.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[:41]  # the header and 40 of the sample's tickets, as a team's own export
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    _upload(client, USER, "backlog/team-export.csv", buf.getvalue())

    out, error = run_in_kernel(hub, client, USER, (
        "from shiplab.data import find_user_backlog\n"
        "items = find_user_backlog()\n"
        "print(len(items), items[0].key, items[0].provenance.format, items[0].provenance.source)\n"))
    assert error is None, error
    count, first_key, fmt, source = out.split()
    assert int(count) == 40 and fmt == "jira" and source.endswith("team-export.csv"), out
    assert first_key == rows[1][rows[0].index("Issue key")], out

    time.sleep(1.1)  # the newest file in ~/backlog/ is the one loaded
    _upload(client, USER, "backlog/zz-broken.csv", "Summary,Issue key\n\"unterminated,ABC-1\n")
    out, error = run_in_kernel(hub, client, USER, (
        "from shiplab.data import find_user_backlog\n"
        "try:\n    find_user_backlog()\nexcept Exception as exc:\n    print(type(exc).__name__, '|', exc)\n"))
    assert error is None, error
    assert "zz-broken.csv" in out and "ImportProblem" in out, out
