"""The course pipeline: labs in the repository become nbgrader assignments participants fetch through the hub.

``labs/<lab-id>/`` is nbgrader's *source* assignment. :mod:`shiplab.course.pipeline` syncs it into the course
folder and runs nbgrader's own steps — generate, release, collect, autograde, feedback — through
``nbgrader.apps.NbGraderAPI``, as the grader account. :mod:`shiplab.course.hidden` keeps hidden tests out of
everything a participant receives.
"""
