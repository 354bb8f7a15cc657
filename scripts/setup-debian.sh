#!/usr/bin/env bash
# Installs the Debian packages ghostwatch's tests use, when they are missing: sysdig (the reference
# the differential tests compare against), and the container runtimes the container tests run real
# containers on: podman with runc, containerd (its built-in CRI plugin), and busybox-static, from
# which the tests build their images (nothing can be pulled from a registry here); prometheus, whose
# promtool checks /metrics and whose server the metrics tests start to scrape ghostwatch; nats-server,
# with JetStream, which the NATS output's tests start, and openssl, which makes their TLS certificates.
set -euo pipefail
need=()
command -v sysdig >/dev/null 2>&1 || need+=(sysdig)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v containerd >/dev/null 2>&1 || need+=(containerd)
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
# socat: the syslog output test's receiver on a unix datagram socket (Node cannot bind one).
command -v socat >/dev/null 2>&1 || need+=(socat)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx wget || need+=(busybox-static)
command -v nats-server >/dev/null 2>&1 || need+=(nats-server)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: need root to install: ${need[*]}" >&2
    exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# podman sets the containers' rlimits by default, which needs CAP_SYS_RESOURCE: machines without
# it (this sandbox) need default_ulimits emptied. Added once, only if the file does not set it.
conf=/etc/containers/containers.conf
if [ "$(id -u)" = 0 ] && ! grep -qs '^default_ulimits' "$conf"; then
  mkdir -p /etc/containers
  if grep -qs '^\[containers\]' "$conf"; then
    sed -i 's/^\[containers\]$/[containers]\ndefault_ulimits = []/' "$conf"
  else
    printf '[containers]\ndefault_ulimits = []\n' >> "$conf"
  fi
fi
