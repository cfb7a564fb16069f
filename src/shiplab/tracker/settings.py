"""The tracker service's settings: the ``tracker.*`` rows of the one settings file, and its secrets.

The hub starts the tracker like its other services, with ``SHIPLAB_SETTINGS`` and ``SHIPLAB_STATE``
(:mod:`.hubservice`); :meth:`TrackerSettings.from_settings` builds this model from the checked settings
(:func:`shiplab.settings.load`, which checks the cohort's dates and time zone, once, for the hub and the tracker
alike) and what follows from them: the database (``tracker.db_url``, else SQLite in ``<state>/tracker/``), the
public URL (``hub.bind_url``, or the tracker's own origin under ``hub.subdomain_host``), the roster
(``<state>/roster.json``), the gateway (``gateway.url`` when ``gateway.enabled``) and the demo cohort
(``tracker.demo_cohort`` without a ``tracker.cohort``). Every default with a ``tracker.*`` row comes from that row.

The secrets — SMTP password, webhook URL, cookie key (:data:`shiplab.tracker.hubservice.SECRETS`), and
``PGPASSWORD``, which PostgreSQL's client reads itself — are never in the settings file: they are read from this
process's environment, where :mod:`.__main__` puts what the hub handed over in the state's secrets folder. Those
that look like placeholders (``changeme``, ``secret``, ``xxx``…) are refused with the variable's name, so a copied
example never runs in production. Tests and benchmarks build the model directly, by its field names.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Literal, Mapping
from urllib.parse import urlparse

from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator

from shiplab.errors import SettingsError
from shiplab.tracker.hubservice import NAME, SECRETS

PLACEHOLDERS = {"changeme", "change-me", "changethis", "secret", "password", "xxx", "todo", "example", "placeholder",
                "your-secret-here", "none", "null"}
# the field each tracker.* setting fills, under the setting's name (the rest are derived, or secrets)
FROM_SETTINGS = {"timezone": "tracker.timezone", "reminder_interval_s": "tracker.reminder_every",
                 "smtp_host": "tracker.smtp_host", "smtp_port": "tracker.smtp_port", "smtp_from": "tracker.smtp_from",
                 "smtp_starttls": "tracker.smtp_starttls", "smtp_user": "tracker.smtp_user",
                 "production_environments": "tracker.production_environments",
                 "count_shipped": "tracker.count_shipped"}
# where a derived field comes from, to name it in a message
_DERIVED_FROM = {"database_url": "tracker.db_url", "base_url": "hub.bind_url (or hub.subdomain_host)",
                 "gateway_url": "gateway.url", "cohort": "tracker.cohort", "workshop_start": "tracker.workshop_start",
                 "workshop_end": "tracker.workshop_end", "demo": "tracker.demo_cohort", "roster": "<state>/roster.json"}


def _hub_default(key: str):
    """The default of the setting ``key`` (:mod:`shiplab.settings` declares it once, for both)."""
    from shiplab.settings import BY_KEY

    return BY_KEY[key].default


def _default(field: str, **kwargs):
    """A field whose default is its setting's (:data:`FROM_SETTINGS`)."""
    return Field(default_factory=lambda: _hub_default(FROM_SETTINGS[field]), **kwargs)


def _state() -> Path:
    """The state folder, as every room resolves it (:func:`shiplab.settings.state_dir`)."""
    from shiplab.settings import state_dir

    return state_dir()


def _sqlite_in(state: Path) -> str:
    return f"sqlite:///{state / 'tracker' / 'tracker.sqlite'}"


def _default_db() -> str:
    return _sqlite_in(_state())


