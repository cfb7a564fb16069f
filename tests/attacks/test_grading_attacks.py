"""Attacks that once worked against a root-mode hub, made by one participant (qa-eve) with nothing but her own Unix
account — exactly what a notebook or terminal in her JupyterLab runs as. Real hub, real grading worker (a hub
service, root), real nbgrader and sandbox. Each test failed on the code before issue 15 was fixed."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from hubharness import TEST_PREFIX, start_hub
from shiplab.course.paths import LABS_DIR

pytestmark = [pytest.mark.slow, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the attacks are between Unix accounts")]
COURSE = "workshop"
ROSTER = """username,full_name,email,role,team,manager
qa-eve,Eve Test,eve@test.example,participant,claims,
qa-fay,Fay Test,fay@test.example,participant,claims,
qa-gil,Gil Test,gil@test.example,instructor,,
"""
CANARY = "CANARY-8d1f6a0c-root-only-secret"


@pytest.fixture(scope="module")
def hub():
    running = start_hub(ROSTER, extra_settings={"grading": {"enabled": True, "poll": 0.5}})
    canary = Path("/root/shiplab-attack-canary.txt")
    canary.write_text(CANARY * 50)
    canary.chmod(0o600)
    try:
        out = running.cli("course", "release", "demo")
        assert "release demo: 1 ok" in out.stdout, out.stdout + out.stderr
        running.wait_until_answers("/hub/api", "the hub")
        yield running
    finally:
        running.stop()
        canary.unlink(missing_ok=True)
        from shiplab.hub.unix import remove_unix_user

        for name in ("qa-eve", "qa-fay", "qa-gil"):
            remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(running.state, ignore_errors=True)


def as_participant(user: str, code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run Python ``code`` as the participant's Unix account (what her own server's kernel is)."""
    account = pwd.getpwnam(f"{TEST_PREFIX}{user}")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], preexec_fn=_dropping_to(account),
                          capture_output=True,
                          text=True, timeout=timeout, cwd="/", env={"PATH": "/usr/bin:/bin", "HOME": account.pw_dir})


def _dropping_to(account: pwd.struct_passwd):
    def drop():
        os.setgroups([])
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)

    return drop


def answered(correct: bool = True, extra_cells: list[str] | None = None, drop_tests: bool = False) -> dict:
    """The demo lab as a participant would submit it: solutions typed in (or left as stubs), cells added."""
    nb = nbformat.read(str(LABS_DIR / "demo" / "demo.ipynb"), as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and correct:
            cell.source = "\n".join(line for line in cell.source.splitlines() if "### " not in line)
        elif meta.get("solution"):
            cell.source = "raise NotImplementedError()"
    if drop_tests:
        nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")
                    or c.metadata.get("nbgrader", {}).get("solution")]
    for source in extra_cells or []:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    return json.loads(nbformat.writes(nb))


def drop_submission(hub, author: str, claimed: str, nb: dict, *, stamp: str | None = None) -> str:
    """As ``author``'s account, write a complete submission folder filed under ``claimed`` (what nbgrader submit
    does: notebook, timestamp.txt, then submission_secret.txt). Returns the folder name."""
    inbound = hub.state / "exchange" / COURSE / "inbound"
    stamp = stamp or time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime())
    name = f"{claimed}+demo+{stamp}+{os.urandom(4).hex()}"
    out = as_participant(author, f"""
        import json, os
        folder = {str(inbound / name)!r}
        os.mkdir(folder, 0o755)
        with open(os.path.join(folder, "demo.ipynb"), "w") as fh:
            json.dump({nb!r}, fh)
        with open(os.path.join(folder, "timestamp.txt"), "w") as fh:
            fh.write({stamp!r})
        with open(os.path.join(folder, "submission_secret.txt"), "w") as fh:
            fh.write("s3cret")
    """)
    assert out.returncode == 0, out.stderr
    return name


def queue_rows(hub) -> list[dict]:
    import sqlite3

    db = sqlite3.connect(hub.state / "grading" / COURSE / "queue.db")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM jobs ORDER BY id")]
    finally:
        db.close()


def wait_for(hub, predicate, what: str, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = queue_rows(hub) if (hub.state / "grading" / COURSE / "queue.db").exists() else []
        found = [r for r in rows if predicate(r)]
        if found:
            return found[-1]
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout:.0f} s\n{queue_rows(hub)}\n{hub.tail_log(60)}")


