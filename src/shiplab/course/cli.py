"""`shiplab course …`: build, release, collect, autograde and send feedback for the labs.

Every command prints one line per step and lab (``release demo: 1 ok, 0 failed``), then one line per participant
that failed or has a note, and exits 3 if anything failed. Mistakes a person can fix (a mistyped lab id, a lab
without a notebook, broken nbgrader metadata) print a sentence and how to fix it, and exit 2.

Started as root on a hub with Unix accounts, each command re-runs itself as the grader account, so the course
folder and gradebook stay the grader's and nothing a participant wrote is ever handled with root's rights.
"""

from __future__ import annotations

import os
import subprocess
import sys

import click

from shiplab import settings as settings_mod
from shiplab.clitools import friendly
from shiplab.errors import Exit, ShiplabError
from shiplab.course import paths
from shiplab.course.build import Course, StepReport


def _course(s: dict) -> Course:
    return Course(settings_mod.state_dir(s), s["course.id"], progress=lambda m: click.echo(m, err=True))


def _as_grader(s: dict) -> None:
    """Re-run this command as the grader account when started as root in unix-users mode."""
    from shiplab.settings import spawner_mode
    from shiplab.course.formgrader import ensure_course_folders, ensure_grader_account

    if os.geteuid() != 0 or spawner_mode(s, True) != "unix-users" or os.environ.get("SHIPLAB_AS_GRADER"):
        return
    grader = ensure_grader_account()
    ensure_course_folders(settings_mod.state_dir(s), s["course.id"], as_root=True)
    env = {**os.environ, "HOME": grader.pw_dir, "USER": grader.pw_name, "SHIPLAB_AS_GRADER": "1"}
    proc = subprocess.run([sys.executable, "-m", "shiplab.cli", *sys.argv[1:]], user=grader.pw_uid,
                          group=grader.pw_gid, extra_groups=[], env=env, cwd="/")
    from shiplab.course.students import sync_roster  # the grader cannot read the roster (root's, 0600): done here

    sync_roster(settings_mod.state_dir(s), s["course.id"])
    sys.exit(proc.returncode)


def _cache_embeddings_as_root(s: dict, labs: tuple[str, ...]) -> None:
    """Before handing over to the grader: root makes the sample texts' embedding cache and the sample documents' cache
    beside the sample data, where the grader may not write and participants and the grading sandbox only read
    (``Course.build`` then finds them)."""
    from shiplab.settings import spawner_mode

    if os.geteuid() == 0 and spawner_mode(s, True) == "unix-users" and not os.environ.get("SHIPLAB_AS_GRADER"):
        from shiplab.course.build import cache_sample_documents, cache_sample_embeddings

        for said in (cache_sample_embeddings(paths.LABS_DIR, _labs(labs)),
                     cache_sample_documents(paths.LABS_DIR, _labs(labs))):
            if said:
                click.echo(said, err=True)


def _emit(reports: list[StepReport]) -> None:
    failed = False
    for r in reports:
        click.secho(str(r), fg="red" if r.failed else ("yellow" if r.notes else "green"))
        failed = failed or bool(r.failed)
    if failed:
        sys.exit(Exit.SOME_FAILED)


def _labs(given: tuple[str, ...]) -> list[str]:
    return list(given) or paths.lab_ids()


@click.group()
def course():
    """The course pipeline (nbgrader): labs → participants → grades → feedback.

    \b
    Workshop order:
      shiplab course release demo     participants see the lab in their Assignments tab
      shiplab course grade demo       collect + autograde + feedback, then the scores
      shiplab course status           where every lab stands
    Labs live in labs/<lab-id>/, each notebook written as labs/<lab-id>/<lab-id>.pct.py (`shiplab course render`
    writes the .ipynb); course-wide nbgrader settings in graders/nbgrader_config.py.
    """


