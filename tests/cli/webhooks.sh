# SPDX-License-Identifier: Apache-2.0
# Webhooks end to end (docs/webhooks.md): a receiver on 127.0.0.1
# (tests/cli/hook_receiver.mjs) checks every signature as a receiver should,
# refuses the first attempts and sees the retries come at the backoff's
# pace; a delivery queued while no server runs, and one waiting for its
# retry across a restart, arrive after the restart; a delivery that keeps
# failing is given up after ten attempts; redirects are not followed; the
# outbound addresses a webhook may not use are refused when it is added and
# again when it is sent.  Expected values are written by hand.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
command -v node >/dev/null || { echo "skip - node is not installed"; exit 0; }

S1=receiver-one-secret-0123
S2=receiver-two-secret-4567
printf 'webhooks: {allow_private: true}\n' >private.yaml
printf 'teams: [{id: ops}]\n' >public.yaml
"$BATON" config load --db w.db private.yaml >/dev/null || { notok "config loads"; exit 1; }

rpids=""
# recv NAME SECRET REFUSE: a receiver logging to NAME.log; sets RPORT
recv() {
	node "$BATON_ROOT/tests/cli/hook_receiver.mjs" "$2" "$3" "$1.log" >"$1.port" 2>>recv.txt &
	rpids="$rpids $!"
	: >>"$1.log"
	for _ in $(seq 100); do [ -s "$1.port" ] && break; sleep 0.05; done
	RPORT=$(jq -r .port "$1.port")
}
# lines LOG N: wait (at most 20 s) until LOG has N lines
lines() {
	for _ in $(seq 400); do [ "$(wc -l <"$1")" -ge "$2" ] && return 0; sleep 0.05; done
	echo "# $1 has $(wc -l <"$1") lines, not $2"
	return 1
}
stop() { kill -TERM "$pid"; wait "$pid"; }
H() { echo "Authorization: Bearer $ADMIN"; }
api() { # METHOD PATH [BODY]: sets code and body
	curl -s -o body.out -w '%{http_code}' -X "$1" -H "$(H)" ${3:+-H 'Content-Type: application/json' --data-binary "$3"} "$U$2" >code.out
	code=$(cat code.out) body=$(cat body.out)
}
ms() { date -d "$1" +%s%3N; }
cleanup() { for p in $rpids; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

# ---- add, list, retries -----------------------------------------------------
recv r1 "$S1" 2
R1=$RPORT
export BATON_WEBHOOK_BACKOFF_MS=100
serve_start w.db --quiet || { notok "server starts"; exit 1; }
ADMIN=$(grep '^bt_' serve.out)

api POST /v1/webhooks "{\"url\":\"http://127.0.0.1:$R1/hook\",\"events\":[\"test\",\"promise.broken\"],\"secret\":\"$S1\"}"
eq "POST /v1/webhooks: 201 with the webhook, its events in the list's order, no secret" \
	"$code $(echo "$body" | jq -c '[.id, .url, .events, .deliveries, has("secret")]')" \
	"201 [1,\"http://127.0.0.1:$R1/hook\",[\"promise.broken\",\"test\"],{\"pending\":0,\"delivered\":0,\"failed\":0},false]"
api POST /v1/webhooks "{\"url\":\"http://127.0.0.1:$R1/other\",\"events\":[\"collision\"]}"
eq "without a secret, baton makes one and answers it once" \
	"$code $(echo "$body" | jq -r '.secret | test("^whsec_[A-Za-z0-9_-]{43}$")')" "201 true"
api GET /v1/webhooks
eq "GET /v1/webhooks: newest first" "$(echo "$body" | jq -c '[[.webhooks[].id], .total, .next]')" '[[2,1],2,null]'
case "$body" in *"$S1"* | *whsec_*) notok "the list never shows a secret" ;; *) ok "the list never shows a secret" ;; esac
api GET "/v1/webhooks?limit=1"
eq "a page of one, and the cursor of the next" "$(echo "$body" | jq -c '[[.webhooks[].id], .next]')" '[[2],"2"]'
api GET "/v1/webhooks?limit=1&cursor=2"
eq "... the next page" "$(echo "$body" | jq -c '[[.webhooks[].id], .next]')" '[[1],null]'
api DELETE /v1/webhooks/2
eq "DELETE /v1/webhooks/2" "$code $body" '200 {"deleted":2}'
api DELETE /v1/webhooks/2
eq "... twice: 404" "$code" 404
api GET /v1/webhooks/2/deliveries
eq "the deliveries of a deleted webhook: 404" "$code" 404
grep -c "$S1" w.db w.db-wal >/dev/null 2>&1 && notok "the secret is not in the database files" || ok "the secret is not in the database files"

