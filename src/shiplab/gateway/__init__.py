"""The model gateway: models served once per hub, under the governance policy.

A hub-managed service exposing OpenAI-compatible ``/v1/embeddings`` and ``/v1/chat/completions``. Participants'
servers reach it with their own hub token (set at spawn; no provider key ever reaches a notebook). Every request is
classified (declared and detected data class), checked against ``hub_config/governance.yaml`` (refused, redacted
or allowed, naming the rule), counted against the participant's daily budget and written to the usage log.
"""
