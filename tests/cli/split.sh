# SPDX-License-Identifier: Apache-2.0
# Identity review (docs/identity.md): a split leaves the KPIs as they were
# before the wrong merge, in `baton kpis` and in a running server at once;
# a split on messy data (junk identifiers, conflicts), in a chain of
# merges, followed by an erasure or by the same events ingested again; the
# conflicts listed and resolved; and the routes' errors.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
CFG="$BATON_ROOT/tests/data/kpi.yaml" # dispute: recontact 7d, handoff SLA 24h

# ---- the wrong merge -------------------------------------------------------
# Ann (e-mail, phone) opens dispute D1 by phone (service); billing resolves
# it internally 23 h later, naming D1: one clean handoff service -> billing.
# Bob only looked at his account, then submitted a web form that carried
# Ann's phone (a shared family number): the form links Bob's e-mail to it,
# and Bob's profile P2 merges into Ann's P1 (merge 1).  Two days later Bob
# chats (contained, digital) and calls (resolved, service) about a dispute
# of his own, naming no case.
#
# Merged (wrong), as of the last event (03-05 10:00): Bob's chat is a
# contact within 7 days of D1's resolution: it re-opens D1 (recontacted)
# and the call resolves it again: 1 instance, resolved, recontacted; its
# contacts a1, b2, b3; handoffs service->billing (clean), billing->digital
# (no case, and 49 h after the previous work: context lost and late),
# digital->service (no case: context lost): 3, of which 2 lost context, 1
# late; time to resolve 23 h (its first resolution) = 82800 s; 1 customer.
# Billing's internal success is followed within the window by Bob's chat:
# one contact of cost shifted by billing; digital's containment by the
# call: one by digital.
#
# Apart (the truth): Ann's D1 alone, and Bob's instance opened by his chat
# and resolved by his call 1 h later: 2 instances, both resolved, none
# recontacted; handoffs service->billing (clean) and digital->service
# (context lost): 2; times to resolve 3600 and 82800 s (nearest-rank p50
# 3600, p90 82800); 2 customers; cost shifted only by digital.
cat >wrong.ndjson <<'J'
{"id":"a1","ts":"2026-03-02T09:00:00Z","source":"phone","type":"dispute.opened","ids":{"email":"ann@x.com","phone":"+447700900001"},"case":"D1"}
{"id":"b1","ts":"2026-03-02T10:00:00Z","source":"app","type":"account.viewed","ids":{"email":"bob@x.com"}}
{"id":"a2","ts":"2026-03-03T08:00:00Z","source":"billing-sys","type":"dispute.update","ids":{"email":"ann@x.com"},"case":"D1","direction":"internal","outcome":"resolved"}
{"id":"w1","ts":"2026-03-04T12:00:00Z","source":"app","type":"form.submitted","ids":{"email":"bob@x.com","phone":"+447700900001"}}
{"id":"b2","ts":"2026-03-05T09:00:00Z","source":"chatbot","type":"dispute.chat","ids":{"email":"bob@x.com"},"outcome":"contained"}
{"id":"b3","ts":"2026-03-05T10:00:00Z","source":"phone","type":"dispute.call","ids":{"email":"bob@x.com"},"outcome":"resolved"}
J
# the same events, the form without Ann's phone: a database that never had the link
sed 's/"email":"bob@x.com","phone":"+447700900001"/"email":"bob@x.com"/' wrong.ndjson >right.ndjson
for d in wrong right; do
	"$BATON" config load --db $d.db "$CFG" >/dev/null
	"$BATON" ingest --db $d.db $d.ndjson >/dev/null 2>&1
done
db_copy wrong.db cli.db # split below by the CLI; wrong.db by the API
SEL='[(.journeys[0] | [.instances,.open,.resolved,.recontacted,.handoffs,.contacts,.handoff_failures.context_lost,.handoff_failures.late,.ttr_p50_s,.ttr_p90_s]), .overall.profiles, [.teams[] | select(.local_success > 0) | [.team,.local_success,.cost_shifted]]]'
MERGED='[[1,0,1,1,3,3,2,1,82800,82800],1,[["digital",1,1],["service",1,0],["billing",1,1]]]'
APART='[[2,0,2,0,2,3,1,0,3600,82800],2,[["digital",1,1],["service",1,0],["billing",1,0]]]'
eq "merged by the form: the hand-worked KPIs of one customer" "$("$BATON" kpis --db cli.db --json | jq -c "$SEL")" "$MERGED"
"$BATON" kpis --db right.db --json >right.json
eq "never linked: the hand-worked KPIs of two customers" "$(jq -c "$SEL" right.json)" "$APART"

