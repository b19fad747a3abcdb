#!/usr/bin/env bash
# Scaling benchmark of cluster mode: 1, 2 and 3 worker instances with the same --proc each, and 1 worker with
# 3 x --proc, copying many small repositories behind WAN-like fronts (bench/DelayProxy.java: SCALE_DELAY_MS per
# request, so the work waits on the network rather than on this machine's cores).
#   bash bench/scale.sh            (from anywhere; installs what is missing, builds the jar if needed)
# One Artemis broker (the jar's --broker), one planner (a one-shot run that copies nothing itself:
# sync.cluster.consumers = 0) and the workers (service mode, on a schedule that does not fire). Counted from the
# first job sent to the last outcome, as the planner reports it (start-up and planning excluded); prints images
# per second and the ratio to one worker. Results: a table on stdout and in $SCALE_DIR/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
images=${SCALE_IMAGES:-60}
delay=${SCALE_DELAY_MS:-50}
proc=${SCALE_PROC:-1}
rounds=${SCALE_ROUNDS:-1}
dir=${SCALE_DIR:-${TMPDIR:-/tmp}/camel-image-syncer-scale}
jar="$root/target/camel-image-syncer.jar"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

missing=()
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v bc >/dev/null || missing+=(bc)
command -v mvn >/dev/null || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
[ -f "$jar" ] || mvn -B -q package -DskipTests

run="$dir/run"
rm -rf "$run"
mkdir -p "$run"
source "$root/bench/lib.sh"
await_line() { # await_line FILE TEXT: waits (at most a minute) until FILE holds TEXT
  for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return; sleep 0.1; done
  echo "!! no '$2' in $1:"; tail -20 "$1"; exit 1
}

start_registry() { # start_registry NAME PORT: a fresh registry with empty storage
  local name=$1 port=$2
  mkdir -p "$run/$name"
  printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp: {addr: 127.0.0.1:%s, secret: scale-%s}\n' \
    "$run/$name/data" "$port" "$name" > "$run/$name/config.yml"
  docker-registry serve "$run/$name/config.yml" > "$run/$name/log" 2>&1 &
  pids+=($!)
  echo $! > "$run/$name/pid"
  wait_for "$port"
}

start_proxy() { # start_proxy LISTEN TARGET
  java "$root/bench/DelayProxy.java" "$1" "$2" "$delay" > "$run/proxy-$1.log" 2>&1 &
  pids+=($!)
  await_line "$run/proxy-$1.log" delaying
}

push_blob() { # push_blob REGISTRY REPO FILE: a monolithic upload; prints the digest
  local digest location
  digest="sha256:$(sha256sum "$3" | cut -d' ' -f1)"
  location=$(curl -s -i -X POST "http://$1/v2/$2/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
  curl -sSf -o /dev/null -X PUT -H "Content-Type: application/octet-stream" --data-binary "@$3" "$location&digest=$digest"
  echo "$digest"
}

source_port=$(free_port)
start_registry source "$source_port"
echo "== seeding $images repositories of one small image each (two layers of 16 and 8 KiB) on 127.0.0.1:$source_port"
seed="$run/seed"
mkdir -p "$seed"
for i in $(seq -w 1 "$images"); do
  repo="lab/scale-$i"
  head -c 16384 < <(openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:scale-$i-a" -in /dev/zero 2>/dev/null) > "$seed/a"
  head -c 8192 < <(openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass "pass:scale-$i-b" -in /dev/zero 2>/dev/null) > "$seed/b"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"Labels":{"n":"%s"}}}' "$i" > "$seed/config"
  a=$(push_blob "127.0.0.1:$source_port" "$repo" "$seed/a")
  b=$(push_blob "127.0.0.1:$source_port" "$repo" "$seed/b")
  c=$(push_blob "127.0.0.1:$source_port" "$repo" "$seed/config")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":16384},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":8192}]}' \
    "$c" "$(stat -c %s "$seed/config")" "$a" "$b" > "$seed/manifest"
  curl -sSf -o /dev/null -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
    --data-binary "@$seed/manifest" "http://127.0.0.1:$source_port/v2/$repo/manifests/v1"
done
source_proxy=$(free_port)
start_proxy "$source_proxy" "$source_port"

