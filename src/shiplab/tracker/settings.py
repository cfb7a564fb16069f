"""The tracker service's settings, read from its environment (the hub passes them to the managed service).

Every setting is a ``SHIPLAB_TRACKER_*`` variable, declared once below with its default and help text (those with a
``tracker.*`` row in :data:`shiplab.settings.SETTINGS` take their default from there). Secrets that
look like placeholders (``changeme``, ``secret``, ``xxx``…) are refused with the variable's name, so a copied
example never runs in production.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Literal, Mapping
from urllib.parse import urlparse

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from shiplab.errors import SettingsError

PREFIX = "SHIPLAB_TRACKER_"
PLACEHOLDERS = {"changeme", "change-me", "changethis", "secret", "password", "xxx", "todo", "example", "placeholder",
                "your-secret-here", "none", "null"}


def _hub_default(key: str):
    """The default of the hub setting ``key`` (:mod:`shiplab.settings` declares it once, for both)."""
    from shiplab.settings import BY_KEY

    return BY_KEY[key].default


def _state() -> Path:
    """The state folder, as every room resolves it (:func:`shiplab.settings.state_dir`)."""
    from shiplab.settings import state_dir

    return state_dir()


def _default_db() -> str:
    state = _state()
    return f"sqlite:///{state / 'tracker' / 'tracker.sqlite'}"


class TrackerSettings(BaseModel):
    database_url: str = Field(default_factory=_default_db, description=(
        "SQLAlchemy URL of the tracker database. Default: SQLite in <state>/tracker/. "
        "PostgreSQL: postgresql://user@host/db (password in PGPASSWORD)."))
    base_url: str = Field("http://127.0.0.1:8000/services/tracker/", description=(
        "Public URL of the tracker, used for links in reminders."))
    smtp_host: str = Field("", description="SMTP server for e-mail reminders; empty: no e-mail.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port (587 with STARTTLS, 25 on a local relay).")
    smtp_from: str = Field("shiplab@localhost", description="From address of reminder e-mails.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS before sending.")
    smtp_user: str = Field("", description="SMTP login; empty: no login.")
    smtp_password: str = Field("", description="SMTP password (only with smtp_user).")
    webhook_url: str = Field("", description=(
        "Slack/Teams-compatible incoming webhook (JSON {\"text\": …}) for reminders; empty: none."))
    cookie_secret: str = Field("", description=(
        "Key that signs the login cookie and CSRF tokens (32+ characters). Empty: derived from the hub's "
        "JUPYTERHUB_API_TOKEN, which the hub gives each managed service."))
    reminder_interval_s: int = Field(300, ge=0, description="Seconds between reminder runs; 0 turns the loop off.")
    demo: bool = Field(False, description=(
        "Enrol the roster in the demo cohort (a workshop that ended three days before its first start); not used "
        "when a cohort is set."))
    roster: str = Field("", description=(
        "The hub's imported roster (<state>/roster.json): its people become the tracker's people at start-up and "
        "whenever the file changes. Empty: <state>/roster.json when that exists."))
    cohort: str = Field("", max_length=80, description=(
        "The cohort the roster's participants and instructors are enrolled in (needs workshop_start/end)."))
    workshop_start: dt.date | None = Field(None, description="First day of the cohort's workshop (YYYY-MM-DD).")
    workshop_end: dt.date | None = Field(None, description="Last day of the cohort's workshop (YYYY-MM-DD).")
    timezone: str = Field("UTC", description="The cohort's time zone (IANA name): when 'day N' begins.")
    roster_every_s: float = Field(10.0, ge=0, description=(
        "Seconds between looks at the roster file for changes; 0: read it at start-up only."))
    gateway_url: str = Field("", description=(
        "Where the tracker reaches the model gateway directly (e.g. http://127.0.0.1:8095/services/gateway/), to "
        "show instructors each participant's model use; empty: no model-use column."))
    production_environments: tuple[str, ...] = Field(
        default_factory=lambda: tuple(_hub_default("tracker.production_environments")), description=(
            "Deployment environments that count as production, comma-separated (tracker.production_environments)."))
    count_shipped: Literal["both", "verified"] = Field(
        default_factory=lambda: _hub_default("tracker.count_shipped"), description=(
            "What the 60-day figure counts as shipped: both (verified and self-reported) or verified "
            "(tracker.count_shipped)."))
    webhook_key_file: str = Field("", description=(
        "The key (0600, made on first use) from which each plan's webhook secret is derived. Empty: webhook.key "
        "beside a SQLite database, else <state>/tracker/webhook.key. Replacing it invalidates every secret."))

    @field_validator("smtp_password", "cookie_secret")
    @classmethod
    def _no_placeholder(cls, v: str, info) -> str:
        if v and (v.strip().lower() in PLACEHOLDERS or len(set(v)) < 4):
            raise ValueError(f"{PREFIX}{info.field_name.upper()} is a placeholder ({v[:3]}…); set a real secret")
        if info.field_name == "cookie_secret" and v and len(v) < 32:
            raise ValueError(f"{PREFIX}COOKIE_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        return v

    @field_validator("webhook_url", "base_url", "gateway_url")
    @classmethod
    def _http_url(cls, v: str, info) -> str:
        if v and urlparse(v).scheme not in ("http", "https"):
            raise ValueError(f"{PREFIX}{info.field_name.upper()} must be an http(s) URL, not {v!r}")
        return v

    @field_validator("production_environments", mode="before")
    @classmethod
    def _names(cls, v):
        names = v.split(",") if isinstance(v, str) else list(v)
        names = tuple(n.strip().lower() for n in names if n.strip())
        if not names or any(len(n) > 80 for n in names):
            raise ValueError(f"{PREFIX}PRODUCTION_ENVIRONMENTS must name at least one environment (at most 80 "
                             "characters each), comma-separated, e.g. production,prod,live")
        return names

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{PREFIX}TIMEZONE {v!r} is not a time zone (use e.g. Europe/Berlin or UTC)") from None
        return v

    @model_validator(mode="after")
    def _cohort_dates(self) -> "TrackerSettings":
        if self.cohort and not (self.workshop_start and self.workshop_end):
            raise ValueError(f"{PREFIX}COHORT needs {PREFIX}WORKSHOP_START and {PREFIX}WORKSHOP_END (YYYY-MM-DD)")
        if self.workshop_start and self.workshop_end and self.workshop_end < self.workshop_start:
            raise ValueError(f"{PREFIX}WORKSHOP_END is before {PREFIX}WORKSHOP_START")
        return self

    def webhook_key_path(self) -> Path:
        """Where the webhook key lives: the configured file, else beside a SQLite database file, else
        ``<state>/tracker/webhook.key``."""
        if self.webhook_key_file:
            return Path(self.webhook_key_file)
        if self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix("sqlite:///")).parent / "webhook.key"
        return _state() / "tracker" / "webhook.key"

    def roster_file(self) -> Path | None:
        """The roster to follow: the configured file, else ``<state>/roster.json`` if it exists."""
        if self.roster:
            return Path(self.roster)
        default = _state() / "roster.json"
        return default if default.exists() else None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "TrackerSettings":
        """Settings from ``SHIPLAB_TRACKER_*`` variables; a bad one raises :class:`SettingsError` naming it."""
        environ = os.environ if environ is None else environ
        values = {name: environ[PREFIX + name.upper()] for name in cls.model_fields
                  if PREFIX + name.upper() in environ}
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = "; ".join(_describe(e) for e in exc.errors())
            raise SettingsError(f"tracker settings: {problems}",
                                hint="fix the variable(s) in the tracker service's environment.") from None

    def signing_key(self, environ: Mapping[str, str] | None = None) -> bytes:
        """The key for cookies and CSRF tokens: the configured secret, else one derived from the hub's token."""
                
        environ = os.environ if environ is None else environ
        if self.cookie_secret:
            return self.cookie_secret.encode()
        hub_token = environ.get("JUPYTERHUB_API_TOKEN", "")
        if not hub_token:
            raise SettingsError("the tracker has no key to sign cookies with.",
                                hint=f"run it as a hub service (the hub sets JUPYTERHUB_API_TOKEN) or set "
                                     f"{PREFIX}COOKIE_SECRET to 32+ random characters.")
        from shiplab.web.login import derive_key

        return derive_key(hub_token, "shiplab-tracker-cookie")


def _describe(err: dict) -> str:
    field = err["loc"][0] if err["loc"] else "?"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return msg if msg.startswith(PREFIX) else f"{PREFIX}{str(field).upper()}: {msg}"
