#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# sqlite.sh - baton's journey pipeline in SQLite SQL (the sqlite3 CLI, an
# in-memory database) on one NDJSON file.
#
#   bench/sqlite.sh FILE > result.json
#
# Runs bench/sql/load-sqlite.sql + pipeline.sql + out-sqlite.sql in one
# sqlite3 process and prints one JSON object:
#   {"engine", "version", "seconds", "peak_kb", "kpi_journey", ...}
# seconds and peak_kb: wall time and peak RSS of the sqlite3 process (GNU
# time).  Needs: sqlite3, time, jq.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
file=${1:?usage: bench/sqlite.sh FILE}
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
tmp=$(mktemp -d /tmp/baton-bench-sqlite.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The SQL with the SQLite hooks of pipeline.sql applied.  .import takes the
# file name as one shell-like word: quote it.
esc=${file//|/\\|}
{
	sed "s|@FILE@|\"$esc\"|g" "$here/sql/load-sqlite.sql"
	sed -e 's/@TABLE@/TABLE/g' -e 's/^--@sqlite //' "$here/sql/pipeline.sql"
	cat "$here/sql/out-sqlite.sql"
} >"$tmp/run.sql"

/usr/bin/time -f '%e %M' -o "$tmp/time.txt" sqlite3 -bail :memory: <"$tmp/run.sql" >"$tmp/out.txt"
read -r secs peak <"$tmp/time.txt"
jq -s -c --arg v "$(sqlite3 --version | awk '{print $1}')" --argjson s "$secs" --argjson k "$peak" \
	'{engine: "sqlite", version: $v, seconds: $s, peak_kb: $k,
	  kpi_journey: .[0], kpi_team: .[1], kpi_overall: .[2]}' "$tmp/out.txt"
