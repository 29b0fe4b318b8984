# SPDX-License-Identifier: Apache-2.0
# Dead letters have bounds (docs/api.md, Limits): each token may have so
# many bytes of rejected records kept per ten minutes, all of them together
# may hold so many, and past either a rejected record is still reported,
# saying it was not kept, while good records go on being stored.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }

# each bad record is 60,000 bytes: a token's 1 MiB (1,048,576 bytes) holds
# 17 of them (1,020,000), and so does the 1 MiB store
serve_start d.db --dead-letter-budget 1 --dead-letter-cap 1 || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out | tail -n 1)"
A="Authorization: Bearer $("$BATON" token create --db d.db --role ingest | tail -n 1)"
B="Authorization: Bearer $("$BATON" token create --db d.db --role ingest | tail -n 1)"
pad=$(head -c 59900 /dev/zero | tr '\0' 'x')
bad() { # bad FROM TO: records FROM..TO, each 60,000 bytes: too large for an event
	for i in $(seq "$1" "$2"); do
		line=$(printf '{"id":"bad-%05d","source":"s","type":"t","ids":{"user_id":"u"},"props":{"pad":"%s"}}' "$i" "$pad")
		printf '%s%s\n' "$line" "$(head -c $((60000 - ${#line} - 1)) /dev/zero | tr '\0' ' ')"
	done
}
send() { # send AUTH FILE: sets body
	body=$(curl -s -H "$1" -H "Content-Type: application/x-ndjson" --data-binary @"$2" "$U/v1/events")
}
bad 1 8 >a1.ndjson; bad 9 16 >a2.ndjson; bad 17 24 >a3.ndjson
ev ok1 2026-03-01T10:00:00Z web page.viewed '{"user_id":"good"}' >>a3.ndjson
eq "a record is 60,000 bytes" "$(head -n 1 a1.ndjson | wc -c)" 60000
send "$A" a1.ndjson; r1=$body
send "$A" a2.ndjson; r2=$body
send "$A" a3.ndjson; r3=$body
eq "token A: 17 kept; from the 18th on its budget is spent; the good record is stored" \
	"$(echo "$r1 $r2 $r3" | jq -sc '[map(.rejected), map(.dead_letters_refused // 0), .[2].accepted]')" '[[8,8,8],[0,0,7],1]'
eq "... and the refused ones say why" "$(echo "$r3" | jq -r '.errors[-1].error')" \
	"record is 59999 bytes, more than the 32768 allowed for one event (not kept as a dead letter: the sender's dead-letter budget is spent for now)"
req=$(curl -s -H "$H" "$U/v1/dead-letters")
eq "17 dead letters kept" "$(echo "$req" | jq -c '[.total, (.dead_letters | length)]')" '[17,17]'
bad 25 27 >b1.ndjson
send "$B" b1.ndjson
eq "token B has a budget of its own, but the store (1 MiB) is full" "$(echo "$body" | jq -c '[.rejected, .dead_letters_refused]')" '[3,3]'
eq "... and says so" "$(echo "$body" | jq -r '.errors[0].error')" \
	"record is 59999 bytes, more than the 32768 allowed for one event (not kept as a dead letter: the dead-letter store is full)"
eq "still 17" "$(curl -s -H "$H" "$U/v1/dead-letters" | jq .total)" 17
eq "the metrics count what was not kept" "$(curl -s -H "$H" "$U/metrics" | grep '^baton_dead_letters_refused_total')" "baton_dead_letters_refused_total 10"
# deleting dead letters makes room again
"$BATON" dead-letters delete --db d.db --all >/dev/null
send "$B" b1.ndjson
eq "after a clean-up, B's are kept" "$(echo "$body" | jq -c '[.rejected, (.dead_letters_refused // 0)]')" '[3,0]'
kill -TERM "$pid"
wait "$pid"

eq "the CLI lists what is kept" "$("$BATON" dead-letters --db d.db --json | jq -c 'length')" 3

# ---- the dashboard's Data page: a dead letter fixed and sent again ----
{
	echo '{"id":"fix-1","source":"web","type":"page.viewed","ids":{"user_id":"dl-1"}}'
	echo '{"id":"fix-2","ts":"2026-03-01T10:00:00Z","source":"web","type":"page.viewed","ids":{"user_id":"dl-2"},"chanel":"web"}'
	echo '{"id":"ok-1","ts":"2026-03-01T10:00:00Z","source":"web","type":"page.viewed","ids":{"user_id":"dl-3"}}'
} >fix.ndjson
"$BATON" ingest --db f.db fix.ndjson >/dev/null 2>&1
serve_start f.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out | tail -n 1)"
dl() { curl -s -H "$H" "$U/v1/dead-letters" | jq -c "$1"; }
id1=$(dl '.dead_letters[0].id')
id2=$(dl '.dead_letters[1].id')
post() { # post PATH [BODY]: sets code and body
	curl -s -o out.txt -w '%{http_code}' -X POST -H "$H" -H 'Content-Type: application/json' ${2:+--data-binary "$2"} "$U$1" >code.txt
	code=$(cat code.txt)
	body=$(cat out.txt)
}
post "/v1/dead-letters/$id1/reingest"
eq "sent again as kept, still no ts: 400 with the reason" "$code $(echo "$body" | jq -r .detail)" "400 missing required field 'ts'"
eq "... and nothing new is kept" "$(dl .total)" 2
post "/v1/dead-letters/$id1/reingest" '{"id":"fix-1","ts":"2026-03-01T09:00:00Z","source":"web","type":"page.viewed","ids":{"user_id":"dl-1"}}'
eq "sent again fixed: stored, the dead letter deleted" "$code $(echo "$body" | jq -c '[.dead_letter, .accepted, .rejected]')" '200 ["deleted",1,0]'
eq "... one dead letter left" "$(dl '[.total, .dead_letters[0].id]')" "[1,$id2]"
eq "... the event is there" "$(curl -s -H "$H" "$U/v1/events/fix-1" | jq -r .ts)" "2026-03-01T09:00:00Z"
post "/v1/dead-letters/$id1/reingest"
eq "the same id again: 404" "$code" 404
post "/v1/dead-letters/x/reingest"
eq "not an id: 400" "$code" 400
post /v1/dead-letters/retry
eq "retry all: the one left is still rejected" "$code $body" '200 {"retried":1,"accepted":0,"still_rejected":1}'
code=$(curl -s -o out.txt -w '%{http_code}' -X DELETE -H "$H" "$U/v1/dead-letters/$id2")
eq "delete one" "$code $(cat out.txt)" "200 {\"deleted\":$id2}"
code=$(curl -s -o out.txt -w '%{http_code}' -X DELETE -H "$H" "$U/v1/dead-letters/$id2")
eq "... twice: 404" "$code" 404
eq "none left" "$(dl .total)" 0
kill -TERM "$pid"
wait "$pid"
