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


class HubViewers:
    """Who opens the instructors' usage view (:mod:`shiplab.gateway.instructors`), checked with the hub.

    A hub token in ``Authorization`` (scripts, the tracker) or a browser session from an OAuth login with PKCE
    against the hub — the same flow the tracker uses (:class:`shiplab.tracker.auth.HubOAuthIdentity`). The hub's
    answer for any token carries the user's groups (its *identify* scopes), so group membership needs no extra
    scope for the gateway. A hub service's token (the tracker's) becomes a ``kind="service"`` viewer when the hub
    gave that service access to the gateway."""

    def __init__(self, hub_auth, key: bytes, prefix: str = "/"):
        from shiplab.tracker.auth import HubOAuthIdentity

        self.identity = HubOAuthIdentity(hub_auth, key, prefix=prefix)

    @staticmethod
    def _translate(exc) -> GatewayError:
        return GatewayError(getattr(exc, "status", 401), getattr(exc, "code", "not_logged_in"),
                            getattr(exc, "message", str(exc)))

    async def viewer(self, request: Request):
        from shiplab.gateway.instructors import Viewer
        from shiplab.tracker.errors import TrackerError

        service = await self._service(request)
        if service is not None:
            return service
        try:
            user = await self.identity.identify(request)
        except TrackerError as exc:
            raise self._translate(exc) from None
        return None if user is None else Viewer(user.name, frozenset(user.groups))

    async def _service(self, request: Request):
        """The calling hub service, if the bearer token is a service's; None otherwise (users go the usual way)."""
        from tornado.web import HTTPError

        from shiplab.gateway.instructors import Viewer
        from shiplab.tracker.auth import bearer_token

        token = bearer_token(request)
        if not token:
            return None
        hub_auth = self.identity.hub_auth
        try:
            model = await hub_auth.user_for_token(token, use_cache=True, sync=False)
        except HTTPError:
            raise GatewayError(502, "hub_unavailable", "the hub did not answer who is calling; try again.") from None
        if not model or model.get("kind") != "service":
            return None
        if hub_auth.access_scopes and not hub_auth.check_scopes(hub_auth.access_scopes, model):
            raise GatewayError(403, "no_access", f"the hub has not given the service {model.get('name')!r} access "
                                                 "to the model gateway.")
        return Viewer(model["name"], frozenset(), kind="service")

    def login(self, request: Request, next_url: str):
        return self.identity.start_login(request, next_url)

    async def callback(self, request: Request):
        from shiplab.tracker.errors import TrackerError

        try:
            return await self.identity.finish_login(request)
        except TrackerError as exc:
            raise self._translate(exc) from None


def session_key(api_token: str) -> bytes:
    """The key that signs browser sessions: derived from the service's own hub token, so it survives restarts of
    the gateway and is known to nobody else."""
    import hashlib
    import hmac

    return hmac.new(api_token.encode(), b"shiplab-gateway-session", hashlib.sha256).digest()
