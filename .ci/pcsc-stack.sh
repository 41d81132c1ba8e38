#!/usr/bin/env bash
# pcsc-stack.sh — bring up a private PC/SC stack for the real-stack tests:
# pcscd (pcsc-lite) with vsmartcard's vpcd virtual reader driver, in its own
# mount namespace with its own socket and its own vpcd port, so that CI and
# a developer's run (or two test binaries) share one machine without seeing
# each other's pcscd.
#
# How: pcscd 1.9.9 always listens on /run/pcscd/pcscd.comm (it ignores
# PCSCLITE_CSOCK_NAME), so it runs under `unshare --mount` with the state
# directory's run/ bind-mounted on /run/pcscd; the socket appears outside as
# $STATE/run/pcscd.comm, and the client library (libpcsclite, used by
# adapters/pcsc, pyscard and scriptor alike) is pointed at it with
# PCSCLITE_CSOCK_NAME. The vpcd port is the first free pair from 35963 up
# (or STUDENTCARD_VPCD_PORT). Another pcscd on the machine, the system's or
# another run's, is never touched.
#
# Usage (from the repository root, as root on a fresh Debian/Ubuntu machine):
#
#   stack_env=$(.ci/pcsc-stack.sh)     # install if missing, start pcscd; fails loudly
#   eval "$stack_env"                  # export PCSCLITE_CSOCK_NAME, PCSCD_PID, ...
#   go test ./...                      # the real-stack tests use this stack
#   .ci/pcsc-stack.sh stop             # stops the pcscd of $STUDENTCARD_PCSC_STATE
#
# Without it, `go test` starts one private stack per test binary itself
# (adapters/pcsc/pcsctest.Main), which is what .ci/run relies on.
#
# (A bare `eval "$(.ci/pcsc-stack.sh)"` would hide a failure of the script:
# eval of an empty string succeeds.)
#
# stdout carries only `export NAME=value` lines; progress and errors go to
# stderr. The exported variables:
#
#   PCSCD_PID                 pid of the pcscd this script started (stop it by this pid)
#   PCSCLITE_CSOCK_NAME       the private pcscd's socket, for the client library
#   STUDENTCARD_PCSC_STACK=1  tells the Go tests the stack is up: they FAIL, never skip
#   STUDENTCARD_PCSC_STATE    the state directory (pass it back to stop or restart)
#   STUDENTCARD_VPCD_PORT     the vpcd port of this stack
#   STUDENTCARD_VPCD_ADDR     where the vpcd driver waits for the card (127.0.0.1:port)
#   STUDENTCARD_VPCD_READER   the PC/SC name of that reader ("Virtual PCD 00 00")
#   STUDENTCARD_PCSCD_LOG     pcscd's log file (print it when a test fails)
#
# Commands: start (default; idempotent: a healthy pcscd of the same state
# directory is reused, stale files of a dead one removed), stop, restart (stop
# and start again on the same socket and port: the fault tests' "pcscd
# restarted under a live session").
#
# Environment knobs:
#   STUDENTCARD_PCSC_STATE      state directory (default /tmp/studentcard-pcsc-ns)
#   STUDENTCARD_VPCD_PORT       vpcd TCP port (default: first free pair from 35963; the reader on port+1 exists too)
#   STUDENTCARD_PCSCD_ARGS      extra pcscd arguments, e.g. "--debug --apdu"
#   STUDENTCARD_PCSC_NO_INSTALL 1 = never call apt-get (fail if packages are missing)
set -euo pipefail

