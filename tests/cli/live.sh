# SPDX-License-Identifier: Apache-2.0
# The live state of `baton serve` (src/live.c): the agent's context is
# answered from memory, and must agree with the database at every moment a
# client can observe: right after an acknowledged POST (read your writes),
# across an identity merge, after another process ingests or erases, and
# after a restart.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
command -v jq >/dev/null || { echo "skip - jq is not installed"; exit 0; }

serve_start live.db --quiet || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
post() { curl -s -o /dev/null -w '%{http_code}' -H "$H" -H "Content-Type: application/json" -d "$1" "$U/v1/events"; }
ctx() { curl -s -H "$H" "$U/v1/context/$1?as_of=2026-03-02T00:00:00Z"; }
summary() { # profile, identifiers, and the types the customer told us, newest first
	echo "$1" | jq -c '[.profile, .identifiers, [.told_us[].type]]'
}

# two strangers, each seen once: P1 (anonymous) and P2 (email)
post "$(ev e1 2026-03-01T10:00:00Z web page.viewed '{"anonymous_id":"a1"}')" >/dev/null
post "$(ev e2 2026-03-01T10:05:00Z chat chat.started '{"email":"kim@example.com"}')" >/dev/null
eq "an acknowledged event is in the very next context" "$(summary "$(ctx email:kim@example.com)")" \
	'["P2",["email:kim@example.com"],["chat.started"]]'

# one event carrying both: P2 merges into the older P1, and the context of
# either identifier is now the whole person, newest first
post "$(ev e3 2026-03-01T10:10:00Z web login '{"anonymous_id":"a1","email":"kim@example.com"}')" >/dev/null
want='["P1",["anonymous_id:a1","email:kim@example.com"],["login","chat.started","page.viewed"]]'
eq "after a merge: the context by email is the whole person" "$(summary "$(ctx email:kim@example.com)")" "$want"
eq "after a merge: the same by the anonymous id" "$(summary "$(ctx anonymous_id:a1)")" "$want"
eq "after a merge: the same by profile id" "$(summary "$(ctx P1)")" "$want"
eq "the merged profile id answers with its survivor" "$(ctx P2 | jq -r .profile)" P1
# as_of before the merge event: the events after it are left out
eq "as_of leaves later events out" \
	"$(curl -s -H "$H" "$U/v1/context/P1?as_of=2026-03-01T10:06:00Z" | jq -c '[.told_us[].type]')" \
	'["chat.started","page.viewed"]'

# another process writes: the server follows within moments
ev e4 2026-03-01T11:00:00Z phone call.inbound '{"phone":"+447700900123"}' >other.ndjson
ev e5 2026-03-01T11:05:00Z web login '{"phone":"+447700900123","anonymous_id":"a1"}' >>other.ndjson
"$BATON" ingest --db live.db other.ndjson >/dev/null 2>&1
live_wait live.db "${H#Authorization: Bearer }" || notok "the server follows baton ingest"
eq "an ingest by another process reaches the context (and merges)" \
	"$(summary "$(ctx phone:+447700900123)")" \
	'["P1",["anonymous_id:a1","email:kim@example.com","phone:+447700900123"],["login","call.inbound","login","chat.started","page.viewed"]]'
before=$(ctx anonymous_id:a1)

# a restart builds the same state from the database
kill -TERM "$pid"
wait "$pid"
serve_again live.db --quiet || notok "server restarts"
eq "after a restart: the same context" "$(ctx anonymous_id:a1)" "$before"

# an erasure by another process: the person is gone from the context too
post "$(ev e6 2026-03-01T12:00:00Z web page.viewed '{"email":"lee@example.com"}')" >/dev/null
"$BATON" erase --db live.db email:kim@example.com >/dev/null 2>&1 || notok "erase runs"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/context/anonymous_id%3Aa1")
eq "after an erasure: the erased person has no context, right after erase returns" "$code" 404
eq "after an erasure: by profile id neither" "$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/context/P1")" 404
eq "after an erasure: everyone else is still there" "$(summary "$(ctx email:lee@example.com)")" \
	'["P4",["email:lee@example.com"],["page.viewed"]]'
eq "after an erasure: new events still arrive" \
	"$(post "$(ev e7 2026-03-01T12:30:00Z web page.viewed '{"email":"lee@example.com"}')")" 200
eq "... and are in the next context" "$(ctx email:lee@example.com | jq '.told_us | length')" 2

# journey-level answers come from the same state: the KPIs over the API are
# the CLI's, computed from the database, byte for byte (the demo's config
# and history on top, so that there are journeys, handoffs and promises)
"$BATON" config load --db live.db "$BATON_ROOT/tests/data/kpi.yaml" >/dev/null
curl -s -o /dev/null -H "$H" -H "Content-Type: application/x-ndjson" \
	--data-binary @"$BATON_ROOT/tests/data/scenario_a.ndjson" "$U/v1/events"
curl -s -o /dev/null -H "$H" -H "Content-Type: application/x-ndjson" \
	--data-binary @"$BATON_ROOT/tests/data/scenario_b.ndjson" "$U/v1/events"
