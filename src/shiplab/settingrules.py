"""The rules between settings, checked once for every reader of the settings file (:func:`shiplab.settings.validate`):
what no single setting's schema can say — a hub reachable from other machines needs more than the demo login, a
default provider must be one of the providers, a cohort needs both its days in order, a time zone this machine
knows. Each broken rule is one :class:`~shiplab.errors.SettingsError` naming the settings and how to fix them."""

from __future__ import annotations

from typing import Any

from shiplab.errors import SettingsError


def check_combinations(flat: dict[str, Any], source: str) -> None:
    """Raise the first broken rule between the flat, complete settings ``flat`` (from ``source``)."""
    from urllib.parse import urlparse

    host = urlparse(flat["hub.bind_url"]).hostname or ""
    loopback = host in ("localhost", "::1") or host.startswith("127.")
    if not loopback and not flat["hub.allow_remote_access"]:
        raise SettingsError(
            f"{source}: setting `hub.bind_url` = {flat['hub.bind_url']!r} listens beyond this machine, "
            "but `hub.allow_remote_access` is false.",
            hint="keep 127.0.0.1, or set hub.allow_remote_access: true once TLS and a real auth.mode are in place.")
    _check_subdomain_host(flat, source, loopback)
    default = flat["gateway.default_provider"]
    names = [p["name"] for p in flat["gateway.external_providers"]]
    if default and default not in names:
        raise SettingsError(
            f"{source}: `gateway.default_provider` = {default!r} is not one of `gateway.external_providers` "
            f"({', '.join(names) or 'none configured'}).",
            hint="add the provider to gateway.external_providers (name, base_url, model, key_env), or leave "
                 "default_provider empty for the local model.")
    if not loopback and flat["auth.mode"] == "demo":
        raise SettingsError(
            f"{source}: `auth.mode` = 'demo' shares one password and is only allowed on loopback, "
            f"but `hub.bind_url` is {flat['hub.bind_url']!r}.",
            hint="use auth.mode native, github or oidc for a hub others can reach.")
    if flat["auth.mode"] in ("github", "oidc") and not flat["auth.oauth_client_id"]:
        raise SettingsError(f"{source}: `auth.mode` = {flat['auth.mode']!r} needs `auth.oauth_client_id`.",
                            hint="register an OAuth app with the provider and put its client id here.")
    if flat["auth.mode"] == "oidc":
        missing = [k for k in ("auth.oidc_authorize_url", "auth.oidc_token_url", "auth.oidc_userdata_url")
                   if not flat[k]]
        if missing:
            raise SettingsError(f"{source}: `auth.mode` = 'oidc' needs {', '.join('`%s`' % m for m in missing)}.",
                                hint="copy them from the provider's .well-known/openid-configuration.")
    _check_tracker(flat, source)
    if flat["prestart.until"] <= flat["prestart.at"]:
        raise SettingsError(f"{source}: `prestart.until` ({flat['prestart.until']}) is not after `prestart.at` "
                            f"({flat['prestart.at']}).", hint="servers start at prestart.at and are kept until "
                                                              "prestart.until, on the same day.")


def _check_subdomain_host(flat: dict[str, Any], source: str, loopback_bind: bool) -> None:
    """On one machine the browser reaches the subdomain host on hub.bind_url's port; demo logins stay on loopback."""
    from urllib.parse import urlparse

    if not flat["hub.subdomain_host"]:
        return
    sub, bind = urlparse(flat["hub.subdomain_host"]), urlparse(flat["hub.bind_url"])
    local = sub.hostname == "localhost" or sub.hostname.endswith(".localhost")
    if flat["auth.mode"] == "demo" and not local:
        raise SettingsError(f"{source}: `hub.subdomain_host` = {flat['hub.subdomain_host']!r} is not on this machine, "
                            "but `auth.mode` = 'demo' is loopback only.",
                            hint=f"use http://localhost:{bind.port or 80} (browsers resolve *.localhost to loopback).")
    if local and loopback_bind and (sub.port or 80, sub.scheme) != (bind.port or 80, bind.scheme):
        raise SettingsError(f"{source}: `hub.subdomain_host` = {flat['hub.subdomain_host']!r} does not match the port "
                            f"and scheme of `hub.bind_url` ({flat['hub.bind_url']!r}), where the proxy listens.",
                            hint=f"use {bind.scheme}://localhost:{bind.port or 80}.")


def _check_tracker(flat: dict[str, Any], source: str) -> None:
    """The tracker's cohort needs both dates, in order, and a time zone this machine knows."""
    import datetime as dt
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(flat["tracker.timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{source}: setting `tracker.timezone` = {flat['tracker.timezone']!r} is not a time zone.",
                            hint="use an IANA name such as Europe/Berlin, America/New_York or UTC.") from None
    dates = {}
    for key in ("tracker.workshop_start", "tracker.workshop_end"):
        if flat[key]:
            try:
                dates[key] = dt.date.fromisoformat(flat[key])
            except ValueError:
                raise SettingsError(f"{source}: setting `{key}` = {flat[key]!r} is not a date.",
                                    hint="write it as YYYY-MM-DD, e.g. 2026-11-27.") from None
    if flat["tracker.cohort"] and len(dates) < 2:
        raise SettingsError(f"{source}: `tracker.cohort` = {flat['tracker.cohort']!r} needs `tracker.workshop_start` "
                            "and `tracker.workshop_end`.", hint="add the workshop's first and last day (YYYY-MM-DD).")
    if len(dates) == 2 and dates["tracker.workshop_end"] < dates["tracker.workshop_start"]:
        raise SettingsError(f"{source}: `tracker.workshop_end` ({dates['tracker.workshop_end']}) is before "
                            f"`tracker.workshop_start` ({dates['tracker.workshop_start']}).", hint="swap the dates.")