api POST /v1/webhooks/1/test
eq "POST /v1/webhooks/1/test: 202" "$code $body" '202 {"webhook":1,"event":"test","queued":true}'
lines r1.log 3 || notok "three attempts reach the receiver"
eq "the receiver refused twice, then took it" "$(jq -s -c '[.[].status]' r1.log)" '[500,500,200]'
eq "every attempt is signed with the webhook's secret and a fresh timestamp" "$(jq -s -c '[.[].verified]' r1.log)" '[true,true,true]'
eq "one delivery id, sent three times" "$(jq -s -c '[.[].delivery] | unique | length' r1.log)" 1
eq "headers and body: POST application/json to the URL's path, X-Baton-Event, the body's id is X-Baton-Delivery" \
	"$(jq -s -c '.[2] | [.method, .path, .type, .event, .body.event, .body.id == .delivery, .body.data]' r1.log)" \
	'["POST","/hook","application/json","test","test",true,{"webhook":1,"message":"a test delivery from baton"}]'
api GET /v1/webhooks/1/deliveries
eq "GET deliveries: delivered, with each attempt" \
	"$(echo "$body" | jq -c '.deliveries[0] | [.state, .event, .next_attempt, [.attempts[] | [.status, .error, (.next_attempt != null)]]]')" \
	'["delivered","test",null,[[500,"HTTP 500",true],[500,"HTTP 500",true],[200,null,false]]]'
eq "the delivery's id is the one the receiver saw" "$(echo "$body" | jq -r '.deliveries[0].delivery')" "$(jq -r -s '.[0].delivery' r1.log)"
a0=$(ms "$(echo "$body" | jq -r '.deliveries[0].attempts[0].at')")
a1=$(ms "$(echo "$body" | jq -r '.deliveries[0].attempts[1].at')")
a2=$(ms "$(echo "$body" | jq -r '.deliveries[0].attempts[2].at')")
eq "the second attempt came 100 ms or more after the first, the third 200 ms or more after it (BATON_WEBHOOK_BACKOFF_MS=100)" \
	"$([ $((a1 - a0)) -ge 100 ] && [ $((a2 - a1)) -ge 200 ] && [ $((a2 - a0)) -lt 5000 ] && echo yes)" yes
metric() { curl -s -H "$(H)" "$U/metrics" | sed -n "s/^baton_webhook_attempts_total{outcome=\"$1\"} //p"; }
eq "metrics: one delivered, two to retry" "$(metric delivered) $(metric retry) $(metric failed)" "1 2 0"

# a name, resolved and pinned: localhost (allowed here)
api POST /v1/webhooks "{\"url\":\"http://localhost:$R1/by-name\",\"events\":[\"collision\"],\"secret\":\"$S1\"}"
eq "a webhook on localhost, with private addresses allowed" "$code" 201
api POST /v1/webhooks/3/test
lines r1.log 4 || notok "the delivery to localhost arrives"
eq "... it arrives, signed" "$(jq -s -c '.[3] | [.path, .status, .verified]' r1.log)" '["/by-name",200,true]'
# a redirect is an answer (a failed one, tried again), never followed
recv r4 "$S1" 0
api POST /v1/webhooks "{\"url\":\"http://127.0.0.1:$RPORT/redirect\",\"events\":[\"collision\"],\"secret\":\"$S1\"}"
api POST /v1/webhooks/4/test
lines r4.log 2
api DELETE /v1/webhooks/4
api GET /v1/webhooks/4/deliveries
eq "a 302 is not followed: every request went to /redirect, none to its Location" \
	"$(jq -s -c '[.[].path] | unique' r4.log)" '["/redirect"]'

# ---- a restart loses nothing --------------------------------------------------
stop
run "$BATON" webhooks test --db w.db 1
eq "queued with no server running" "$out" "test delivery queued for webhook 1 ('baton serve' sends it)"
serve_again w.db --quiet || notok "restart"
lines r1.log 5 || notok "the delivery queued while the server was down arrives"
eq "... it arrives after the restart, signed" "$(jq -s -c '.[4] | [.event, .status, .verified]' r1.log)" '["test",200,true]'