@course.command()
@click.argument("labs", nargs=-1)
@click.option("--check", is_flag=True, help="Write nothing; exit 3 if a notebook differs from its source.")
@friendly
def render(labs, check):
    """Write labs/<lab>/<lab>.ipynb from its source labs/<lab>/<lab>.pct.py for LABS (default: every lab that has
    one). The source is percent format: `# %% [markdown] <id>`, `# %% code <id>`, `# %% free <id>`,
    `# %% solution <id>`, `# %% tests <id> points=<n>` (see shiplab.course.authoring)."""
    from shiplab.course import authoring, labcheck

    chosen = list(labs) or authoring.source_labs(paths.LABS_DIR)
    stale = []
    for lab in chosen:
        folder = labcheck.find_lab(lab, paths.LABS_DIR)
        same = authoring.render_lab(folder, check=check)
        where = authoring.notebook_path(folder).relative_to(paths.LABS_DIR.parent)
        if same:
            click.echo(f"render {lab}: {where} is up to date")
        elif check:
            click.secho(f"render {lab}: {where} differs from its source: run `shiplab course render {lab}`", fg="red")
            stale.append(lab)
        else:
            click.secho(f"render {lab}: wrote {where}", fg="green")
    if stale:
        sys.exit(Exit.SOME_FAILED)


@course.command()
@click.argument("labs", nargs=-1)
@friendly
def build(labs):
    """Check LABS (default: every lab in labs/), copy them into the course and generate the participant
    version: solutions replaced by stubs, hidden tests removed, lab added to the gradebook."""
    s = settings_mod.load()
    _cache_embeddings_as_root(s, labs)
    _as_grader(s)
    c = _course(s)
    _emit([c.build(lab) for lab in _labs(labs)])


@course.command()
@click.argument("labs", nargs=-1)
@friendly
def release(labs):
    """Build and release LABS (default: every lab) to participants: they see them in the Assignments tab.
    Re-releasing replaces the earlier version."""
    s = settings_mod.load()
    _cache_embeddings_as_root(s, labs)
    _as_grader(s)
    c = _course(s)
    _emit([c.release(lab) for lab in _labs(labs)])


@course.command()
@click.argument("lab")
@friendly
def collect(lab):
    """Collect the latest submission of every participant for LAB."""
    s = settings_mod.load()
    _set_aside_forged(s)
    _as_grader(s)
    _emit([_course(s).collect(lab)])


def _sandboxed(s: dict) -> bool:
    """Root on a hub with Unix accounts: participants' code must run in the grading sandbox, never as the grader
    account (which reads the gradebook and the labs' sources with their hidden tests)."""
    from shiplab.settings import spawner_mode

    return os.geteuid() == 0 and spawner_mode(s, True) == "unix-users" and not os.environ.get("SHIPLAB_AS_GRADER")


@course.command()
@click.argument("lab")
@click.option("--student", "students", multiple=True, help="Only these participants (repeatable).")
@click.option("--unsandboxed", is_flag=True,
              help="As root: run participants' code as the grader account, outside the sandbox (not for a "
                   "workshop: their code could read the hidden tests and the gradebook).")
@friendly
def autograde(lab, students, unsandboxed):
    """Autograde collected submissions of LAB with nbgrader (one broken notebook never stops the batch)."""
    s = settings_mod.load()
    if _sandboxed(s) and not unsandboxed:
        raise ShiplabError("`shiplab course autograde` runs participants' code as the grader account, which can "
                           "read the hidden tests and the gradebook.",
                           hint=f"grade in the sandbox: `shiplab course grade {lab}` (or `shiplab grading regrade {lab}`); "
                                "--unsandboxed runs it anyway.")
    _as_grader(s)
    _emit([_course(s).autograde(lab, list(students) or None)])


@course.command()
@click.argument("lab")
@friendly
def feedback(lab):
    """Generate and release feedback for LAB (hidden tests stripped)."""
    s = settings_mod.load()
    _as_grader(s)
    _emit([_course(s).feedback(lab)])


@course.command()
@click.argument("lab")
@friendly
def grade(lab):
    """Collect, autograde and release feedback for LAB in one go, then print the scores. As root on a hub with
    Unix accounts, the latest submission of each participant is graded in the sandbox (`shiplab grading regrade LAB`)."""
    s = settings_mod.load()
    _set_aside_forged(s)
    if _sandboxed(s):
        for step in (["grading", "regrade", lab, "--course", s["course.id"]], ["course", "scores", lab]):
            proc = subprocess.run([sys.executable, "-m", "shiplab.cli", *step])
            if proc.returncode:
                sys.exit(proc.returncode)
        return
    _as_grader(s)
    c = _course(s)
    reports = [c.collect(lab), c.autograde(lab), c.feedback(lab)]
    for student, (score, max_score) in sorted(c.scores(lab).items()):
        click.echo(f"{student:<20} {score:g} / {max_score:g}")
    _emit(reports)


