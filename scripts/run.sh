#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The main job of `make run`: a telecom operator's demo history ending now
# (made anew each run in build/demo.db, so it is alive when served: open
# instances, promises coming due, owners with a queue), its journey KPIs and
# report, then `baton serve` on it: the dashboard's URL with tokens to sign
# in with (an admin's and a journey owner's), and the API.
# Ctrl-C stops the server.
# BATON_LISTEN=ADDR:PORT chooses another address (default 127.0.0.1:8080).
set -u
O=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
baton="$O/baton"
db="$O/demo.db"
listen=${BATON_LISTEN:-127.0.0.1:8080}
export BATON_DB="$db"

rm -f "$db" "$db-wal" "$db-shm" "$db.key"
echo "== baton demo: 2,000 customers of a telecom operator, the six months up to now, fourteen touchpoints"
"$baton" demo --customers 2000 --seed 1 || exit 1
echo "== one customer from many channels: identity"
"$baton" summary
echo
echo "== the journeys end to end, and each team's local success next to the journey outcome"
"$baton" kpis || exit 1
echo
echo "== the change calendar: what is coming, and what the upgrade promotion cost in contacts"
"$baton" changes
"$baton" changes impact 1 | sed -n '1,5p;/^teams/,/^$/p'
echo
echo "== the data audit: each touchpoint's data level, declared and measured, the roadmap, the silo map"
"$baton" audit || exit 1
"$baton" report --output "$O/demo-report.md" && "$baton" report --format html --output "$O/demo-report.html" &&
	echo "== the journey report: $O/demo-report.md and $O/demo-report.html"
echo
echo "== the steering agenda of the last 28 days, and the verdicts on the initiatives (docs/governance.md)"
"$baton" agenda --output "$O/demo-agenda.md" && "$baton" agenda --format html --output "$O/demo-agenda.html" &&
	sed -n '/^## 1\./,/^## 3\./p' "$O/demo-agenda.md" | sed '$d' &&
	echo "   the whole agenda: $O/demo-agenda.md and $O/demo-agenda.html"
"$baton" initiatives
echo
echo "== where technical support hurts its customers most, and what failures cost (docs/insight.md)"
"$baton" friction technical-support | head -n 8
"$baton" value
echo
echo "== retention (docs/retention.md): what baton serve's hourly purge deletes now"
"$baton" purge --dry-run
echo
token=$("$baton" token create --role admin --name "make run" | tail -n 1) || exit 1
maria=$("$baton" token create --role owner --person maria --name "make run: maria" | tail -n 1) || exit 1
echo "== serving the demo database $db at http://$listen"
echo "   the dashboard: open http://$listen/ and sign in with a token:"
echo "     admin (sees everything):            $token"
echo "     maria (owns the billing dispute):   $maria"
echo "   try: curl -H 'Authorization: Bearer $token' http://$listen/v1/kpis"
echo "        curl -H 'Authorization: Bearer $token' 'http://$listen/v1/owners/maria/queue?limit=3'"
echo "        curl -H 'Authorization: Bearer $token' 'http://$listen/v1/changes?upcoming=true&team=contact-center'"
echo "        curl -H 'Authorization: Bearer $token' http://$listen/v1/agenda"
echo "        curl -H 'Authorization: Bearer $token' 'http://$listen/v1/actions?overdue=true'"
echo "        curl -H 'Authorization: Bearer $token' http://$listen/v1/openapi.json"
echo "   (Ctrl-C stops the server)"
exec "$baton" serve --listen "$listen"
