"""Who is calling: the participant's hub token, checked with the hub (HubAuth), with access to this service."""

from __future__ import annotations


from fastapi import Request
from jupyterhub.services.auth import HubAuth

from shiplab.gateway.errors import GatewayError
from shiplab.gateway.instructors import Viewer
from shiplab.web.login import HubLogin, LoginTexts, bearer_token, derive_key

LOGIN_TEXTS = LoginTexts(noun="model gateway", no_access="the hub has not given {name} access to the model gateway.")


def hub_identify(hub_auth: HubAuth):
    """An ``identify(request)`` for :func:`shiplab.gateway.app.create_app` backed by the hub."""

    def identify(request: Request) -> str:
        token = bearer_token(request)
        if not token:
            raise GatewayError(401, "no_token", "send your hub token: Authorization: Bearer <token> (inside the hub "
                                                "the shiplab helpers do this for you).")
        model = hub_auth.user_for_token(token, use_cache=True, sync=True)
        if not model or model.get("kind", "user") != "user":
            raise GatewayError(401, "bad_token", "the hub does not know this token (expired or revoked?).")
        if not hub_auth.check_scopes(hub_auth.access_scopes, model):
            raise GatewayError(403, "no_access", "this token may not use the model gateway.")
        return model["name"]

    return identify


class HubViewers:
    """Who opens the instructors' usage view (:mod:`shiplab.gateway.instructors`), checked with the hub.

    A hub token in ``Authorization`` (scripts, the tracker) or a browser session from an OAuth login with PKCE
    against the hub — the login every shiplab web service uses (:class:`shiplab.web.login.HubLogin`), its
    cookies signed for the purposes ``session`` and ``oauth-state`` with the gateway's own key. The hub's answer for
    any token carries the user's groups (its *identify* scopes), so group membership needs no extra scope for the
    gateway. A hub service's token (the tracker's) becomes a ``kind="service"`` viewer when the hub gave that
    service access to the gateway."""

    def __init__(self, hub_auth, key: bytes, prefix: str = "/"):
        self.identity = HubLogin(hub_auth, key, prefix, texts=LOGIN_TEXTS, session_purpose="session",
                                 state_purpose="oauth-state", error=GatewayError)

    async def viewer(self, request: Request):
        service = await self._service(request)
        if service is not None:
            return service
        person = await self.identity.identify(request)
        return None if person is None else Viewer(person.name, frozenset(person.groups))

    async def _service(self, request: Request):
        """The calling hub service, if the bearer token is a service's; None otherwise (users go the usual way)."""
        token = bearer_token(request)
        if not token:
            return None
        model = await self.identity.hub_model(token)
        if not model or model.get("kind") != "service":
            return None
        if not self.identity.has_access(model):
            raise GatewayError(403, "no_access", f"the hub has not given the service {model.get('name')!r} access "
                                                 "to the model gateway.")
        return Viewer(model["name"], frozenset(), kind="service")

    def login(self, request: Request, next_url: str):
        return self.identity.start_login(request, next_url)

    async def callback(self, request: Request):
        return await self.identity.finish_login(request)


def session_key(api_token: str) -> bytes:
    """The key that signs browser sessions: derived from the service's own hub token, so it survives restarts of
    the gateway and is known to nobody else."""
    return derive_key(api_token, "shiplab-gateway-session")
