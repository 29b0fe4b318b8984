#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The dashboard with 1M events stored (issue #12; goals: each page's API
# calls within 300 ms, each page drawn within 1 s): bench/gen.c's events
# ingested into bench/out/dashboard.db with bench/config.yaml, `baton serve`
# on it, and bench/dashboard.mjs timing every page in Chromium and every API
# call it made.  Writes the table into bench/README.md (between the
# dashboard-bench markers) and bench/out/dashboard.txt.
#   bench/dashboard.sh [events=1000000] [seed=42]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
export BATON_ROOT="$root"
. tests/cli/lib.sh # (its n counts checks: set ours after it)
count=${1:-1000000} seed=${2:-42}
mkdir -p bench/out
make -s all >/dev/null || exit 1 # (with the dashboard built in)
cc -O2 -std=c11 -Wall -Wextra -include src/util/banned.h -o build/bench-gen bench/gen.c || exit 1
events=bench/out/events-$count-$seed.ndjson
[ -s "$events" ] || build/bench-gen --events "$count" --seed "$seed" >"$events"
db=bench/out/dashboard.db
rm -f "$db" "$db-wal" "$db-shm" "$db.key"
build/baton config load --db "$db" bench/config.yaml >/dev/null || exit 1
start=$(date +%s.%N)
build/baton ingest --db "$db" "$events" >/dev/null 2>bench/out/dashboard-ingest.log || exit 1
echo "ingest of $count events: $(echo "$(date +%s.%N) - $start" | bc) s"

cd bench/out || exit 1
rm -f serve.out serve.log
BATON="$root/build/baton"
serve_start dashboard.db --quiet --rate 0 || exit 1
token=$(grep '^bt_' serve.out)
head -n 1 serve.out
DASH=$U API=$U TOKEN=$token AS_OF=2026-01-01 FROM=2025-12-04 TO=2026-01-01 \
	node "$root/bench/dashboard.mjs" | tee dashboard.txt
rc=$?
kill -TERM "$pid"
wait "$pid"
cd "$root" || exit 1
[ "$rc" = 0 ] || exit "$rc"

# the table into bench/README.md, with the machine and the command
{
	echo "<!-- dashboard-bench -->"
	echo "\`bench/dashboard.sh $count $seed\` on $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD):"
	echo
	cat bench/out/dashboard.txt
	echo "<!-- /dashboard-bench -->"
} >bench/out/dashboard.md
awk -v f=bench/out/dashboard.md '
	/<!-- dashboard-bench -->/ { while ((getline l < f) > 0) print l; skip = 1; next }
	/<!-- \/dashboard-bench -->/ { skip = 0; next }
	!skip' bench/README.md >bench/out/README.md && mv bench/out/README.md bench/README.md
