#!/usr/bin/env bash
# Builds small OCI images in an OCI layout directory with coreutils only (no Docker), for skopeo to push.
#   oci-image.sh LAYOUT_DIR TAG TEXT [ARCH...]
# One architecture gives an image manifest; several give an OCI index with one image per architecture.
set -euo pipefail
layout=$1 tag=$2 text=$3
shift 3
archs=("${@:-amd64}")

mkdir -p "$layout/blobs/sha256"
[ -f "$layout/oci-layout" ] || printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
[ -f "$layout/index.json" ] || printf '{"schemaVersion":2,"manifests":[]}' > "$layout/index.json"

# add_blob FILE: moves FILE into the layout, prints "digest size"
add_blob() {
  local digest size
  digest=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  mv "$1" "$layout/blobs/sha256/$digest"
  echo "sha256:$digest $size"
}

# image ARCH: builds one image (layer, config, manifest), prints "digest size" of its manifest
image() {
  local arch=$1 work diff layer config manifest
  work=$(mktemp -d)
  mkdir "$work/root"
  printf '%s for %s\n' "$text" "$arch" > "$work/root/hello.txt"
  head -c 65536 /dev/urandom > "$work/root/random.bin"
  tar -C "$work/root" -cf "$work/layer.tar" .
  diff=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  gzip -n "$work/layer.tar"
  read -r layer_digest layer_size < <(add_blob "$work/layer.tar.gz")
  printf '{"architecture":"%s","os":"linux","config":{"Cmd":["cat","/hello.txt"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$diff" > "$work/config.json"
  read -r config_digest config_size < <(add_blob "$work/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$work/manifest.json"
  add_blob "$work/manifest.json"
  rm -rf "$work"
}

if [ ${#archs[@]} -eq 1 ]; then
  read -r top_digest top_size < <(image "${archs[0]}")
  top_type=application/vnd.oci.image.manifest.v1+json
else
  entries=()
  for arch in "${archs[@]}"; do
    read -r digest size < <(image "$arch")
    entries+=("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$digest\",\"size\":$size,\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}")
  done
  index=$(mktemp)
  (IFS=,; printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "${entries[*]}") > "$index"
  read -r top_digest top_size < <(add_blob "$index")
  top_type=application/vnd.oci.image.index.v1+json
fi

entry="{\"mediaType\":\"$top_type\",\"digest\":\"$top_digest\",\"size\":$top_size,\"annotations\":{\"org.opencontainers.image.ref.name\":\"$tag\"}}"
current=$(cat "$layout/index.json")
if [[ $current == *'"manifests":[]'* ]]; then
  printf '%s' "${current/\"manifests\":[]/\"manifests\":[$entry]}" > "$layout/index.json"
else
  printf '%s' "${current/\"manifests\":[/\"manifests\":[$entry,}" > "$layout/index.json"
fi
