"""The course pipeline on real nbgrader and real kernels, without a hub: participants are played by nbgrader's own
exchange classes (fetch, submit, fetch feedback) with their own home folders and student ids."""

import shutil
import stat

import nbformat
import pytest
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades
from traitlets.config import Config

from coursekit import fetch, fetch_feedback, fill, submit
from shiplab.course.authoring import reference_answers as solutions
from shiplab.course.build import Course
from shiplab.course.hidden import HiddenTestsLeak, assert_no_hidden, files_under
from shiplab.course.paths import LABS_DIR
from shiplab.course.status import course_status

pytestmark = pytest.mark.slow
FIXTURES = LABS_DIR.parent / "tests" / "course" / "fixtures"
SOURCE = LABS_DIR / "demo" / "demo.ipynb"
HIDDEN_ONLY = "highish"  # an input that appears only in the hidden tests


def quick(**extra) -> Config:
    cfg = Config()
    cfg.Execute.timeout = 5  # the infinite loop is cut off quickly
    for key, value in extra.items():
        section, trait = key.split("__")
        cfg[section][trait] = value
    return cfg


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    c = Course(tmp_path_factory.mktemp("state"), "workshop", overrides=quick())
    report = c.release("demo")
    assert not report.failed, str(report)
    return c


def participant(course, tmp_path, student, notebook=None, answers=None):
    """Fetch the lab as ``student``, replace the notebook by ``notebook`` or fill in ``answers``, submit."""
    home = tmp_path / student
    nb = fetch(course.exchange, course.id, "demo", student, home) / "demo.ipynb"
    if notebook is not None:
        shutil.copyfile(notebook, nb)
    if answers:
        fill(nb, answers)
    submit(course.exchange, course.id, "demo", student, home)
    return home


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """anna submits the solution, ben the untouched stub; both collected and autograded."""
    homes = tmp_path_factory.mktemp("homes")
    participant(course, homes, "anna", answers=solutions(SOURCE))
    participant(course, homes, "ben")
    assert not course.collect("demo").failed
    report = course.autograde("demo")
    assert not report.failed, str(report)
    return homes


