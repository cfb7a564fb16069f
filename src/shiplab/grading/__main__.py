"""The grading worker as a hub-managed service: ``python -m shiplab.grading``.

The hub starts it (and restarts it if it dies) with ``SHIPLAB_STATE``, ``SHIPLAB_SETTINGS`` and
``SHIPLAB_COURSE`` in its environment. It grades every submission in the course's exchange as it arrives — no
instructor action — and releases the feedback, so a participant sees a score seconds after pressing *Submit*.

Before a lab has been built the course has no gradebook: the worker then waits, saying so once, instead of exiting
(the hub would restart it in a tight loop). SIGTERM (the hub stopping) finishes the notebooks in flight and exits;
a kill leaves their jobs to the next start (see :mod:`shiplab.grading.worker`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

from shiplab.errors import Exit, ShiplabError

log = logging.getLogger("shiplab.grading.service")


def _settings() -> dict:
    from shiplab import settings

    return settings.load(os.environ.get("SHIPLAB_SETTINGS") or None)


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="[%(levelname).1s %(asctime)s %(name)s] %(message)s")
    from shiplab.course import paths
    from shiplab.grading.cli import setup
    from shiplab.grading.worker import Worker

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        conf = _settings()
    except ShiplabError as exc:  # a broken settings file: its sentence and the table's code, not a traceback
        log.error("the grading worker cannot start: %s", exc)
        return exc.exit_code
    course = paths.course_id(os.environ.get("SHIPLAB_COURSE") or conf["course.id"])
    parallel = conf["grading.parallel"] or None
    poll = float(conf["grading.poll"])
    said = False
    while not stop.is_set():
        try:
            engine, queue, inbound, slots = setup(course, None, parallel, None, preload=conf["grading.preload"])
            break
        except ShiplabError as exc:
            if not said:
                log.warning("waiting: %s (%s)", exc.message, exc.hint or "")
                said = True
            stop.wait(5.0)
    else:
        return Exit.OK
    engine.sandbox.warm_up()  # the fork server imports the labs' libraries now, not on the first submission
    log.info("grading %s: %d at once, watching %s (%s)", course, slots, inbound, engine.sandbox.isolation)
    summary = Worker(engine, queue, slots, inbound=inbound, poll=poll).run(stop)
    log.info("stopped: %d graded, %d failed", summary.graded, summary.failed)
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