# the CLI judges at the latest event, the server at the wall clock: ask the
# server as of the CLI's time
cli=$("$BATON" kpis --db live.db --json | jq -S .)
at=$(echo "$cli" | jq -r .as_of)
api=$(curl -s -H "$H" "$U/v1/kpis?as_of=$at" | jq -S .)
eq "the API's KPIs are the CLI's (after a new config and two batches)" "$api" "$cli"
eq "... which are not empty" "$(echo "$api" | jq '[.journeys[].instances] | add > 0')" true
api=$(curl -s -H "$H" "$U/v1/kpis?as_of=2026-01-04T00:00:00Z" | jq -S .)
cli=$("$BATON" kpis --db live.db --json --as-of 2026-01-04T00:00:00Z | jq -S .)
eq "... and as of a past time" "$api" "$cli"
api=$(curl -s -H "$H" "$U/v1/kpis?from=2026-02-01&to=2026-03-01&as_of=$at" | jq -S .)
cli=$("$BATON" kpis --db live.db --json --from 2026-02-01 --to 2026-03-01 | jq -S .)
eq "... and for a period" "$api" "$cli"

# a derivation must not change the records it reads: the team that did a
# work event is derived (its own, else the holder's), and a later event
# that arrives late can change the holder.  Here the chat (no team) first
# falls to sales; then a call by billing, earlier in time, arrives, and the
# chat falls to billing: one handoff (sales → billing), as the CLI counts
# from scratch, not a second one back to a team remembered from before.
post "$(ev h0 2026-05-01T10:00:00Z phone call.inbound '{"email":"hana@example.com"}' '"team":"sales","journey":"zz-late"')" >/dev/null
post "$(ev h2 2026-05-01T10:20:00Z chat chat.started '{"email":"hana@example.com"}' '"journey":"zz-late"')" >/dev/null
eq "a journey of two events: no handoff yet" \
	"$(curl -s -H "$H" "$U/v1/journeys/zz-late/kpis" | jq '.journeys[0].handoffs')" 0
post "$(ev h1 2026-05-01T10:10:00Z phone call.inbound '{"email":"hana@example.com"}' '"team":"billing","journey":"zz-late"')" >/dev/null
api=$(curl -s -H "$H" "$U/v1/journeys/zz-late/kpis?as_of=2026-05-01T10:20:00Z" | jq -S .)
eq "a late event: one handoff" "$(echo "$api" | jq '.journeys[0].handoffs')" 1
eq "... and the API's KPIs are the CLI's" "$api" \
	"$("$BATON" kpis --db live.db --json --journey zz-late | jq -S .)"
# a journey known from data only does not exist before its first event
eq "a journey before its first event: 404, as the CLI says" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/journeys/zz-late/kpis?as_of=2026-04-30T00:00:00Z")" 404
"$BATON" kpis --db live.db --json --journey zz-late --as-of 2026-04-30T00:00:00Z >/dev/null 2>&1
eq "... (the CLI: not found)" "$?" 1
# as_of before a customer's first event: nothing of theirs, and nothing of
# anyone else's either (an empty selection once meant every event)
eq "as_of before the first event: an empty context" \
	"$(curl -s -H "$H" "$U/v1/context/email:hana@example.com?as_of=2026-04-30T00:00:00Z" |
		jq -c '[.identifiers, .last_interactions, .told_us]')" \
	'[["email:hana@example.com"],[],[]]'

# journey-level reads and context calls at the same time: both sort long
# profiles (over 32 events) on their own threads, and neither may disturb
# the other (a sort once kept its records in a global, and the server
# crashed).  300 customers of 40 events each; 3 s of both kinds of read.
awk 'BEGIN { for (c = 0; c < 300; c++) for (i = 0; i < 40; i++)
	printf "{\"id\":\"x%d-%d\",\"ts\":\"2026-04-01T%02d:%02d:00Z\",\"source\":\"web\",\"type\":\"page.viewed\",\"ids\":{\"user_id\":\"x%d\"}}\n", c, i, i % 24, (c + i) % 60, c }' >many.ndjson
split -l 3000 many.ndjson many. # a body is at most 512 KiB
accepted=0
for f in many.a?; do
	accepted=$((accepted + $(curl -s -H "$H" -H "Content-Type: application/x-ndjson" \
		--data-binary @"$f" "$U/v1/events" | jq .accepted)))
done
eq "12,000 more events" "$accepted" 12000
end=$(($(date +%s) + 3))
(while [ "$(date +%s)" -lt "$end" ]; do
	curl -s -o /dev/null -w '%{http_code}\n' -H "$H" "$U/v1/kpis"
done) >kpis.codes &
(while [ "$(date +%s)" -lt "$end" ]; do
	for c in 1 2 3 4 5 6 7 8 9; do
		curl -s -o /dev/null -w '%{http_code}\n' -H "$H" "$U/v1/context/user_id:x${c}7"
	done
done) >context.codes
wait $!
eq "concurrent reads: every KPI answer is 200" "$(sort -u kpis.codes)" 200
eq "... every context answer is 200" "$(sort -u context.codes)" 200
eq "... and the server is still up" "$(curl -s -o /dev/null -w '%{http_code}' "$U/healthz")" 200

kill -TERM "$pid"
wait "$pid"
