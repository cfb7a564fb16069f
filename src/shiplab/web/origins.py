"""Where each room is reached from, with and without ``hub.subdomain_host`` (an origin per user and per service).

One origin (``hub.subdomain_host`` empty): the hub, every ``/user/<name>/`` and every ``/services/<name>/`` share
``hub.bind_url``, so a page a participant's server serves runs script with the hub's and the services' rights of
whoever opens it. With ``hub.subdomain_host: http://localhost:8000`` JupyterHub serves the hub at that host, each
user at ``<name>.localhost:8000`` and each service at ``<name>--service.localhost:8000`` (its default ``idna``
subdomain hook); these helpers build the same URLs for shiplab's own links.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlparse

from jupyterhub.utils import subdomain_hook_idna


def hub_origin(settings: Mapping[str, Any]) -> str:
    """``scheme://host[:port]`` a browser opens the hub at (``/hub/login``)."""
    return (settings["hub.subdomain_host"] or settings["hub.bind_url"]).rstrip("/")


def _subdomain_origin(settings: Mapping[str, Any], name: str, kind: str) -> str:
    base = urlparse(settings["hub.subdomain_host"])
    port = f":{base.port}" if base.port else ""
    return f"{base.scheme}://{subdomain_hook_idna(name, base.hostname, kind)}{port}"


def service_origin(settings: Mapping[str, Any], name: str) -> str:
    """``scheme://host[:port]`` a browser reaches hub service ``name`` at (its path stays ``/services/<name>/``)."""
    if not settings["hub.subdomain_host"]:
        return settings["hub.bind_url"].rstrip("/")
    return _subdomain_origin(settings, name, "service")


def user_origin(settings: Mapping[str, Any], username: str) -> str:
    """``scheme://host[:port]`` of ``username``'s server (its path stays ``/user/<name>/``)."""
    if not settings["hub.subdomain_host"]:
        return settings["hub.bind_url"].rstrip("/")
    return _subdomain_origin(settings, username, "user")


def service_url(settings: Mapping[str, Any], name: str) -> str:
    """The public URL of service ``name``, with a trailing slash (links, e-mails, the banner)."""
    return f"{service_origin(settings, name)}/services/{name}/"


def server_side_service_url(settings: Mapping[str, Any], name: str, internal_url: str) -> str:
    """The URL a participant's server (Python, not a browser) calls service ``name`` at, without a trailing slash.

    One origin: through the hub's proxy (``hub.bind_url``). Per-user origins: the proxy routes by host name there,
    and ``<name>--service.localhost`` does not resolve in every resolver (glibc without nss-myhostname), so the
    service's own internal URL on this machine, which serves the same ``/services/<name>/`` paths and checks the
    same hub token.
    """
    base = internal_url if settings["hub.subdomain_host"] else settings["hub.bind_url"]
    return f"{base.rstrip('/')}/services/{name}"


class LoginElsewhereRefused:
    """``Authenticator.post_auth_hook``: no login completes on a participant's or a service's origin.

    JupyterHub is the proxy's default route for every host, so with ``hub.subdomain_host`` it also answers
    ``ben.localhost:8000/hub/login``. A login completed there leaves the hub's login cookie on *ben's* origin, where
    a page his server serves reads ``/hub/token`` with it (attack-15b). The hook runs for every authenticator
    (shared password, native, OAuth callbacks) after the credentials check and before the cookie is set; on a host
    under the subdomain host's name it refuses with the address to log in at instead. Requests to the hub's own host
    and to its internal API address (services, servers) are untouched.
    """

    def __init__(self, subdomain_host: str):
        self.domain = (urlparse(subdomain_host).hostname or "").lower()
        self.login_url = f"{subdomain_host.rstrip('/')}/hub/login"

    def elsewhere(self, host_name: str) -> bool:
        host = (host_name or "").lower().rstrip(".")
        return bool(self.domain) and host.endswith("." + self.domain)

    def __call__(self, authenticator, handler, authentication):
        if self.elsewhere(handler.request.host_name):
            from tornado import web

            authenticator.log.warning("Login for %s refused on %s: log in only at %s",
                                      (authentication or {}).get("name"), handler.request.host, self.login_url)
            raise web.HTTPError(403, f"This address is a participant's or a service's, not the hub's: log in at "
                                     f"{self.login_url}")
        return authentication
