"""The kit every service shares (shiplab.web): one page layout, one CSV cell rule, one way to mount under a prefix."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import jinja2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shiplab.web.pages import service_templates
from shiplab.web.serve import mount_at
from shiplab.web.sheets import safe_cell, unsafe_cell

SRC = Path(__file__).resolve().parents[2] / "src" / "shiplab"


@pytest.mark.parametrize("service,brand", [("board", "shiplab · progress board"),
                                           ("tracker", "shiplab · shipping tracker"),
                                           ("gateway", "shiplab · model gateway")])
def test_every_service_page_is_the_shared_layout_in_its_own_words(service, brand):
    """Does each service's base page render the shared header and look, with its own brand?"""
    env = service_templates(SRC / service / "templates").env
    page = env.from_string('{% extends "base.html" %}{% block title %}T{% endblock %}{% block main %}<p>x</p>'
                           '{% endblock %}').render(user=None, base="", config={"course": "demo"})
    assert "<header>" in page and brand in page and "<p>x</p>" in page
    assert "T · shiplab</title>" in page
    assert 'header{background:#1d2430' in page  # the shared look, from web/templates/layout.html


def test_a_missing_name_in_a_page_is_an_error_not_blank():
    """Does a template that uses a name it was not given fail loudly?"""
    env = service_templates(SRC / "tracker" / "templates").env
    with pytest.raises(jinja2.UndefinedError, match="nobody"):
        env.from_string("{{ nobody }}").render()


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "'=1", "'quoted"])
def test_one_cell_rule_for_every_csv(value):
    """Does a cell that starts like a formula (or with an apostrophe) get one, read back exactly, in a real CSV?"""
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell(value), safe_cell(3), safe_cell(True), safe_cell(None)])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["'" + value, "3", "yes", ""]
    assert unsafe_cell(row[0]) == value


def test_mount_at_serves_under_the_prefix_and_keeps_the_lifespan():
    """Is an app mounted at /services/x/ reachable there, not at /, with its start-up run?"""
    started = []

    async def lifespan(app):
        started.append(True)
        yield

    app = FastAPI(lifespan=lifespan)
    app.get("/ping")(lambda: {"ok": True})
    with TestClient(mount_at(app, "/services/x/")) as c:
        assert c.get("/services/x/ping").json() == {"ok": True}
        assert c.get("/ping").status_code == 404
    assert started == [True]
    assert mount_at(app, "/") is app