echo "== broker"
broker_port=$(free_port)
export CAMEL_IMAGE_SYNCER_BROKER_PASSWORD=scale-bench
java -jar "$jar" --broker "$run/broker" --broker-port "$broker_port" > "$run/broker.log" 2>&1 &
pids+=($!)
await_line "$run/broker.log" "broker listening"

properties() { # properties NODE CONSUMERS
  printf 'sync.cluster.brokerUrl = tcp://127.0.0.1:%s\nsync.cluster.brokerUser = mirror\nsync.cluster.brokerPassword = %s\nsync.cluster.node = %s\nsync.cluster.consumers = %s\n' \
    "$broker_port" "$CAMEL_IMAGE_SYNCER_BROKER_PASSWORD" "$1" "$2" > "$run/$1.properties"
  echo "$run/$1.properties"
}

# measure NAME WORKERS PROC: the planner's images per second with WORKERS workers of --proc PROC each
measure() {
  local name=$1 workers=$2 p=$3 target_port target_proxy worker_pids=() w
  target_port=$(free_port)
  start_registry "target-$name" "$target_port"
  target_proxy=$(free_port)
  start_proxy "$target_proxy" "$target_port"
  printf '127.0.0.1:%s: {insecure: true}\n127.0.0.1:%s: {insecure: true}\n' "$source_proxy" "$target_proxy" > "$run/auth.yaml"
  : > "$run/images.yaml"
  for i in $(seq -w 1 "$images"); do
    echo "127.0.0.1:$source_proxy/lab/scale-$i:v1: 127.0.0.1:$target_proxy/mirror/scale-$i" >> "$run/images.yaml"
  done
  for w in $(seq 1 "$workers"); do
    java -jar "$jar" --auth "$run/auth.yaml" --images "$run/images.yaml" --proc "$p" \
      --properties "$(properties "w$w" "$((4 * p))")" --schedule "0 0 0 1 1 ? 2099" \
      --http-port "$(free_port)" --reports "$run/reports-$name-w$w" > "$run/$name-w$w.log" 2>&1 &
    worker_pids+=($!)
    pids+=($!)
  done
  for w in $(seq 1 "$workers"); do await_line "$run/$name-w$w.log" "management endpoints on"; done
  if ! java -jar "$jar" --auth "$run/auth.yaml" --images "$run/images.yaml" --proc "$p" \
      --properties "$(properties planner 0)" > "$run/$name-planner.log" 2>&1; then
    echo "!! $name: the planner failed:"; tail -20 "$run/$name-planner.log"; exit 1
  fi
  grep -q "Sync finished (succeeded): $((10#$images)) images synced" "$run/$name-planner.log" \
    || { echo "!! $name: not every image synced:"; grep "Sync finished" "$run/$name-planner.log"; exit 1; }
  for pid in "${worker_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${worker_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  kill "$(cat "$run/target-$name/pid")" 2>/dev/null || true
  local rate
  rate=$(grep -o "([0-9.]* images/s)" "$run/$name-planner.log" | tr -d '(' | cut -d' ' -f1)
  echo "$rate" >> "$run/$name.rates"
  printf '   %-26s %6s images/s  (%s)\n' "$name" "$rate" "$(grep -o "took [0-9.]* s" "$run/$name-planner.log")"
}

setups=("1-worker 1 $proc" "2-workers 2 $proc" "3-workers 3 $proc" "1-worker-3x-proc 1 $((3 * proc))")
for round in $(seq 1 "$rounds"); do
  echo "== round $round"
  for setup in "${setups[@]}"; do
    read -r name workers p <<< "$setup"
    measure "$name-$round" "$workers" "$p"
    cat "$run/$name-$round.rates" >> "$run/$name.all"
  done
done

median() { sort -n "$run/$1.all" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(median 1-worker)
{
  echo "Scaling on $(nproc) cores, $(date -u +%Y-%m-%d): $((10#$images)) repositories of one small image, WAN fronts add $delay ms per request, --proc $proc per worker ($((4 * proc)) jobs at once), median of $rounds round(s); from the first job sent to the last outcome."
  echo
  echo "| workers | images/s | ratio to 1 worker |"
  echo "|---|---|---|"
  for setup in "${setups[@]}"; do
    read -r name workers p <<< "$setup"
    rate=$(median "$name")
    label="$workers x --proc $p"
    printf '| %s | %s | %.2f |\n' "$label" "$rate" "$(echo "$rate / $base" | bc -l)"
  done
} | tee "$run/results.md"
cp "$run/results.md" "$dir/results.md"
