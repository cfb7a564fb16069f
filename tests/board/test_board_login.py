"""The board's hub login without a hub: the real app and the real HubOAuth (its state, its PKCE, its scope check);
only HubOAuth's two calls to the hub — who owns a token, and a code traded for a token — are answered here, the
second only for the verifier whose S256 challenge the browser carried. The through-the-hub test is separate."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from jupyterhub.services.auth import HubOAuth
from tornado.web import HTTPError

from shiplab import roster
from shiplab.web.login import Signer
from shiplab.board.app import BoardConfig, FixedUsers, create_app
from shiplab.web.serve import mount_at
from shiplab.board.auth import HubIdentity

PREFIX = "/services/progress/"
ACCESS = "access:services!service=progress"
KEY = secrets.token_bytes(32)
JSON = {"accept": "application/json"}
MODELS = {"tok-ines": {"kind": "user", "name": "ines", "groups": ["instructors"], "scopes": [ACCESS]},
          "tok-marta": {"kind": "user", "name": "marta", "groups": ["managers"], "scopes": [ACCESS]},
          "tok-anna": {"kind": "user", "name": "anna", "groups": ["participants"], "scopes": []}}


class Hub:
    """What the hub answers HubOAuth: the owner of a token, and a token for a code issued to a browser."""

    def __init__(self):
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (challenge, token)

    async def user_for_token(self, token, use_cache=True, sync=True):
        return MODELS.get(token)

    async def token_for_code(self, code, code_verifier, sync=True):
        challenge, token = self.codes.pop(code, (None, None))
        digest = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).decode().rstrip("=")
        if challenge is None or digest != challenge:
            raise HTTPError(400, "invalid_grant")
        return token


@pytest.fixture
def hub():
    return Hub()


@pytest.fixture
def client(hub, tmp_path):
    hub_auth = HubOAuth(api_token="service-token", api_url="http://127.0.0.1:9/hub/api",
                        oauth_client_id="service-progress", oauth_redirect_uri=f"http://testserver{PREFIX}oauth_callback",
                        base_url=PREFIX, access_scopes={ACCESS}, cache_max_age=60)
    hub_auth.user_for_token, hub_auth.token_for_code = hub.user_for_token, hub.token_for_code
    state = tmp_path / "state"
    roster.save([roster.Person("ines", "Ines", "i@x.example", "instructor")], state)
    app = create_app(BoardConfig(state=state, course="workshop"), identity=HubIdentity(hub_auth, KEY, prefix=PREFIX),
                     hub_users=FixedUsers(None))
    with TestClient(mount_at(app, PREFIX)) as c:
        yield c


def log_in(client, hub, token: str, **headers):
    """The board's page → its /login → the hub's authorize URL → the callback with a code for ``token``."""
    r = client.get(PREFIX, headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == f"{PREFIX}login?next=%2Fservices%2Fprogress%2F"
    r = client.get(r.headers["location"], follow_redirects=False)
    target = urlparse(r.headers["location"])
    q = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert r.status_code == 302 and target.path == "/hub/api/oauth2/authorize"
    assert q["client_id"] == "service-progress" and q["code_challenge_method"] == "S256"
    hub.codes["code"] = (q["code_challenge"], token)
    return client.get(f"{PREFIX}oauth_callback", params={"code": "code", "state": q["state"]}, headers=headers,
                      follow_redirects=False)


def test_only_instructors_finish_a_login(client, hub):
    """Does an instructor's login with PKCE end on the board with a session, while a manager (whom the hub lets
    through) and a participant (whom it does not) are refused and get no session?"""
    r = log_in(client, hub, "tok-ines")
    assert r.status_code == 302 and r.headers["location"] == PREFIX
    assert f"Path={PREFIX}" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
    assert client.get(f"{PREFIX}api/board").status_code == 200
    client.cookies.clear()
    r = log_in(client, hub, "tok-marta", **JSON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_an_instructor"
    r = log_in(client, hub, "tok-anna", **JSON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "no_access"
    assert "progress board" in r.json()["error"]["message"]
    assert "service-progress-session" not in client.cookies
    assert client.get(f"{PREFIX}api/board").status_code == 401


def test_the_session_cookie_keeps_the_boards_format(client):
    """Does a session cookie signed for the board's purpose still open the board, and is a token signed for
    another purpose (the tracker's and the gateway's ``session``) refused?"""
    client.cookies.set("service-progress-session", Signer(KEY, "session").sign("tok-ines"), path=PREFIX)
    assert client.get(f"{PREFIX}api/board").status_code == 401
    client.cookies.set("service-progress-session", Signer(KEY, "progress-session").sign("tok-ines"), path=PREFIX)
    assert client.get(f"{PREFIX}api/board").status_code == 200
    r = client.get(f"{PREFIX}api/board", headers={"Authorization": "token forged"})
    assert r.status_code == 401 and r.json()["error"] == {
        "status": 401, "code": "bad_token", "message": "the hub does not know this token (expired or revoked?)."}
