# SPDX-License-Identifier: Apache-2.0
# From a broken promise to a webhook receiver (docs/escalations.md,
# docs/webhooks.md): the server judges by the wall clock, so the promise
# breaks, the escalation opens and moves up with no new event; each moment
# reaches the receiver once, signed; a delivery refused just before a
# restart arrives after it; and what was announced is not announced again.
#
# Journey dispute (owner maria): promise_broken at once, to the owner, then
# after 3 s to the steering group (sam).  A call now promises a refund due
# in 4 seconds: the promise breaks at +4 s (promise.broken), the escalation
# opens then (escalation.opened) and moves up at +7 s (escalation.moved).
# The customer's CSAT of 1 at once opens a follow-up (followup.opened).
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
command -v node >/dev/null || { echo "skip - node is not installed"; exit 0; }
SECRET=announce-test-secret-0123
cat >a.yaml <<'EOF'
teams: [{id: service}, {id: billing}]
people: [{id: maria, name: Maria, team: billing}, {id: sam, name: Sam, team: service}]
steering: [sam]
webhooks: {allow_private: true}
journeys:
  - id: dispute
    owner: maria
    match: [{types: ["dispute.*"]}]
    escalations:
      - {on: promise_broken, after: 0s, to: owner, then: {after: 3s, to: steering}}
touchpoints: [{id: phone, channel: voice, team: service}]
EOF
"$BATON" config load --db a.db a.yaml >/dev/null || { notok "config loads"; exit 1; }

rpid=""
trap '[ -n "$rpid" ] && kill "$rpid" 2>/dev/null' EXIT
# the receiver refuses its first request (a 500), then takes the rest
node "$BATON_ROOT/tests/cli/hook_receiver.mjs" "$SECRET" 1 r.log >r.port 2>>recv.txt &
rpid=$!
: >>r.log
for _ in $(seq 100); do [ -s r.port ] && break; sleep 0.05; done
RPORT=$(jq -r .port r.port)
# wait (at most 30 s) until LOG has a line matching the jq filter
until_seen() {
	for _ in $(seq 600); do
		[ "$(jq -s -c "[.[] | select($1)] | length" r.log)" -ge "${2:-1}" ] && return 0
		sleep 0.05
	done
	echo "# r.log has no line where $1:"
	sed 's/^/#   /' r.log | cut -c1-300
	return 1
}

export BATON_ANNOUNCE_MS=200 BATON_WEBHOOK_BACKOFF_MS=3000
serve_start a.db --quiet || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$H" -H 'Content-Type: application/json' \
	--data-binary "{\"url\":\"http://127.0.0.1:$RPORT/hook\",\"events\":[\"escalation.opened\",\"escalation.moved\",\"promise.broken\",\"followup.opened\"],\"secret\":\"$SECRET\"}" \
	"$U/v1/webhooks")
eq "a webhook for escalations, broken promises and follow-ups" "$code" 201

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
	ev c1 "$now" phone dispute.call '{"user_id":"c1"}' '"promise":{"id":"R1","kind":"refund","due":"4s","team":"billing"}'
	ev c2 "$now" survey dispute.survey '{"user_id":"c1"}' '"feedback":{"csat":1,"comment":"nobody listens"}'
} >c.ndjson
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$H" -H 'Content-Type: application/x-ndjson' --data-binary @c.ndjson "$U/v1/events")
eq "a call promises a refund due in four seconds; the customer is unhappy" "$code" 200

# the first announcement is refused by the receiver; the server stops before
# its retry, three seconds later, and starts again
if until_seen '.status == 500'; then ok "the first delivery reaches the receiver, which refuses it"; else notok "the first delivery reaches the receiver, which refuses it"; fi
first=$(jq -s -r '[.[] | select(.status == 500)][0] | "\(.event) \(.delivery)"' r.log)
kill -TERM "$pid"
wait "$pid"
serve_again a.db --quiet || { notok "server restarts"; exit 1; }
delivery=${first#* }
if until_seen ".status == 200 and .delivery == \"$delivery\""; then ok "after the restart the refused delivery arrives"; else notok "after the restart the refused delivery arrives"; fi

# every moment, signed, once
until_seen '.status == 200 and .event == "escalation.moved"' >/dev/null
sleep 1 # a round more: nothing is announced twice
eq "the moments reach the receiver once each, every one verified" \
	"$(jq -s -c '[.[] | select(.status == 200) | [.event, .verified]] | sort' r.log)" \
	'[["escalation.moved",true],["escalation.opened",true],["followup.opened",true],["promise.broken",true]]'
eq "the follow-up's data: its id, instance, holder and what the customer said" \
	"$(jq -s -c '[.[] | select(.status == 200 and .event == "followup.opened") | .body.data | [.id, .instance, .team, .feedback.comment]][0]' r.log)" \
	'["F2","I1","service","nobody listens"]'
eq "the escalation is the broken promise's, and moved to the steering group" \
	"$(jq -s -c '[.[] | select(.status == 200 and .event == "escalation.moved") | .body.data | [.id, .condition, .level, .to]][0]' r.log)" \
	'["I1.promise_broken","promise_broken","steering",["sam"]]'
eq "the broken promise's data names it" \
	"$(jq -s -c '[.[] | select(.status == 200 and .event == "promise.broken") | .body.data | [.promise, .status]][0]' r.log)" \
	'["R1","broken"]'
eq "each delivery says its event in the header and the body" \
	"$(jq -s -c '[.[] | select(.status == 200) | .event == .body.event] | unique' r.log)" '[true]'
eq "the API agrees: open, with the steering group" \
	"$(curl -s -H "$H" "$U/v1/escalations" | jq -c '[.escalations[] | [.id, .state, .level]]')" '[["I1.promise_broken","open","steering"]]'

kill -TERM "$pid"
wait "$pid"