def score_of(hub, student: str) -> float | None:
    out = hub.cli("course", "scores", "demo").stdout
    for line in out.splitlines():
        if line.split() and line.split()[0] == student:
            return float(line.split()[1])
    return None


def test_a_submission_in_another_participants_name_is_not_graded(hub):
    """Eve files a wrong submission as Fay — dated next year, to supersede Fay's real ones: is it rejected, and does
    Fay's own 6/6 stand, both before and after?"""
    fay = drop_submission(hub, "qa-fay", "qa-fay", answered(correct=True))
    wait_for(hub, lambda r: r["source"].endswith(fay) and r["state"] == "done", "Fay's own submission graded")
    assert score_of(hub, "qa-fay") == 6
    forged = drop_submission(hub, "qa-eve", "qa-fay", answered(correct=False), stamp="2027-12-31 23:59:59.000000 UTC")
    row = wait_for(hub, lambda r: r["source"].endswith(forged), "the forged folder filed")
    assert row["state"] == "rejected", row
    assert "qa-eve" in row["reason"] and "qa-fay" in row["reason"], row["reason"]
    time.sleep(3)  # a worker that graded it would have done so by now
    assert score_of(hub, "qa-fay") == 6
    fay_rows = [r for r in queue_rows(hub) if r["student"] == "qa-fay" and r["state"] != "rejected"]
    assert [r["state"] for r in fay_rows] == ["done"], fay_rows
    # her next real submission is still the latest, though the forged one claims to be from next year
    again = drop_submission(hub, "qa-fay", "qa-fay", answered(correct=False))
    wait_for(hub, lambda r: r["source"].endswith(again) and r["state"] == "done", "Fay's second submission graded")
    assert score_of(hub, "qa-fay") == 0


def test_swapping_links_while_the_worker_copies_leaks_no_root_file(hub):
    """Eve's folder holds a file she swaps with a link to a root-only canary (renameat2 RENAME_EXCHANGE) as fast as
    she can for seconds while the worker copies it as root: does no byte of the canary reach the course, her
    graded notebook or her feedback?"""
    swapper = """
        import ctypes, os, time
        libc = ctypes.CDLL(None, use_errno=True)
        AT_FDCWD, RENAME_EXCHANGE = -100, 2
        folder = FOLDER
        plain, link = os.path.join(folder, "data.txt"), os.path.join(folder, ".swap")
        with open(plain, "w") as fh:
            fh.write("harmless")
        os.symlink("/root/shiplab-attack-canary.txt", link)
        deadline = time.monotonic() + 8
        n = 0
        while time.monotonic() < deadline:
            libc.renameat2(AT_FDCWD, plain.encode(), AT_FDCWD, link.encode(), RENAME_EXCHANGE)
            n += 1
        print(n)
    """
    reader = ("import glob\nprint(''.join(open(p, errors='replace').read() for p in sorted(glob.glob('*'))\n"
              "              if not p.endswith('.ipynb')))")
    inbound = hub.state / "exchange" / COURSE / "inbound"
    stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime())
    name = f"qa-eve+demo+{stamp}+{os.urandom(4).hex()}"
    nb = answered(correct=True, extra_cells=[reader])
    folder = inbound / name
    # the folder complete at once (the worker starts copying), then the swapping, as Eve
    prepare = as_participant("qa-eve", f"""
        import json, os
        os.mkdir({str(folder)!r}, 0o755)
        json.dump({nb!r}, open({str(folder / 'demo.ipynb')!r}, "w"))
        open({str(folder / 'timestamp.txt')!r}, "w").write({stamp!r})
        open({str(folder / 'submission_secret.txt')!r}, "w").write("s")
    """)
    assert prepare.returncode == 0, prepare.stderr
    swapped = as_participant("qa-eve", swapper.replace("FOLDER", repr(str(folder))), timeout=60)
    assert swapped.returncode == 0, swapped.stderr
    assert int(swapped.stdout.strip()) > 1000, "the swap loop did not run"
    wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] in ("done", "failed"), "Eve's submission graded")
    course = hub.state / "courses" / COURSE
    for path in [*course.rglob("*"), *(hub.state / "exchange").rglob("*")]:
        if path.is_file() and not path.is_symlink():
            assert CANARY.encode() not in path.read_bytes(), f"the canary reached {path}"


