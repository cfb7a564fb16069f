"""The shipping tracker: did the workshop's participants ship something to production within 60 days?

A participant writes a *ship plan* (one per cohort: the use case, the backlog item, the metric with its baseline and
target, a planned ship date), checks in on days 14, 30, 45 and 60 after the workshop's last day (planned, building,
in review, shipped, blocked — naming one of the five frictions — or killed), and finally records what shipped, with
evidence and the metric's value after. Managers see figures for their teams, instructors for their cohorts.

Rooms, from the bottom up: :mod:`.models` (tables) and :mod:`.db` (engine, Alembic upgrade), :mod:`.rules` (pure
date and figure arithmetic: the cohort's time zone decides what "day N" means), :mod:`.service` (the writes and
the queries, with every ownership check), :mod:`.reminders` (e-mail and webhook nudges, sent once),
:mod:`.auth` (JupyterHub OAuth with PKCE, hub tokens), :mod:`.roster_sync` (the hub's roster → people and cohort)
and :mod:`.app` (pages and the JSON API). :mod:`.hubservice` is the hub's side: the service entry made from the
``tracker.*`` settings.
"""
