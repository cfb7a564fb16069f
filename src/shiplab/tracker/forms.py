"""The tracker's HTML forms and pages, shared by every router that draws one: :func:`render` (a template with the
session's CSRF token, set as a cookie the first time), :func:`checked_form` (CSRF first, then the fields as a pydantic
model) and :class:`FormProblem` (what was wrong, field by field, with everything typed, to show the page again).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from shiplab.tracker.auth import HubUser
from shiplab.tracker.models import BLOCKERS, STATUSES

STATUS_CHOICES = [s for s in STATUSES if s != "shipped"]


def render(request: Request, user: HubUser | None, template: str, status: int = 200, **ctx) -> Response:
    csrf, fresh = ("", False) if user is None else request.app.state.csrf.token_for(request, user)
    base = request.scope.get("root_path", "")
    resp = request.app.state.templates.TemplateResponse(
        request, template, {"user": user, "csrf": csrf, "base": base, "blockers": BLOCKERS,
                            "statuses": STATUS_CHOICES, **ctx}, status_code=status)
    if fresh:
        resp.set_cookie(request.app.state.csrf.cookie, csrf, httponly=True, samesite="strict", path=base or "/",
                        secure=request.url.scheme == "https")
    return resp


class FormProblem(Exception):
    """A form that was not saved: what is wrong, field by field, and everything that was typed (shown again)."""

    def __init__(self, errors: dict[str, str], values: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors, self.values = errors, values


def in_words(message: str) -> str:
    """A check's message as the form's reader knows the choices: a blocker's label, never its code."""
    for code, label in BLOCKERS.items():
        message = message.replace(f"'{code}'", f"“{label}”").replace(code, f"“{label}”")
    return message.removeprefix("Value error, ")


async def checked_form(request: Request, user: HubUser, model: type[BaseModel]) -> BaseModel:
    """The form's fields as ``model``, after the CSRF check; empty fields count as not given. A form that fails a
    check raises :class:`FormProblem` (the page is shown again with the problems beside the fields)."""
    form = await request.form()
    request.app.state.csrf.check(request, user, form.get("_csrf"))
    values = {k: v for k, v in form.items() if k != "_csrf" and isinstance(v, str)}
    data = {k: v for k, v in values.items() if v.strip() != ""}
    try:
        return model(**data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for e in exc.errors()[:8]:
            field = ".".join(map(str, e["loc"])) or "form"
            errors.setdefault(field if field in model.model_fields else "form", in_words(str(e["msg"])))
        if "blocker" in errors and "blocked check-in" in errors["blocker"]:
            errors["blocker"] = "a blocked check-in needs its blocker: choose the one that stops the plan."
        raise FormProblem(errors, values) from None