run "$BATON" profile --db cli.db --merges --json P1
eq "the merge ledger: which event linked what, and why" \
	"$(echo "$out" | jq -c '[.profile, (.merges[] | [.id,.into,.from,.event,.identifier,.reason,.state])]')" \
	'["P1",[1,"P1","P2",4,"phone:+447700900001","event links identifiers of both profiles","active"]]'
run "$BATON" split --db cli.db --json --by tester email:bob@x.com 1
eq "split: P1 and P2 again, Bob's e-mail and his four events moved" "$rc $out" \
	'0 {"merge":1,"profile":"P1","profiles":["P1","P2"],"identifiers":1,"events":4,"relinked":0,"conflicts":0}'
"$BATON" kpis --db cli.db --json >split.json
eq "after the split: baton kpis --json is exactly the never-linked database's" "$(cmp -s split.json right.json && echo same)" same
eq "... the hand-worked values" "$(jq -c "$SEL" split.json)" "$APART"
run "$BATON" profile --db cli.db --json email:bob@x.com
eq "Bob's profile: his e-mail, his events, the split merge" \
	"$(echo "$out" | jq -c '[.profile,.identifiers,.events,(.merges[] | [.id,.state,.split_by])]')" \
	'["P2",["email:bob@x.com"],4,[1,"split","tester"]]'
run "$BATON" profile --db cli.db --json P1
eq "Ann keeps her phone and her two events" "$(echo "$out" | jq -c '[.identifiers,.events]')" \
	'[["email:ann@x.com","phone:+447700900001"],2]'
db_copy cli.db erased.db # erased below, as split

# the same events again: duplicates by their ids; without ids, new events
# whose link is refused (kept apart), recorded for review, no merge
run "$BATON" ingest --db cli.db --json wrong.ndjson
eq "ingested again: duplicates" "$(echo "$out" | jq -c '[.accepted,.duplicates]')" '[0,6]'
sed 's/"id":"[a-z0-9]*",//' wrong.ndjson >noids.ndjson
"$BATON" ingest --db cli.db noids.ndjson >/dev/null 2>&1
run "$BATON" summary --db cli.db --json
eq "replayed without ids: still two customers, one merge, the link a conflict" \
	"$(echo "$out" | jq -c '[.events,.profiles,.merges,.conflicts]')" '[12,2,1,1]'
run "$BATON" conflicts --db cli.db --json
eq "the conflict: the form's phone, kept apart" \
	"$(echo "$out" | jq -c '[.total, (.conflicts[] | [.id,.event,.identifier,.profile,.other_profile,.reason,.state])]')" \
	'[1,[1,10,"phone:+447700900001","P2","P1","the two profiles were kept apart on review","open"]]'

# ---- the same split through a running server: every read sees it at once --
serve_start wrong.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
AT="as_of=2026-03-05T10:00:00Z"
api() { # METHOD PATH [BODY]: sets code and body
	if [ "$1" = GET ]; then
		res=$(curl -s -w '\n%{http_code}' -H "$H" "$U$2")
	else
		res=$(curl -s -w '\n%{http_code}' -X "$1" -H "$H" -H 'Content-Type: application/json' --data-binary "$3" "$U$2")
	fi
	code=$(printf '%s' "$res" | tail -n 1)
	body=$(printf '%s' "$res" | sed '$d')
}
api GET "/v1/kpis?$AT"
eq "served, merged: the hand-worked KPIs" "$(echo "$body" | jq -c "$SEL")" "$MERGED"
api GET "/v1/context/email%3Abob%40x.com?$AT"
eq "Bob's context before: Ann's profile" "$(echo "$body" | jq -r .profile)" P1
api GET /v1/profiles/email%3Abob%40x.com/merges
eq "GET merges" "$code $(echo "$body" | jq -c '[.profile,[.merges[] | [.id,.state]]]')" '200 ["P1",[[1,"active"]]]'
api POST /v1/profiles/email%3Abob%40x.com/split '{"merge":1}'
eq "POST split" "$code $(echo "$body" | jq -c '[.profiles,.events]')" '200 [["P1","P2"],4]'
api GET "/v1/kpis?$AT"
echo "$body" >served.json
api GET "/v1/context/email%3Abob%40x.com?$AT"
eq "at once: Bob's context is his own profile" "$(echo "$body" | jq -r .profile)" P2
eq "at once: /v1/kpis is the hand-worked truth" "$(jq -c "$SEL" served.json)" "$APART"
api POST /v1/profiles/P1/split '{"merge":1}'
eq "split again: 409" "$code $(echo "$body" | jq -r .detail)" "409 merge 1 was split already"
kill -TERM "$pid"
wait "$pid"
serve_start right.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out | tail -n 1)"
api GET "/v1/kpis?$AT"
eq "... exactly what a server of the never-linked database answers" \
	"$(echo "$body" | jq -c 'del(.as_of)')" "$(jq -c 'del(.as_of)' served.json)"
