"""The course pipeline: labs in the repository become nbgrader assignments participants fetch through the hub.

``labs/<lab-id>/`` is nbgrader's *source* assignment; ``graders/`` holds the course-wide nbgrader settings and the
helpers test cells import. The rooms, in pipeline order:

- :mod:`.paths` — where the course folder and the exchange live (``SHIPLAB_STATE``, ``SHIPLAB_COURSE``);
- :mod:`.config` — nbgrader's traitlets Config built in Python, and the course folder's ``nbgrader_config.py``;
- :mod:`.labcheck` — is a lab buildable? (mistyped id, no notebook, broken JSON, bad nbgrader metadata);
- :mod:`.exchange` — the shared exchange folder and the Unix permissions that keep submissions private;
- :mod:`.build` — the steps (ensure, sync, build, release, collect, autograde, feedback) via ``NbGraderAPI``;
- :mod:`.submissions` — what is wrong with a participant's notebook, in words;
- :mod:`.hidden` — hidden tests stay out of released notebooks and feedback (stripped, then checked);
- :mod:`.status`, :mod:`.cli` — ``shiplab course …``.
"""
