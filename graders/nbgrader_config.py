# Course-wide nbgrader settings for every shiplab lab. The course folder's own nbgrader_config.py (written by
# shiplab) loads this file, then adds the paths of this hub (course id, course root, exchange).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from shiplab.course.hidden import StripHiddenTests

c = get_config()  # noqa: F821

# What a participant sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Student code that loops forever is interrupted per cell; the notebook is still graded.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.allow_errors = True

# Feedback never shows hidden tests: their source is removed and their tracebacks cut to the message.
c.GenerateFeedback.preprocessors = [GetGrades, StripHiddenTests, CSSHTMLHeaderPreprocessor]

# Submissions are filed under the hub user id; the Unix owner is jupyter-<id>, checked by shiplab itself.
c.ExchangeCollect.check_owner = False