# a delivery waiting for its retry when the server stops
recv r2 "$S2" 1
printf '%s\n' "$S2" >s2.txt
run "$BATON" webhooks add --db w.db --url "http://127.0.0.1:$RPORT/two" --events promise.broken --secret-file s2.txt
eq "baton webhooks add, with the secret from a file" "$out" "webhook 5 added (promise.broken)"
stop
export BATON_WEBHOOK_BACKOFF_MS=1500
serve_again w.db --quiet || notok "restart with a longer backoff"
api POST /v1/webhooks/5/test
lines r2.log 1
stop
run "$BATON" webhooks deliveries --db w.db 5 --json
eq "stopped while the retry waits: pending, one attempt" "$(echo "$out" | jq -c '.[0] | [.state, (.attempts | length)]')" '["pending",1]'
serve_again w.db --quiet || notok "restart"
lines r2.log 2 || notok "the retry arrives after the restart"
eq "... the retry arrives after the restart: the same delivery, now taken" \
	"$(jq -s -c '[(.[0].delivery == .[1].delivery), .[1].status, .[1].verified]' r2.log)" '[true,200,true]'
stop

# ---- given up after ten attempts ------------------------------------------------
recv r3 "$S2" 1000
export BATON_WEBHOOK_BACKOFF_MS=10
serve_again w.db --quiet || notok "restart with a short backoff"
api POST /v1/webhooks "{\"url\":\"http://127.0.0.1:$RPORT/never\",\"events\":[\"test\"],\"secret\":\"$S2\"}"
api POST /v1/webhooks/6/test
for _ in $(seq 300); do
	api GET /v1/webhooks/6/deliveries
	[ "$(echo "$body" | jq -r '.deliveries[0].state')" = failed ] && break
	sleep 0.05
done
eq "a receiver that always refuses: failed after ten attempts, none due" \
	"$(echo "$body" | jq -c '.deliveries[0] | [.state, (.attempts | length), .next_attempt, .attempts[9].next_attempt, .attempts[8].next_attempt != null]')" \
	'["failed",10,null,null,true]'
eq "the receiver saw the ten" "$(wc -l <r3.log)" 10
eq "metrics: nine retries and one failure" "$(metric retry) $(metric failed)" "9 1"
api GET /v1/webhooks
eq "the list counts a webhook's deliveries by state" "$(echo "$body" | jq -c '[.webhooks[] | select(.id == 6 or .id == 1) | [.id, .deliveries]]')" \
	'[[6,{"pending":0,"delivered":0,"failed":1}],[1,{"pending":0,"delivered":2,"failed":0}]]'

# ---- outbound addresses refused -------------------------------------------------
"$BATON" config load --db w.db public.yaml >/dev/null
refused() { # URL WANT-DETAIL
	api POST /v1/webhooks "{\"url\":\"$1\",\"events\":[\"test\"]}"
	eq "refused: $1" "$code $(echo "$body" | jq -r .detail)" "400 $2"
}
ALLOW=": set webhooks.allow_private: true in the configuration to allow it"
refused "http://127.0.0.1:$R1/hook" "the address 127.0.0.1 is a loopback address$ALLOW"
refused "http://10.0.0.1/hook" "the address 10.0.0.1 is a private address (RFC 1918 or fc00::/7)$ALLOW"
refused "http://169.254.169.254/latest/meta-data/" "the address 169.254.169.254 is a cloud metadata address, never allowed"
refused "http://[::1]:$R1/hook" "the address ::1 is a loopback address$ALLOW"
refused "http://[::ffff:127.0.0.1]/" "the address ::ffff:127.0.0.1 is a loopback address$ALLOW"
refused "http://100.64.0.1/" "the address 100.64.0.1 is a shared address (carrier-grade NAT, 100.64.0.0/10)$ALLOW"
refused "http://[fe80::1]/" "the address fe80::1 is a link-local address, never allowed"
refused "ftp://192.0.2.1/" "the URL's scheme 'ftp' is not http or https"
refused "http://user:pw@192.0.2.1/" "the URL holds a user name or password: leave them out (the receiver checks the signature instead)"
api POST /v1/webhooks "{\"url\":\"http://localhost:$R1/hook\",\"events\":[\"test\"]}"
case "$(echo "$body" | jq -r .detail)" in
"the host 'localhost' resolves to "*", a loopback address$ALLOW") ok "refused: a name that resolves to loopback (localhost)" ;;
*) notok "refused: a name that resolves to loopback (localhost)"; echo "#   $code $body" ;;
esac
api GET /v1/webhooks
eq "nothing refused was stored" "$(echo "$body" | jq -c '[.webhooks[].id]')" '[6,5,3,1]'
# checked again at every send: webhook 1 (127.0.0.1) was allowed when added
api POST /v1/webhooks/1/test
for _ in $(seq 100); do
	api GET "/v1/webhooks/1/deliveries?limit=1"
	[ "$(echo "$body" | jq '.deliveries[0].attempts | length')" -ge 1 ] && break
	sleep 0.05
