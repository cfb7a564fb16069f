"""Who opens the gateway's usage view, as :class:`HubViewers` learns it from the hub: the real HubOAuth (its scope
check), with only its call to the hub — who owns this token — answered here. The through-the-hub test is separate."""

from __future__ import annotations

import secrets

import pytest
from fastapi import Request
from jupyterhub.services.auth import HubOAuth

from shiplab.gateway.app import GatewayError
from shiplab.gateway.hubauth import HubViewers
from shiplab.gateway.instructors import Viewer

ACCESS = "access:services!service=gateway"
MODELS = {"tok-ines": {"kind": "user", "name": "ines", "groups": ["instructors"], "scopes": [ACCESS]},
          "tok-anna": {"kind": "user", "name": "anna", "groups": ["participants"], "scopes": []},
          "tok-tracker": {"kind": "service", "name": "tracker", "scopes": [ACCESS]},
          "tok-other": {"kind": "service", "name": "other", "scopes": []}}


@pytest.fixture
def viewers():
    hub_auth = HubOAuth(api_token="service-token", api_url="http://127.0.0.1:9/hub/api",
                        oauth_client_id="service-gateway", access_scopes={ACCESS}, cache_max_age=60)

    async def user_for_token(token, use_cache=True, sync=True):
        return MODELS.get(token)

    hub_auth.user_for_token = user_for_token
    return HubViewers(hub_auth, secrets.token_bytes(32), prefix="/services/gateway/")


def asking(token: str | None) -> Request:
    headers = [(b"authorization", f"token {token}".encode())] if token else []
    return Request({"type": "http", "method": "GET", "path": "/instructor/usage.json", "root_path": "",
                    "query_string": b"", "headers": headers})


async def test_users_and_services_become_viewers(viewers):
    """Is a user's token a user viewer with their groups, a service's token (the tracker's) a service viewer, and a
    request without token or session nobody?"""
    assert await viewers.viewer(asking("tok-ines")) == Viewer("ines", frozenset({"instructors"}))
    assert await viewers.viewer(asking("tok-tracker")) == Viewer("tracker", frozenset(), kind="service")
    assert await viewers.viewer(asking(None)) is None


@pytest.mark.parametrize("token, status, code, says", [
    ("tok-anna", 403, "no_access", "anna access to the model gateway"),
    ("tok-other", 403, "no_access", "the service 'other' access to the model gateway"),
    ("forged", 401, "bad_token", "does not know this token")])
async def test_refusals_are_the_gateways_errors(viewers, token, status, code, says):
    """Are tokens without access to the gateway, and unknown ones, refused as GatewayErrors in the gateway's words
    (not the tracker's)?"""
    with pytest.raises(GatewayError) as refused:
        await viewers.viewer(asking(token))
    assert (refused.value.status, refused.value.code) == (status, code)
    assert says in refused.value.message and "tracker" not in refused.value.message
