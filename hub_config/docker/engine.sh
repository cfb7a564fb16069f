#!/bin/sh
# A Docker engine of its own for `make test-containers` (root, Debian's docker.io 20.10): its own socket, data and
# exec roots, so it never meets another engine on the machine. Images stay in the data root between runs (a cache).
#   engine.sh install   Debian's docker.io and debootstrap, when missing (needs root and apt)
#   engine.sh start     start dockerd in the background unless it answers already; wait until it does
#   engine.sh stop      stop the dockerd this script started
set -eu
ROOT="${SHIPLAB_ENGINE_ROOT:-/var/lib/shiplab-containers}"
RUN="${SHIPLAB_ENGINE_RUN:-/run/shiplab-containers}"
SOCK="$RUN/docker.sock"
DOCKER="/usr/bin/docker --host unix://$SOCK"

case "${1:-}" in
install)
    if [ -x /usr/sbin/dockerd ] && [ -x /usr/sbin/debootstrap ] && [ -x /usr/bin/docker ]; then exit 0; fi
    if [ "$(id -u)" != 0 ]; then
        echo "docker.io and debootstrap are missing and this is not root: sudo apt-get install docker.io debootstrap" >&2
        exit 1
    fi
    echo "Installing Debian's docker.io and debootstrap…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io debootstrap >/dev/null
    ;;
start)
    mkdir -p "$ROOT" "$RUN"
    if $DOCKER version >/dev/null 2>&1; then exit 0; fi
    # --bridge default: builds' RUN steps reach the package registries through it (NAT, iptables)
    nohup /usr/sbin/dockerd --host "unix://$SOCK" --data-root "$ROOT/data" --exec-root "$RUN/exec" \
        --pidfile "$RUN/dockerd.pid" --log-level warn >"$RUN/dockerd.log" 2>&1 &
    i=0
    until $DOCKER version >/dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -gt 60 ]; then
            echo "dockerd did not answer on $SOCK in 60 s; its log ($RUN/dockerd.log):" >&2
            tail -20 "$RUN/dockerd.log" >&2
            exit 1
        fi
        sleep 1
    done
    ;;
stop)
    if [ -f "$RUN/dockerd.pid" ]; then
        pid="$(cat "$RUN/dockerd.pid")"
        kill "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 30 ]; do i=$((i + 1)); sleep 1; done
    fi
    ;;
*)
    echo "usage: $0 install|start|stop" >&2
    exit 2
    ;;
esac
