"""`shiplab grading …`: the grading service — its worker, its queue, and a lab re-graded through it.

\b
  shiplab grading worker                  watch the exchange and grade each submission as it lands (the hub's service)
  shiplab grading status demo             what the queue holds for `demo`
  shiplab grading regrade demo --parallel 2  re-grade every participant's latest submission of `demo`, with a progress bar

The workshop's own step is `shiplab course grade LAB` (collect, grade through this service's sandbox, release the
feedback, print the scores); these commands are the service's, for the operator.

Both run as root on a hub with Unix accounts: the notebooks themselves run as the sandbox accounts
(``shiplab-sandbox-<k>``), everything else as the worker, and what is written in the course goes back to the
course folder's owner (the grader account).
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

import click

from shiplab.clitools import friendly
from shiplab.grading import GradingError, default_parallel

QUEUE_FILE = "queue.db"


def setup(course: str | None, nbgrader_config: str | None, parallel: int | None, sandbox_root: str | None,
          preload: list[str] | None = None):
    """Course config, queue, sandbox and engine for ``course`` on this hub (``preload``: grading.preload)."""
    from traitlets.config.loader import PyFileConfigLoader

    from shiplab.course import config as course_config
    from shiplab.course import paths
    from shiplab.grading.engine import Engine
    from shiplab.grading.queue import Queue
    from shiplab.grading.sandbox import DEFAULT_WORK_ROOT, Sandbox

    state = paths.state_dir()
    course_id = paths.course_id(course)
    cfg = course_config.course_config(course_id, state)
    if nbgrader_config:
        path = Path(nbgrader_config).resolve()
        if not path.is_file():
            raise GradingError(f"the nbgrader config {path} does not exist.", hint="give the path of a .py file.")
        cfg.merge(PyFileConfigLoader(path.name, path=str(path.parent)).load_config())
    root = Path(cfg.CourseDirectory.root)
    if not (root / "gradebook.db").exists():
        raise GradingError(f"the course {course_id!r} has no gradebook in {root}.",
                           hint="build a lab first: `shiplab course build LAB`.")
    queue_dir = state / "grading" / course_id
    queue_dir.mkdir(parents=True, exist_ok=True)
    queue_dir.chmod(0o700)
    slots = parallel or default_parallel()
    if preload is None:  # the CLI: the hub's settings file says what to preload, as for the hub's worker
        preload = _preload_setting()
    sandbox = Sandbox(slots=slots, work_root=Path(sandbox_root) if sandbox_root else DEFAULT_WORK_ROOT,
                      preload=preload, hidden=[Path(cfg.Exchange.root), state / "homes"])
    inbound = Path(cfg.Exchange.root) / course_id / "inbound"
    return Engine(cfg, sandbox, owner_of=submission_owners()), Queue(queue_dir / QUEUE_FILE), inbound, slots


def submission_owners():
    """``student -> uid`` that must own that participant's submissions, from the hub's settings: the account
    ``<spawner.unix_user_prefix><student>`` on a hub with Unix accounts; ``containers.uid_base`` + the
    participant's id in the hub's database with containers (docker, kubernetes: participant N's container runs as
    that uid, so what it writes in the shared exchange is theirs); None for a name with no account (such a folder
    is rejected). None (nothing to check) in developer mode, where every server runs as one account."""
    import os

    from shiplab import settings
    from shiplab.settings import spawner_mode

    conf = settings.load(os.environ.get("SHIPLAB_SETTINGS") or None)
    mode = spawner_mode(conf, True)
    if os.geteuid() != 0 or mode not in ("unix-users", "docker", "kubernetes"):
        return None
    if mode == "unix-users":
        return _unix_owner(conf["spawner.unix_user_prefix"])
    return _container_owner(conf["containers.uid_base"], conf["hub.db_url"]
                            or f"sqlite:///{settings.state_dir(conf) / 'jupyterhub.sqlite'}")


def _unix_owner(prefix: str):
    import pwd

    def owner_of(student: str) -> int | None:
        try:
            return pwd.getpwnam(f"{prefix}{student}").pw_uid
        except KeyError:
            return None

    return owner_of


def _container_owner(uid_base: int, db_url: str):
    """The uid the spawner gives ``student``'s container (``hub.containers``: uid_base + the hub's user id), read
    from the hub's database on each submission (a user removed and added again has a new id)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(db_url, poolclass=sqlalchemy.pool.NullPool)

    def owner_of(student: str) -> int | None:
        with engine.connect() as conn:
            row = conn.execute(sqlalchemy.text("SELECT id FROM users WHERE name = :name"),
                               {"name": student}).first()
        return None if row is None else uid_base + int(row[0])

    return owner_of


