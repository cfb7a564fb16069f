"""Run the gateway as a hub-managed service: ``python -m shiplab.gateway``."""

from __future__ import annotations

import logging

from jupyterhub.services.auth import HubOAuth

from shiplab import settings as settings_mod
from shiplab.web import provider_keys
from shiplab.errors import ShiplabError
from shiplab.gateway import policy as policy_mod
from shiplab.gateway.app import Backends, create_app
from shiplab.gateway.backends import ExternalProvider, LocalEmbedder, LocalLLM
from shiplab.gateway.hubauth import HubViewers, hub_identify, session_key
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.web.serve import mount_at, serve, service_prefix

log = logging.getLogger("shiplab.gateway")


def build_app():
    s = settings_mod.load()
    state = settings_mod.state_dir(s)
    pol = policy_mod.load(settings_mod.REPO_ROOT / s["gateway.policy"])
    backends = Backends(embedder=LocalEmbedder(threads=s["gateway.threads"]))
    if s["gateway.chat_model"] != "none":
        try:
            backends.llm = LocalLLM.from_setting(s["gateway.chat_model"], state / "models",
                                                 threads=s["gateway.threads"])
            log.info("chat model %s loaded in %.1f s (prompt style: %s)", backends.llm.model_name,
                     backends.llm.load_seconds, backends.llm.prompt_style)
        except ShiplabError as exc:  # embeddings still work; chat requests get this sentence with a 503
            backends.llm_error = str(exc)
            log.error("no local chat model: %s", exc)
    for p in s["gateway.external_providers"]:
        key = provider_keys.load(state, p["key_env"])
        if not key:
            log.warning("provider %s: %s is not set in the hub's environment; not offered", p["name"],
                        p["key_env"])
            continue
        backends.external[p["name"]] = ExternalProvider(p["name"], p["base_url"], key, p["model"])
    if s["gateway.default_provider"] in backends.external:
        backends.default = s["gateway.default_provider"]
        log.info("requests naming no provider go to %s (%s)", backends.default,
                 backends.external[backends.default].model)
    elif s["gateway.default_provider"]:  # its key is missing: say so on every such request, never fall back quietly
        backends.llm, backends.llm_error = None, (
            f"the default provider {s['gateway.default_provider']!r} has no key in the hub's environment, so this "
            "gateway answers no chat request that names no provider; tell the hub's operator.")
    hub_auth = HubOAuth(cache_max_age=60)
    prefix = service_prefix().rstrip("/")
    viewers = HubViewers(hub_auth, session_key(hub_auth.api_token or ""), prefix=prefix or "/") \
        if hub_auth.api_token else None
    app = create_app(pol, UsageLog(state / "gateway" / "usage.sqlite"), backends,
                     Budget(s["gateway.daily_tokens"], s["gateway.daily_requests"],
                            s["gateway.daily_embedding_tokens"]), hub_identify(hub_auth),
                     viewers=viewers)
    return mount_at(app, prefix)


def main() -> None:
    serve("model gateway", build_app, 8095)


if __name__ == "__main__":
    main()
