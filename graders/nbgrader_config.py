# Course-wide nbgrader settings for every shiplab lab.
#
# Read three ways, all giving the same settings:
# - by nbgrader, through the course folder's own nbgrader_config.py (written by `shiplab.course.config`), which
#   loads this file and then adds this hub's paths (course root, exchange root);
# - by shiplab in Python: `shiplab.course.config.graders_config()` loads it by path;
# - as a plain module (`import nbgrader_config` with graders/ on sys.path): `c` is then a fresh traitlets Config.
# Edit settings here, never in state/.
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from shiplab.course.hidden import StripHiddenTests

try:
    c = get_config()  # noqa: F821 -- defined when nbgrader/traitlets load this file
except NameError:
    from traitlets.config import Config

    c = Config()

c.CourseDirectory.course_id = os.environ.get("SHIPLAB_COURSE", "workshop")

# What a participant sees in place of a solution: where to type, and a failure until they do.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE: replace this line and the next with your solution.\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Hidden tests: only between these markers, only in autograded test cells (anything else is an error at build).
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
c.ClearHiddenTests.enforce_metadata = True

# Released notebooks carry no outputs (an instructor's test run must not show the answers).
c.ClearOutput.enabled = True

# Grading: every cell gets 60 s; a cell that loops forever is interrupted, fails its tests, and the rest of the
# notebook (and the batch) is still graded.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.allow_errors = True

# Feedback never shows hidden tests: their source is removed and their tracebacks cut to the message.
c.GenerateFeedback.preprocessors = [GetGrades, StripHiddenTests, CSSHTMLHeaderPreprocessor]

# Submissions are filed under the hub user id; the Unix owner is jupyter-<id>, checked by shiplab itself.
c.ExchangeCollect.check_owner = False
