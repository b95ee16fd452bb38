#!/usr/bin/env bash
# Runs one stock-AMI-client-library test against ampd in front of the Asterisk simulator.
#
#   test/clients/run_client_test.sh BUILD_DIR SCRIPT    SCRIPT: *.py (python3) or *.js (node)
#
# Starts the simulator and ampd from BUILD_DIR on free loopback ports in a temporary directory,
# runs SCRIPT with the address and two users in its environment, and always stops both (by pid).
#   AMPD_HOST, AMPD_PORT
#   AMPD_MONITOR_USER, AMPD_MONITOR_SECRET   types = monitor (one type: logs in without Type)
#   AMPD_ADMIN_USER, AMPD_ADMIN_SECRET       types = administrator
# Exit 0 pass, 1 fail, 77 skipped (the library, node or npm cannot be had).
# Environment: PYTHON (default /usr/bin/python3), AMPD_BIN, AMPD_SIM_BIN, AMPD_PLUGIN_DIR
# (defaults: BUILD_DIR/core/ampd, BUILD_DIR/tools/asterisk-sim/ampd-asterisk-sim,
# BUILD_DIR/lib/ampd/plugins), AMPD_CLIENT_KEEP=1 keeps the temporary directory.
set -euo pipefail

skip() { echo "SKIP: $*"; exit 77; }

build=${1:?usage: run_client_test.sh BUILD_DIR SCRIPT}
script=${2:?usage: run_client_test.sh BUILD_DIR SCRIPT}
case "$script" in
  *.py)
    # Debian's python3 by default: python3-panoramisk installs for it, not for a python3 that
    # another installer (pyenv, say) put first on PATH.
    python=${PYTHON:-/usr/bin/python3}
    [ -x "$python" ] || python=$(command -v python3) || skip "python3 is not installed (tools/deps)"
    runner=("$python" "$script")
    ;;
  *.js)
    command -v node >/dev/null || skip "node is not installed (tools/deps installs it)"
    command -v npm >/dev/null || skip "npm is not installed (tools/deps installs it)"
    # The library from package-lock.json, as test/web does: npm ci when node_modules is missing
    # or older than the lock. A registry we cannot reach means the library cannot be had.
    dir=$(cd "$(dirname "$script")" && pwd)
    if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
       [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "run_client_test: npm ci in $dir"
      (cd "$dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) ||
        skip "npm ci failed in $dir: asterisk-manager cannot be installed"
    fi
    runner=(node "$script")
    ;;
  *) echo "FAIL: $script is neither .py nor .js"; exit 1 ;;
esac

build=$(cd "$build" && pwd)
ampd=${AMPD_BIN:-$build/core/ampd}
sim=${AMPD_SIM_BIN:-$build/tools/asterisk-sim/ampd-asterisk-sim}
plugins=${AMPD_PLUGIN_DIR:-$build/lib/ampd/plugins}
for f in "$ampd" "$sim"; do [ -x "$f" ] || { echo "FAIL: no $f (build first)"; exit 1; }; done
[ -d "$plugins" ] || { echo "FAIL: no plugin directory $plugins"; exit 1; }

work=$(mktemp -d /tmp/ampd-clients.XXXXXX)
sim_pid=""
ampd_pid=""
cleanup() {
  local rc=$?
  # A reader that went away (| head) must not stop the cleanup half way.
  set +e
  trap '' PIPE
  for pid in $ampd_pid $sim_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $ampd_pid $sim_pid; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
    echo "---- simulator log (tail) ----"; tail -n 20 "$work/sim.log" 2>/dev/null || true
    echo "---- ampd log (tail) ----"; tail -n 40 "$work/ampd.log" 2>/dev/null || true
  fi
  if [ "${AMPD_CLIENT_KEEP:-0}" = 1 ]; then
    echo "run_client_test: kept $work"
  else
    rm -rf "$work"
  fi
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

mon_secret="mon-$RANDOM-$RANDOM"
admin_secret="boss-$RANDOM-$RANDOM"
cat >"$work/users.ini" <<USERS
[wallboard]
secret = $(printf '%s' "$mon_secret" | "$ampd" --hash-secret)
types = monitor

[boss]
secret = $(printf '%s' "$admin_secret" | "$ampd" --hash-secret)
types = administrator
USERS
cat >"$work/ampd.ini" <<CONF
[server]
listen = 127.0.0.1:0
users = users.ini
plugins = $plugins

[logging]
level = information

[asterisk.pbx]
host = 127.0.0.1
port = $sim_port
username = admin
secret = amp111
CONF

"$ampd" --config-file="$work/ampd.ini" >"$work/ampd.log" 2>&1 &
ampd_pid=$!
wait_for "$work/ampd.log" ' started \(config ' 20 "$ampd_pid" >/dev/null
port=$(wait_for "$work/ampd.log" '\(port [0-9]+\)' 5 "$ampd_pid" |
       sed -E 's/.*\(port ([0-9]+)\).*/\1/')
# The Asterisk link logs in from its own thread: wait for it so the first action finds it up.
wait_for "$work/ampd.log" '\(AMI ' 15 "$ampd_pid" >/dev/null
echo "run_client_test: simulator on 127.0.0.1:$sim_port, ampd on 127.0.0.1:$port"

rc=0
AMPD_HOST=127.0.0.1 AMPD_PORT=$port \
  AMPD_MONITOR_USER=wallboard AMPD_MONITOR_SECRET=$mon_secret \
  AMPD_ADMIN_USER=boss AMPD_ADMIN_SECRET=$admin_secret \
  timeout 60 "${runner[@]}" || rc=$?
[ "$rc" -eq 124 ] && echo "FAIL: $(basename "$script") did not finish within 60 s"
exit "$rc"