log() { printf 'pcsc-stack: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

STATE=${STUDENTCARD_PCSC_STATE:-/tmp/studentcard-pcsc-ns}
PIDFILE=$STATE/pcscd.pid
PORTFILE=$STATE/port
LOGFILE=$STATE/pcscd.log
CONFDIR=$STATE/reader.conf.d
SOCKDIR=$STATE/run # bind-mounted on /run/pcscd in pcscd's namespace
SOCKET=$SOCKDIR/pcscd.comm
SYSPID=$SOCKDIR/pcscd.pid
READER="Virtual PCD 00 00"
VPCD_DRIVER_DEFAULT=/usr/lib/pcsc/drivers/serial/libifdvpcd.so

# alive PID: the process exists and is not a zombie (in containers whose
# PID 1 does not reap, a dead pcscd lingers as a zombie).
alive() {
	local pid=$1 stat
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# is_pcscd PID: the process is alive and is a pcscd.
is_pcscd() {
	alive "$1" && [[ "$(cat "/proc/$1/comm" 2>/dev/null || true)" == pcscd ]]
}

# port_listening PORT: something listens on the TCP port (read from /proc, no ss/netstat needed).
port_listening() {
	local hex
	hex=$(printf '%04X' "$1")
	awk -v p=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# stop_pid PID: TERM, wait up to 5 s, then KILL.
stop_pid() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		alive "$pid" || return 0
		sleep 0.1
	done
	log "pcscd $pid ignored SIGTERM; sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
}

emit_env() {
	printf 'export PCSCD_PID=%q\n' "$1"
	printf 'export PCSCLITE_CSOCK_NAME=%q\n' "$SOCKET"
	printf 'export STUDENTCARD_PCSC_STACK=1\n'
	printf 'export STUDENTCARD_PCSC_STATE=%q\n' "$STATE"
	printf 'export STUDENTCARD_VPCD_PORT=%q\n' "$PORT"
	printf 'export STUDENTCARD_VPCD_ADDR=%q\n' "127.0.0.1:$PORT"
	printf 'export STUDENTCARD_VPCD_READER=%q\n' "$READER"
	printf 'export STUDENTCARD_PCSCD_LOG=%q\n' "$LOGFILE"
}

stop_ours() {
	if [[ -f $PIDFILE ]] && is_pcscd "$(cat "$PIDFILE")"; then
		pid=$(cat "$PIDFILE")
		log "stopping pcscd $pid"
		stop_pid "$pid"
	fi
	rm -f "$PIDFILE" "$SOCKET" "$SYSPID"
}

cmd=${1:-start}
case $cmd in
stop)
	stop_ours
	exit 0
	;;
restart)
	[[ -f $PORTFILE ]] || die "no stack to restart in $STATE"
	stop_ours
	STUDENTCARD_VPCD_PORT=$(cat "$PORTFILE")
	;;
start) ;;
*) die "usage: $0 [start|stop|restart]" ;;
esac

# --- 1. packages -------------------------------------------------------------
vpcd_driver() {
	# The driver path from the package's own configuration, else the Debian default.
	local p=""
	if [[ -r /etc/reader.conf.d/vpcd ]]; then
		p=$(awk '$1 == "LIBPATH" { print $2; exit }' /etc/reader.conf.d/vpcd)
	fi
	[[ -n $p && -e $p ]] || p=$VPCD_DRIVER_DEFAULT
	printf '%s' "$p"
}

missing=()
# pcscd lives in /usr/sbin, which a non-login PATH may lack.
PCSCD=$(command -v pcscd 2>/dev/null || true)
[[ -n $PCSCD ]] || { [[ -x /usr/sbin/pcscd ]] && PCSCD=/usr/sbin/pcscd; } || missing+=(pcscd)
[[ -e "$(vpcd_driver)" ]] || missing+=(vsmartcard-vpcd)
[[ -e /usr/include/PCSC/winscard.h ]] || missing+=(libpcsclite-dev)
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev) # cgo, for adapters/pcsc