def _preload_setting() -> list[str]:
    import os

    from shiplab import settings
    from shiplab.errors import ShiplabError

    try:
        return list(settings.load(os.environ.get("SHIPLAB_SETTINGS") or None)["grading.preload"])
    except ShiplabError:  # a broken settings file is reported where it is used; grading goes on with the default
        from shiplab.grading.forkserver import DEFAULT_PRELOAD

        return list(DEFAULT_PRELOAD)


_common = [
    click.option("--course", default=None, help="Course id (default: SHIPLAB_COURSE, else workshop)."),
    click.option("--nbgrader-config", type=click.Path(dir_okay=False), default=None,
                 help="An extra nbgrader_config.py applied on top of the course's (e.g. shorter timeouts)."),
    click.option("--parallel", type=click.IntRange(1, 256), default=None,
                 help="Notebooks executed at once (default: two per CPU core)."),
    click.option("--sandbox-root", type=click.Path(file_okay=False), default=None,
                 help="Folder for the sandbox's per-run folders (default: /tmp/shiplab-sandbox)."),
]


def common(fn):
    for option in reversed(_common):
        fn = option(fn)
    return fn


@click.group()
def grading():
    """The grading service: the worker that grades each submission, sandboxed, as it arrives; its queue; a lab
    re-graded through it. (The workshop's step is `shiplab course grade LAB`.)"""


@grading.command("regrade")
@click.argument("lab")
@common
@friendly
def regrade(lab, course, nbgrader_config, parallel, sandbox_root):
    """Re-grade the latest submission of every participant in LAB (new submissions in the exchange included)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from shiplab.grading.watch import file_new_submissions
    from shiplab.grading.worker import Worker

    engine, queue, inbound, slots = setup(course, nbgrader_config, parallel, sandbox_root)
    if not (engine.root / "release" / lab).is_dir():
        from shiplab.course.labcheck import find_lab

        find_lab(lab)  # a mistyped lab id: "did you mean …"
        raise GradingError(f"lab {lab!r} was never built in this course ({engine.root}).",
                           hint=f"build it first: `shiplab course build {lab}`.")
    queue.requeue_lost()
    file_new_submissions(queue, inbound, [lab], engine.owner_of)
    queue.requeue_latest(lab)
    total = len(queue.jobs(lab, ("queued", "running")))
    if not total:
        click.echo(f"No submissions of {lab} to grade (none in {inbound}).")
        return
    columns = (TextColumn("grading {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(lab, total=total)
        worker = Worker(engine, queue, slots, inbound=None, labs=[lab],
                        on_outcome=lambda job, outcome: progress.advance(task))
        summary = worker.run(until_idle=True)
    click.echo(f"{lab}: {summary.graded} graded, {summary.failed} failed, {summary.superseded} superseded "
               f"in {summary.seconds:.1f} s with {slots} at once ({engine.sandbox.isolation}).")
    _print_table(queue, lab)


@grading.command("worker")
@common
@click.option("--lab", "labs", multiple=True, help="Only these labs (default: every lab).")
@click.option("--poll", type=float, default=1.0, show_default=True, help="Seconds between looks at the exchange.")
@click.option("--until-idle", is_flag=True, help="Stop once nothing is queued (for scripts and tests).")
@friendly
def worker(course, nbgrader_config, parallel, sandbox_root, labs, poll, until_idle):
    """Watch the exchange and grade every submission as it arrives; stops cleanly on SIGTERM or Ctrl-C."""
    from shiplab.grading.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine, queue, inbound, slots = setup(course, nbgrader_config, parallel, sandbox_root)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    engine.sandbox.warm_up()  # the labs' libraries are imported now, not when the first submission lands
    click.echo(f"grading worker: {slots} at once, watching {inbound} ({engine.sandbox.isolation})", err=True)
    worker = Worker(engine, queue, slots, inbound=inbound, labs=list(labs) or None, poll=poll)
    summary = worker.run(stop, until_idle=until_idle)
    click.echo(f"grading worker stopped: {summary.graded} graded, {summary.failed} failed.", err=True)


@grading.command("status")
@click.argument("lab", required=False)
@click.option("--course", default=None, help="Course id (default: SHIPLAB_COURSE, else workshop).")
@friendly
def status(lab, course):
    """What the grading queue holds (for LAB, or every lab)."""
    from shiplab.course import paths
    from shiplab.grading.queue import Queue

    path = paths.state_dir() / "grading" / paths.course_id(course) / QUEUE_FILE
    if not path.exists():
        click.echo("Nothing has been filed for grading yet.")
        return
    _print_table(Queue(path), lab)


def _print_table(queue, lab: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("job", "lab", "participant", "submitted", "state", "score", "reason")
    for job in queue.jobs(lab):
        score = "" if job.score is None else f"{job.score:g}/{job.max_score:g}"
        table.add_row(str(job.id), job.lab, job.student, job.submitted_at, job.state, score, (job.reason or "")[:80])
    Console().print(table)
