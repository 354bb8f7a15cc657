#!/usr/bin/env bash
# `npm run image`: builds the OCI image localhost/ghostwatch:latest with podman, from this repository
# and no registry. The root filesystem is assembled here and imported (`podman import`): the Node.js
# binary that runs the build (with the shared libraries it links), the compiled and bundled CLI, its
# production dependencies, the probe and its loader (compiled once, CO-RE: any kernel with BTF), the
# stock Falco rules (from ../shared/falco/rules) and the default configuration. Prints the image's size.
# Usage: scripts/build-image.sh [IMAGE]   (default localhost/ghostwatch:latest)
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:-localhost/ghostwatch:latest}
rules=../shared/falco/rules

command -v podman >/dev/null || { echo "build-image: podman is not installed (apt-get install podman)" >&2; exit 1; }
[ -f dist/src/cli/main.js ] || { echo "build-image: not built: run npm ci && npm run build first" >&2; exit 1; }
[ -x native/build/ghostwatch-probe ] || { echo "build-image: no probe: run scripts/build-probe.sh first" >&2; exit 1; }
[ -f "$rules/falco_rules.yaml" ] || { echo "build-image: the stock rules are not at $rules" >&2; exit 1; }

root=$(mktemp -d /tmp/ghostwatch-image.XXXXXX)
trap 'rm -rf "$root"' EXIT
app=$root/opt/ghostwatch
mkdir -p "$app/bin" "$app/native/build" "$app/dist" "$root/usr/local/bin" "$root/etc/falco/rules.d" "$root/etc/ghostwatch/rules.d" \
  "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/host" "$root/run"
chmod 1777 "$root/tmp"

# A binary and the shared libraries it links (and their loader), at the same paths as here.
copy_with_libs() {
  local binary=$1 dest=$2
  cp -L "$binary" "$root$dest"
  ldd "$binary" | grep -o '/[^ ]*' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
copy_with_libs "$(readlink -f "$(command -v node)")" /usr/local/bin/node
copy_with_libs native/build/ghostwatch-probe /opt/ghostwatch/native/build/ghostwatch-probe

cp bin/ghostwatch.cjs "$app/bin/"
cp package.json "$app/"
cp -r dist/src "$app/dist/src"
# The bundle and its code caches (named after its size and time: -p keeps them), the entrypoint's
# flags being those of `run` (bin/ghostwatch), for which the build wrote one.
if [ -f dist/ghostwatch.cjs ]; then
  cp -p dist/ghostwatch.cjs "$app/dist/"
  [ -d dist/code-cache ] && cp -rp dist/code-cache "$app/dist/"
fi
# The production dependencies only (gRPC for CRI, loaded when a CRI socket exists, is not bundled).
npm ls --omit=dev --parseable --all 2>/dev/null | tail -n +2 | while read -r dir; do
  rel=${dir#"$PWD"/}
  mkdir -p "$app/$(dirname "$rel")"
  cp -r "$dir" "$app/$rel"
done

cp "$rules"/falco_rules.yaml "$root/etc/falco/"
for f in falco-incubating_rules.yaml k8s_audit_rules.yaml; do
  [ -f "$rules/$f" ] && cp "$rules/$f" "$root/etc/ghostwatch/"
done
cp config/ghostwatch.yaml "$root/etc/ghostwatch/ghostwatch.yaml"
echo 'root:x:0:0:root:/root:/sbin/nologin' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"

tar -C "$root" -c . | podman import --quiet \
  --change 'ENV MALLOC_TRIM_THRESHOLD_=131072' \
  --change 'ENTRYPOINT ["/usr/local/bin/node", "--max-semi-space-size=1", "--no-sparkplug", "/opt/ghostwatch/bin/ghostwatch.cjs"]' \
  --change 'CMD ["run", "-c", "/etc/ghostwatch/ghostwatch.yaml"]' \
  --change 'WORKDIR /opt/ghostwatch' \
  --change 'LABEL org.opencontainers.image.title=ghostwatch' \
  - "$image" >/dev/null
size=$(podman image inspect --format '{{.Size}}' "$image")
echo "build-image: $image, $((size / 1024 / 1024)) MiB"
