#!/usr/bin/env bash
# Seeds a source registry with the benchmark's image set, reproducibly and without Docker: OCI layouts are
# written with coreutils and openssl (AES-CTR keystream as layer content, so the same seed gives the same
# bytes), then pushed with skopeo. Sizes come from the environment (defaults: about 1.3 GiB).
#   bench/seed.sh SOURCE_HOST:PORT WORK_DIR
set -euo pipefail
source_registry=$1
work=$2
repos=${BENCH_REPOS:-24}             # repositories of ordinary images
layer_mib=${BENCH_LAYER_MIB:-9}      # the layer each tag adds on top of the shared base layers
base_mib=${BENCH_BASE_MIB:-30,20,10} # base layers shared by every ordinary image
many_tags=${BENCH_MANY_TAGS:-150}    # tags of the repository with many small tags
multi_mib=${BENCH_MULTI_MIB:-20}     # layer per platform of the two multi-arch images
big_mib=${BENCH_BIG_MIB:-300}        # the one large layer

blobs="$work/blobs"
mkdir -p "$blobs"

# blob NAME BYTES: reproducible content named NAME, stored once; prints "digest size"
blob() {
  local name=$1 bytes=$2 file
  file="$blobs/$name.$bytes"
  if [ ! -f "$file.digest" ]; then
    head -c "$bytes" < <(openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:$name" -in /dev/zero 2>/dev/null) > "$file"
    sha256sum "$file" | cut -d' ' -f1 > "$file.digest"
  fi
  echo "sha256:$(cat "$file.digest") $bytes"
}

# put LAYOUT DIGEST [FILE|-]: links a stored blob (or writes stdin) into a layout
put() {
  local layout=$1 digest=$2 source=$3
  mkdir -p "$layout/blobs/sha256"
  local path="$layout/blobs/sha256/${digest#sha256:}"
  if [ -f "$path" ]; then
    # a rerun over the same work directory: read what is piped in, or its writer dies of SIGPIPE (set -o pipefail)
    [ "$source" = - ] && cat > /dev/null
    return 0
  fi
  if [ "$source" = - ]; then cat > "$path"; else ln -f "$source" "$path"; fi
}

# json_blob LAYOUT JSON: stores a JSON document in a layout, prints "digest size"
json_blob() {
  local layout=$1 json=$2 digest
  digest="sha256:$(printf '%s' "$json" | sha256sum | cut -d' ' -f1)"
  printf '%s' "$json" | put "$layout" "$digest" -
  echo "$digest ${#json}"
}

# image LAYOUT ARCH LAYER_NAME:BYTES...: an OCI image manifest over those layers; prints "digest size"
image() {
  local layout=$1 arch=$2 layers="" diffs="" spec name bytes digest size
  shift 2
  for spec in "$@"; do
    name=${spec%%:*}; bytes=${spec##*:}
    read -r digest size < <(blob "$name" "$bytes")
    put "$layout" "$digest" "$blobs/$name.$bytes"
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$digest\",\"size\":$size}"
    diffs+="${diffs:+,}\"$digest\""
  done
  read -r cdigest csize < <(json_blob "$layout" "{\"architecture\":\"$arch\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$diffs]}}")
  json_blob "$layout" "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$cdigest\",\"size\":$csize},\"layers\":[$layers]}"
}

# tag LAYOUT TAG MEDIA_TYPE DIGEST SIZE: the layout's index.json names that manifest TAG
tag() {
  local layout=$1 tag=$2 type=$3 digest=$4 size=$5
  printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"%s","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$type" "$digest" "$size" "$tag" > "$layout/index.json"
}

MANIFEST=application/vnd.oci.image.manifest.v1+json
INDEX=application/vnd.oci.image.index.v1+json
if [ -n "${BENCH_SINGLE_MIB:-}" ]; then
  # only one image with one layer of that size, for the memory measurement
  layout="$work/layouts/single-$BENCH_SINGLE_MIB"
  read -r digest size < <(image "$layout" amd64 "single:$((BENCH_SINGLE_MIB << 20))")
  tag "$layout" v1 "$MANIFEST" "$digest" "$size"
  skopeo copy -q --dest-tls-verify=false --preserve-digests "oci:$layout:v1" \
    "docker://$source_registry/lab/single-$BENCH_SINGLE_MIB:v1"
  exit 0
fi

pushes="$work/pushes.txt"
: > "$pushes"

base=()
i=0
for mib in ${base_mib//,/ }; do
  base+=("base$i:$((mib << 20))")
  i=$((i + 1))
done

# ordinary repositories: 3 to 5 tags each over the shared base; even repositories in Docker format
for r in $(seq 1 "$repos"); do
  format=oci
  [ $((r % 2)) = 0 ] && format=v2s2
  for t in $(seq 1 $((3 + r % 3))); do
    layout="$work/layouts/app$r-$t"
    read -r digest size < <(image "$layout" amd64 "${base[@]}" "app$r-$t:$((layer_mib << 20))")
    tag "$layout" "v$t" "$MANIFEST" "$digest" "$size"
    echo "$format $layout v$t lab/app$r:v$t" >> "$pushes"
  done
done

# one repository with many small tags
for t in $(seq 1 "$many_tags"); do
  layout="$work/layouts/many-$t"
  read -r digest size < <(image "$layout" amd64 "many-$t:4096")
  tag "$layout" "t$t" "$MANIFEST" "$digest" "$size"
  echo "oci $layout t$t lab/many:t$t" >> "$pushes"
done

# two multi-arch images: an OCI index, and the same shape pushed as a Docker manifest list
for kind in oci v2s2; do
  layout="$work/layouts/multi-$kind"
  entries=""
  for arch in amd64 arm64; do
    read -r digest size < <(image "$layout" "$arch" "${base[0]}" "multi-$kind-$arch:$((multi_mib << 20))")
    entries+="${entries:+,}{\"mediaType\":\"$MANIFEST\",\"digest\":\"$digest\",\"size\":$size,\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}"
  done
  read -r digest size < <(json_blob "$layout" "{\"schemaVersion\":2,\"mediaType\":\"$INDEX\",\"manifests\":[$entries]}")
  tag "$layout" v1 "$INDEX" "$digest" "$size"
  echo "$kind $layout v1 lab/multi-$kind:v1" >> "$pushes"
done

# one large layer
layout="$work/layouts/big"
read -r digest size < <(image "$layout" amd64 "big:$((big_mib << 20))")
tag "$layout" v1 "$MANIFEST" "$digest" "$size"
echo "oci $layout v1 lab/big:v1" >> "$pushes"

echo "pushing $(wc -l < "$pushes") images into $source_registry"
# repositories in parallel, the tags of one repository one after another: concurrent pushes of shared layers into
# one repository make distribution 2.8 fail (it rewrites link files in place)
rm -rf "$work/push"
mkdir -p "$work/push"
while read -r format layout tag ref; do
  script="$work/push/$(echo "${ref%%:*}" | tr / _).sh"
  if [ "$format" = v2s2 ]; then options="--format v2s2"; else options="--preserve-digests"; fi
  echo "skopeo copy -q --all --dest-tls-verify=false $options oci:$layout:$tag docker://$source_registry/$ref" >> "$script"
done < "$pushes"
ls "$work"/push/*.sh | xargs -P 4 -n 1 bash -e