kill -TERM "$pid"
wait "$pid"

# ---- erasure after a split ------------------------------------------------
# Bob erased: Ann's KPIs alone, as a database of her events alone has them.
grep '"ann@x.com"' wrong.ndjson >ann.ndjson
"$BATON" config load --db ann.db "$CFG" >/dev/null
"$BATON" ingest --db ann.db ann.ndjson >/dev/null 2>&1
run "$BATON" erase --db erased.db --json email:bob@x.com
eq "Bob erased after the split: his e-mail and his events, nothing of Ann's" \
	"$(echo "$out" | jq -c '[.profile,.identifiers,.events]')" '["P2",1,4]'
eq "Ann's KPIs, as if Bob had never been there" \
	"$("$BATON" kpis --db erased.db --json | jq -c 'del(.as_of)')" "$("$BATON" kpis --db ann.db --json | jq -c 'del(.as_of)')"
run "$BATON" profile --db erased.db --json P1
eq "Ann keeps her phone and events" "$(echo "$out" | jq -c '[.identifiers,.events]')" \
	'[["email:ann@x.com","phone:+447700900001"],2]'

# ---- messy data ------------------------------------------------------------
# m1 C-1, ann, phone n/a      -> P1 {C-1, ann}; "n/a" refused (junk)
# m2 C-2, bob                 -> P2 {C-2, bob}
# m3 bob, phone 1, user_id null -> phone 1 joins P2; "null" refused
# m4 C-1, bob                 -> both hold a customer id: conflict 1 (P1/P2)
# m5 cat                      -> P3 {cat}
# m6 cat, phone 1             -> P3 merges into P2 (merge 1)
# m7 cat, phone 0000000       -> a junk number refused, recorded on P2
# Splitting merge 1: P2 {C-2, bob, phone 1} with m2, m3; P3 {cat} with
# m5, m6, m7, and m7's refusal with it; conflict 1 stays as it was.
cp "$BATON_ROOT/tests/data/messy.ndjson" messy.ndjson # the events above
"$BATON" ingest --db messy.db messy.ndjson >/dev/null 2>&1
run "$BATON" profile --db messy.db --json email:cat@x.com
eq "messy: cat merged into bob's profile, with the refusals of both" \
	"$(echo "$out" | jq -c '[.profile,.identifiers,.events,[.refusals[].event],[.conflicts[] | [.id,.profile,.other_profile]]]')" \
	'["P2",["customer_id:C-2","email:bob@x.com","email:cat@x.com","phone:+447700900001"],5,[3,7],[[1,"P1","P2"]]]'
run "$BATON" split --db messy.db --json P2 1
eq "messy: split" "$(echo "$out" | jq -c '[.profiles,.identifiers,.events,.conflicts]')" '[["P2","P3"],1,3,0]'
run "$BATON" profile --db messy.db --json email:cat@x.com
eq "messy: cat alone, with m7's refusal" \
	"$(echo "$out" | jq -c '[.profile,.identifiers,.events,[.refusals[] | [.event,.identifier]],(.conflicts|length)]')" \
	'["P3",["email:cat@x.com"],3,[[7,"phone:0000000"]],0]'
run "$BATON" profile --db messy.db --json P2
eq "messy: bob keeps C-2, his phone, m3's refusal and the conflict" \
	"$(echo "$out" | jq -c '[.identifiers,.events,[.refusals[] | [.event,.identifier]],[.conflicts[] | [.id,.profile,.other_profile,.state]]]')" \
	'[["customer_id:C-2","email:bob@x.com","phone:+447700900001"],2,[[3,"user_id:null"]],[[1,"P1","P2","open"]]]'