def test_a_graded_notebook_leaves_nothing_in_shared_temporary_folders(hub):
    """Eve's solution cell registers a hook that copies every cell — the hidden tests too — into /dev/shm, /tmp and
    /var/tmp: is nothing of it there after grading, for her to read?"""
    hook = textwrap.dedent("""
        def _leak(info):
            for folder in ('/dev/shm', '/tmp', '/var/tmp'):
                try:
                    with open(folder + '/eve-leak.txt', 'a') as fh:
                        fh.write(info.raw_cell)
                    import os; os.chmod(folder + '/eve-leak.txt', 0o666)
                    print('LEAK WRITTEN', folder)
                except OSError:
                    pass
        get_ipython().events.register('pre_run_cell', _leak)
    """)
    nb = answered(correct=True)
    first_code = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))  # hers to write
    first_code["source"] = hook + "\n" + "".join(first_code["source"])
    name = drop_submission(hub, "qa-eve", "qa-eve", nb)
    wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", "Eve's submission graded")
    graded = (hub.state / "courses" / COURSE / "autograded" / "qa-eve" / "demo" / "demo.ipynb").read_text()
    assert "LEAK WRITTEN" in graded  # the hook ran, and could write — into folders of its own
    for folder in ("/dev/shm", "/tmp", "/var/tmp"):
        assert not Path(folder, "eve-leak.txt").exists(), f"the notebook left its cells in {folder}"


def test_deleting_the_test_cells_does_not_keep_the_earlier_score(hub):
    """Eve scores 6/6, then submits wrong answers with every test cell deleted: is her score 0, not 6?"""
    good = drop_submission(hub, "qa-eve", "qa-eve", answered(correct=True))
    wait_for(hub, lambda r: r["source"].endswith(good) and r["state"] == "done", "the correct submission graded")
    assert score_of(hub, "qa-eve") == 6
    bad = drop_submission(hub, "qa-eve", "qa-eve", answered(correct=False, drop_tests=True))
    wait_for(hub, lambda r: r["source"].endswith(bad) and r["state"] == "done", "the gutted submission graded")
    assert score_of(hub, "qa-eve") == 0


# Issue 15's fresh-eyes findings B2 and B3: code in the participant's kernel bending the tests that ran there.
BENDS = {
    "rebinds the checks": """
        import shiplab_checks
        def _passes(*args, **kwargs):
            return None
        for _name in dir(shiplab_checks):
            if _name.startswith("check_"):
                setattr(shiplab_checks, _name, _passes)
                globals()[_name] = _passes
        get_ipython().events.register("pre_run_cell", lambda info: globals().update(
            {n: _passes for n in list(globals()) if n.startswith("check_")}))
    """,
    "swallows every error": """
        get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
    """,
    "rewrites the test cells": """
        get_ipython().input_transformers_post.append(
            lambda lines: ["pass\\n"] if any("check_" in line for line in lines) else lines)
    """,
    "returns what equals everything": """
        class _Yes(str):
            def __eq__(self, other):
                return True
            __hash__ = str.__hash__
        class _Everything:
            def __eq__(self, other):
                return True
            __hash__ = object.__hash__
        def normalize_priority(text):
            return _Everything()
        def route_ticket(summary):
            return _Yes("x")
    """,
}


@pytest.mark.parametrize("bend", sorted(BENDS))
def test_code_in_her_kernel_cannot_bend_the_tests(hub, bend):
    """Eve submits wrong answers (stubs) plus a cell that rebinds the test helpers, swallows every exception,
    rewrites test cells before they run, or returns objects equal to anything: is her score still 0? (Each gave
    6/6 while the tests ran in her kernel.)"""
    nb = answered(correct=False)
    first_code = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    first_code["source"] = textwrap.dedent(BENDS[bend]) + "\n" + "".join(first_code["source"])
    if bend == "returns what equals everything":  # the stubs would raise: her functions answer instead
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("solution") and cell is not first_code:
                cell["source"] = "pass"
        first_code["source"] = textwrap.dedent(BENDS[bend])
    name = drop_submission(hub, "qa-eve", "qa-eve", nb)
    wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", f"Eve's submission ({bend}) graded")
    assert score_of(hub, "qa-eve") == 0


