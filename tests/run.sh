#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run every test of build directory $1 (default build): the cmocka unit test
# binaries in $1/tests/ and the shell tests in tests/cli/*.sh (TAP-style
# "ok"/"not ok" lines).  Logs go to $1/test-logs/.  Ends with the summary
# line "tests: N passed, N failed, N skipped" and exits non-zero on failure.
# Run one test by name: tests/run.sh build test_json
set -u
O=${1:-build}
only=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
logs="$O/test-logs"
mkdir -p "$logs"
export BATON="$root/$O/baton"
export BATON_ROOT="$root"
pass=0 fail=0 skip=0 failed=""

count() { # $1 = log file, $2 = regexp, prints the sum of the numbers found
	sed -n "s/$2/\\1/p" "$1" | awk '{s+=$1} END {print s+0}'
}

for t in "$O"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	log="$logs/$name.log"
	"$t" >"$log" 2>&1
	rc=$?
	p=$(count "$log" '^\[  PASSED  \] \([0-9]*\) test.*')
	f=$(count "$log" '^\[  FAILED  \] \([0-9]*\) test.*')
	s=$(count "$log" '^\[  SKIPPED \] \([0-9]*\) test.*')
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi # crashed before the summary
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ "$f" != 0 ]; then failed="$failed $name"; echo "FAIL $name (see $log and $logs/$name.d/)"; tail -n 30 "$log"; else echo "ok   $name: $p passed, $s skipped"; fi
done

for t in tests/cli/*.sh; do
	case $(basename "$t") in lib*) continue ;; esac
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	log="$logs/$name.log"
	work=$(mktemp -d)
	(cd "$work" && sh "$root/$t") >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$f" != 0 ] || [ "$rc" != 0 ]; then # keep what the test left, to look at
		rm -rf "$logs/$name.d"
		mkdir -p "$logs/$name.d"
		cp "$work"/*.log "$work"/*.out "$work"/*.txt "$logs/$name.d/" 2>/dev/null
	fi
	rm -rf "$work"
	s=$(grep -c '^skip ' "$log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ "$f" != 0 ]; then failed="$failed $name"; echo "FAIL $name (see $log)"; grep -B2 -A8 '^not ok' "$log" | head -n 60; [ "$rc" != 0 ] && tail -n 20 "$log"; else echo "ok   $name: $p passed, $s skipped"; fi
done

echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] || { echo "failed:$failed"; exit 1; }
