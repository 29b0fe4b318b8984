#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run every test of build directory $1 (default build): the cmocka unit test
# binaries in $1/tests/ and the shell tests in tests/cli/*.sh (TAP-style
# "ok"/"not ok" lines).  Logs go to $1/test-logs/.  Ends with the summary
# line "tests: N passed, N failed, N skipped" and exits non-zero on failure.
# Run one test by name: tests/run.sh build test_json
#
# BATON_TEST_BACKENDS="sqlite postgres" runs the shell tests a second time
# on PostgreSQL (the server of tests/pg.sh run, in BATON_TEST_PG_DIR), with
# $BATON set to tests/pgwrap.sh, which gives each database path of a test a
# database of its own there; their logs go to $1/test-logs/postgres/.  The
# unit tests run once (test_pgstore runs the store's contract on both
# backends).  A test about SQLite itself says so with sqlite_only
# (tests/cli/lib.sh) and skips in that pass.  BATON_TEST_NO_UNIT=1 runs the
# shell tests only.
set -u
O=${1:-build}
only=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
logs="$O/test-logs"
mkdir -p "$logs"
export BATON="$root/$O/baton"
export BATON_ROOT="$root"
backends=${BATON_TEST_BACKENDS:-sqlite}
pass=0 fail=0 skip=0 failed=""

count() { # $1 = log file, $2 = regexp, prints the sum of the numbers found
	sed -n "s/$2/\\1/p" "$1" | awk '{s+=$1} END {print s+0}'
}

for t in "$O"/tests/test_*; do
	[ -n "${BATON_TEST_NO_UNIT:-}" ] && break
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

for backend in $backends; do
	export BATON_TEST_BACKEND="$backend"
	case $backend in
	sqlite) on= logs="$O/test-logs" ;;
	postgres)
		on=" (postgres)" logs="$O/test-logs/postgres"
		if [ -z "${BATON_TEST_PG_DIR:-}" ]; then
			echo "skip the tests on PostgreSQL: none could be started (tests/pg.sh run)"
			skip=$((skip + 1))
			continue
		fi
		export BATON_REAL="$root/$O/baton" BATON="$root/tests/pgwrap.sh"
		# a writer on PostgreSQL needs the key (docs/storage.md)
		export BATON_SECRET_KEY=baton-tests-on-postgresql-0123456789abcdef
		;;
	*) echo "BATON_TEST_BACKENDS: sqlite or postgres, not '$backend'" >&2; exit 2 ;;
	esac
	mkdir -p "$logs"
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
		if [ "$f" != 0 ]; then failed="$failed $name$on"; echo "FAIL $name$on (see $log)"; grep -B2 -A8 '^not ok' "$log" | head -n 60; [ "$rc" != 0 ] && tail -n 20 "$log"; else echo "ok   $name$on: $p passed, $s skipped"; fi
	done
done

echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] || { echo "failed:$failed"; exit 1; }
