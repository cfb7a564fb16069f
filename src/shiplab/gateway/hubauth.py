"""Who is calling: the participant's hub token, checked with the hub (HubAuth), with access to this service."""

from __future__ import annotations

from fastapi import Request
from jupyterhub.services.auth import HubAuth

from shiplab.gateway.app import GatewayError


def hub_identify(hub_auth: HubAuth):
    """An ``identify(request)`` for :func:`shiplab.gateway.app.create_app` backed by the hub."""

    def identify(request: Request) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not token.strip():
            raise GatewayError(401, "no_token", "send your hub token: Authorization: Bearer <token> (inside the hub "
                                                "the shiplab helpers do this for you).")
        model = hub_auth.user_for_token(token.strip(), use_cache=True, sync=True)
        if not model or model.get("kind", "user") != "user":
            raise GatewayError(401, "bad_token", "the hub does not know this token (expired or revoked?).")
        if not hub_auth.check_scopes(hub_auth.access_scopes, model):
            raise GatewayError(403, "no_access", "this token may not use the model gateway.")
        return model["name"]

    return identify
