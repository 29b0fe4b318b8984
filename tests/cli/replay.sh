# SPDX-License-Identifier: Apache-2.0
# Rule 8 of docs/journeys.md: the numbers never depend on how the events arrived.
# The same history ingested in one go, one event at a time (a process
# restart between every event), in reverse arrival order, or read in memory
# by `kpis --input` gives identical KPIs.  An identity merge that arrives
# after the fact re-derives the merged profile.  Erasure takes the person's
# instances out of the KPIs.
. "$BATON_ROOT/tests/cli/lib.sh"
D="$BATON_ROOT/tests/data"
CFG="$D/kpi.yaml"

cat "$D/scenario_a.ndjson" "$D/scenario_b.ndjson" >all.ndjson
want=$("$BATON" kpis --config "$CFG" --json --input all.ndjson)

"$BATON" ingest --db one.db all.ndjson >/dev/null 2>&1
got=$("$BATON" kpis --db one.db --config "$CFG" --json)
eq "durable, one go = in memory" "$got" "$want"

while IFS= read -r line; do
	printf '%s\n' "$line" >ev.ndjson
	"$BATON" ingest --db each.db ev.ndjson >/dev/null 2>&1
done <all.ndjson
got=$("$BATON" kpis --db each.db --config "$CFG" --json)
eq "one event per process = in memory" "$got" "$want"

tac all.ndjson >rev.ndjson
"$BATON" ingest --db rev.db rev.ndjson >/dev/null 2>&1
got=$("$BATON" kpis --db rev.db --config "$CFG" --json)
eq "reverse arrival order = in memory" "$got" "$want"

"$BATON" config load --db one.db "$CFG" >/dev/null
got=$("$BATON" kpis --db one.db --json)
eq "with the configuration stored instead of given = in memory" "$got" "$want"

# ---- a merge after the fact ---------------------------------------------
# m1 (e-mail) and m2 (phone) first look like two customers: two instances.
"$BATON" config load --db merge.db "$CFG" >/dev/null
"$BATON" ingest --db merge.db "$D/merge_late.ndjson" >/dev/null 2>&1
out=$("$BATON" kpis --db merge.db --json)
eq "before the merge: two instances" "$(echo "$out" | jq -c '.journeys[0] | [.instances,.open,.resolved,.handoffs]')" '[2,1,1,0]'
# a later event links them: one customer, one instance opened by the chat
# (contained, digital) and resolved by the call (service): one handoff
# without a case reference (context lost), and the chat is not a true
# success (the call followed within 7 days, on another team).
printf '%s\n' '{"id":"m3","ts":"2026-04-03T10:00:00Z","source":"app","type":"account.linked","ids":{"email":"m@x.com","phone":"+447700900011"}}' >link.ndjson
"$BATON" ingest --db merge.db link.ndjson >/dev/null 2>&1
out=$("$BATON" kpis --db merge.db --json)
eq "after the merge: one instance on the surviving profile" "$(echo "$out" | jq -c '.journeys[0] | [.instances,.open,.resolved,.handoffs,.handoff_success_rate,.fcr_rate]')" '[1,0,1,1,0,0]'
eq "after the merge: digital shifted one contact" "$(echo "$out" | jq -c '.teams[] | select(.team=="digital") | [.local_success,.cost_shifted]')" '[1,1]'
run "$BATON" profile --db merge.db --json phone:+447700900011
eq "the older profile id survives" "$(echo "$out" | jq -r .profile)" "P1"

# ---- erasure takes the person out of the KPIs -----------------------------
"$BATON" erase --db merge.db email:m@x.com >/dev/null
out=$("$BATON" kpis --db merge.db --json)
eq "after erasure: no instance left" "$(echo "$out" | jq -c '.journeys[0] | [.instances,.contacts]')" '[0,0]'
