"""Course set-up without kernels: nbgrader config built in Python, the course folder, the exchange's permissions."""

import importlib.util
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from shiplab.course import paths
from shiplab.course.build import Course, ensure_course
from shiplab.course.config import course_config, write_course_config
from shiplab.course.exchange import MODES, ROOT_MODE, ensure_exchange, exchange_problems
from shiplab.errors import ShiplabError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SHIPLAB_STATE", str(tmp_path / "state"))
    monkeypatch.delenv("SHIPLAB_COURSE", raising=False)
    return tmp_path / "state"


def test_course_config_layers_course_wide_settings_hub_paths_and_overrides(state):
    """Does the Config carry graders/ settings, this hub's paths, and let an override win?"""
    overrides = Config()
    overrides.Execute.timeout = 5
    cfg = course_config(overrides=overrides)
    assert cfg.CourseDirectory.course_id == "workshop"
    assert cfg.CourseDirectory.root == str(state / "courses" / "workshop")
    assert cfg.Exchange.root == str(state / "exchange")
    assert cfg.Execute.timeout == 5 and cfg.Execute.interrupt_on_timeout is True
    stub = cfg.ClearSolutions.code_stub["python"]
    assert "# YOUR CODE HERE" in stub and stub.endswith("raise NotImplementedError()")
    assert cfg.ClearHiddenTests.enforce_metadata is True and cfg.ClearOutput.enabled is True
    assert "StripHiddenTests" in [p.__name__ for p in cfg.GenerateFeedback.preprocessors]


def test_course_id_comes_from_shiplab_course(state, monkeypatch):
    """Does SHIPLAB_COURSE choose the course id, and its folder?"""
    monkeypatch.setenv("SHIPLAB_COURSE", "spring-cohort")
    cfg = course_config()
    assert cfg.CourseDirectory.course_id == "spring-cohort"
    assert cfg.CourseDirectory.root.endswith("courses/spring-cohort")


def test_written_course_config_loads_to_the_same_settings_and_is_rewritten_only_on_change(state):
    """Does <course>/nbgrader_config.py (what the formgrader reads) give the same settings as course_config(),
    and does writing it twice leave it untouched?"""
    path = write_course_config()
    first = path.stat().st_mtime_ns
    loaded = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    built = course_config()
    for section, key in [("CourseDirectory", "root"), ("Exchange", "root"), ("Execute", "timeout"),
                         ("ClearSolutions", "code_stub"), ("ExchangeReleaseAssignment", "force")]:
        assert loaded[section][key] == built[section][key], (section, key)
    assert write_course_config() == path and path.stat().st_mtime_ns == first


