# nbgrader settings for every participant's and instructor's server (on JUPYTER_CONFIG_PATH, set at spawn).
# The hub sets SHIPLAB_COURSE and SHIPLAB_EXCHANGE; the student id is the hub user, not the Unix account
# (jupyter-anna submits as "anna"), and the grading side checks the submission's Unix owner matches it.
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = os.environ.get("SHIPLAB_COURSE", "workshop")
if os.environ.get("SHIPLAB_EXCHANGE"):
    c.Exchange.root = os.environ["SHIPLAB_EXCHANGE"]
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]

# Validate on a cell that never ends says it ran past the limit and likely loops (no KeyboardInterrupt nobody pressed)
try:
    from shiplab.labext.validate import configure_validation
except ImportError:  # a server without shiplab installed keeps nbgrader's own words
    pass
else:
    configure_validation(c)