def test_the_hidden_tests_never_reach_her_kernel(hub):
    """Eve's solution cell records every cell her kernel is given (an IPython hook) and her last cell prints them,
    base64-encoded so no delimiter check sees them: does her graded notebook hold no hidden test, while her correct
    answers still score 6/6?"""
    import base64

    from shiplab.course.hidden import hidden_snippets

    recorder = textwrap.dedent("""
        _seen = []
        get_ipython().events.register("pre_run_cell", lambda info: _seen.append(info.raw_cell))
    """)
    nb = answered(correct=True, extra_cells=[
        "import base64\nprint('SEEN:' + base64.b64encode('\\n'.join(_seen).encode()).decode())"])
    first_code = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    first_code["source"] = recorder + "\n" + "".join(first_code["source"])
    name = drop_submission(hub, "qa-eve", "qa-eve", nb)
    wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", "Eve's recording submission graded")
    assert score_of(hub, "qa-eve") == 6
    graded = nbformat.read(str(hub.state / "courses" / COURSE / "autograded" / "qa-eve" / "demo" / "demo.ipynb"),
                           as_version=4)
    printed = "".join(o.get("text", "") for c in graded.cells if c.cell_type == "code" for o in c.outputs)
    blob = printed.split("SEEN:", 1)[1].split()[0]
    seen = base64.b64decode(blob).decode()
    assert "check_returns(normalize_priority" in seen  # the hook ran and saw the visible tests
    snippets = hidden_snippets(LABS_DIR / "demo" / "demo.ipynb")
    assert snippets
    assert not [s for s in snippets if s in seen], "hidden tests reached the participant's kernel"
    assert "BEGIN HIDDEN TESTS" not in seen


TABLES = """
PRIORITIES = {"Critical": "P1", "  high ": "P2", "Normal": "P3", "Trivial": "P4"}
TEAMS = {"FNOL for hail damage on a parked car": "Claims Intake", "Customer charged premium twice in March": "Billing",
         "Cannot reset password on the portal": "Customer Portal", "Printer on floor 3 jams": "Triage"}
"""  # the visible tests' answers, hard-coded: her visible tests pass, so the hidden ones run on her functions