@course.command()
@friendly
def status():
    """Show each lab's state (built, released, submitted, graded, feedback, mean score) and exchange problems."""
    from shiplab.course.status import course_status

    s = settings_mod.load()
    _as_grader(s)
    c = _course(s)
    labs, problems = course_status(c)
    click.echo(f"course {c.id!r}: {c.dir}\nexchange: {c.exchange / c.id}")
    header = ["lab", "built", "released", "submitted", "graded", "feedback", "mean score"]
    rows = [header] + [st.row() for st in labs]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    if not labs:
        click.echo(f"no labs yet: add one under {c.labs_dir}/<lab-id>/")
    for problem in problems:
        click.secho(f"exchange: {problem} (fixed by the next `shiplab course release`, or `shiplab up` as root)",
                    fg="yellow")


@course.command()
@click.argument("lab")
@friendly
def scores(lab):
    """Print each participant's score for LAB from the gradebook."""
    s = settings_mod.load()
    _as_grader(s)
    for student, (score, max_score) in sorted(_course(s).scores(lab).items()):
        click.echo(f"{student:<20} {score:g} / {max_score:g}")


@course.command("wrong-answers")
@click.argument("labs", nargs=-1)
@click.option("--timeout", default=60.0, show_default=True, help="Seconds one wrong answer may run.")
@click.option("--salt", type=int, default=None,
              help="Generate the hidden random cases as one graded submission with this salt meets them (the worker "
                   "draws a fresh salt per submission; the default runs the seeds as written).")
@friendly
def wrong_answers(labs, timeout, salt):
    """Run the plausible wrong answers of LABS (default: every lab that has some) against their tests and print
    the share caught per exercise. Exits 3 when a lab catches under 95% or its own solution fails a test.
    Wrong answers live in graders/<lab-id>/wrong_answers/<grade_id>__<what-is-wrong>.py."""
    from shiplab.course.wronganswers import answers_dir
    from shiplab.errors import ShiplabError

    if salt is not None:
        os.environ["SHIPLAB_CASE_SALT"] = str(salt)

    chosen = list(labs) or [lab for lab in paths.lab_ids() if answers_dir(lab).is_dir()]
    failed = False
    for lab in chosen:
        try:
            report = _wrong_answers_with_progress(lab, timeout)
        except ShiplabError as exc:
            if len(chosen) == 1:
                raise
            click.secho(f"wrong answers {lab}: {exc}", fg="red")  # the other labs still run
            failed = True
            continue
        click.secho(str(report), fg="green" if report.ok else "red")
        failed = failed or not report.ok
    if failed:
        sys.exit(Exit.SOME_FAILED)


def _wrong_answers_with_progress(lab: str, timeout: float):
    """One lab's wrong-answer run, with a progress bar (answers decided / all) on a terminal's stderr."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from shiplab.course.wronganswers import start_lab

    run = start_lab(lab, timeout=timeout)
    columns = (TextColumn(f"wrong answers {lab}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True, console=_stderr_console()) as bar:
        task = bar.add_task(lab, total=len(run.answers))
        while run.running():
            bar.update(task, completed=run.done())
            time.sleep(0.5)
        bar.update(task, completed=run.done())
    return run.wait()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _set_aside_forged(s: dict) -> None:
    """As root on a hub with Unix accounts: submissions filed under another participant's id are moved out of
    the exchange before anything collects them, and reported."""
    from shiplab.course.exchange import reject_forged_submissions
    from shiplab.settings import spawner_mode

    if os.geteuid() != 0 or spawner_mode(s, True) != "unix-users":
        return
    c = _course(s)
    for entry, why in reject_forged_submissions(c.exchange / c.id / "inbound", c.dir / "rejected",
                                                s["spawner.unix_user_prefix"]):
        click.secho(f"set aside {entry}: {why}", fg="red")
