#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The main job of `make run`: ingest the sample data of examples/ into a
# fresh database and show what baton found in it.
set -u
O=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
baton="$O/baton"
db="$O/example.db"
rm -f "$db" "$db-wal" "$db-shm"
export BATON_DB="$db"

echo "== ingest examples/events.ndjson (events from web, chatbot, IVR, contact center, billing, e-mail, store)"
"$baton" ingest "examples/events.ndjson"
echo
echo "== ingest examples/calls.csv through examples/calls.map.yaml (a contact-center export)"
"$baton" ingest --map "examples/calls.map.yaml" "examples/calls.csv"
echo
echo "== what the database holds"
"$baton" summary
echo
echo "== Ann wrote to the chatbot, called twice and got a refund: one profile"
"$baton" profile email:ann.lee@example.com
echo
echo "== a CRM typo put Bob's e-mail on another customer id: refused, kept for review"
"$baton" profile customer_id:C-3003
echo
echo "== rejected records, kept as dead letters (fix and re-ingest: baton dead-letters export)"
"$baton" dead-letters
echo
echo "Database: $db  (try: $O/baton profile --db $db P1 --json)"
