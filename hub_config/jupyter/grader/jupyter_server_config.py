# The course formgrader runs as a hub service (the course id is its name), as the grader account, in the course
# folder. Only this server may be framed by the hub's own pages, so the formgrader tab inside JupyterLab works
# (every other server keeps JupyterHub's `frame-ancestors 'none'`).
c = get_config()  # noqa: F821
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": True,
    # its Autograde button would run a participant's code as the grader account: refused (the sandboxed worker grades)
    "shiplab.course.formgraderguard": True,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.validate_assignment": True,
}
# Submissions are rendered here on the hub's origin for instructors: the grading worker already made every graded
# notebook inert (shiplab.grading.safehtml); nbconvert sanitizes once more as it renders (defence in depth).
c.HTMLExporter.sanitize_html = True
# The grader account's shell is not an instructor's tool: no terminals in this server. Its kernels run as the grader
# account, which can read the course folder and gradebook, never the hub's state (0600/0700 root) or secrets.
c.ServerApp.terminals_enabled = False
# Its kernels (the instructor's cells, the hidden tests among them) talk over Unix sockets in the grader's own 0700
# runtime folder, not loopback TCP, where any account on the machine could subscribe to what they broadcast.
c.KernelManager.transport = "ipc"