def test_graders_config_imports_as_a_plain_module():
    """Can graders/nbgrader_config.py be imported as a module (no traitlets loader), giving a Config?"""
    spec = importlib.util.spec_from_file_location("graders_nbgrader_config", paths.GRADERS_CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert isinstance(module.c, Config) and module.c.Execute.timeout == 60


def test_ensure_course_is_private_complete_and_idempotent(state):
    """Does ensure_course make nbgrader's folders, private to the grader, and change nothing the second time?"""
    course = ensure_course()
    assert course.dir == state / "courses" / "workshop"
    assert {p.name for p in course.dir.iterdir()} >= {"source", "release", "submitted", "autograded", "feedback",
                                                      "nbgrader_config.py"}
    assert mode(course.dir) == 0o700 and mode(course.dir.parent) == 0o711
    (course.dir / "source" / "keep.txt").write_text("instructor's file")
    before = sorted((p.relative_to(course.dir), p.stat().st_mtime_ns) for p in course.dir.rglob("*"))
    ensure_course()
    assert sorted((p.relative_to(course.dir), p.stat().st_mtime_ns) for p in course.dir.rglob("*")) == before


def test_exchange_has_the_modes_nbgrader_needs_and_is_repaired(state):
    """Are the exchange folders 1777 / 755 / 3733 / 711, re-runnable, and repaired when someone changed them?"""
    base = ensure_exchange()
    assert mode(state / "exchange") == ROOT_MODE == 0o1777
    for name, wanted in MODES.items():
        assert mode(base / name if name else base) == wanted
    inbound = mode(base / "inbound")
    assert inbound & stat.S_IWOTH and inbound & stat.S_IXOTH and not inbound & stat.S_IROTH
    assert inbound & stat.S_ISVTX, "sticky: nobody removes another participant's submission"
    assert mode(base / "outbound") & stat.S_IROTH
    assert exchange_problems(state, "workshop") == []
    os.chmod(base / "inbound", 0o777)
    assert exchange_problems(state, "workshop") == [f"{base / 'inbound'} has mode 777, needs 3733"]
    ensure_exchange()
    assert mode(base / "inbound") == 0o3733 and exchange_problems(state, "workshop") == []


def test_foreign_exchange_folder_with_wrong_mode_is_a_clear_error(state, monkeypatch):
    """Does a wrong mode on a folder this account cannot change say which folder and how to fix it?"""
    ensure_exchange()
    os.chmod(state / "exchange", 0o755)
    monkeypatch.setattr(os, "geteuid", lambda: 54321)  # as if we were the grader, not the folder's owner
    with pytest.raises(ShiplabError) as err:
        ensure_exchange()
    assert "has mode 755, it needs 1777" in err.value.message and "chmod 1777" in err.value.hint


NOBODY = 65534


@pytest.mark.root
def test_a_participant_can_submit_but_not_see_or_remove_others_work():
    """As another Unix account: can it read outbound and write into inbound, but not list inbound or feedback,
    nor delete someone else's submission?"""
    if os.geteuid() != 0:
        pytest.skip("needs root to act as another account")
    with tempfile.TemporaryDirectory() as tmp:  # /tmp/pytest-of-root is 0700: the other account needs a way in
        os.chmod(tmp, 0o755)
        base = ensure_exchange(Path(tmp), "workshop")
        (base / "outbound" / "demo").mkdir()
        (base / "outbound" / "demo" / "demo.ipynb").write_text("{}")
        os.chmod(base / "outbound" / "demo" / "demo.ipynb", 0o644)
        (base / "inbound" / "anna+demo+stamp").mkdir()
        script = f"""
import os, sys
base = {str(base)!r}
results = {{}}
results["read_outbound"] = os.path.exists(os.path.join(base, "outbound", "demo", "demo.ipynb")) and bool(
    open(os.path.join(base, "outbound", "demo", "demo.ipynb")).read())
os.mkdir(os.path.join(base, "inbound", "ben+demo+stamp")); results["submit"] = True
for what, call in [("list_inbound", lambda: os.listdir(os.path.join(base, "inbound"))),
                   ("list_feedback", lambda: os.listdir(os.path.join(base, "feedback"))),
                   ("remove_other", lambda: os.rmdir(os.path.join(base, "inbound", "anna+demo+stamp")))]:
    try:
        call(); results[what] = True
    except PermissionError:
        results[what] = False
print(results)
"""
        out = subprocess.run([sys.executable, "-c", script], user=NOBODY, group=NOBODY, capture_output=True,
                             text=True, cwd="/")
        assert out.returncode == 0, out.stderr
        assert eval(out.stdout) == {"read_outbound": True, "submit": True, "list_inbound": False,
                                    "list_feedback": False, "remove_other": False}
        assert (base / "inbound" / "ben+demo+stamp").stat().st_gid == (base / "inbound").stat().st_gid


def test_course_object_defaults_follow_the_environment(state, monkeypatch):
    """Does Course() without arguments use SHIPLAB_STATE and SHIPLAB_COURSE?"""
    monkeypatch.setenv("SHIPLAB_COURSE", "autumn")
    c = Course()
    assert c.dir == state / "courses" / "autumn" and c.exchange == state / "exchange"
