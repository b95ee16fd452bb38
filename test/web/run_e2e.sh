#!/usr/bin/env bash
# The wallboard tests in headless Chromium (Debian's chromium driven by playwright-core).
#
#   test/web/run_e2e.sh BUILD_DIR [SCREENSHOT]   end to end: the simulator and ampd from BUILD_DIR
#                                                (ampd serves etc/www on its WebSocket listener)
#   test/web/run_e2e.sh --mock                   the page against a mocked WebSocket, no server
#
# Loopback only; every wait is bounded; the children started here are killed by pid on exit.
# Exit 0 pass, 1 fail, 77 skipped (no chromium, node or npm: that is the only reason to skip).
# Environment: CHROMIUM (default /usr/bin/chromium), AMPD_BIN, AMPD_SIM_BIN, AMPD_PLUGIN_DIR
# (defaults: BUILD_DIR/core/ampd, BUILD_DIR/tools/asterisk-sim/ampd-asterisk-sim,
# BUILD_DIR/lib/ampd/plugins), AMPD_E2E_KEEP=1 keeps the temporary directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

skip() { echo "SKIP: $*"; exit 77; }
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "chromium is not installed ($chromium; tools/deps installs it)"
command -v node >/dev/null || skip "node is not installed (tools/deps installs it)"
command -v npm >/dev/null || skip "npm is not installed (tools/deps installs it)"
export CHROMIUM=$chromium

# playwright-core from package-lock.json, when node_modules is missing or older than the lock.
# The lock makes this a fixed, verified download; it never fetches a browser.
(
  cd "$here"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "run_e2e: npm ci in $here"
    timeout 300 npm ci --no-audit --no-fund --loglevel=error
  fi
)

if [ "${1:-}" = "--mock" ]; then
  exec timeout 90 node "$here/wallboard_mock.mjs"
fi

build=${1:?usage: run_e2e.sh BUILD_DIR [SCREENSHOT] | --mock}
build=$(cd "$build" && pwd)
ampd=${AMPD_BIN:-$build/core/ampd}
sim=${AMPD_SIM_BIN:-$build/tools/asterisk-sim/ampd-asterisk-sim}
plugins=${AMPD_PLUGIN_DIR:-$build/lib/ampd/plugins}
for f in "$ampd" "$sim"; do [ -x "$f" ] || { echo "FAIL: no $f (build first)"; exit 1; }; done
[ -d "$plugins" ] || { echo "FAIL: no plugin directory $plugins"; exit 1; }

work=$(mktemp -d /tmp/ampd-web-e2e.XXXXXX)
screenshot=${2:-$work/wallboard.png}
sim_pid=""
ampd_pid=""
cleanup() {
  local rc=$?
  for pid in $ampd_pid $sim_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $ampd_pid $sim_pid; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ]; then
    echo "---- simulator log (tail) ----"; tail -n 20 "$work/sim.log" 2>/dev/null || true
    echo "---- ampd log (tail) ----"; tail -n 40 "$work/ampd.log" 2>/dev/null || true
  fi
  if [ "${AMPD_E2E_KEEP:-0}" = 1 ]; then echo "run_e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_for FILE REGEX SECONDS PID: the first matching line of FILE, or fail (at once when the
# process PID that writes FILE has exited).
wait_for() {
  local file=$1 regex=$2 secs=$3 pid=$4 line=""
  for _ in $(seq $((secs * 10))); do
    line=$(grep -m1 -E "$regex" "$file" 2>/dev/null || true)
    [ -n "$line" ] && { printf '%s\n' "$line"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "FAIL: $(basename "$file" .log) exited" >&2; return 1; }
    sleep 0.1
  done
  echo "FAIL: no line matching '$regex' in $file within $secs s" >&2
  return 1
}

# The simulator (Asterisk 20) on a free port: it prints "LISTENING <port>" first.
"$sim" --port 0 >"$work/sim.log" 2>&1 &
sim_pid=$!
sim_port=$(wait_for "$work/sim.log" '^LISTENING [0-9]+' 10 "$sim_pid" | awk '{print $2}')
echo "run_e2e: simulator on 127.0.0.1:$sim_port (pid $sim_pid)"

user=wallboard
secret="wall-$RANDOM-$RANDOM"
hash=$(printf '%s' "$secret" | "$ampd" --hash-secret)
cat >"$work/users.ini" <<USERS
[$user]
secret = $hash
types = monitor
USERS
cat >"$work/ampd.ini" <<CONF
[server]
listen = 127.0.0.1:0
listen_ws = 127.0.0.1:0
web_root = $repo/etc/www
users = users.ini
plugins = $plugins

[logging]
level = information

[asterisk.demo]
host = 127.0.0.1
port = $sim_port
username = admin
secret = amp111
CONF

"$ampd" --config-file="$work/ampd.ini" >"$work/ampd.log" 2>&1 &
ampd_pid=$!
wait_for "$work/ampd.log" ' started \(config ' 20 "$ampd_pid" >/dev/null || exit 1
ws_line=$(wait_for "$work/ampd.log" '\(ws port [0-9]+\)' 5 "$ampd_pid") || exit 1
ws_port=$(printf '%s\n' "$ws_line" | sed -E 's/.*\(ws port ([0-9]+)\).*/\1/')
tcp_port=$(grep -m1 -E '\(port [0-9]+\)' "$work/ampd.log" | sed -E 's/.*\(port ([0-9]+)\).*/\1/')
echo "run_e2e: ampd on 127.0.0.1:$tcp_port, WebSocket and web root on 127.0.0.1:$ws_port (pid $ampd_pid)"
# ampd logs in to the simulator from its own thread: wait for it (bounded), so the Asterisk link
# is up when the page asks.
wait_for "$work/ampd.log" '\(AMI ' 15 "$ampd_pid" >/dev/null || exit 1

AMPD_WS_PORT=$ws_port AMPD_SIM_PORT=$sim_port AMPD_USER=$user AMPD_SECRET=$secret \
  AMPD_SCREENSHOT=$screenshot timeout 90 node "$here/wallboard_e2e.mjs"
echo "run_e2e: screenshot $screenshot"
