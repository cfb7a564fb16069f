# The course formgrader runs as a hub service (the course id is its name), as the grader account, in the course
# folder. Only this server may be framed by the hub's own pages, so the formgrader tab inside JupyterLab works
# (every other server keeps JupyterHub's `frame-ancestors 'none'`).
c = get_config()  # noqa: F821
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": True,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.validate_assignment": True,
}
