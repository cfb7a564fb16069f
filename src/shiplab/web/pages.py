"""The pages of every shiplab service: its own templates first, then the page they all extend
(``shiplab/web/templates/layout.html``: the header, the shared look, blocks for a service's title, style, brand and
navigation). Autoescaped, and a name a template uses but the page was not given is an error, never an empty string."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

LAYOUT_DIR = Path(__file__).parent / "templates"


def service_templates(folder: Path, filters: dict[str, Callable] | None = None) -> Jinja2Templates:
    """The templates of the service whose pages are in ``folder``, with its ``filters``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([folder, LAYOUT_DIR]), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(filters or {})
    return Jinja2Templates(env=env)
