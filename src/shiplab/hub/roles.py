"""RBAC roles for a workshop hub, granted to the roster's groups.

JupyterHub roles are defined in configuration only; membership comes from groups, so importing a roster never has
to touch roles. Each role holds the least it needs:

- participants: their own server (JupyterHub's default ``user`` role) and the shiplab services meant for them;
- instructors: read the cohort (names, groups, activity, server status) for the progress board, and the course's
  formgrader service; never other people's servers or files;
- managers: the tracker service only.

Services get their own roles (idle culler, roster sync, progress board: read-only activity).
"""

from __future__ import annotations

from shiplab.roster import ROLE_GROUPS


def group_roles(*, course_id: str, participant_services: list[str], instructor_services: list[str],
                manager_services: list[str], native_auth: bool) -> list[dict]:
    def access(services: list[str]) -> list[str]:
        return [f"access:services!service={s}" for s in services]

    instructor_scopes = [
        "list:users", "read:users:name", "read:users:groups", "read:users:activity", "read:servers",
        "list:groups", "read:groups", "list:services", *access(instructor_services),
    ]
    if native_auth:
        # NativeAuthenticator guards its sign-up approval page (/hub/authorize) with admin:users.
        instructor_scopes.append("admin:users")
    return [
        {"name": "shiplab-participant", "description": "Workshop participant: own server, participant services.",
         "scopes": ["self", "list:services", *access(participant_services)],
         "groups": [ROLE_GROUPS["participant"]]},
        {"name": "shiplab-instructor", "description": "Instructor: cohort progress and the course formgrader.",
         "scopes": instructor_scopes, "groups": [ROLE_GROUPS["instructor"]]},
        {"name": "shiplab-manager", "description": "Manager: the shipping tracker.",
         "scopes": ["self", "list:services", *access(manager_services)], "groups": [ROLE_GROUPS["manager"]]},
    ]


def service_roles(services: list[str]) -> list[dict]:
    """Roles for the services that are configured (JupyterHub refuses a role naming an undefined service)."""
    all_roles = [
        {"name": "shiplab-idle-culler", "description": "Stop idle servers.",
         "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
         "services": ["idle-culler"]},
        {"name": "shiplab-roster-sync", "description": "Bring users and group membership in line with the roster.",
         "scopes": ["list:users", "read:users", "admin:users", "list:groups", "read:groups", "admin:groups"],
         "services": ["shiplab-roster"]},
        {"name": "shiplab-prestart", "description": "Start participants' servers before the workshop day.",
         "scopes": ["read:groups!group=participants", "servers!group=participants"],
         "services": ["shiplab-prestart"]},
        {"name": "shiplab-progress", "description": "Progress board: who is in the room, their servers and activity.",
         "scopes": ["list:users", "read:users:name", "read:users:groups", "read:users:activity", "read:servers",
                    # "start everyone": participants' servers only
                    "servers!group=participants"],
         "services": ["progress"]},
        # the tracker shows each participant's model use (the gateway's usage log) to instructors: it may call the
        # gateway, nothing else — the gateway's usage view admits the tracker by name (shiplab.gateway.instructors)
        {"name": "shiplab-tracker", "description": "Tracker: read the model gateway's usage log.",
         "scopes": ["access:services!service=gateway"], "services": ["tracker"], "needs": ["gateway"]},
    ]
    present = set(services)
    return [{k: v for k, v in r.items() if k != "needs"} for r in all_roles
            if set(r["services"]) <= present and set(r.get("needs", ())) <= present]
