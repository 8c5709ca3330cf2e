#!/usr/bin/env bash
# Start-up time (process start → the first reading served at /metrics) and RSS of the built distribution.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dist="$root/runtime/distribution/target/hearth"
features="${1:-core,system-monitor,prometheus,file}"
settle="${SETTLE_SECONDS:-60}"
starts="${STARTS:-1}"          # later starts reuse data/ (journal, and the framework cache with CACHE_CLEAN=none)
cache_clean="${CACHE_CLEAN:-}" # onFirstInit (the default in gateway.properties) or none
[ -x "$dist/bin/hearth" ] || { echo "build first: ./hearth version" >&2; exit 1; }
home="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT
cp -r "$dist/." "$home/"
rm -rf "$home/data"
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
printf '\nhearth.features=%s\nhttp.port=%s\n' "$features" "$port" >> "$home/config/gateway.properties"
[ -n "$cache_clean" ] && printf 'cache.clean=%s\n' "$cache_clean" >> "$home/config/gateway.properties"
for n in $(seq 1 "$starts"); do
  start=$(date +%s%N)
  HEARTH_HOME="$home" "$home/bin/hearth" run > "$home/run.log" 2>&1 &
  pid=$!
  # ready = the first reading (a host metric) is served, not just an empty page
  until curl -fs "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -q "^memory_usage{"; do
    sleep 0.05
    kill -0 "$pid" 2>/dev/null || { cat "$home/run.log"; exit 1; }
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  jpid=$(pgrep -P "$pid" java || echo "$pid")
  rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$jpid/status"; }
  echo "start=$n features=$features cache.clean=${cache_clean:-default} start_to_first_metrics_ms=$ready rss_at_ready_mib=$(rss) threads=$(ls /proc/$jpid/task | wc -l)"
  if [ "$n" -lt "$starts" ]; then kill "$pid"; wait "$pid" || true; fi
done
sleep "$settle"
echo "rss_after_${settle}s_mib=$(rss) threads=$(ls /proc/$jpid/task | wc -l)"
