"""Login through the hub without a hub: the real HubOAuth against a small stand-in for the hub's OAuth/user API.

The stand-in checks what JupyterHub checks with ``oauth_require_pkce``: the code was issued for this client, and
SHA-256 of the ``code_verifier`` equals the ``code_challenge`` the browser carried to the authorize page. The
through-the-hub test (a real hub) is separate.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from jupyterhub.services.auth import HubOAuth

from shiplab.web.login import Signer
from shiplab.tracker.app import create_app
from shiplab.web.serve import mount_at
from shiplab.tracker.auth import HubOAuthIdentity, HubUser
from trackerkit import UTC, Clock

PREFIX = "/services/tracker/"
SERVICE_TOKEN = secrets.token_hex(16)
ACCESS = "access:services!service=tracker"
KEY = secrets.token_bytes(32)
JSON = {"accept": "application/json"}


class FakeHub:
    def __init__(self):
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (challenge, user)
        self.tokens: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def send_json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["content-length"]))
                                                     .decode()).items()}
                hub.token_requests.append(form)
                challenge, user = hub.codes.pop(form.get("code", ""), (None, None))
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                ok = (challenge and form.get("client_secret") == SERVICE_TOKEN
                      and base64.urlsafe_b64encode(digest).decode().rstrip("=") == challenge)
                if not ok:
                    return self.send_json(400, {"error": "invalid_grant"})
                tok = secrets.token_hex(8)
                hub.tokens[tok] = hub.model(user)
                self.send_json(200, {"access_token": tok, "token_type": "Bearer"})

            def do_GET(self):
                tok = self.headers.get("authorization", "").partition(" ")[2]
                if self.path.endswith("/hub/api/user") and tok in hub.tokens:
                    return self.send_json(200, hub.tokens[tok])
                self.send_json(403, {"status": 403, "message": "no"})

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.api_url = f"http://127.0.0.1:{self.server.server_address[1]}/hub/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def model(user: str, scopes=(ACCESS,)) -> dict:
        groups = {"anna": ["participants", "team-claims"], "marta": ["managers"]}.get(user, [])
        return {"kind": "user", "name": user, "admin": False, "groups": groups, "scopes": list(scopes)}


@pytest.fixture
def hub():
    h = FakeHub()
    yield h
    h.server.shutdown()
    h.server.server_close()


@pytest.fixture
def oauth_client(hub, settings):
    hub_auth = HubOAuth(api_token=SERVICE_TOKEN, api_url=hub.api_url, oauth_client_id="service-tracker",
                        oauth_redirect_uri=f"http://testserver{PREFIX}oauth_callback", base_url=PREFIX,
                        access_scopes={ACCESS}, cache_max_age=60)
    identity = HubOAuthIdentity(hub_auth, KEY, prefix=PREFIX)
    app = create_app(settings, clock=Clock(dt.datetime(2026, 4, 1, tzinfo=UTC)), identity=identity, senders={})
    with TestClient(mount_at(app, PREFIX)) as c:
        yield c


def start_login(client) -> tuple[str, str]:
    r = client.get(f"{PREFIX}plan", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == f"{PREFIX}login?next=%2Fservices%2Ftracker%2Fplan"
    r = client.get(r.headers["location"], follow_redirects=False)
    assert r.status_code == 302
    target = urlparse(r.headers["location"])
    q = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert target.path == "/hub/api/oauth2/authorize"
    assert q["client_id"] == "service-tracker" and q["response_type"] == "code"
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43
    return q["state"], q["code_challenge"]


def test_oauth_login_with_pkce_sets_a_session(oauth_client, hub):
    """Does a login send the PKCE challenge, trade code + verifier with the hub, and leave a working session?"""
    state, challenge = start_login(oauth_client)
    hub.codes["code-1"] = (challenge, "anna")
    r = oauth_client.get(f"{PREFIX}oauth_callback", params={"code": "code-1", "state": state},
                         follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == f"{PREFIX}plan"
    sent = hub.token_requests[-1]
    assert sent["client_id"] == "service-tracker" and sent["code_verifier"]
    assert sent["redirect_uri"] == f"http://testserver{PREFIX}oauth_callback"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and f"Path={PREFIX}" in cookie
    me = oauth_client.get(f"{PREFIX}api/me").json()
    assert me["name"] == "anna" and me["role"] == "participant" and me["teams"] == ["claims"]
    assert oauth_client.get(f"{PREFIX}plan").status_code == 200
    # the same callback again: the state was used up
    r = oauth_client.get(f"{PREFIX}oauth_callback", params={"code": "code-1", "state": state},
                         follow_redirects=False)
    assert r.status_code == 403


def test_a_callback_with_another_state_is_refused(oauth_client, hub):
    """Is a callback whose state differs from this browser's state cookie refused (login CSRF)?"""
    state, challenge = start_login(oauth_client)
    hub.codes["code-2"] = (challenge, "anna")
    r = oauth_client.get(f"{PREFIX}oauth_callback", params={"code": "code-2", "state": "forged"}, headers=JSON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "oauth_state_mismatch"
    assert hub.token_requests == []
    r = oauth_client.get(f"{PREFIX}oauth_callback", params={"error": "access_denied"}, headers=JSON)
    assert r.status_code == 400 and "access_denied" in r.json()["error"]["message"]


def test_a_wrong_verifier_gets_no_token(oauth_client, hub):
    """If the hub refuses the code (e.g. a verifier that does not match), is the login refused, not crashed?"""
    state, _ = start_login(oauth_client)
    hub.codes["code-3"] = ("some-other-challenge", "anna")
    r = oauth_client.get(f"{PREFIX}oauth_callback", params={"code": "code-3", "state": state})
    assert r.status_code == 403 and "did not accept this login" in r.text and "text/html" in r.headers["content-type"]
    state, _ = start_login(oauth_client)
    hub.codes["code-4"] = ("some-other-challenge", "anna")
    r = oauth_client.get(f"{PREFIX}oauth_callback", params={"code": "code-4", "state": state}, headers=JSON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "oauth_refused"
    assert "Traceback" not in r.text


def test_hub_tokens_work_for_the_api_and_are_checked(oauth_client, hub):
    """Does `Authorization: token` identify the user, and are unknown tokens, tokens without access to the
    tracker and forged session cookies refused?"""
    hub.tokens["good"] = FakeHub.model("marta")
    hub.tokens["no-access"] = FakeHub.model("marta", scopes=())
    assert oauth_client.get(f"{PREFIX}api/me", headers={"Authorization": "token good"}).json()["role"] == "manager"
    assert oauth_client.get(f"{PREFIX}api/me", headers={"Authorization": "Bearer good"}).status_code == 200
    r = oauth_client.get(f"{PREFIX}api/me", headers={"Authorization": "token nope"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_token"
    r = oauth_client.get(f"{PREFIX}api/me", headers={"Authorization": "token no-access"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "no_access"
    oauth_client.cookies.set("service-tracker-session", "Z29vZA.1.forged", path=PREFIX)
    assert oauth_client.get(f"{PREFIX}api/me").status_code == 401


def test_the_session_cookie_keeps_the_trackers_format(oauth_client, hub):
    """Does a session cookie signed as the tracker has always signed it (purpose ``session``) still log in, and is
    a token signed for another service's purpose (the board's) refused?"""
    hub.tokens["tok-anna"] = FakeHub.model("anna")
    oauth_client.cookies.set("service-tracker-session", Signer(KEY, "progress-session").sign("tok-anna"), path=PREFIX)
    assert oauth_client.get(f"{PREFIX}api/me").status_code == 401
    oauth_client.cookies.set("service-tracker-session", Signer(KEY, "session").sign("tok-anna"), path=PREFIX)
    assert oauth_client.get(f"{PREFIX}api/me").json()["name"] == "anna"


def test_roles_come_from_hub_groups():
    """Is the role taken from the hub groups (admin flag first) and the teams from team-* groups?"""
    assert HubUser("a", frozenset({"participants", "team-claims", "team-ops"})).teams == ("claims", "ops")
    assert HubUser("a", frozenset({"participants", "managers"})).role == "manager"
    assert HubUser("a", frozenset({"instructors", "managers"})).role == "instructor"
    assert HubUser("a", frozenset({"participants"}), admin=True).role == "admin"
    assert HubUser("a", frozenset({"team-x"})).role is None


def test_signed_values_expire_and_resist_tampering():
    """Does a signed value come back only unmodified, with the right key, and within its age?"""
    s = Signer(b"k" * 32, "session")
    signed = s.sign("token-123", now=1000)
    assert s.unsign(signed, max_age=60, now=1030) == "token-123"
    assert s.unsign(signed, max_age=60, now=1061) is None
    assert Signer(b"j" * 32, "session").unsign(signed, max_age=60, now=1030) is None
    assert Signer(b"k" * 32, "csrf").unsign(signed, max_age=60, now=1030) is None
    value, issued, mac = signed.split(".")
    assert s.unsign(f"{value}.{int(issued) + 100}.{mac}", max_age=600, now=1030) is None
    assert s.unsign("garbage", max_age=60) is None and s.unsign(None, max_age=60) is None