# ---- a chain, split in the middle -----------------------------------------
# c1..c4: a, b, c, d -> P1..P4; c5 a,b: merge 1 (P2 into P1); c6 b,c:
# merge 2 (P3 into P1); c7 c,d: merge 3 (P4 into P1); c8 d, phone 9: the
# phone joins P1.  Split merge 2: P1 {a, b}; P3 {c, d, phone 9} (d's link
# made it), P4 merged into P3 again by c7 (merge 4), merge 3 undone.
{
	for x in a b c d; do echo "{\"id\":\"c-$x\",\"ts\":\"2026-03-01T10:00:00Z\",\"source\":\"app\",\"type\":\"x\",\"ids\":{\"email\":\"$x@p.com\"}}"; done
	echo '{"id":"c5","ts":"2026-03-02T10:00:00Z","source":"app","type":"x","ids":{"email":["a@p.com","b@p.com"]}}'
	echo '{"id":"c6","ts":"2026-03-02T11:00:00Z","source":"app","type":"x","ids":{"email":["b@p.com","c@p.com"]}}'
	echo '{"id":"c7","ts":"2026-03-02T12:00:00Z","source":"app","type":"x","ids":{"email":["c@p.com","d@p.com"]}}'
	echo '{"id":"c8","ts":"2026-03-02T13:00:00Z","source":"app","type":"x","ids":{"email":"d@p.com","phone":"+15550000009"}}'
} >chain.ndjson
# and a history large enough that rebuilding the live state takes a while:
# the server must not answer from the old state meanwhile
awk 'BEGIN { for (i = 1; i <= 40000; i++)
	printf "{\"id\":\"bulk-%d\",\"ts\":\"2026-03-03T10:00:00Z\",\"source\":\"app\",\"type\":\"x\",\"ids\":{\"user_id\":\"bulk-%d\"}}\n", i, i % 5000 }' >>chain.ndjson
"$BATON" ingest --db chain.db chain.ndjson >/dev/null 2>&1
serve_start chain.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out | tail -n 1)"
api GET /v1/context/email%3Ad%40p.com
eq "chain: one profile before" "$(echo "$body" | jq -r .profile)" P1
run "$BATON" split --db chain.db --json P1 2
eq "chain: split the middle merge (the CLI, beside the server)" "$(echo "$out" | jq -c '[.profiles,.identifiers,.events,.relinked]')" '[["P1","P3"],3,4,1]'
api GET /v1/context/email%3Ad%40p.com
eq "at once: the server's context has d on P3" "$(echo "$body" | jq -r .profile)" P3
api GET /v1/profiles/P3/merges
eq "chain: P3's ledger" "$(echo "$body" | jq -c '[.merges[] | [.id,.into,.from,.event,.state]]')" \
	'[[2,"P1","P3",6,"split"],[3,"P1","P4",7,"undone"],[4,"P3","P4",7,"active"]]'
api GET /v1/profiles/P1
eq "chain: P1 keeps a and b" "$(echo "$body" | jq -c .identifiers)" '["email:a@p.com","email:b@p.com"]'

# ---- errors ----------------------------------------------------------------
run "$BATON" split --db chain.db P1 2
eq "the CLI: split again" "$rc $err" "1 baton: merge 2 was split already"
run "$BATON" split --db chain.db P1 3
eq "the CLI: a merge that no longer holds the profile" "$rc $err" \
	"1 baton: merge 3 does not hold profile P1 together now (its merge ledger says which merges do)"
run "$BATON" conflicts resolve --db messy.db 1 merge
eq "the CLI: a merge no guard rail allows" "$rc $err" \
	"1 baton: P1 and P2 cannot merge: both profiles hold a different customer_id"
run "$BATON" conflicts resolve --db messy.db 1 keep
eq "the CLI: an action it does not know" "$rc $err" "1 baton conflicts: unknown action 'keep'
(see 'baton conflicts --help')"
while IFS='|' read -r m path data want; do
	[ -z "$m" ] && continue
	api "$m" "$path" "$data"
	eq "$m $path $data" "$code $(echo "$body" | jq -r .detail)" "$want"