def test_released_version_has_no_solution_no_hidden_tests_and_no_outputs(course):
    """Does the participant version lack solutions, hidden tests and outputs, and ship the check helpers?"""
    outbound = course.exchange / "workshop" / "outbound" / "demo"
    text = (outbound / "demo.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and '"blocker", "critical"' not in text
    assert "HIDDEN TESTS" not in text and HIDDEN_ONLY not in text
    assert_no_hidden(files_under(outbound), course.hidden_snippets("demo"))
    nb = nbformat.read(str(outbound / "demo.ipynb"), as_version=4)
    assert sum("raise NotImplementedError()" in c.source for c in nb.cells if c.cell_type == "code") == 2
    assert all(not c.get("outputs") for c in nb.cells)
    assert (outbound / "shiplab_checks.py").exists()
    assert stat.S_IMODE((outbound / "demo.ipynb").stat().st_mode) & stat.S_IROTH


def test_problem_fixtures_match_the_lab_as_released(course):
    """Were the problem notebooks in fixtures/ made from the lab as it is released now?"""
    released = {c.id: c.source for c in nbformat.read(str(course.dir / "release" / "demo" / "demo.ipynb"), 4).cells}
    for name in ("infinite-loop", "deleted-grade-cell", "edited-grade-cell"):
        fixture = nbformat.read(str(FIXTURES / f"{name}.ipynb"), as_version=4)
        for cell in fixture.cells:
            if cell.metadata["nbgrader"]["locked"] and cell.id != "test-normalize-priority":
                assert cell.source == released[cell.id], \
                    f"{name}.ipynb is stale: run `python tests/course/make_fixtures.py`"


def test_solution_scores_full_and_stub_zero(course, graded):
    """Does the reference solution score 6/6 and the unmodified stub 0/6 in the gradebook, each under its id?"""
    assert course.scores("demo") == {"anna": (6.0, 6.0), "ben": (0.0, 6.0)}


def test_feedback_teaches_without_hidden_tests(course, graded):
    """Does ben's feedback say what to do, with no hidden-test source, delimiter or hidden input in it?"""
    report = course.feedback("demo")
    assert not report.failed and set(report.ok) == {"anna", "ben"}, str(report)
    pages = fetch_feedback(course.exchange, "workshop", "demo", "ben", graded / "ben")
    assert pages, "ben received no feedback"
    page = pages[0].read_text()
    assert "still raises NotImplementedError: replace" in page and "0.0 / 6.0" in page
    assert HIDDEN_ONLY not in page and "BLOCKER" not in page
    assert_no_hidden(pages + files_under(course.dir / "feedback"), course.hidden_snippets("demo"))


def test_problem_submissions_are_graded_or_reported_and_never_stop_the_batch(course, tmp_path):
    """Are broken JSON, a deleted test cell, an edited test cell and an infinite loop each graded or reported in
    words, with a good submission in the same batch still graded?"""
    participant(course, tmp_path, "broken", notebook=FIXTURES / "broken-json.ipynb.partial")
    participant(course, tmp_path, "looper", notebook=FIXTURES / "infinite-loop.ipynb")
    participant(course, tmp_path, "deleter", notebook=FIXTURES / "deleted-grade-cell.ipynb")
    participant(course, tmp_path, "cheater", notebook=FIXTURES / "edited-grade-cell.ipynb")
    participant(course, tmp_path, "carla", answers=solutions(SOURCE))
    course.collect("demo")
    batch = ["broken", "looper", "deleter", "cheater", "carla"]
    report = course.autograde("demo", batch)

    assert set(report.failed) == {"broken"}, str(report)
    assert "not valid notebook JSON" in report.failed["broken"] and "submit again" in report.failed["broken"]
    scores = course.scores("demo")
    assert scores["carla"] == (6.0, 6.0), "a good submission in a bad batch is still graded"
    assert scores["looper"] == (3.0, 6.0), "the looping exercise fails, the other one still scores"
    assert any("per-cell timeout" in n for n in report.notes["looper"])
    assert scores["deleter"] == (3.0, 6.0)
    assert any("test_route_ticket deleted" in n for n in report.notes["deleter"])
    assert scores["cheater"] == (3.0, 6.0), "the edited test cell is restored, so the stub fails its tests"
    assert any("test_normalize_priority edited: restored" in n for n in report.notes["cheater"])
    assert "broken" not in scores

    again = course.autograde("demo", "carla")  # re-running a step is safe
    assert again.ok == ["carla"] and course.scores("demo")["carla"] == (6.0, 6.0)


def test_feedback_guard_removes_leaking_feedback_and_raises(course, graded):
    """With hidden tests no longer stripped from feedback, is nothing handed out and the leak reported?"""
    leaky = Course(course.state, course.id, overrides=quick(
        GenerateFeedback__preprocessors=[GetGrades, CSSHTMLHeaderPreprocessor]))
    with pytest.raises(HiddenTestsLeak, match="feedback of lab 'demo' would have shown hidden tests"):
        leaky.generate_feedback("demo", ["ben"])
    assert not (course.dir / "feedback" / "ben" / "demo").exists()

    planted = course.exchange / "workshop" / "feedback" / "0123abcd.html"
    planted.write_text(f"<pre>{course.hidden_snippets('demo')[0]}</pre>")
    with pytest.raises(HiddenTestsLeak, match="0123abcd.html"):
        course.release_feedback("demo", ["anna"])
    assert not planted.exists()
    assert not course.feedback("demo", ["ben"]).failed  # the proper config hands feedback out again


def test_release_guard_removes_a_leaking_release(tmp_path):
    """With hidden tests no longer cleared at build, does release refuse and leave nothing to fetch?"""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearHiddenTests

    steps = [p for p in GenerateAssignment.class_traits()["preprocessors"].default() if p is not ClearHiddenTests]
    leaky = Course(tmp_path / "state", "workshop", overrides=quick(GenerateAssignment__preprocessors=steps))
    with pytest.raises(HiddenTestsLeak, match="participant version of lab 'demo'"):
        leaky.release("demo")
    assert not (leaky.dir / "release" / "demo").exists()
    assert not (leaky.exchange / "workshop" / "outbound" / "demo").exists()


def test_status_counts_each_stage(course, graded):
    """Does status show the lab built and released, with submissions, grades and a mean score?"""
    labs, problems = course_status(course)
    demo = next(s for s in labs if s.lab == "demo")
    assert demo.built and demo.released and problems == []
    assert demo.submitted >= 2 and demo.graded >= 2 and demo.max_score == 6.0
    assert 0.0 < demo.mean_score < 6.0
