#!/usr/bin/env bash
# Benchmark: this tool against `skopeo sync` on the same machine, in the same run, alternating.
#   bash bench/bench.sh            (from anywhere; installs what is missing, builds the jar if needed)
# It starts local registries (Debian's docker-registry), seeds a reproducible image set (bench/seed.sh; sizes
# from BENCH_* variables), then times cold (empty target) and warm (nothing changed) syncs of both tools, on
# plain loopback and through a WAN-like front that adds BENCH_DELAY_MS to every request (bench/DelayProxy.java),
# with wall time, the client's CPU (user + sys) and peak RSS from /usr/bin/time -v, for `java -jar` and for
# bin/camel-image-syncer (the launcher, trained first on a real sync of the set), and an empty run of each. It also measures the raw ceiling: curl GET of every layer
# from the source and a monolithic PUT into a target, in one stream and in BENCH_PROC parallel streams.
# After each of this tool's runs, every manifest is checked byte-identical at the target (the same digest as at the
# source). Results: a table on stdout and in $BENCH_DIR/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=${BENCH_ROUNDS:-1}
delay=${BENCH_DELAY_MS:-20}
proc=${BENCH_PROC:-8}
modes=${BENCH_MODES-"loopback wan"}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/camel-image-syncer-bench}
jar="$root/target/camel-image-syncer.jar"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

missing=()
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v skopeo >/dev/null || missing+=(skopeo)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v bc >/dev/null || missing+=(bc)
[ -x /usr/bin/time ] || missing+=(time)
command -v mvn >/dev/null || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
[ -f "$jar" ] || mvn -B -q package -DskipTests

mkdir -p "$dir"
run="$dir/run"
rm -rf "$run"
mkdir -p "$run"
source "$root/bench/lib.sh"

# start_registry NAME PORT: a fresh registry with empty storage
start_registry() {
  local name=$1 port=$2
  rm -rf "$run/$name"
  mkdir -p "$run/$name"
  printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage:\n  filesystem: {rootdirectory: %s}\n  delete: {enabled: true}\nhttp: {addr: 127.0.0.1:%s, secret: bench-%s}\n' \
    "$run/$name/data" "$port" "$name" > "$run/$name/config.yml"
  docker-registry serve "$run/$name/config.yml" > "$run/$name/log" 2>&1 &
  echo $! > "$run/$name/pid"
  pids+=($!)
  wait_for "$port"
}

stop_registry() { kill "$(cat "$run/$1/pid")" 2>/dev/null || true; sleep 0.3; }

start_proxy() {
  java "$root/bench/DelayProxy.java" "$1" "$2" "$delay" > "$run/proxy-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q delaying "$run/proxy-$1.log" 2>/dev/null && return; sleep 0.1; done
}

rm -rf "$dir/cache"
mkdir -p "$dir/cache"
echo '{}' > "$run/empty.yaml"

source_port=$(free_port)
start_registry source "$source_port"
echo "== seeding 127.0.0.1:$source_port"
bash "$root/bench/seed.sh" "127.0.0.1:$source_port" "$dir/seed"
set_bytes=$(du -sb "$run/source/data/docker/registry/v2/blobs" | cut -f1)
repos=$(cut -d' ' -f4 "$dir/seed/pushes.txt" | cut -d: -f1 | sort -u)
echo "== set: $(echo "$repos" | wc -l) repositories, $(wc -l < "$dir/seed/pushes.txt") tags, $((set_bytes >> 20)) MiB of blobs"

# CPU seconds the registries in $watched (pids) have used so far: on 2 cores they bound what any client can reach
watched=""
registries_cpu() {
  local ticks=0 pid
  for pid in $watched; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$ticks / $(getconf CLK_TCK)" | bc -l
}

# timed NAME COMMAND...: runs under /usr/bin/time -v, records "seconds rss_mib registries_cpu_seconds
# client_cpu_seconds" (the client's user + sys)
timed() {
  local name=$1 cpu_before
  shift
  cpu_before=$(registries_cpu)
  if ! /usr/bin/time -v -o "$run/$name.time" "$@" > "$run/$name.out" 2>&1; then
    echo "!! $name failed:"; tail -20 "$run/$name.out"; exit 1
  fi
  local wall rss cpu client
  wall=$(grep "Elapsed (wall clock)" "$run/$name.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$run/$name.time" | awk '{print int($NF/1024)}')
  cpu=$(echo "$(registries_cpu) - $cpu_before" | bc -l)
  client=$(awk -F': ' '/User time|System time/ {sum += $2} END {print sum}' "$run/$name.time")
  echo "$wall $rss $cpu $client" > "$run/$name.result"
  printf '   %-28s %7.2f s  %6.2f s CPU  %5d MiB RSS  registries %6.2f s CPU\n' "$name" "$wall" "$client" "$rss" "$cpu"
}

