"""Every environment variable shiplab reads, declared once, with who sets it and what it does.

Settings belong in the settings file (``hub_config/shiplab.yaml``, :mod:`shiplab.settings`). Environment variables
are how one process tells another where things are — the hub tells its services where the state and the settings
file are, the spawner tells a participant's server where the gateway is, the grading worker tells a sandboxed
kernel what it may skip — plus a few switches for developers and tests, and secrets, which never go in the settings
file. (The tracker, like every service, reads its settings from the settings file; only its secrets are variables.)
``shiplab settings env`` prints the table, and ``tests/test_envvars.py`` fails on a ``SHIPLAB_*`` name in ``src/``
that is declared nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    set_by: str
    help: str


_DECLARED = [
    # where things are: set by the hub (or a developer) for every command and service
    Variable("SHIPLAB_SETTINGS", "the hub, for its services; a developer",
             "The settings file in use (default hub_config/shiplab.yaml)."),
    Variable("SHIPLAB_STATE", "the hub, for its services; a developer",
             "The state folder: databases, courses, secrets (default: the settings' state, under the repository)."),
    Variable("SHIPLAB_COURSE", "the hub, for the formgrader, the grading worker and participants' servers",
             "The nbgrader course id the process works on."),
    Variable("SHIPLAB_EXCHANGE", "the hub, for the formgrader and participants' servers",
             "The nbgrader exchange folder of the course."),
    Variable("SHIPLAB_DATASETS", "a developer; the wrong-answer runner",
             "The folder of the bundled sample company (default: datasets/ of the repository)."),
    # a participant's server, set by the spawner
    Variable("SHIPLAB_ROLE", "the spawner",
             "participant or instructor: the server's role, for lab code and extensions (shiplab reads none)."),
    Variable("SHIPLAB_SPAWNER_MODE", "the hub's spawner",
             "The resolved spawner.mode (unix-users, developer, docker, kubernetes), for lab code and extensions."),
    Variable("SHIPLAB_ASSIGNMENTS_URL", "the spawner",
             "The assignments service as the participant's server reaches it (the lab extension's Submit)."),
    Variable("SHIPLAB_TRACKER_URL", "the spawner", "The shipping tracker as the participant's server reaches it."),
    Variable("SHIPLAB_GATEWAY_URL", "the spawner", "The model gateway as lab code reaches it (shiplab.rag.llm)."),
    Variable("SHIPLAB_GATEWAY_TOKEN", "the spawner",
             "The participant's token for the model gateway; never printed, never written to a notebook."),
    Variable("SHIPLAB_PII_ALLOW", "the spawner, from pii.allow in the settings",
             "Product and team names that personal-data detection must not take for people, comma-separated."),
    # models and indexes in a kernel
    Variable("SHIPLAB_LOCAL_MODEL", "a developer",
             "1: outside a Jupyter kernel, load the local offline chat model instead of the fake one."),
    Variable("SHIPLAB_LOCAL_STATE", "a developer",
             "Where the offline model keeps its usage log (default ~/.cache/shiplab/gateway-usage.sqlite)."),
    Variable("SHIPLAB_CHROMA_ROOT", "a developer; tests",
             "Where vector stores are kept on disk (default ~/.shiplab/chroma)."),
    Variable("SHIPLAB_EMBED_THREADS", "the grading worker; the wrong-answer runner",
             "Threads the local embedding model may use (grading runs one per process)."),
    Variable("SHIPLAB_EMBED_CACHE", "the grading worker",
             "The instructor's read-only cache of the sample texts' embedding vectors (shiplab.rag.embcache)."),
    # grading
    Variable("SHIPLAB_DEFER_INDEXING", "the grading worker, for the judge",
             "1: build a vector store's index only when a test searches it (the kernel has built its own)."),
    Variable("SHIPLAB_SANDBOX_RUN", "the grading worker",
             "Marks the processes of one sandboxed run, so every one of them is found and stopped afterwards."),
    Variable("SHIPLAB_CASE_SALT", "an instructor reproducing a grade; tests",
             "Pins the salt of hidden generated test cases (the worker draws one per graded notebook; 0: the "
             "seeds as written)."),
    Variable("SHIPLAB_AS_GRADER", "shiplab course commands, for themselves",
             "1: already re-run as the grader account (so a root command does not switch twice)."),
    # secrets named by the settings (the variable's name is a setting, so operators may choose another)
    Variable("SHIPLAB_OAUTH_CLIENT_SECRET", "the operator (auth.oauth_client_secret_env names it)",
             "The OAuth client secret of the company's identity provider."),
    Variable("SHIPLAB_TRACKER_WEBHOOK_URL", "the operator (tracker.webhook_url_env names it); the tracker reads it",
             "Where the tracker posts its notices (a chat webhook); a secret URL."),
    Variable("SHIPLAB_TRACKER_SMTP_PASSWORD", "the operator (tracker.smtp_password_env names it); the tracker reads it",
             "The password of tracker.smtp_user on tracker.smtp_host, for e-mail reminders."),
    Variable("SHIPLAB_TRACKER_COOKIE_SECRET", "the operator (optional); the tracker reads it",
             "The key (32+ characters) that signs the tracker's login cookie and CSRF tokens; unset: derived from "
             "the tracker's hub token."),
]
VARIABLES: dict[str, Variable] = {v.name: v for v in _DECLARED}
# names used as prefixes in code: each variable under them is declared above
PREFIXES = {"SHIPLAB_GATEWAY": "the gateway client's variables (SHIPLAB_GATEWAY_URL, SHIPLAB_GATEWAY_TOKEN)"}


def all_variables() -> list[Variable]:
    """Every declared variable, by name."""
    return sorted(VARIABLES.values(), key=lambda v: v.name)
