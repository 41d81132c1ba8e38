#!/usr/bin/env bash
# fuzz.sh — the fuzz smoke of .ci/run: every fuzz target of the module for
# FUZZTIME (3 s) with one fuzz worker, each package's instrumented test binary
# built once (go test -c -fuzz=.) and shared by all of its targets.
#
# The work is split so that .ci/run can overlap it with the tests: the targets
# are listed once, one builder process builds the binaries in list order, and
# any number of lanes take the next unclaimed target (a claim is an atomic
# mkdir), each waiting for its package's binary. .ci/run starts the builder and
# one lane before the tests and a second lane when the tests are done.
#
# Usage, from the repository root (STATE is an empty directory):
#
#   .ci/fuzz.sh list STATE        list the targets: STATE/targets, "DIR TARGET" lines
#   .ci/fuzz.sh build STATE       build every listed package's binary, in order
#   .ci/fuzz.sh lane STATE NAME   run unclaimed targets until none is left
#   .ci/fuzz.sh check STATE       every listed target ran and passed
#
# A failing build or finding writes STATE/failed; the other lanes stop taking
# targets, and check fails.
set -euo pipefail

fuzztime="${FUZZTIME:-3s}"
cmd=${1:?usage: fuzz.sh list|build|lane|check STATE [NAME]}
state=${2:?usage: fuzz.sh $cmd STATE}

binary() { printf '%s/bin/%s.test' "$state" "$(printf '%s' "$1" | tr / _)"; }
fail() {
	printf '%s\n' "$*" >>"$state/failed"
	echo "fuzz: $*"
	return 1
}

# fuzz_one DIR BINARY TARGET: a finding (a failing input written, a panic, a
# failed assertion) fails CI. Go 1.26's coordinator can also fail a clean run at
# the -fuzztime boundary with a bare "context deadline exceeded" and no input
# written (golang/go#75804, fixed in Go 1.27): that run is repeated once, and a
# second bare deadline is reported as a warning, not a finding. The corpus
# cache is the one go test -fuzz uses, so what earlier runs found is kept.
fuzz_one() {
	local dir=$1 bin=$2 target=$3 out attempt
	for attempt in 1 2; do
		printf '+ (cd %s && %s -test.run=^$ -test.fuzz=^%s$ -test.fuzztime=%s -test.parallel=1)\n' "$dir" "${bin#"$state"/}" "$target" "$fuzztime"
		if out=$(cd "$dir" && "$bin" -test.run='^$' -test.fuzz="^${target}\$" -test.fuzztime="$fuzztime" \
			-test.parallel=1 -test.fuzzcachedir="$fuzzcache/$module/$dir" 2>&1); then
			printf '%s\n' "$out" | tail -n 2
			return 0
		fi
		printf '%s\n' "$out"
		if printf '%s\n' "$out" | grep -qE 'Failing input written|panic:|Error Trace:|_test\.go:[0-9]+:' ||
			! printf '%s\n' "$out" | grep -q 'context deadline exceeded'; then
			return 1
		fi
		echo "fuzz: $target hit the -fuzztime boundary race (golang/go#75804), no input written; attempt $attempt"
	done
	echo "WARNING: $target: the boundary race twice in a row; no finding was written"
}

case $cmd in
list)
	mkdir -p "$state/bin" "$state/built" "$state/claim" "$state/done"
	: >"$state/targets"
	while IFS= read -r dir; do
		grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$dir"/*_test.go |
			sed -E "s|^func (Fuzz[A-Za-z0-9_]+).*|$dir \\1|" >>"$state/targets"
	done < <(grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . | sed 's|^\./||' | xargs -n1 dirname | sort -u)
	echo "fuzz: $(wc -l <"$state/targets") targets in $(cut -d' ' -f1 "$state/targets" | sort -u | wc -l) packages"
	;;
build)
	start=$SECONDS
	for dir in $(cut -d' ' -f1 "$state/targets" | uniq); do
		[ -e "$state/failed" ] && exit 1
		bin=$(binary "$dir")
		printf '+ go test -c -fuzz=. -o %s ./%s\n' "${bin#"$state"/}" "$dir"
		go test -c -fuzz=. -o "$bin" "./$dir" || fail "building the fuzz binary of $dir failed"
		touch "$state/built/$(basename "$bin")"
	done
	echo "fuzz: binaries built in $((SECONDS - start)) s"
	;;
lane)
	name=${3:?usage: fuzz.sh lane STATE NAME}
	fuzzcache="$(go env GOCACHE)/fuzz"
	module=$(go list -m)
	start=$SECONDS n=0 i=0
	while read -r dir target; do
		i=$((i + 1))
		[ -e "$state/failed" ] && exit 1
		mkdir "$state/claim/$i" 2>/dev/null || continue
		bin=$(binary "$dir")
		until [ -e "$state/built/$(basename "$bin")" ]; do
			[ -e "$state/failed" ] && exit 1
			sleep 0.2
		done
		printf '[lane %s, %d s]\n' "$name" "$((SECONDS - start))"
		fuzz_one "$dir" "$bin" "$target" || fail "$target ($dir) failed"
		touch "$state/done/$i"
		n=$((n + 1))
	done <"$state/targets"
	echo "fuzz: lane $name ran $n targets in $((SECONDS - start)) s"
	;;
check)
	total=$(wc -l <"$state/targets")
	done=$(find "$state/done" -mindepth 1 | wc -l)
	if [ -e "$state/failed" ]; then
		cat "$state/failed"
		exit 1
	fi
	if [ "$done" -ne "$total" ]; then
		echo "fuzz: only $done of $total targets ran"
		exit 1
	fi
	echo "fuzz: all $total targets ran and passed"
	;;
*)
	echo "usage: fuzz.sh list|build|lane|check STATE [NAME]" >&2
	exit 2
	;;
esac
