#!/usr/bin/env bash
# The main job, end to end on this machine: two local registries (Debian's docker-registry), sample images
# pushed into one with skopeo, then image-syncer's migration-guide command line copies them into the other.
#   bash demo/demo.sh            (from the repository root; installs what is missing, builds the jar)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

missing=()
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v skopeo >/dev/null || missing+=(skopeo)
command -v curl >/dev/null || missing+=(curl)
command -v mvn >/dev/null || missing+=(maven)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
if [ ! -f target/camel-image-syncer.jar ]; then
  echo "== building target/camel-image-syncer.jar"
  mvn -B -q package -DskipTests
fi

work=$(mktemp -d)
# each registry records its pid in $work/NAME/pid (registry runs in a $(...) subshell, whose variables are lost),
# and whatever ends the demo (the end, an error, Ctrl-C) stops them
cleanup() {
  local pidfile
  for pidfile in "$work"/*/pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for port in $(shuf -i 20000-40000 -n 50); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "no free port found" >&2; exit 1
}

# registry NAME: starts one on a free loopback port with storage under $work, prints its host:port
registry() {
  local name=$1 port
  port=$(free_port)
  mkdir -p "$work/$name"
  cat > "$work/$name/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $work/$name/data}
  delete: {enabled: true}
http: {addr: 127.0.0.1:$port, secret: demo-$name}
YAML
  docker-registry serve "$work/$name/config.yml" > "$work/$name/log" 2>&1 &
  echo $! > "$work/$name/pid"
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
    sleep 0.1
  done
  echo "127.0.0.1:$port"
}

source_registry=$(registry harbor)
target_registry=$(registry swr)
echo "== source registry $source_registry, target registry $target_registry"

echo "== pushing sample images into the source with skopeo"
layout="$work/layout"
demo/oci-image.sh "$layout" 1.0 "web app 1.0"
demo/oci-image.sh "$layout" 1.1 "web app 1.1"
demo/oci-image.sh "$layout" 3.19 "base image" amd64 arm64
push() { skopeo copy -q --all --dest-tls-verify=false "oci:$layout:$1" "docker://$source_registry/$2"; }
push 1.0 team/webapp:1.0
push 1.1 team/webapp:1.1
push 3.19 library/alpine:3.19

cd "$work"
cat > auth.json <<JSON
{
  "$source_registry": {"username": "", "password": "", "insecure": true},
  "$target_registry": {"username": "", "password": "", "insecure": true}
}
JSON
cat > images.json <<JSON
{
  "$source_registry/team/webapp": "",
  "$source_registry/library/alpine:3.19": ""
}
JSON
echo "== images.json:"; cat images.json
# bin/camel-image-syncer is `java -jar target/camel-image-syncer.jar` on the newest JDK here, with a start-up
# cache its first run trains (under ~/.cache/camel-image-syncer): the second run below starts from it
echo "== bin/camel-image-syncer --auth=./auth.json --images=./images.json --namespace=dev-container --registry=$target_registry --retries=3 --log=./log"
"$root/bin/camel-image-syncer" --auth=./auth.json --images=./images.json \
  --namespace=dev-container --registry="$target_registry" --retries=3 --log=./log

echo "== the target now holds (skopeo list-tags):"
for repo in dev-container/webapp dev-container/alpine; do
  echo "$repo: $(skopeo list-tags --tls-verify=false "docker://$target_registry/$repo" | tr -d ' \n')"
done
echo "== running the same command again copies nothing:"
"$root/bin/camel-image-syncer" --auth=./auth.json --images=./images.json \
  --namespace=dev-container --registry="$target_registry" --retries=3 --log=./log | tail -1
