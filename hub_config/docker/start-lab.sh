#!/bin/sh
# Lab container start: the container starts as root only to give this participant's uid (NB_UID, set by the
# hub) the home volume, then runs the Jupyter server (jupyterhub-singleuser after shiplab's import-time deferrals,
# shiplab.labext.singleuser) as that uid with no way back to root.
set -eu
uid="${NB_UID:-1000}"
gid="${NB_GID:-100}"
case "$uid" in ''|*[!0-9]*) echo "NB_UID must be a number" >&2; exit 1 ;; esac
if [ "$(id -u)" = 0 ]; then
    chown "$uid:$gid" /home/jovyan
    chmod 0700 /home/jovyan
    exec setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=-all \
        env HOME=/home/jovyan USER=jovyan python -m shiplab.labext.singleuser "$@"
fi
exec python -m shiplab.labext.singleuser "$@"
