#!/usr/bin/env bash
# ops.init_script: install the build tree into a temporary root (DESTDIR) and drive ampd through
# the installed etc/init.d/ampd: start, status, reload with a logged-in client that must stay
# connected and keep answering, stop, pid file gone, status 3.
#
# usage: init_script_test.sh BUILD_DIR SBINDIR SYSCONFDIR LIBDIR   (the FULL install paths)
# Exit 0 passed, 1 failed, 77 skipped (a tool is missing). Every wait is bounded.
set -u

build=$1 sbindir=$2 sysconfdir=$3 libdir=$4

skip() { echo "SKIP: $*"; exit 77; }
fail() {
	echo "FAIL: $*"
	for f in "${tmp:-/nonexistent}"/log/ampd.log*; do
		[ -f "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }
	done
	exit 1
}
step() { echo "== $*"; }

command -v start-stop-daemon >/dev/null || skip "start-stop-daemon is missing (Debian: dpkg)"
[ -r /lib/lsb/init-functions ] || skip "/lib/lsb/init-functions is missing (Debian: sysvinit-utils)"
command -v timeout >/dev/null || skip "timeout is missing (coreutils)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ampd-ops.XXXXXX") || fail "mktemp"
root=$tmp/root
pidfile=$tmp/run/ampd/ampd.pid

cleanup() {
	exec 3<&- 3>&- 4<&- 4>&- 2>/dev/null
	if [ -s "$pidfile" ]; then
		pid=$(cat "$pidfile")
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

step "install into $root"
DESTDIR=$root timeout 120 cmake --install "$build" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "cmake --install with DESTDIR"; }
daemon=$root$sbindir/ampd
initd=$root$sysconfdir/init.d/ampd
plugins=$root$libdir/ampd/plugins
[ -x "$daemon" ] || fail "no $daemon"
[ -x "$initd" ] || fail "no executable $initd"
[ -r "$root$sysconfdir/default/ampd" ] || fail "no $root$sysconfdir/default/ampd"
[ -d "$plugins" ] || fail "no $plugins"

# A free loopback port: bind port 0 and let the kernel choose; without python3, probe.
free_port() {
	if command -v python3 >/dev/null; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
		return
	fi
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 9<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
	return 1
}
port=$(free_port) || fail "no free port"

step "configuration on 127.0.0.1:$port"
mkdir -p "$tmp/conf" "$tmp/log" || fail "mkdir"
hash=$(printf '%s' 'ops-secret-1' | timeout 30 "$daemon" --hash-secret) || fail "ampd --hash-secret"
case "$hash" in pbkdf2-*) ;; *) fail "--hash-secret printed '$hash'" ;; esac
cat >"$tmp/conf/ampd.ini" <<EOF
[server]
listen = 127.0.0.1:$port
users = users.ini
plugins = $plugins

[logging]
target = file
file = $tmp/log/ampd.log
level = information
EOF
cat >"$tmp/conf/users.ini" <<EOF
[opsuser]
secret = $hash
types = monitor
EOF
timeout 30 "$daemon" --check-config --config-file="$tmp/conf/ampd.ini" ||
	fail "the generated configuration does not pass --check-config"

# The init script reads these from the defaults file named by AMPD_DEFAULTS (see its header).
cat >"$tmp/default-ampd" <<EOF
ENABLED=yes
DAEMON=$daemon
CONFIG=$tmp/conf/ampd.ini
PIDFILE=$pidfile
RUN_AS=
STOP_TIMEOUT=10
DAEMON_OPTS=
EOF
initd() {
	# SYSTEMCTL_SKIP_REDIRECT: never hand this over to systemctl (a script outside /etc/init.d
	# is not redirected anyway).
	env AMPD_DEFAULTS="$tmp/default-ampd" SYSTEMCTL_SKIP_REDIRECT=1 timeout 60 "$initd" "$@"
}

