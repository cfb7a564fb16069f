"""Run the gateway as a hub-managed service: ``python -m shiplab.gateway``."""

from __future__ import annotations

import logging
import os
from urllib.parse import urlparse

import uvicorn
from jupyterhub.services.auth import HubAuth

from shiplab import settings as settings_mod
from shiplab.gateway import policy as policy_mod
from shiplab.gateway.app import Backends, create_app
from shiplab.gateway.backends import ExternalProvider, LocalEmbedder, LocalLLM, assemble_gguf
from shiplab.gateway.hubauth import hub_identify
from shiplab.gateway.usage import Budget, UsageLog

log = logging.getLogger("shiplab.gateway")


def build_app():
    s = settings_mod.load()
    state = settings_mod.state_dir(s)
    pol = policy_mod.load(settings_mod.REPO_ROOT / s["gateway.policy"])
    backends = Backends(embedder=LocalEmbedder(threads=s["gateway.threads"]))
    if s["gateway.chat_model"] == "gemma-3-270m":
        backends.llm = LocalLLM(assemble_gguf(state / "models"), threads=s["gateway.threads"])
    for p in s["gateway.external_providers"]:
        key = os.environ.get(p["key_env"], "")
        if not key:
            log.warning("provider %s: %s is not set in the gateway's environment; not offered", p["name"],
                        p["key_env"])
            continue
        backends.external[p["name"]] = ExternalProvider(p["name"], p["base_url"], key, p["model"])
    app = create_app(pol, UsageLog(state / "gateway" / "usage.sqlite"), backends,
                     Budget(s["gateway.daily_tokens"], s["gateway.daily_requests"]),
                     hub_identify(HubAuth(cache_max_age=60)))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").rstrip("/")
    if prefix:
        from fastapi import FastAPI

        outer = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
        outer.mount(prefix, app)
        return outer
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8095"))
    uvicorn.run(build_app(), host=url.hostname or "127.0.0.1", port=url.port or 8095, log_level="info",
                access_log=False)


if __name__ == "__main__":
    main()
