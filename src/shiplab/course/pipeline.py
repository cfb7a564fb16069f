"""The first name of the course steps; they live in :mod:`shiplab.course.build` now (kept for importers)."""

from shiplab.course.build import Course, StepReport  # noqa: F401
from shiplab.course.exchange import reject_forged_submissions  # noqa: F401
