"""shiplab: hands-on AI workshops on JupyterHub that end in shipped features."""

__version__ = "0.1.0"
