"""The participant's *Assignments* tab: each lab's state from fetch to score, live, in JupyterLab.

Three small parts, none with a JavaScript build step:

``status``       a hub-managed service (``python -m shiplab.labext.status``) that answers one question for the
                 hub user whose token calls it — "where are *my* submissions?" — from the grading queue, read-only
                 (:func:`shiplab.grading.status.own_submissions`). It runs as the hub's account, which can read the
                 queue; a participant's server cannot, and never sees anyone else's jobs.
``serverext``    a jupyter_server extension in every participant's server: ``shiplab/assignments/status`` asks the
                 service with the server's own hub token; ``shiplab/assignments/feedback/<lab>`` fetches the
                 feedback (nbgrader's fetch_feedback) and shows it as a page, or says why there is none yet.
``labextension`` a prebuilt JupyterLab 4 extension, plain JavaScript: the left-side *Assignments* panel (fetch,
                 submit, queued → grading → score, polled while a grade is pending), a notification when a grade
                 arrives, a one-click link to the feedback page; opened on the first visit. Its ``remoteEntry.js``
                 is a hand-written module-federation container (the protocol JupyterLab uses to load prebuilt
                 extensions: ``init(shareScope)``, ``get(module)``), so the core packages it needs come from
                 JupyterLab's own share scope and nothing is bundled or built at install.
"""

from __future__ import annotations

from pathlib import Path

LABEXTENSION = Path(__file__).with_name("labextension")  # holds package.json + static/, as `jupyter labextension
# build` would lay it out; the participants' jupyter_server_config.py adds its parent to LabApp's search path


def _jupyter_server_extension_points():
    return [{"module": "shiplab.labext.serverext"}]
