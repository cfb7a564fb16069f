"""The API reference at ``/api/docs``: plain HTML drawn on the server from the app's own OpenAPI document.

FastAPI's default docs page loads Swagger UI's script and styles from a CDN, so on a workshop network without the
internet it is a blank page. This page needs nothing from outside and no script at all: every operation (method,
path, summary, description, parameters, request body, responses) and every schema (fields, types, required,
limits) in reading order, each with an anchor. The machine-readable document stays at ``/api/openapi.json`` for
code generators and any local OpenAPI viewer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")
LIMITS = (("minLength", "at least {} characters"), ("maxLength", "at most {} characters"),
          ("minimum", "≥ {}"), ("maximum", "≤ {}"), ("exclusiveMinimum", "> {}"), ("exclusiveMaximum", "< {}"),
          ("pattern", "matches {}"), ("format", "{}"))


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str = ""
    limits: list[str] = field(default_factory=list)
    ref: str | None = None  # the schema it names, for a link


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Field]
    body: str | None  # name of the request body's schema
    responses: list[tuple[str, str, str | None]]  # status, description, schema name


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else None


def type_of(schema: dict) -> tuple[str, str | None]:
    """A schema's type in words (``string``, ``integer or null``, ``list of PlanOut``) and the schema it names."""
    if not isinstance(schema, dict):  # JSON Schema's true/false: anything/nothing
        return "any", None
    if name := _ref_name(schema):
        return name, name
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            parts = [type_of(s) for s in schema[key]]
            ref = next((r for _, r in parts if r), None)
            return " or ".join(dict.fromkeys(t for t, _ in parts)), ref
    if schema.get("enum"):
        return "one of " + ", ".join(map(str, schema["enum"])), None
    if "const" in schema:
        return repr(schema["const"]), None
    kind = schema.get("type", "any")
    if kind == "array":
        inner, ref = type_of(schema.get("items", {}))
        return f"list of {inner}", ref
    if kind == "object" and "additionalProperties" in schema:
        inner, ref = type_of(schema["additionalProperties"] or {})
        return f"map of {inner}", ref
    return str(kind), None


def _limits(schema: dict) -> list[str]:
    out = []
    for s in [schema, *schema.get("anyOf", [])]:
        out += [text.format(s[key]) for key, text in LIMITS if key in s]
    if "default" in schema and schema["default"] not in (None, ""):
        out.append(f"default {schema['default']!r}")
    return out


def _field(name: str, schema: dict, required: bool, description: str = "") -> Field:
    kind, ref = type_of(schema)
    return Field(name, kind, required, description or schema.get("description", ""), _limits(schema), ref)


def operations(spec: dict) -> list[Operation]:
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [_field(f"{p['name']} ({p.get('in', '')})", p.get("schema", {}), p.get("required", False),
                             p.get("description", "")) for p in op.get("parameters", [])]
            content = (op.get("requestBody") or {}).get("content", {})
            body = next((type_of(c.get("schema", {}))[0] for c in content.values()), None)
            responses = []
            for status, r in op.get("responses", {}).items():
                schema = next((c.get("schema", {}) for c in (r.get("content") or {}).values()), None)
                responses.append((status, r.get("description", ""), type_of(schema)[0] if schema else None))
            anchor = f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "").strip("-")
            out.append(Operation(method.upper(), path, op.get("summary", ""), op.get("description", ""), anchor,
                                 params, body, responses))
    return out


def schemas(spec: dict) -> dict[str, tuple[str, list[Field]]]:
    """name -> (description, fields) of every schema in the document's components."""
    out = {}
    for name, s in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(s.get("required", []))
        out[name] = (s.get("description", ""),
                     [_field(k, v, k in required) for k, v in (s.get("properties") or {}).items()])
    return out


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    """The reference, open to everyone like ``/api/openapi.json`` (it holds no data, only the API's shape)."""
    app = request.app
    spec = app.openapi()
    base = request.scope.get("root_path", "")
    return app.state.templates.TemplateResponse(request, "api_docs.html", {
        "user": None, "base": base, "spec": spec, "operations": operations(spec), "schemas": schemas(spec)})
