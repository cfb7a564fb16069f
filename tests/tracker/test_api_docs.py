"""The API reference at /api/docs: drawn on the server from the OpenAPI document, complete, with nothing from outside
(no CDN, no script), so it reads the same on a workshop network without the internet."""

from __future__ import annotations

import re


def test_the_docs_page_lists_every_operation_and_schema_with_nothing_from_outside(client):
    """Does /api/docs answer an HTML page naming every operation of the OpenAPI document (method and path), the
    request body's fields with their limits, and load no script, style or font from another host?"""
    spec = client.get("/api/openapi.json").json()
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    ops = [(m.upper(), path) for path, item in spec["paths"].items() for m in item if m in ("get", "post", "delete")]
    assert len(ops) > 10
    for method, path in ops:
        assert f'{method}</code> <code>{path}</code>' in page, (method, path)
    assert 'id="schema-CheckInIn"' in page and "Required when status is blocked" in page
    # after shipping: the service's metric route with its token, lessons, retrospectives
    assert {("POST", "/api/plans/{plan_id}/metric"), ("GET", "/api/lessons"),
            ("POST", "/api/plans/{plan_id}/metric-token/rotate")} <= set(ops)
    assert "Bearer shm_" in page and 'id="schema-RetroIn"' in page and "how the baseline was measured" in page
    assert "at most 4000 characters" in page  # the note's limit, from the schema
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page), re.findall(r'(?:src|href)="[^"]+"', page)[:5]
    assert "cdn" not in page.lower()
