#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The main job of `make run`: generate the demo history of a telecom
# operator into a fresh database, then show what baton finds in it: the
# journey KPIs next to each team's local numbers, and the journey report.
set -u
O=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
baton="$O/baton"
db="$O/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
export BATON_DB="$db"

echo "== baton demo: 2,000 customers of a telecom operator, six months, ten touchpoints"
"$baton" demo --customers 2000 --seed 1 || exit 1
echo
echo "== identity: one customer across channels, refused links kept for review"
"$baton" summary
echo
echo "== the journeys end to end, and each team's local success next to the journey outcome"
"$baton" kpis || exit 1
echo
"$baton" report --output "$O/demo-report.md" && "$baton" report --format html --output "$O/demo-report.html" &&
	echo "== the journey report: $O/demo-report.md and $O/demo-report.html"
echo "   (examples/events.ndjson and examples/calls.csv show ingest of JSON and CSV with bad records:"
echo "    $baton ingest --db $O/sample.db examples/events.ndjson)"
echo
echo "Database: $db   Try: $baton journeys --db $db;  $baton kpis --db $db --journey billing-dispute --json"
