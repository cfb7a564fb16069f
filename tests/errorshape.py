"""One helper that pins the error shape of every shiplab web service (datasette's tests/test_error_shape.py is the
model): an error is JSON with exactly the documented keys, the status in the body matches the response's, and no
traceback, token or SQL is in it.

Two shapes, one handler (:func:`shiplab.web.errors.render_error`):

- ``"shiplab"`` — ``{"error": {"status", "code", "message"}}``: the tracker, the progress board, the gateway's
  pages and usage JSON;
- ``"openai"`` — ``{"error": {"message", "type", "param", "code"}}``: the gateway's ``/v1/*``, as OpenAI's
  clients read it.

``extra`` names keys a particular error adds (the gateway's ``busy`` adds ``queue_position`` and
``expected_wait_s``); any other key fails the test.
"""

from __future__ import annotations

from shiplab.web.errors import openai_error_type

SHAPES = {"shiplab": {"status", "code", "message"}, "openai": {"message", "type", "param", "code"}}
NEVER = ("Traceback", "File \"", "sqlalchemy", "SELECT ", "token=")


def assert_error(response, status: int, code: str, *, shape: str = "shiplab", says: str | None = None,
                 param: str | None = None, extra: tuple[str, ...] = ()) -> dict:
    """Is ``response`` the error ``code`` with HTTP ``status``, in ``shape`` and nothing more, with a message (that
    contains ``says``)? ``param``: for the OpenAI shape, the field at fault (None: no field). Returns the error
    object for further checks."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers.get("content-type", "").startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == SHAPES[shape] | set(extra), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    if shape == "openai":
        assert error["type"] == openai_error_type(status), error
        assert error["param"] == param, error
    else:
        assert error["status"] == status, error
    if says is not None:
        assert says in error["message"], error
    assert not any(bad in response.text for bad in NEVER), response.text[:500]
    return error


def assert_error_page(response, status: int, code: str, *, says: str | None = None) -> str:
    """Is ``response`` a browser's error page: HTML with the status and code, and (optionally) ``says``?"""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers.get("content-type", "").startswith("text/html"), response.headers
    page = response.text
    assert str(status) in page and code in page, page[:500]
    if says is not None:
        assert says in page, page[:1000]
    assert "Traceback" not in page, page[:500]
    return page
