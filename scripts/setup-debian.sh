#!/usr/bin/env bash
# Installs the Debian packages ghostwatch's tests use, when they are missing:
# sysdig (the reference the differential tests compare against).
set -euo pipefail
need=()
command -v sysdig >/dev/null 2>&1 || need+=(sysdig)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: need root to install: ${need[*]}" >&2
    exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
