"""Your assistant as a service: your lab-5 chain over your own index, behind your lab-6 contract.

- :mod:`assistant.service` — your ``Metrics`` and ``create_app`` (written from your lab-6 notebook);
- :mod:`assistant.chain` — your lab-5 ``format_context``, ``should_refuse``, ``answer`` and lab 4's
  ``allowed_filter`` (written from your lab-4 and lab-5 notebooks);
- :mod:`assistant.production` — who may ask (bearer tokens), what they may read (their clearance, passed to the
  retrieval filter), how long the model may take (a timeout), which version answers (a feature flag);
- :mod:`assistant.tracing` — a trace per request: a span per step, the model's tokens, the cost from your price
  table, in the request's log line (and a trace file);
- :mod:`assistant.feedback` — ``POST /feedback``: users rate their own answers, once;
- :mod:`assistant.fallback` — the previous version: a search result, no model — what the flag rolls back to;
- :mod:`assistant.index` — your documents into your own index;
- :mod:`assistant.main` — everything above wired from the environment (``uvicorn --factory assistant.main:create``).
"""
