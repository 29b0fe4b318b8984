#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# pg.sh - baton's journey pipeline in PostgreSQL SQL on one NDJSON file.
#
#   bench/pg.sh FILE > result.json
#
# Starts a throw-away PostgreSQL server of its own (initdb in a temporary
# directory, run as the unprivileged user 'nobody', Unix socket in that
# directory, no TCP), loads FILE with \copy into a jsonb table, runs
# bench/sql/load-pg.sql + pipeline.sql + out-pg.sql with psql, stops the
# server and removes the directory.  Prints one JSON object:
#   {"engine", "version", "seconds", "server_peak_kb", "kpi_journey", ...}
# seconds: wall time of the psql session (load + pipeline + result; the
# server does the work).  server_peak_kb: the peak RSS of the largest server
# process (GNU time on the postmaster, which waits for its backends).
# Server start and stop are not timed.  Needs: postgresql, time, jq.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
file=${1:?usage: bench/pg.sh FILE}
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
port=${BATON_BENCH_PG_PORT:-55432}
# PostgreSQL refuses to run as root: as root, run the server as 'nobody'.
if [ "$(id -u)" = 0 ]; then
	user=${BATON_BENCH_PG_USER:-nobody}
else
	user=$(id -un)
fi

# shellcheck disable=SC2012 # the directory names are version numbers
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/postgres" ] || { echo "pg.sh: no PostgreSQL server binaries in /usr/lib/postgresql" >&2; exit 1; }

tmp=$(mktemp -d /tmp/baton-bench-pg.XXXXXX)
[ "$(id -u)" != 0 ] || chown "$user" "$tmp"
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		as_user "$bindir/pg_ctl" -D "$tmp/data" stop -m immediate >/dev/null 2>&1 || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

as_user() {
	if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

(cd "$tmp" && as_user "$bindir/initdb" -D "$tmp/data" --auth=trust --locale=C --encoding=UTF8 \
	-U bench >"$tmp/initdb.log" 2>&1) || { cat "$tmp/initdb.log" >&2; exit 1; }

# Settings for a single-user analytical run: no durability cost, big sort
# and hash memory, parallel workers for the two cores.
(cd "$tmp" && as_user /usr/bin/time -f '%e %M' -o "$tmp/time.txt" \
	"$bindir/postgres" -D "$tmp/data" -k "$tmp" -p "$port" -c listen_addresses= \
	-c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=512MB \
	-c temp_buffers=256MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
	-c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=8GB -c checkpoint_timeout=1h \
	-c autovacuum=off -c jit=off -c max_parallel_workers_per_gather=2 \
	>"$tmp/server.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do
	"$bindir/pg_isready" -q -h "$tmp" -p "$port" && break
	sleep 0.1
done
"$bindir/pg_isready" -q -h "$tmp" -p "$port" || { cat "$tmp/server.log" >&2; exit 1; }

# The SQL with the PostgreSQL hooks of pipeline.sql applied.
esc=${file//|/\\|}
{
	sed "s|@FILE@|$esc|g" "$here/sql/load-pg.sql"
	sed -e 's/@TABLE@/UNLOGGED TABLE/g' -e 's/^--@pg //' "$here/sql/pipeline.sql"
	cat "$here/sql/out-pg.sql"
} >"$tmp/run.sql"
chmod 644 "$tmp/run.sql"

psql=("$bindir/psql" -X -q -h "$tmp" -p "$port" -U bench -d postgres -v ON_ERROR_STOP=1)
version=$("${psql[@]}" -At -c 'SHOW server_version')
t0=$(date +%s.%N)
"${psql[@]}" -f "$tmp/run.sql" >"$tmp/out.json"
t1=$(date +%s.%N)

as_user "$bindir/pg_ctl" -D "$tmp/data" stop -m fast >/dev/null
wait "$pid" || true
pid=""
peak=$(awk '{print $2}' "$tmp/time.txt" 2>/dev/null || echo null)

jq -c --arg v "$version" --argjson s "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')" --argjson k "${peak:-null}" \
	'{engine: "postgresql", version: $v, seconds: $s, server_peak_kb: $k} + .' "$tmp/out.json"