ours() { # ours SOURCE TARGET NAME
  local src=$1 dst=$2 name=$3
  printf '%s: {insecure: true}\n%s: {insecure: true}\n' "$src" "$dst" > "$run/auth.yaml"
  : > "$run/images.yaml"
  for repo in $repos; do echo "$src/$repo: $dst/ours/${repo##*/}" >> "$run/images.yaml"; done
  timed "$name" java -jar "$jar" --auth "$run/auth.yaml" --images "$run/images.yaml" --proc "$proc"
}

fast() { # fast SOURCE TARGET NAME: the same, started through bin/camel-image-syncer (AOT cache or AppCDS)
  local src=$1 dst=$2 name=$3
  printf '%s: {insecure: true}\n%s: {insecure: true}\n' "$src" "$dst" > "$run/auth.yaml"
  : > "$run/images.yaml"
  for repo in $repos; do echo "$src/$repo: $dst/ours/${repo##*/}" >> "$run/images.yaml"; done
  timed "$name" env XDG_CACHE_HOME="$dir/cache" "$root/bin/camel-image-syncer" --auth "$run/auth.yaml" \
    --images "$run/images.yaml" --proc "$proc"
}

peer() { # peer SOURCE TARGET NAME
  local src=$1 dst=$2 name=$3
  { echo "$src:"; echo "  tls-verify: false"; echo "  images:"
    for repo in $repos; do echo "    $repo: []"; done; } > "$run/sync.yaml"
  timed "$name" skopeo sync --src yaml --dest docker --all --preserve-digests --dest-tls-verify=false \
    "$run/sync.yaml" "$dst/skopeo"
}