done
eq "checked again when sent: the attempt is refused, nothing reaches the receiver" \
	"$(echo "$body" | jq -c '.deliveries[0].attempts[0] | [.status, .error]') $(wc -l <r1.log)" \
	"[null,\"not sent: the address 127.0.0.1 is a loopback address$ALLOW\"] 5"

# ---- bad requests ------------------------------------------------------------------
bad() { # BODY WANT-DETAIL
	api POST /v1/webhooks "$1"
	eq "400: $2" "$code $(echo "$body" | jq -r .detail)" "400 $2"
}
bad '{"url":"http://192.0.2.1/","events":["promise.brokn"]}' "unknown event 'promise.brokn' (did you mean 'promise.broken'?) (events: escalation.opened, escalation.moved, escalation.resolved, promise.broken, collision, change.upcoming, followup.opened, test)"
bad '{"url":"http://192.0.2.1/","events":["test","test"]}' "the event 'test' is named twice"
bad '{"url":"http://192.0.2.1/","events":[]}' "name at least one event: escalation.opened, escalation.moved, escalation.resolved, promise.broken, collision, change.upcoming, followup.opened, test"
bad '{"uri":"http://192.0.2.1/","events":["test"]}' "unknown field 'uri' (a webhook has url, events, secret)"
bad '{"url":"http://192.0.2.1/","events":["test"],"secret":"short"}' "the secret is 5 characters long: give 16 to 256"
bad '{"url":"http://192.0.2.1/","events":"test"}' "'events' must be an array of event names"
bad '{"events":["test"]}' "'url' is missing"
bad 'not json' 'send a JSON object: {"url", "events": [...], "secret"}'
api GET "/v1/webhooks?limit=0"
eq "a bad limit: 400" "$code" 400
api GET "/v1/webhooks/1/deliveries?cursor=x"
eq "a bad cursor: 400" "$code" 400
api POST /v1/webhooks/abc/test
eq "a webhook id that is no number: 400" "$code" 400
stop

# ---- the command ---------------------------------------------------------------------
run "$BATON" webhooks list --db w.db --json
eq "baton webhooks list --json" "$(echo "$out" | jq -c '[.[].id]')" '[6,5,3,1]'
run "$BATON" webhooks deliveries --db w.db 6
eq "baton webhooks deliveries: the delivery, then its ten attempts" "$(printf '%s\n' "$out" | awk 'NR == 1 {print $2, $3} END {print NR}' | tr '\n' ' ')" "failed test 11 "
run "$BATON" webhooks delete --db w.db 6
eq "baton webhooks delete" "$rc $out" "0 webhook 6 deleted"
run "$BATON" webhooks delete --db w.db 6
eq "... twice" "$rc $err" "1 baton: no webhook 6"
run "$BATON" webhooks add --db w.db --url http://10.0.0.1/ --events test
eq "the command refuses what the API refuses" "$rc $err" "1 baton: the address 10.0.0.1 is a private address (RFC 1918 or fc00::/7)$ALLOW"
run "$BATON" webhooks add --db w.db --url http://192.0.2.1/ --events test,colision
eq "... and names an unknown event" "$rc" 1
contains "... with the nearest" "$err" "did you mean 'collision'?"
run "$BATON" webhooks --help
eq "baton webhooks --help" "$rc $(echo "$out" | head -n 1)" "0 usage: baton webhooks list [--db PATH] [--json]"
