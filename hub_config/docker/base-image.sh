#!/bin/sh
# Build the Dockerfile's base image locally, for machines that reach Debian's archive but no container registry:
# Debian bookworm (debootstrap --variant=minbase) with this machine's extra CA certificates (package-registry
# traffic may pass an intercepting CA), imported and tagged as the base the Dockerfile names. Needs root.
#   base-image.sh DOCKER_COMMAND TAG      e.g.  base-image.sh "docker" debian:bookworm-slim
# Does nothing when the engine has TAG already.
set -eu
DOCKER="$1"
TAG="${2:-debian:bookworm-slim}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if $DOCKER image inspect "$TAG" >/dev/null 2>&1; then exit 0; fi
rootfs="$(mktemp -d /var/tmp/shiplab-base.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
echo "Building the base image $TAG with debootstrap (bookworm, minbase)…"
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$MIRROR" >"$rootfs.log" 2>&1 || {
    tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
fi
chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
rm -f "$rootfs/etc/apt/sources.list"
# as Debian's own images: no package cache kept, no documentation beyond copyrights
printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };\nAPT::Keep-Downloaded-Packages "false";\n' \
    >"$rootfs/etc/apt/apt.conf.d/docker-clean"
rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"* "$rootfs/usr/share/doc/"*/changelog*
tar -C "$rootfs" --numeric-owner -c . | $DOCKER import - "$TAG" >/dev/null
echo "base image $TAG: $($DOCKER image inspect --format '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1 / 1e6}')"