def _visible_literals() -> set[str]:
    """Every string literal of the released demo notebook's test cells: what Eve's kernel may legitimately see."""
    import ast

    from shiplab.course.hidden import HIDDEN_RE

    nb = nbformat.read(str(LABS_DIR / "demo" / "demo.ipynb"), as_version=4)
    found = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for node in ast.walk(ast.parse(HIDDEN_RE.sub("", cell.source))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found.add(node.value)
    return found


def _graded_text(hub) -> str:
    """Every text of Eve's graded notebook's outputs (streams, errors, displays), one per line."""
    graded = hub.state / "courses" / COURSE / "autograded" / "qa-eve" / "demo" / "demo.ipynb"
    nb = nbformat.read(str(graded), as_version=4)
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts += [out.get("text", ""), out.get("evalue", ""), *out.get("traceback", []),
                      str(out.get("data", {}).get("text/plain", ""))]
    return "\n".join(texts)


def test_her_functions_cannot_write_the_hidden_inputs_into_an_earlier_output(hub):
    """Eve's functions record every argument and rewrite an earlier cell's display with them (update_display) while
    the judge calls them: does that display show only the visible tests' arguments? (The hidden inputs reached her
    feedback, base64-encoded, before the fix.)"""
    import base64

    recorder = textwrap.dedent("""
        import base64
        from IPython.display import display
        _args, _handle = [], display("nothing yet", display_id=True)
        def _record(value):
            _args.append(value)
            _handle.update("ARGS:" + base64.b64encode(repr(_args).encode()).decode())
        def normalize_priority(text):
            _record(text)
            if text in PRIORITIES:
                return PRIORITIES[text]
            raise ValueError(f"unknown priority {text!r}")
        def route_ticket(summary):
            _record(summary)
            return TEAMS.get(summary, "Triage")
    """) + TABLES
    nb = answered(correct=False)
    solutions = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    solutions[0]["source"] = recorder
    for cell in solutions[1:]:
        cell["source"] = "pass"
    name = drop_submission(hub, "qa-eve", "qa-eve", nb)
    wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", "Eve's recording submission graded")
    import ast
    import re

    blobs = re.findall(r"ARGS:([A-Za-z0-9+/=]+)", _graded_text(hub))
    assert blobs, "the recording display is missing"
    seen = {v for b in blobs for v in ast.literal_eval(base64.b64decode(b).decode())}
    assert seen and seen <= _visible_literals(), f"hidden inputs reached her notebook: {seen - _visible_literals()}"
    assert "hidden test case" in _graded_text(hub)  # her visible tests passed, so the hidden ones ran (and failed)


def test_her_exception_messages_do_not_carry_the_hidden_inputs_out(hub):
    """Eve's wrong functions raise errors whose message repeats their argument: does her graded notebook show only
    the visible tests' arguments that way — never a hidden test's? (Each resubmission revealed one more hidden
    input, until a lookup table scored 6/6.)"""
    import re

    leaker = textwrap.dedent("""
        def normalize_priority(text):
            if text in PRIORITIES:
                return PRIORITIES[text]
            raise ValueError("LEAKED-INPUT:" + repr(text))
        def route_ticket(summary):
            if summary in TEAMS:
                return TEAMS[summary]
            raise ValueError("LEAKED-INPUT:" + repr(summary))
    """) + TABLES
    nb = answered(correct=False)
    solutions = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    solutions[0]["source"] = leaker
    for cell in solutions[1:]:
        cell["source"] = "pass"
    name = drop_submission(hub, "qa-eve", "qa-eve", nb)
    wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", "Eve's leaking submission graded")
    import ast

    leaked = {ast.literal_eval(m) for m in re.findall(r"LEAKED-INPUT:('(?:[^'\\]|\\.)*')", _graded_text(hub))}
    assert score_of(hub, "qa-eve") < 6 and "a hidden test case raised ValueError" in _graded_text(hub)
    assert leaked <= _visible_literals(), f"hidden inputs in her feedback: {leaked - _visible_literals()}"


def test_a_fifo_for_the_run_log_does_not_freeze_the_worker(hub):
    """Eve's solution cell replaces the run's log file with a FIFO (the root worker blocked opening it, for ever):
    is her submission graded, and Fay's after it?"""
    fifo = textwrap.dedent("""
        import os
        if os.path.exists(".runner.log"):
            os.remove(".runner.log")
        os.mkfifo(".runner.log")
    """)
    nb = answered(correct=True)
    first_code = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    first_code["source"] = fifo + "\n" + "".join(first_code["source"])
    name = drop_submission(hub, "qa-eve", "qa-eve", nb)
    wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", "Eve's FIFO submission graded",
             timeout=120)
    fay = drop_submission(hub, "qa-fay", "qa-fay", answered(correct=True))
    wait_for(hub, lambda r: r["source"].endswith(fay) and r["state"] == "done", "Fay graded after it", timeout=120)


def test_the_hubs_state_is_closed_to_a_participant(hub):
    """Can Eve read the hub's database (users and their cookie ids), its cookie secret, the tracker's or the
    gateway's data, or the grading queue? Are they 0600 in 0700 folders?"""
    private = [hub.state / "jupyterhub.sqlite", hub.state / "jupyterhub_cookie_secret"]
    for path in private:
        assert path.exists(), path
        assert oct(path.stat().st_mode & 0o777) == "0o600", (path, oct(path.stat().st_mode))
    for folder in ("tracker", "gateway", "grading", "secrets", "logs"):
        assert oct((hub.state / folder).stat().st_mode & 0o777) == "0o700", folder
    targets = [str(p) for p in private] + [str(hub.state / "grading" / COURSE / "queue.db")]
    out = as_participant("qa-eve", f"""
        for path in {targets!r}:
            try:
                open(path, 'rb').read(16)
                print('READ', path)
            except OSError as exc:
                print('REFUSED', type(exc).__name__)
    """)
    assert out.returncode == 0, out.stderr
    assert "READ" not in out.stdout and out.stdout.count("REFUSED") == len(targets), out.stdout