class TrackerSettings(BaseModel):
    database_url: str = Field(default_factory=_default_db, description=(
        "SQLAlchemy URL of the tracker database (tracker.db_url). Default: SQLite in <state>/tracker/. "
        "PostgreSQL: postgresql://user@host/db (password in PGPASSWORD)."))
    base_url: str = Field("http://127.0.0.1:8000/services/tracker/", description=(
        "Public URL of the tracker, used for links in reminders."))
    smtp_host: str = _default("smtp_host", description="SMTP server for e-mail reminders; empty: no e-mail.")
    smtp_port: int = _default("smtp_port", ge=1, le=65535, description="SMTP port.")
    smtp_from: str = _default("smtp_from", description="From address of reminder e-mails.")
    smtp_starttls: bool = _default("smtp_starttls", description="Upgrade the SMTP connection with STARTTLS.")
    smtp_user: str = _default("smtp_user", description="SMTP login; empty: no login.")
    smtp_password: str = Field("", description="SMTP password (only with smtp_user); a secret.")
    webhook_url: str = Field("", description=(
        "Slack/Teams-compatible incoming webhook (JSON {\"text\": …}) for reminders; empty: none. A secret."))
    cookie_secret: str = Field("", description=(
        "Key that signs the login cookie and CSRF tokens (32+ characters). Empty: derived from the hub's "
        "JUPYTERHUB_API_TOKEN, which the hub gives each managed service. A secret."))
    reminder_interval_s: int = _default("reminder_interval_s", ge=0, description=(
        "Seconds between reminder runs (tracker.reminder_every); 0 turns the loop off."))
    demo: bool = Field(False, description=(
        "Enrol the roster in the demo cohort (a workshop that ended three days before its first start); not used "
        "when a cohort is set."))
    roster: str = Field("", description=(
        "The hub's imported roster (<state>/roster.json): its people become the tracker's people at start-up and "
        "whenever the file changes. Empty: <state>/roster.json when that exists."))
    cohort: str = Field("", max_length=80, description=(
        "The cohort the roster's participants and instructors are enrolled in (needs workshop_start/end)."))
    workshop_start: dt.date | None = Field(None, description="First day of the cohort's workshop.")
    workshop_end: dt.date | None = Field(None, description="Last day of the cohort's workshop.")
    timezone: str = _default("timezone", description="The cohort's time zone (IANA name): when 'day N' begins.")
    roster_every_s: float = Field(10.0, ge=0, description=(
        "Seconds between looks at the roster file for changes; 0: read it at start-up only."))
    gateway_url: str = Field("", description=(
        "Where the tracker reaches the model gateway directly (e.g. http://127.0.0.1:8095/services/gateway/), to "
        "show instructors each participant's model use; empty: no model-use column."))
    production_environments: tuple[str, ...] = _default("production_environments", validate_default=True, description=(
        "Deployment environments that count as production (compared in lower case)."))
    count_shipped: Literal["both", "verified"] = _default("count_shipped", description=(
        "What the 60-day figure counts as shipped: both (verified and self-reported) or verified."))
    webhook_key_file: str = Field("", description=(
        "The key (0600, made on first use) from which each plan's webhook secret is derived. Empty: webhook.key "
        "beside a SQLite database, else <state>/tracker/webhook.key. Replacing it invalidates every secret."))
    _state_dir: Path | None = PrivateAttr(None)  # the state folder from_settings was given

    @field_validator("smtp_password", "cookie_secret")
    @classmethod
    def _no_placeholder(cls, v: str, info) -> str:
        if v and (v.strip().lower() in PLACEHOLDERS or len(set(v)) < 4):
            raise ValueError(f"is a placeholder ({v[:3]}…); set a real secret")
        if info.field_name == "cookie_secret" and v and len(v) < 32:
            raise ValueError("must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        return v

    @field_validator("webhook_url", "base_url", "gateway_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if v and urlparse(v).scheme not in ("http", "https"):
            raise ValueError(f"must be an http(s) URL, not {v!r}")
        return v

    @field_validator("production_environments", mode="before")
    @classmethod
    def _names(cls, v):
        # the settings' schema checks the names (at least one, no commas, 80 characters at most); compared in
        # lower case. A string (a test's keyword argument) is comma-separated.
        names = v.split(",") if isinstance(v, str) else v
        return tuple(n.strip().lower() for n in names if n.strip())

    @classmethod
    def from_settings(cls, flat: Mapping[str, Any], state: Path,
                      environ: Mapping[str, str] | None = None) -> "TrackerSettings":
        """The tracker's settings from the checked settings ``flat`` (:func:`shiplab.settings.load`), the state
        folder and the secrets in ``environ`` (this process's environment); a bad value raises
        :class:`SettingsError` naming the setting or variable."""
        from shiplab.web.origins import service_url

        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {field: flat[key] for field, key in FROM_SETTINGS.items()}
        values.update(
            database_url=flat["tracker.db_url"] or _sqlite_in(state),
            base_url=service_url(flat, NAME),  # the tracker's own origin when services have their own
            roster=str(state / "roster.json"),
            demo=bool(flat["tracker.demo_cohort"] and not flat["tracker.cohort"]),
            gateway_url=flat["gateway.url"].rstrip("/") + "/services/gateway/" if flat["gateway.enabled"] else "")
        if flat["tracker.cohort"]:
            values.update(cohort=flat["tracker.cohort"], workshop_start=flat["tracker.workshop_start"],
                          workshop_end=flat["tracker.workshop_end"])
        values.update({field: environ[name] for field, name in SECRETS.items() if environ.get(name)})
        try:
            made = cls(**values)
        except ValidationError as exc:
            problems = "; ".join(_describe(e) for e in exc.errors())
            raise SettingsError(f"tracker settings: {problems}",
                                hint="fix the setting in the settings file, or the secret in the hub's "
                                     "environment.") from None
        made._state_dir = state
        return made

    def _state(self) -> Path:
        return self._state_dir if self._state_dir is not None else _state()

    def webhook_key_path(self) -> Path:
        """Where the webhook key lives: the configured file, else beside a SQLite database file, else
        ``<state>/tracker/webhook.key``."""
        if self.webhook_key_file:
            return Path(self.webhook_key_file)
        if self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix("sqlite:///")).parent / "webhook.key"
        return self._state() / "tracker" / "webhook.key"

    def roster_file(self) -> Path | None:
        """The roster to follow: the configured file, else ``<state>/roster.json`` if it exists."""
        if self.roster:
            return Path(self.roster)
        default = self._state() / "roster.json"
        return default if default.exists() else None

    def signing_key(self, environ: Mapping[str, str] | None = None) -> bytes:
        """The key for cookies and CSRF tokens: the configured secret, else one derived from the hub's token."""
        environ = os.environ if environ is None else environ
        if self.cookie_secret:
            return self.cookie_secret.encode()
        hub_token = environ.get("JUPYTERHUB_API_TOKEN", "")
        if not hub_token:
            raise SettingsError("the tracker has no key to sign cookies with.",
                                hint=f"run it as a hub service (the hub sets JUPYTERHUB_API_TOKEN) or set "
                                     f"{SECRETS['cookie_secret']} to 32+ random characters.")
        from shiplab.web.login import derive_key

        return derive_key(hub_token, "shiplab-tracker-cookie")


def _describe(err: dict) -> str:
    field = str(err["loc"][0]) if err["loc"] else "?"
    name = SECRETS.get(field) or FROM_SETTINGS.get(field) or _DERIVED_FROM.get(field) or field
    return f"{name}: {str(err['msg']).removeprefix('Value error, ')}"
