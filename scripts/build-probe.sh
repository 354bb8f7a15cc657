#!/usr/bin/env bash
# Builds the eBPF probe and its loader into native/build/: installs the Debian packages it needs when
# they are missing (clang, llvm, libbpf-dev, bpftool, ...), then runs native/Makefile, which compiles
# the probe against the running kernel's BTF (vmlinux.h is generated here, never committed).
set -euo pipefail
cd "$(dirname "$0")/.."

# command → Debian package providing it; then headers/libraries checked by path.
need=()
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v llvm-strip >/dev/null 2>&1 || need+=(llvm)
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
command -v make >/dev/null 2>&1 || need+=(make)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ -f /usr/include/bpf/libbpf.h ] || need+=(libbpf-dev)
[ -f /usr/include/libelf.h ] || need+=(libelf-dev)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
[ -f /usr/include/linux/bpf.h ] || need+=(linux-libc-dev)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "build-probe: need root to install: ${need[*]}" >&2
    exit 1
  fi
  echo "build-probe: installing ${need[*]}" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

if [ ! -r /sys/kernel/btf/vmlinux ]; then
  echo "build-probe: kernel BTF missing (/sys/kernel/btf/vmlinux): the kernel needs CONFIG_DEBUG_INFO_BTF=y" >&2
  exit 1
fi

make -s -C native
echo "build-probe: built native/build/ghostwatch-probe" >&2
