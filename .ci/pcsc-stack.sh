#!/usr/bin/env bash
# pcsc-stack.sh — bring up the real PC/SC stack for the real-stack tests:
# pcscd (pcsc-lite) with vsmartcard's vpcd virtual reader driver, plus the
# headers cgo needs for adapters/pcsc.
#
# Usage (from the repository root, as root on a fresh Debian/Ubuntu machine),
# e.g. in .ci/run under `set -euo pipefail`:
#
#   stack_env=$(.ci/pcsc-stack.sh)     # install if missing, start pcscd; fails loudly
#   eval "$stack_env"                  # export PCSCD_PID, STUDENTCARD_PCSC_STACK=1, ...
#   trap 'kill "$PCSCD_PID" 2>/dev/null || true' EXIT   # or: .ci/pcsc-stack.sh stop
#   go test ./...                      # the real-stack tests run and must pass
#
# (A bare `eval "$(.ci/pcsc-stack.sh)"` would hide a failure of the script:
# eval of an empty string succeeds.)
#
# stdout carries only `export NAME=value` lines; progress and errors go to
# stderr. The exported variables:
#
#   PCSCD_PID                 pid of the pcscd this script started (stop it by this pid)
#   STUDENTCARD_PCSC_STACK=1  tells the Go tests the stack is up: they FAIL, never skip
#   STUDENTCARD_VPCD_ADDR     where the vpcd driver waits for the card (127.0.0.1:35963)
#   STUDENTCARD_VPCD_READER   the PC/SC name of that reader ("Virtual PCD 00 00")
#   STUDENTCARD_PCSCD_LOG     pcscd's log file (print it when a test fails)
#
# Idempotent: a pcscd started by an earlier run and still alive is reused;
# stale sockets and pid files of a dead one are removed. pcscd runs in the
# foreground (no systemd, no init script), detached from this shell, with its
# own reader configuration directory, so /etc/reader.conf.d is not needed and
# no other reader driver is loaded.
#
# Environment knobs:
#   STUDENTCARD_PCSC_STATE     state directory (default /tmp/studentcard-pcsc)
#   STUDENTCARD_VPCD_PORT      vpcd TCP port (default 35963; the reader on port+1 exists too)
#   STUDENTCARD_PCSCD_ARGS     extra pcscd arguments, e.g. "--debug --apdu"
#   STUDENTCARD_PCSC_TAKEOVER  1 = stop a pcscd this script did not start (default: 1 when CI=true)
#   STUDENTCARD_PCSC_NO_INSTALL 1 = never call apt-get (fail if packages are missing)
set -euo pipefail

log() { printf 'pcsc-stack: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

STATE=${STUDENTCARD_PCSC_STATE:-/tmp/studentcard-pcsc}
PORT=${STUDENTCARD_VPCD_PORT:-35963}
PIDFILE=$STATE/pcscd.pid
LOGFILE=$STATE/pcscd.log
CONFDIR=$STATE/reader.conf.d
RUNDIR=/run/pcscd
SOCKET=$RUNDIR/pcscd.comm
SYSPID=$RUNDIR/pcscd.pid
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
	printf 'export STUDENTCARD_PCSC_STACK=1\n'
	printf 'export STUDENTCARD_VPCD_ADDR=%q\n' "127.0.0.1:$PORT"
	printf 'export STUDENTCARD_VPCD_READER=%q\n' "$READER"
	printf 'export STUDENTCARD_PCSCD_LOG=%q\n' "$LOGFILE"
}

if [[ ${1:-start} == stop ]]; then
	if [[ -f $PIDFILE ]] && is_pcscd "$(cat "$PIDFILE")"; then
		pid=$(cat "$PIDFILE")
		log "stopping pcscd $pid"
		stop_pid "$pid"
	fi
	rm -f "$PIDFILE"
	exit 0
fi
[[ ${1:-start} == start ]] || die "usage: $0 [start|stop]"

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
command -v pcscd >/dev/null 2>&1 || [[ -x /usr/sbin/pcscd ]] || missing+=(pcscd)
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
	if is_pcscd "$pid" && [[ -S $SOCKET ]] && port_listening "$PORT"; then
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

# --- 3. a pcscd we did not start --------------------------------------------
takeover=${STUDENTCARD_PCSC_TAKEOVER:-}
[[ -n $takeover ]] || { [[ ${CI:-} == true ]] && takeover=1 || takeover=0; }
others=""
for comm in /proc/[0-9]*/comm; do # no pgrep: procps is not on every bare image
	pid=${comm#/proc/}
	pid=${pid%/comm}
	if [[ "$(cat "$comm" 2>/dev/null || true)" == pcscd ]] && alive "$pid"; then
		others+="${others:+ }$pid"
	fi
done
if [[ -n $others ]]; then
	if [[ $takeover != 1 ]]; then
		die "another pcscd is running (pid $others); stop it (systemctl stop pcscd.socket pcscd) or set STUDENTCARD_PCSC_TAKEOVER=1"
	fi
	for pid in $others; do
		log "stopping pcscd $pid that this script did not start (CI takeover)"
		stop_pid "$pid"
	done
fi

# --- 4. stale files of a dead pcscd -----------------------------------------
if [[ -e $SOCKET || -e $SYSPID ]]; then
	log "removing stale $SOCKET / $SYSPID"
	rm -f "$SOCKET" "$SYSPID"
fi
if port_listening "$PORT"; then
	die "TCP port $PORT is already in use by another program; set STUDENTCARD_VPCD_PORT"
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

# --- 6. start pcscd in the foreground, detached from this shell -------------
mkdir -p "$RUNDIR"
: >"$LOGFILE"
# stdout/stderr go to the log, so `eval "$(pcsc-stack.sh)"` does not wait for pcscd.
# shellcheck disable=SC2086 # word splitting of extra args is intended
pcscd --foreground --config "$CONFDIR" ${STUDENTCARD_PCSCD_ARGS:-} </dev/null >>"$LOGFILE" 2>&1 &
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