# --- a client over bash's /dev/tcp: fd 3 (and fd 4 for the second one) -------------------
# read_message FD: one AMI message (lines up to a blank line) into $msg, 5 s per line at most.
read_message() {
	local fd=$1 line
	msg=""
	while IFS= read -r -t 5 -u "$fd" line; do
		line=${line%$'\r'}
		[ -z "$line" ] && { [ -n "$msg" ] && return 0 || continue; }
		msg+="$line"$'\n'
	done
	return 1
}
# send FD LINES...: one message, CRLF line ends and a blank line.
send() {
	local fd=$1 out=""
	shift
	for l in "$@"; do out+="$l"$'\r\n'; done
	printf '%s\r\n' "$out" >&"$fd"
}
# expect_reply FD ACTIONID PATTERN: read messages (events are skipped) until the one carrying
# ACTIONID; it must match PATTERN (an extended regex).
expect_reply() {
	local fd=$1 id=$2 pattern=$3
	for _ in $(seq 20); do
		read_message "$fd" || fail "no answer for ActionID $id (connection closed or 5 s)"
		if grep -q "^ActionID: $id\$" <<<"$msg"; then
			grep -Eq "$pattern" <<<"$msg" || fail "ActionID $id answered:"$'\n'"$msg"
			return 0
		fi
	done
	fail "ActionID $id: no answer among 20 messages"
}
connect() {
	local fd=$1
	eval "exec $fd<>/dev/tcp/127.0.0.1/$port" 2>/dev/null || fail "cannot connect to 127.0.0.1:$port"
	IFS= read -r -t 5 -u "$fd" banner || fail "no banner"
	case "$banner" in "Asterisk Call Manager/"*) ;; *) fail "banner '$banner'" ;; esac
}
login() {  # login FD USER SECRET ACTIONID
	send "$1" "Action: Login" "Username: $2" "Secret: $3" "ActionID: $4"
	expect_reply "$1" "$4" '^Response: Success'
}

# --- start ---------------------------------------------------------------------------------
step "init script: start"
initd start || fail "start exited $?"
[ -s "$pidfile" ] || fail "no pid file $pidfile after start"
pid=$(cat "$pidfile")
kill -0 "$pid" 2>/dev/null || fail "pid $pid from the pid file is not running"

step "init script: status (running)"
initd status; rc=$?
[ $rc -eq 0 ] || fail "status exited $rc while running (want 0)"

step "init script: start again (already running: 0, same process)"
initd start || fail "a second start exited $?"
[ "$(cat "$pidfile")" = "$pid" ] || fail "a second start replaced the daemon"

step "client logs in and pings"
connect 3
login 3 opsuser ops-secret-1 1
send 3 "Action: Ping" "ActionID: 2"
expect_reply 3 2 '^Response: Success'

# --- reload ----------------------------------------------------------------------------------
step "reload: users file gains a user, the log file was rotated away"
hash2=$(printf '%s' 'ops-secret-2' | timeout 30 "$daemon" --hash-secret) || fail "--hash-secret"
cat >>"$tmp/conf/users.ini" <<EOF

[opsuser2]
secret = $hash2
types = monitor
EOF
mv "$tmp/log/ampd.log" "$tmp/log/ampd.log.1" || fail "no log file $tmp/log/ampd.log to rotate"
initd reload || fail "reload exited $?"

# The reload is asynchronous: give the daemon a moment (bounded) to log it to the new file.
for _ in $(seq 50); do [ -s "$tmp/log/ampd.log" ] && break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null || fail "ampd (pid $pid) died on SIGHUP"
[ "$(cat "$pidfile" 2>/dev/null)" = "$pid" ] || fail "the pid file changed on reload"

step "the client is still connected and answers"
send 3 "Action: Ping" "ActionID: 3"
expect_reply 3 3 '^Response: Success'

step "the user added before the reload can log in"
connect 4
login 4 opsuser2 ops-secret-2 10
send 4 "Action: Logoff" "ActionID: 11"
expect_reply 4 11 '^Response: Goodbye'
exec 4<&- 4>&-

step "the log file was reopened"
[ -s "$tmp/log/ampd.log" ] || fail "nothing written to a new $tmp/log/ampd.log after SIGHUP"

step "init script: status after reload (running)"
initd status || fail "status exited $? after reload"

# --- stop ------------------------------------------------------------------------------------
step "init script: stop"
initd stop || fail "stop exited $?"
kill -0 "$pid" 2>/dev/null && fail "ampd (pid $pid) still runs after stop"
[ -e "$pidfile" ] && fail "the pid file $pidfile is still there after stop"

step "the client was said goodbye to and disconnected"
got_eof=no got_goodbye=no
for _ in $(seq 200); do
	IFS= read -r -t 5 -u 3 line; rc=$?
	[ $rc -gt 128 ] && fail "the client connection stayed open after stop (5 s without data)"
	[ $rc -ne 0 ] && { got_eof=yes; break; }
	[ "${line%$'\r'}" = "Event: Shutdown" ] && got_goodbye=yes
done
[ $got_eof = yes ] || fail "the client connection stayed open after stop"
[ $got_goodbye = yes ] || fail "the client got no 'Event: Shutdown' before the connection closed"
exec 3<&- 3>&-

step "init script: status (stopped: 3)"
initd status; rc=$?
[ $rc -eq 3 ] || fail "status exited $rc after stop (want 3)"

step "init script: stop again (not running: 0)"
initd stop || fail "a second stop exited $?"

grep -q "ampd stopped" "$tmp/log/ampd.log" || fail "no 'ampd stopped' in the log"
echo "PASS"