# verify SOURCE_PORT TARGET_PORT NAME: every tag this tool copied has, at the target, the manifest the source has,
# byte for byte (the same Docker-Content-Digest; blobs are content-addressed and checked by the registry)
accept="application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json"
accept="$accept,application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.docker.distribution.manifest.v2+json"
digest_of() { curl -sfI -H "Accept: $accept" "$1" | tr -d '\r' | awk 'tolower($1)=="docker-content-digest:" {print $2}'; }
verify() {
  local from=$1 to=$2 name=$3 checked=0 ref repo tag want got
  while read -r _ _ _ ref; do
    repo=${ref%%:*}; tag=${ref#*:}
    want=$(digest_of "http://127.0.0.1:$from/v2/$repo/manifests/$tag")
    got=$(digest_of "http://127.0.0.1:$to/v2/ours/${repo##*/}/manifests/$tag")
    if [ -z "$want" ] || [ "$want" != "$got" ]; then
      echo "!! $name: $ref is ${got:-missing} at the target, $want at the source"; exit 1
    fi
    checked=$((checked + 1))
  done < "$dir/seed/pushes.txt"
  echo "   $name: $checked manifests byte-identical at the target"
}

forget_skopeo_cache() { rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb \
  "$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb" 2>/dev/null || true; }

echo "== the launcher's first run, a real sync of the set, trains its cache (not measured)"
target_port=$(free_port)
start_registry train "$target_port"
fast "127.0.0.1:$source_port" "127.0.0.1:$target_port" launcher-training
stop_registry train
rm -rf "$run/train"

echo "== empty runs (an empty images file: JVM start to exit), 5 of each"
for i in 1 2 3 4 5; do
  timed "empty-ours-$i" java -jar "$jar" --images "$run/empty.yaml"
  timed "empty-fast-$i" env XDG_CACHE_HOME="$dir/cache" "$root/bin/camel-image-syncer" --images "$run/empty.yaml"
done

for mode in $modes; do
  src="127.0.0.1:$source_port"
  if [ "$mode" = wan ]; then
    proxy=$(free_port); start_proxy "$proxy" "$source_port"; src="127.0.0.1:$proxy"
  fi
  for round in $(seq 1 "$rounds"); do
    order="ours fast peer"
    [ $((round % 2)) = 0 ] && order="peer fast ours"
    for tool in $order; do
      target_port=$(free_port)
      start_registry "target-$tool" "$target_port"
      watched="$(cat "$run/source/pid") $(cat "$run/target-$tool/pid")"
      dst="127.0.0.1:$target_port"
      if [ "$mode" = wan ]; then
        tproxy=$(free_port); start_proxy "$tproxy" "$target_port"; dst="127.0.0.1:$tproxy"
      fi
      echo "== $mode round $round: $tool"
      forget_skopeo_cache
      "$tool" "$src" "$dst" "$mode-$tool-cold-$round"
      "$tool" "$src" "$dst" "$mode-$tool-warm-$round"
      [ "$tool" = peer ] || verify "$source_port" "$target_port" "$mode-$tool-$round"
      watched=""
      stop_registry "target-$tool"
    done
  done
done

echo "== ceiling: curl GET from the source, monolithic PUT into a target"
target_port=$(free_port)
start_registry ceiling "$target_port"
layers="$run/layers.txt"
storage="$run/source/data/docker/registry/v2"
# every blob of the set once, with a repository that links it (layers and configs)
find "$storage/repositories" -path '*/_layers/sha256/*/link' | while read -r link; do
  hex=$(basename "$(dirname "$link")")
  repo=${link#"$storage/repositories/"}
  echo "${repo%%/_layers/*} sha256:$hex"
done | sort -u -k2,2 > "$layers"
layer_bytes=$(while read -r _ digest; do hex=${digest#sha256:}; stat -c %s "$storage/blobs/sha256/${hex:0:2}/$hex/data"; done < "$layers" | paste -sd+ | bc)
cat > "$run/copy-blob.sh" <<SH
#!/usr/bin/env bash
set -euo pipefail
location=\$(curl -s -i -X POST "http://127.0.0.1:$target_port/v2/ceiling/blobs/uploads/" | tr -d '\r' | awk 'tolower(\$1)=="location:" {print \$2}')
curl -sSf "http://127.0.0.1:$source_port/v2/\$1/blobs/\$2" | curl -sSf -o /dev/null -T - -H "Content-Type: application/octet-stream" "\$location&digest=\$2"
SH
chmod +x "$run/copy-blob.sh"
timed ceiling-1-stream xargs -a "$layers" -L 1 "$run/copy-blob.sh"
stop_registry ceiling
start_registry ceiling "$target_port"
timed "ceiling-$proc-streams" xargs -a "$layers" -L 1 -P "$proc" "$run/copy-blob.sh"

echo "== memory: one image with one 100 MiB layer, then one with a 1 GiB layer"
for mib in 100 1024; do
  BENCH_SINGLE_MIB=$mib bash "$root/bench/seed.sh" "127.0.0.1:$source_port" "$dir/seed"
  target_port=$(free_port)
  start_registry "memory-$mib" "$target_port"
  printf '127.0.0.1:%s: {insecure: true}\n127.0.0.1:%s: {insecure: true}\n' "$source_port" "$target_port" > "$run/auth.yaml"
  echo "127.0.0.1:$source_port/lab/single-$mib:v1: 127.0.0.1:$target_port/memory/single" > "$run/images.yaml"
  timed "memory-$mib-mib" java -jar "$jar" --auth "$run/auth.yaml" --images "$run/images.yaml"
  stop_registry "memory-$mib"
  start_registry "memory-$mib" "$target_port"
  timed "memory-fast-$mib-mib" env XDG_CACHE_HOME="$dir/cache" "$root/bin/camel-image-syncer" \
    --auth "$run/auth.yaml" --images "$run/images.yaml"
  stop_registry "memory-$mib"
done

median() { # median NAME-PREFIX [FIELD]: the median over rounds of the wall time (field 1), registries' CPU (3), client CPU (4)
  { cat "$run/$1"-*.result 2>/dev/null || true; } | cut -d' ' -f"${2:-1}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
# the JDK the launcher chose, as it says (its cache file is named after it)
java_of_launcher() { ls "$dir/cache/camel-image-syncer" | sed -n 's/.*-jdk\(.*\)\.\(aot\|jsa\)$/JDK \1 (\2)/p' | head -1; }
max_rss() { { cat "$run/$1"-*.result 2>/dev/null || true; } | cut -d' ' -f2 | sort -n | tail -1; }

{
  echo "Benchmark on $(nproc) cores, $(date -u +%Y-%m-%d): $(wc -l < "$dir/seed/pushes.txt") tags in $(echo "$repos" | wc -l) repositories, $((layer_bytes >> 20)) MiB of blobs; --proc $proc; WAN front adds $delay ms per request; median of $rounds round(s)."
  echo
  echo "Launcher on $(java_of_launcher)."
  echo
  echo "| run | java -jar | launcher | skopeo sync | ratio java -jar | ratio launcher | client CPU jar / launcher / skopeo | CPU ratio launcher | RSS jar / launcher / skopeo |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for mode in $modes; do
    for phase in cold warm; do
      o=$(median "$mode-ours-$phase"); f=$(median "$mode-fast-$phase"); p=$(median "$mode-peer-$phase")
      oc=$(median "$mode-ours-$phase" 4); fc=$(median "$mode-fast-$phase" 4); pc=$(median "$mode-peer-$phase" 4)
      printf '| %s %s | %.2f s | %.2f s | %.2f s | %.2f | %.2f | %.2f / %.2f / %.2f s | %.2f | %s / %s / %s MiB |\n' \
        "$mode" "$phase" "$o" "$f" "$p" "$(echo "$o / $p" | bc -l)" "$(echo "$f / $p" | bc -l)" "$oc" "$fc" "$pc" \
        "$(echo "$fc / $pc" | bc -l)" "$(max_rss "$mode-ours-$phase")" "$(max_rss "$mode-fast-$phase")" \
        "$(max_rss "$mode-peer-$phase")"
    done
  done
  printf '| empty run | %.2f s | %.2f s | | | | %.2f / %.2f s | | %s / %s MiB |\n' "$(median empty-ours)" \
    "$(median empty-fast)" "$(median empty-ours 4)" "$(median empty-fast 4)" "$(max_rss empty-ours)" \
    "$(max_rss empty-fast)"
  one=$(cut -d' ' -f1 "$run/ceiling-1-stream.result"); many=$(cut -d' ' -f1 "$run/ceiling-$proc-streams.result")
  cold=$(median "loopback-ours-cold")
  printf '\nCeiling (curl GET -> PUT of every blob, loopback): 1 stream %.1f MiB/s, %s streams %.1f MiB/s.\n' \
    "$(echo "$layer_bytes / 1048576 / $one" | bc -l)" "$proc" "$(echo "$layer_bytes / 1048576 / $many" | bc -l)"
  small=$(cut -d' ' -f2 "$run/memory-100-mib.result"); large=$(cut -d' ' -f2 "$run/memory-1024-mib.result")
  printf 'Peak RSS copying one layer, java -jar: 100 MiB -> %s MiB, 1 GiB -> %s MiB (%+.0f%%).\n' "$small" "$large" \
    "$(echo "100 * ($large - $small) / $small" | bc -l)"
  small=$(cut -d' ' -f2 "$run/memory-fast-100-mib.result"); large=$(cut -d' ' -f2 "$run/memory-fast-1024-mib.result")
  printf 'Peak RSS copying one layer, launcher: 100 MiB -> %s MiB, 1 GiB -> %s MiB (%+.0f%%).\n' "$small" "$large" \
    "$(echo "100 * ($large - $small) / $small" | bc -l)"
  if [ -n "$cold" ]; then
    reg=$(median loopback-ours-cold 3); peer_cold=$(median "loopback-peer-cold")
    printf 'Registries'"'"' CPU in the loopback cold run (source + target): %.1f s, so no client can finish under %.1f s on %s cores (%.2f x skopeo'"'"'s time).\n' \
      "$reg" "$(echo "$reg / $(nproc)" | bc -l)" "$(nproc)" "$(echo "$reg / $(nproc) / $peer_cold" | bc -l)"
  fi
  [ -z "$cold" ] || printf 'camel-image-syncer cold on loopback: %.1f MiB/s, %.0f%% of the 1-stream ceiling.\n' \
    "$(echo "$layer_bytes / 1048576 / $cold" | bc -l)" "$(echo "100 * $one / $cold" | bc -l)"
} | tee "$dir/results.md"