if ((${#missing[@]})); then
	[[ ${STUDENTCARD_PCSC_NO_INSTALL:-0} == 1 ]] && die "missing packages: ${missing[*]} (and STUDENTCARD_PCSC_NO_INSTALL=1)"
	[[ $(id -u) == 0 ]] || die "missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
	command -v apt-get >/dev/null 2>&1 || die "missing packages: ${missing[*]} and no apt-get"
	# pcscd's postinst runs `invoke-rc.d pcscd start` (a daemonised pcscd via
	# /etc/init.d) when no policy forbids it. Forbid it for this install, as
	# Docker images do, so the only pcscd is ours.
	policy_added=0
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy_added=1
	fi
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	rc=0
	{ apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
	((policy_added)) && rm -f /usr/sbin/policy-rc.d
	((rc == 0)) || die "apt-get failed ($rc)"
fi
DRIVER=$(vpcd_driver)
[[ -e $DRIVER ]] || die "vpcd driver not found at $DRIVER"

mkdir -p "$STATE" "$CONFDIR"

# --- 2. reuse our pcscd if it is still running ------------------------------
if [[ -f $PIDFILE ]]; then
	pid=$(cat "$PIDFILE")
	if is_pcscd "$pid" && [[ -S $SOCKET && -f $PORTFILE ]] && port_listening "$(cat "$PORTFILE")"; then
		PORT=$(cat "$PORTFILE")
		log "reusing pcscd $pid started by an earlier run"
		emit_env "$pid"
		exit 0
	fi
	if is_pcscd "$pid"; then
		log "pcscd $pid from an earlier run is not healthy; restarting it"
		stop_pid "$pid"
	fi
	rm -f "$PIDFILE"
fi

# --- 3. stale files of a dead pcscd, and the port ----------------------------
mkdir -p "$SOCKDIR"
rm -f "$SOCKET" "$SYSPID"
if [[ -n ${STUDENTCARD_VPCD_PORT:-} ]]; then
	PORT=$STUDENTCARD_VPCD_PORT
	if port_listening "$PORT" || port_listening $((PORT + 1)); then
		die "TCP port $PORT or $((PORT + 1)) is already in use by another program; set another STUDENTCARD_VPCD_PORT"
	fi
else
	PORT=35963
	while port_listening "$PORT" || port_listening $((PORT + 1)); do
		PORT=$((PORT + 2))
		((PORT < 36963)) || die "no free pair of TCP ports between 35963 and 36963"
	done
fi
printf '%s\n' "$PORT" >"$PORTFILE"

# --- 4. a private mount namespace --------------------------------------------
# As root, `unshare --mount`; otherwise a user namespace mapping us to root.
# pcscd needs the mount point /run/pcscd to exist.
[[ -d /run/pcscd ]] || mkdir -p /run/pcscd 2>/dev/null || die "/run/pcscd does not exist and cannot be created; run as root"
if unshare --mount --propagation private true 2>/dev/null; then
	ns=(unshare --mount --propagation private)
elif unshare --user --map-root-user --mount --propagation private true 2>/dev/null; then
	ns=(unshare --user --map-root-user --mount --propagation private)
else
	die "cannot create a mount namespace (unshare --mount); run as root"
fi

# --- 5. our reader configuration: only the vpcd driver ----------------------
channel=$(printf '0x%04X' "$PORT")
cat >"$CONFDIR/vpcd" <<EOF
# written by .ci/pcsc-stack.sh: vsmartcard's virtual reader; the card connects
# to TCP port $PORT (reader "$READER") and $((PORT + 1)) ("Virtual PCD 00 01").
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$channel
LIBPATH      $DRIVER
CHANNELID    $channel
EOF

# --- 6. start pcscd in the foreground, in its namespace, detached -----------
: >"$LOGFILE"
# stdout/stderr go to the log, so `eval "$(pcsc-stack.sh)"` does not wait for
# pcscd. unshare and sh exec, so $! is pcscd's pid.
# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
"${ns[@]}" sh -c 'mount --bind "$1" /run/pcscd && shift && exec "$@"' sh "$SOCKDIR" \
	"$PCSCD" --foreground --config "$CONFDIR" ${STUDENTCARD_PCSCD_ARGS:-} </dev/null >>"$LOGFILE" 2>&1 &
pid=$!
printf '%s\n' "$pid" >"$PIDFILE"
log "started pcscd $pid (log $LOGFILE)"

# --- 7. wait until ready: socket and vpcd port ------------------------------
for _ in $(seq 100); do
	if ! alive "$pid"; then
		cat "$LOGFILE" >&2
		rm -f "$PIDFILE"
		die "pcscd exited during start-up"
	fi
	if [[ -S $SOCKET ]] && port_listening "$PORT"; then
		log "pcscd ready; vpcd waits for the card on 127.0.0.1:$PORT"
		emit_env "$pid"
		exit 0
	fi
	sleep 0.1
done
cat "$LOGFILE" >&2
stop_pid "$pid"
rm -f "$PIDFILE"
die "pcscd did not become ready within 10 s"
