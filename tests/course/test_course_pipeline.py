"""The course pipeline on real nbgrader and real kernels, without a hub (participants played by nbgrader's exchange)."""

import shutil

import pytest
from traitlets.config import Config

from coursekit import edit_json, fetch, fetch_feedback, fill, solutions, submit
from shiplab.course.hidden import BEGIN, HiddenTestsLeak, assert_no_hidden
from shiplab.course.paths import LABS_DIR
from shiplab.course.pipeline import Course
from shiplab.errors import ShiplabError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    overrides = Config()
    overrides.Execute.timeout = 8  # the infinite-loop submission is cut off quickly
    c = Course(state, "workshop", overrides=overrides)
    c.ensure()
    c.exchange.mkdir(exist_ok=True)
    rep = c.release("demo")
    assert not rep.failed, str(rep)
    return c


def test_released_notebook_has_no_solution_and_no_hidden_tests(course):
    """Does the participant version lack the solutions and every hidden test?"""
    released = course.exchange / "workshop" / "outbound" / "demo" / "demo.ipynb"
    text = released.read_text()
    assert "BEGIN SOLUTION" not in text and "table = {" not in text
    assert BEGIN not in text and 'normalize_priority("BLOCKER")' not in text
    assert "raise NotImplementedError()" in text


def test_full_pipeline_scores_solution_full_and_stub_zero(course, tmp_path):
    """Does a correct submission score 6/6, the untouched stub 0, and each land under its own id?"""
    answers = solutions(LABS_DIR / "demo" / "demo.ipynb")
    good_home, stub_home = tmp_path / "anna", tmp_path / "ben"
    fill(fetch(course.exchange, "workshop", "demo", "anna", good_home) / "demo.ipynb", answers)
    submit(course.exchange, "workshop", "demo", "anna", good_home)
    fetch(course.exchange, "workshop", "demo", "ben", stub_home)
    submit(course.exchange, "workshop", "demo", "ben", stub_home)

    assert not course.collect("demo").failed
    assert {"anna", "ben"} <= set(course.submitted_students("demo"))
    rep = course.autograde("demo", ["anna", "ben"])
    assert not rep.failed, str(rep)
    scores = course.scores("demo")
    assert scores["anna"] == (6.0, 6.0)
    assert scores["ben"] == (0.0, 6.0)

    fb = course.feedback("demo")
    assert not fb.failed, str(fb)
    html = fetch_feedback(course.exchange, "workshop", "demo", "ben", stub_home)
    assert html, "ben received no feedback"
    page = html[0].read_text()
    assert "NotImplementedError" in page
    assert_no_hidden(html, course.hidden_snippets("demo"))
    assert 'normalize_priority("BLOCKER")' not in page


def test_problem_submissions_are_reported_and_never_stop_the_batch(course, tmp_path):
    """Are broken JSON, a deleted grade cell, an edited grade cell and an infinite loop each graded or reported,
    with the good submission in the same batch still graded?"""
    answers = solutions(LABS_DIR / "demo" / "demo.ipynb")
    cases = {
        "broken": lambda nb: nb.write_text('{"cells": [ this is not json'),
        "deleted": lambda nb: edit_json(nb, lambda d: d["cells"].__delitem__(3)),
        "edited": lambda nb: edit_json(nb, lambda d: d["cells"][3].__setitem__("source", "assert True")),
        "looper": lambda nb: fill(nb, {**answers, "route_ticket": "while True:\n    pass"}),
        "carla": lambda nb: fill(nb, answers),
    }
    for student, spoil in cases.items():
        home = tmp_path / student
        nb = fetch(course.exchange, "workshop", "demo", student, home) / "demo.ipynb"
        if student != "broken":
            fill(nb, answers)
        spoil(nb)
        submit(course.exchange, "workshop", "demo", student, home)
    course.collect("demo")
    rep = course.autograde("demo", list(cases))
    assert "broken" in rep.failed and rep.failed["broken"], str(rep)
    scores = course.scores("demo")
    assert scores["carla"] == (6.0, 6.0), "a good submission in a bad batch must still be graded"
    assert scores.get("edited", (6.0,))[0] == 6.0, "editing a locked test cell must not change the grade (restored)"
    assert scores["looper"][0] == 3.0, "the looping exercise fails, the other one still scores"
    assert "deleted" in rep.failed or scores["deleted"][0] <= 6.0
    for student, why in rep.failed.items():
        assert len(why) > 10, f"{student}: the reason must say something: {why!r}"


def test_mistyped_lab_suggests_the_right_one(course):
    """Does a mistyped lab id say 'did you mean'?"""
    with pytest.raises(ShiplabError, match="did you mean 'demo'"):
        course.build("dmeo")


def test_guard_catches_a_leak(tmp_path):
    """Does the guard catch hidden-test code in a file, even inside HTML highlighting?"""
    f = tmp_path / "fb.html"
    f.write_text('<span class="n">assert</span> <span>normalize_priority</span>(&quot;BLOCKER&quot;) == "P1"')
    with pytest.raises(HiddenTestsLeak):
        assert_no_hidden([f], ['assert normalize_priority("BLOCKER") == "P1"'])
    shutil.rmtree(tmp_path)
