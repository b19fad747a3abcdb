# Shared by bench/bench.sh and bench/scale.sh (sourced): the processes they start, stopped at exit, free
# loopback ports, and waiting for a registry.
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() {
  local port
  for port in $(shuf -i 20000-40000 -n 100); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "no free port" >&2; exit 1
}

wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/v2/" && return; sleep 0.1; done; }
