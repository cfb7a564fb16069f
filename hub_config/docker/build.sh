#!/bin/sh
# Build the shiplab image from this checkout:  hub_config/docker/build.sh DOCKER_COMMAND [TAG] [WHEEL_DIR] [DOCKERFILE]
#   DOCKER_COMMAND  the engine's client, e.g. "docker" or "docker --host unix:///run/x/docker.sock"
#   TAG             default shiplab-lab:latest
#   WHEEL_DIR       wheels to install instead of building them (e.g. the host's llama-cpp-python wheel); optional
#   DOCKERFILE      default hub_config/docker/Dockerfile (hub_config/docker/postgres.Dockerfile: PostgreSQL)
# The context holds only what the Dockerfile copies (tracked and untracked-but-not-ignored files of those paths),
# never .venv/ or state/. The engine uses a base image it has (base-image.sh makes one where no registry is
# reachable) without pulling; SHIPLAB_PULL=never says so explicitly to engines that take --pull=never (podman).
# Prints the build's time and the image's size.
set -eu
DOCKER="$1"
TAG="${2:-shiplab-lab:latest}"
WHEELS="${3:-}"
DOCKERFILE="${4:-hub_config/docker/Dockerfile}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
ctx="$(mktemp -d /var/tmp/shiplab-context.XXXXXX)"
trap 'rm -rf "$ctx"' EXIT
cd "$repo"
git ls-files -z --cached --others --exclude-standard -- pyproject.toml README.md package.json package-lock.json \
    src hub_config labs graders datasets \
  | xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\n" "$f"; done' sh \
  | tar -c -T - | tar -C "$ctx" -x
mkdir -p "$ctx/wheels"
if [ -n "$WHEELS" ] && ls "$WHEELS"/*.whl >/dev/null 2>&1; then cp "$WHEELS"/*.whl "$ctx/wheels/"; fi
pull=""
if [ "${SHIPLAB_PULL:-}" = never ]; then pull="--pull=never"; fi
start=$(date +%s)
# shellcheck disable=SC2086
DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-1}" $DOCKER build $pull --progress=plain -f "$ctx/$DOCKERFILE" \
    -t "$TAG" "$ctx"
size=$($DOCKER image inspect --format '{{.Size}}' "$TAG")
echo "image $TAG built in $(( $(date +%s) - start )) s: $(awk -v s="$size" 'BEGIN {printf "%.0f MB", s / 1e6}')"
