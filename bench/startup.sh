#!/usr/bin/env bash
# Start-up time (process start → the first reading served at /metrics) and RSS of the built distribution.
#   bench/startup.sh [features]            `bin/hearth run` with these features (default below)
#   VERB=demo bench/startup.sh             `bin/hearth demo`, as ./hearth demo runs it (state in data/demo)
#   SETTLE_SECONDS=300                     when to sample the RSS again (default 60)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dist="$root/runtime/distribution/target/hearth"
verb="${VERB:-run}"
# the demo runs as shipped (gateway.properties' features + demo) unless features are given
features="${1:-}"
[ -z "$features" ] && [ "$verb" = run ] && features=core,system-monitor,prometheus,file
settle="${SETTLE_SECONDS:-60}"
starts="${STARTS:-1}"          # later starts reuse data/ (journal, and the framework cache with CACHE_CLEAN=none)
cache_clean="${CACHE_CLEAN:-}" # onFirstInit (the default in gateway.properties) or none
[ -x "$dist/bin/hearth" ] || { echo "build first: ./hearth version" >&2; exit 1; }
home="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT
cp -r "$dist/." "$home/"
rm -rf "$home/data"
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
printf '\nhttp.port=%s\n' "$port" >> "$home/config/gateway.properties"
[ -n "$features" ] && printf 'hearth.features=%s\n' "$features" >> "$home/config/gateway.properties"
[ -n "$cache_clean" ] && printf 'cache.clean=%s\n' "$cache_clean" >> "$home/config/gateway.properties"
for n in $(seq 1 "$starts"); do
  start=$(date +%s%N)
  HEARTH_HOME="$home" "$home/bin/hearth" "$verb" > "$home/run.log" 2>&1 &
  pid=$!
  # ready = the first reading (a host metric) is served, not just an empty page
  until curl -fs "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -q "^memory_usage{"; do
    sleep 0.05
    kill -0 "$pid" 2>/dev/null || { cat "$home/run.log"; exit 1; }
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  jpid=$(pgrep -P "$pid" java || echo "$pid")
  rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$jpid/status"; }
  echo "start=$n verb=$verb features=${features:-shipped} cache.clean=${cache_clean:-default} start_to_first_metrics_ms=$ready rss_at_ready_mib=$(rss) threads=$(ls /proc/$jpid/task | wc -l)"
  if [ "$n" -lt "$starts" ]; then kill "$pid"; wait "$pid" || true; fi
done
sleep "$settle"
echo "rss_after_${settle}s_mib=$(rss) threads=$(ls /proc/$jpid/task | wc -l) peak_rss_mib=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$jpid/status")"