done <<'E'
GET|/v1/profiles/P99999/merges||404 no profile matches
GET|/v1/profiles/nothing/merges||400 'nothing' is neither an identifier (type:value, like email:ann@example.com) nor a profile id (like P17)
POST|/v1/profiles/P1/split|{"merge":3}|404 merge 3 does not hold profile P1 together now (its merge ledger says which merges do)
POST|/v1/profiles/P1/split|{"merge":99}|404 no merge 99 in the merge ledger
POST|/v1/profiles/P99999/split|{"merge":1}|404 no profile P99999
POST|/v1/profiles/P1/split|{"merge":0}|400 'merge' must be a whole number from 1 on
POST|/v1/profiles/P1/split|{"merge":"1"}|400 'merge' must be the id of a merge in the profile's ledger (a whole number)
POST|/v1/profiles/P1/split|{"merge":1,"why":"x"}|400 unknown field 'why' (the only one is 'merge')
POST|/v1/profiles/P1/split|[1]|400 expected a JSON object like {"merge": 7}
POST|/v1/profiles/P1/split||400 expected a JSON object like {"merge": 7}
POST|/v1/conflicts/x/resolve|{"action":"merge"}|400 a conflict id is a whole number, as the list gives it
POST|/v1/conflicts/1/resolve|{"action":"split"}|400 'action' must be "keep_apart" or "merge"
POST|/v1/conflicts/99/resolve|{"action":"merge"}|404 no conflict 99
GET|/v1/conflicts?state=all||400 query parameter state: 'all' is not one of: open resolved
GET|/v1/conflicts?cursor=-1||400 query parameter cursor: '-1' is not a cursor (give the 'next' of the page before)
E
kill -TERM "$pid"
wait "$pid"

# ---- conflicts: a page at a time, resolved ---------------------------------
# Two more refused links on messy.db, whose conflict 1 (C-1 and C-2) can
# never merge: n1 C-1, dan (dan joins P1); n2 C-2, dan: conflict 2
# (P2/P1); n3 eve: P4; n4 C-2, eve: P4 merges into P2 (it holds no
# customer id); n5 C-1, eve: conflict 3 (P1/P2).
cat >more.ndjson <<'J'
{"id":"n1","ts":"2026-03-02T09:00:00Z","source":"app","type":"x","ids":{"customer_id":"C-1","email":"dan@x.com"}}
{"id":"n2","ts":"2026-03-02T10:00:00Z","source":"app","type":"x","ids":{"customer_id":"C-2","email":"dan@x.com"}}
{"id":"n3","ts":"2026-03-02T11:00:00Z","source":"app","type":"x","ids":{"email":"eve@x.com"}}
{"id":"n4","ts":"2026-03-02T12:00:00Z","source":"app","type":"x","ids":{"customer_id":"C-2","email":"eve@x.com"}}
{"id":"n5","ts":"2026-03-02T13:00:00Z","source":"app","type":"x","ids":{"customer_id":"C-1","email":"eve@x.com"}}
J
"$BATON" ingest --db messy.db more.ndjson >/dev/null 2>&1
serve_start messy.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out | tail -n 1)"
api GET "/v1/conflicts?limit=2"
eq "newest first, two a page" "$(echo "$body" | jq -c '[[.conflicts[].id],.total,.next]')" '[[3,2],3,"2"]'
api GET "/v1/conflicts?limit=2&cursor=2"
eq "the next page" "$(echo "$body" | jq -c '[[.conflicts[].id],.total,.next]')" '[[1],3,null]'
api POST /v1/conflicts/2/resolve '{"action":"merge"}'
eq "merge refused by a guard rail, naming it" "$code $(echo "$body" | jq -r .detail)" \
	"409 P2 and P1 cannot merge: both profiles hold a different customer_id"
api POST /v1/conflicts/2/resolve '{"action":"keep_apart"}'
eq "kept apart" "$code $(echo "$body" | jq -c .)" '200 {"conflict":2,"resolution":"keep_apart","profile":"P2","other_profile":"P1","merge":null}'
api POST /v1/conflicts/2/resolve '{"action":"keep_apart"}'
eq "resolved already: 409" "$code $(echo "$body" | jq -r .detail)" "409 conflict 2 was resolved already (keep_apart)"
api GET "/v1/conflicts?state=open"
eq "open ones" "$(echo "$body" | jq -c '[[.conflicts[].id],.total]')" '[[3,1],2]'
api GET "/v1/conflicts?state=resolved"
eq "resolved ones, by whom" "$(echo "$body" | jq -c '[.conflicts[] | [.id,.state,.resolved_by]]')" '[[2,"keep_apart","first admin"]]'
T_analyst=$("$BATON" token create --db messy.db --role analyst | tail -n 1)
eq "an analyst reads them masked" \
	"$(curl -s -H "Authorization: Bearer $T_analyst" "$U/v1/conflicts?state=resolved" | jq -r '.conflicts[0].identifier')" "email:d**@x.com"
kill -TERM "$pid"
wait "$pid"