def test_student_html_is_inert_in_the_graded_notebook(hub):
    """Eve's solution displays a <script>, an <img onerror>, an SVG with a script and JavaScript output: does the
    graded notebook the formgrader and feedback render hold none of it in a form a browser would run?"""
    payload = textwrap.dedent("""
        from IPython.display import HTML, SVG, Javascript, display
        display(HTML('<script>window.eve_was_here = 1</script><img src=x onerror="window.eve_was_here = 2">'))
        display(SVG('<svg xmlns="http://www.w3.org/2000/svg"><script>window.eve_was_here = 3</script></svg>'))
        display(Javascript('window.eve_was_here = 4'))
    """)
    nb = answered(correct=True, extra_cells=[payload])
    nb["cells"].append({"cell_type": "markdown", "id": 'x" onmouseover="alert(1)', "metadata": {},
                        "source": "<script>window.eve_was_here = 5</script>"})
    nb["cells"].append({"cell_type": "markdown", "id": "eve-links", "metadata": {},
                        "source": "[click me](javascript:window.eve_was_here=6) [ref][1]\n\n"
                                  "[1]: jav&#x61;script:window.eve_was_here=7"})
    name = drop_submission(hub, "qa-eve", "qa-eve", nb)
    row = wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", "Eve's submission graded")
    assert not row["reason"], row["reason"]
    graded = json.loads((hub.state / "courses" / COURSE / "autograded" / "qa-eve" / "demo" / "demo.ipynb").read_text())
    # what a renderer puts into the page as HTML: outputs and markdown (code is shown highlighted, as text)
    rendered = json.dumps([c["source"] for c in graded["cells"] if c["cell_type"] != "code"]
                          + [o for c in graded["cells"] for o in c.get("outputs", [])])
    assert "eve_was_here" in rendered  # the payload is there, as text an instructor can read
    assert "<script" not in rendered and "<img" not in rendered and "<svg" not in rendered
    mimes = {m for c in graded["cells"] for o in c.get("outputs", []) for m in o.get("data", {})}
    assert mimes <= {"text/plain", "text/html"}, mimes
    assert "[output of type application/javascript not shown" in rendered  # and the instructor is told
    assert not any("onmouseover" in c.get("id", "") for c in graded["cells"])
    assert "click me" in rendered and "href" not in rendered  # markdown links keep their text, never a target


@pytest.mark.browser
def test_the_instructor_opening_eves_submission_runs_none_of_her_scripts(hub):
    """Eve's solution displays scripts that would set ``window.eve_was_here``: when the instructor opens her graded
    submission in the formgrader, in Debian's chromium, is the marker unset — while her payload is on the page as
    text?"""
    from nbgrader.api import Gradebook

    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, chromium_path

    payload = ("from IPython.display import HTML, display\n"
               "display(HTML('<b>eve-payload</b><script>window.eve_was_here = 1</script>"
               "<img src=x onerror=\"window.eve_was_here = 2\">'))")
    name = drop_submission(hub, "qa-eve", "qa-eve", answered(correct=True, extra_cells=[payload]))
    wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", "Eve's submission graded")
    course = hub.state / "courses" / COURSE
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE) as gb:
        submission_id = gb.find_submission_notebook("demo", "demo", "qa-eve").id
    # a browser of this test's own, closed with it: the session's would keep an event loop running in this thread
    # for the tests of other rooms that follow (asyncio.run refuses to start inside one)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            _open_as_instructor(hub, browser, submission_id)
        finally:
            browser.close()


def _open_as_instructor(hub, browser, submission_id: str) -> None:
    from browser import log_in, screenshot
    from hubharness import PASSWORD

    page = browser.new_page()
    try:
        log_in(page, hub.url, "qa-gil", PASSWORD)
        page.goto(f"{hub.url}/services/{COURSE}/formgrader/submissions/{submission_id}/")
        page.wait_for_selector("text=eve-payload", timeout=120_000)
        page.wait_for_timeout(1500)  # an onerror handler fires once the broken image has been tried
        screenshot(page, "attack-formgrader-student-html")
        assert page.evaluate("typeof window.eve_was_here") == "undefined"
        assert "window.eve_was_here = 1" in page.inner_text("body")  # shown to the instructor as text
    finally:
        page.close()


def test_a_socket_or_fifo_in_her_home_receives_nothing_from_grading(hub):
    """Eve leaves a Unix socket and a FIFO (0777/0666) in a folder of her home (0711) and has her solution cell send
    every cell there (the hidden tests with them): does her listener receive nothing, the graded run not even seeing
    the folder?"""
    home = Path(pwd.getpwnam(f"{TEST_PREFIX}qa-eve").pw_dir)
    account = pwd.getpwnam(f"{TEST_PREFIX}qa-eve")
    got = home / "got.txt"
    listener_code = textwrap.dedent(f"""
        import os, socket, time
        os.chmod({str(home)!r}, 0o711)
        pub = {str(home / 'pub')!r}
        os.makedirs(pub, exist_ok=True); os.chmod(pub, 0o777)
        sock_path, fifo = pub + "/s.sock", pub + "/fifo"
        for p in (sock_path, fifo):
            if os.path.exists(p): os.unlink(p)
        s = socket.socket(socket.AF_UNIX); s.bind(sock_path); os.chmod(sock_path, 0o777); s.listen(8)
        s.settimeout(0.2)
        os.mkfifo(fifo, 0o666); os.chmod(fifo, 0o666)
        f = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        received = b""
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not os.path.exists(pub + "/stop"):
            try:
                conn, _ = s.accept(); received += conn.recv(1 << 16); conn.close()
            except OSError:
                pass
            try:
                received += os.read(f, 1 << 16)
            except BlockingIOError:
                pass
        open({str(got)!r}, "wb").write(received)
    """)

    listener = subprocess.Popen([sys.executable, "-c", listener_code], preexec_fn=_dropping_to(account), cwd="/",
                                env={"PATH": "/usr/bin:/bin", "HOME": str(home)})
    try:
        deadline = time.monotonic() + 20
        while not (home / "pub" / "fifo").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        sender = textwrap.dedent(f"""
            import os, socket
            def _send(info):
                try:
                    s = socket.socket(socket.AF_UNIX); s.connect({str(home / 'pub' / 's.sock')!r})
                    s.sendall(info.raw_cell.encode()); s.close()
                    print('GOT THROUGH socket')
                except OSError as exc:
                    print('BLOCKED socket', type(exc).__name__)
                try:
                    fd = os.open({str(home / 'pub' / 'fifo')!r}, os.O_WRONLY | os.O_NONBLOCK)
                    os.write(fd, info.raw_cell.encode()); os.close(fd)
                    print('GOT THROUGH fifo')
                except OSError as exc:
                    print('BLOCKED fifo', type(exc).__name__)
            get_ipython().events.register('pre_run_cell', _send)
        """)
        nb = answered(correct=True)
        first_code = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))  # hers to write
        first_code["source"] = sender + "\n" + "".join(first_code["source"])
        name = drop_submission(hub, "qa-eve", "qa-eve", nb)
        wait_for(hub, lambda r: r["source"].endswith(name) and r["state"] == "done", "Eve's submission graded")
        (home / "pub" / "stop").write_text("")
        listener.wait(timeout=30)
    finally:
        if listener.poll() is None:
            listener.kill()
    assert got.exists(), "the listener did not run"
    assert got.read_bytes() == b"", got.read_bytes()[:300]
    graded = json.loads((hub.state / "courses" / COURSE / "autograded" / "qa-eve" / "demo" / "demo.ipynb").read_text())
    printed = json.dumps([o for c in graded["cells"] for o in c.get("outputs", [])])
    assert "BLOCKED socket" in printed and "BLOCKED fifo" in printed and "GOT THROUGH" not in printed, printed[:2000]


def test_a_folder_name_that_is_not_text_stops_nobody_elses_grading(hub):
    """Eve leaves a submission folder whose name holds bytes that are not UTF-8: is Fay's next submission still
    graded, the worker running on?"""
    inbound = hub.state / "exchange" / COURSE / "inbound"
    stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime())
    out = as_participant("qa-eve", f"""
        import os
        folder = os.fsencode({str(inbound)!r}) + b"/qa-eve+demo+{stamp}+\\xff\\xfe"
        os.mkdir(folder, 0o755)
        open(folder + b"/demo.ipynb", "w").write("{{}}")
        open(folder + b"/line\\nbreak \\xff.txt", "w").write("x")
        open(folder + b"/submission_secret.txt", "w").write("s")
    """)
    assert out.returncode == 0, out.stderr
    time.sleep(2)
    fay = drop_submission(hub, "qa-fay", "qa-fay", answered(correct=True))
    wait_for(hub, lambda r: r["source"].endswith(fay) and r["state"] == "done", "Fay's submission graded")
    assert "Service grading exited" not in hub.tail_log(2000), hub.tail_log(80)
