# SPDX-License-Identifier: Apache-2.0
# Escalations (docs/escalations.md), worked out by hand: each condition
# one second before, exactly at, and after its escalation opens; clearing;
# the move to the steering group; acknowledging and resolving by hand, by
# whom they may be; the owner queue; the CLI.
#
# Journey dispute (owner maria; stages intake 1h and review 4h SLA;
# handoff SLA 24h; sensitive) with these rules:
#   promise_broken  after 4h to owner, then after 24h to steering (sam)
#   stage_sla_breached at once, handoff_late after 1h, promise_due at
#   once, collision at once: to owner; handoff_failed after 2h to tom
# and for every journey: unowned after 1d to steering.
# T0 = 2026-03-01T00:00:00Z.  Instances (I + the number of their first event):
#   I1 u1  a call promises R1 due T0+48h, never kept: promise_due from
#          T0+24h (cleared at the due time), promise_broken from T0+48h,
#          opened T0+52h, moved to steering T0+76h
#   I2 u2  intake at T0, review at T0+2h: stood in intake past its 1h SLA
#          from T0+1h until T0+2h (cleared)
#   I4 u3  the chatbot's case C3 at T0; a call links it at T0+30h: a late
#          (failed) handoff from T0+30h: late opens T0+31h, failed T0+32h
#          (tom); resolved at T0+40h: both clear
#   I7 u4  a call promises R4 due T0+48h; the same team keeps it at T0+30h:
#          promise_due from T0+24h, cleared at T0+30h
#   I9 u5  a call, and marketing's mail at T0+1h into the open sensitive
#          instance: a collision from T0+1h
#   I11 u6 a call on journey moving-home, which nobody owns: unowned from
#          T0, opens T0+24h to steering
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
cat >e.yaml <<'EOF'
teams: [{id: digital}, {id: service}, {id: billing}, {id: marketing}]
people:
  - {id: maria, name: Maria, team: billing}
  - {id: tom, name: Tom, team: service}
  - {id: sam, name: Sam, team: service}
steering: [sam]
escalations:
  - {on: unowned, after: 1d, to: steering}
journeys:
  - id: dispute
    owner: maria
    match: [{types: ["dispute.*"]}]
    sensitive: true
    handoff_sla: 24h
    stages:
      - {id: intake, types: [dispute.intake], sla: 1h}
      - {id: review, types: [dispute.review], sla: 4h}
    escalations:
      - {on: promise_broken, after: 4h, to: owner, then: {after: 24h, to: steering}}
      - {on: stage_sla_breached, after: 0s, to: owner}
      - {on: handoff_late, after: 1h, to: owner}
      - {on: handoff_failed, after: 2h, to: tom}
      - {on: promise_due, to: owner}
      - {on: collision, to: owner}
touchpoints:
  - {id: chatbot, channel: chat, team: digital}
  - {id: phone, channel: voice, team: service}
  - {id: billing-sys, team: billing}
  - {id: mailer, channel: email, team: marketing}
EOF
"$BATON" config load --db e.db e.yaml >/dev/null || { notok "config loads"; exit 1; }
{
	ev u1 2026-03-01T00:00:00Z phone dispute.call '{"user_id":"u1"}' '"promise":{"id":"R1","kind":"refund","due":"48h","team":"billing"}'
	ev u2a 2026-03-01T00:00:00Z phone dispute.intake '{"user_id":"u2"}'
	ev u2b 2026-03-01T02:00:00Z phone dispute.review '{"user_id":"u2"}'
	ev u3a 2026-03-01T00:00:00Z chatbot dispute.chat '{"user_id":"u3"}' '"case":"C3"'
	ev u3b 2026-03-02T06:00:00Z phone dispute.call '{"user_id":"u3"}' '"links":["C3"]'
	ev u3c 2026-03-02T16:00:00Z phone dispute.call '{"user_id":"u3"}' '"outcome":"resolved"'
	ev u4a 2026-03-01T00:00:00Z phone dispute.call '{"user_id":"u4"}' '"promise":{"id":"R4","kind":"refund","due":"48h","team":"service"}'
	ev u4b 2026-03-02T06:00:00Z phone dispute.update '{"user_id":"u4"}' '"direction":"internal","fulfils":"R4"'
	ev u5a 2026-03-01T00:00:00Z phone dispute.call '{"user_id":"u5"}'
	ev u5b 2026-03-01T01:00:00Z mailer promo.sent '{"user_id":"u5"}' '"direction":"outbound"'
	ev u6 2026-03-01T00:00:00Z phone moving.call '{"user_id":"u6"}' '"journey":"moving-home"'
} >e.ndjson
"$BATON" ingest --db e.db e.ndjson >/dev/null || { notok "events ingest"; exit 1; }
serve_start e.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
# the escalations as of $1: [id, state, level, to, opened, moved, resolved, how]
at() {
	curl -s -H "$H" "$U/v1/escalations?as_of=$1&limit=1000" |
		jq -c '[.escalations[] | [.id, .state, .level, .to, .opened[11:19], (.moved // "")[0:19], (.resolved // "")[0:19], .how]]'
}
ids() { curl -s -H "$H" "$U/v1/escalations?as_of=$1&limit=1000" | jq -c '[.escalations[] | "\(.id):\(.state)"] | sort'; }

# ---- each condition at its edges ------------------------------------------
eq "one second before T0+1h: nothing yet" "$(ids 2026-03-01T00:59:59Z)" '[]'
eq "at T0+1h: the collision and the stage SLA, at once" "$(ids 2026-03-01T01:00:00Z)" '["I2.stage_sla_breached:open","I9.collision:open"]'
eq "... each with its owner" "$(at 2026-03-01T01:00:00Z)" \
	'[["I9.collision","open","owner",["maria"],"01:00:00","","",null],["I2.stage_sla_breached","open","owner",["maria"],"01:00:00","","",null]]'
eq "at T0+2h the stage is left: resolved, cleared" "$(at 2026-03-01T02:00:00Z | jq -c '.[1]')" \
	'["I2.stage_sla_breached","resolved","owner",["maria"],"01:00:00","","2026-03-01T02:00:00","cleared"]'
eq "one second before T0+24h: promise_due and unowned not yet" "$(ids 2026-03-01T23:59:59Z)" \
	'["I2.stage_sla_breached:resolved","I9.collision:open"]'
eq "at T0+24h: both promises come due, and unowned work goes to steering" "$(ids 2026-03-02T00:00:00Z)" \
	'["I1.promise_due:open","I11.unowned:open","I2.stage_sla_breached:resolved","I7.promise_due:open","I9.collision:open"]'
eq "... unowned work to the steering group" "$(at 2026-03-02T00:00:00Z | jq -c '.[] | select(.[0] == "I11.unowned") | .[2:4]')" '["steering",["sam"]]'
eq "at T0+30h R4 is kept: its promise_due clears; C3's late handoff not escalated yet" "$(ids 2026-03-02T06:00:00Z)" \
	'["I1.promise_due:open","I11.unowned:open","I2.stage_sla_breached:resolved","I7.promise_due:resolved","I9.collision:open"]'
eq "one second before T0+31h: the late handoff waits its hour" "$(ids 2026-03-02T06:59:59Z | jq -c 'map(select(startswith("I4")))')" '[]'
eq "at T0+31h: handoff_late opens" "$(ids 2026-03-02T07:00:00Z | jq -c 'map(select(startswith("I4")))')" '["I4.handoff_late:open"]'
eq "at T0+32h: handoff_failed too, to tom" "$(at 2026-03-02T08:00:00Z | jq -c '.[] | select(.[0] == "I4.handoff_failed") | .[1:5]')" '["open","tom",["tom"],"08:00:00"]'
eq "at T0+40h the instance resolves: both clear" "$(ids 2026-03-02T16:00:00Z | jq -c 'map(select(startswith("I4")))')" '["I4.handoff_failed:resolved","I4.handoff_late:resolved"]'
eq "at T0+48h R1 is due: promise_due clears, the broken promise waits 4h" "$(ids 2026-03-03T00:00:00Z | jq -c 'map(select(startswith("I1.")))')" '["I1.promise_due:resolved"]'
eq "one second before T0+52h: not yet" "$(ids 2026-03-03T03:59:59Z | jq -c 'map(select(startswith("I1.promise_broken")))')" '[]'
eq "at T0+52h: promise_broken opens, to maria" "$(at 2026-03-03T04:00:00Z | jq -c '.[] | select(.[0] == "I1.promise_broken") | .[1:6]')" '["open","owner",["maria"],"04:00:00",""]'
eq "one second before T0+76h: still with maria" "$(at 2026-03-04T03:59:59Z | jq -c '.[] | select(.[0] == "I1.promise_broken") | .[2:4]')" '["owner",["maria"]]'
eq "at T0+76h, left open 24h: moved to the steering group" "$(at 2026-03-04T04:00:00Z | jq -c '.[] | select(.[0] == "I1.promise_broken") | .[1:6]')" '["open","steering",["sam"],"04:00:00","2026-03-04T04:00:00"]'

# ---- who sees what ----------------------------------------------------------
tok() { "$BATON" token create --db e.db "$@" | tail -n 1; }
MARIA="Authorization: Bearer $(tok --role owner --person maria)"
TOM="Authorization: Bearer $(tok --role owner --person tom)"
SAM="Authorization: Bearer $(tok --role owner --person sam)"
ANALYST="Authorization: Bearer $(tok --role analyst)"
see() { curl -s -H "$1" "$U/v1/escalations?as_of=2026-03-04T04:00:00Z&limit=1000" | jq -c '[.escalations[].id] | sort'; }
eq "maria sees her journey's" "$(see "$MARIA" | jq -c 'map(select(startswith("I11"))) | length')" 0
eq "tom, who owns nothing, sees those sent to him" "$(see "$TOM")" '["I4.handoff_failed"]'
eq "sam sees what moved up to the steering group" "$(see "$SAM")" '["I1.promise_broken","I11.unowned"]'
eq "an analyst sees all eight" "$(see "$ANALYST" | jq length)" 8
eq "?state= and ?journey= filter" "$(curl -s -H "$H" "$U/v1/escalations?as_of=2026-03-04T04:00:00Z&state=resolved&journey=dispute" | jq -c '[.total, ([.escalations[].id] | sort)]')" \
	'[5,["I1.promise_due","I2.stage_sla_breached","I4.handoff_failed","I4.handoff_late","I7.promise_due"]]'
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/escalations?state=closed")
eq "a state that is not one: 400" "$code" 400
kill -TERM "$pid"
wait "$pid"

# ---- acting on them, now ----------------------------------------------------
# v1 and v2: calls three days ago promising refunds due in 48 hours: broken
# a day ago, escalated 20 hours ago, due to move up in 4 hours
"$BATON" config load --db n.db e.yaml >/dev/null
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
{
	ev v1 "$(t '-3 days')" phone dispute.call '{"user_id":"v1"}' '"promise":{"id":"RV1","kind":"refund","due":"48h","team":"billing"}'
	ev v2 "$(t '-3 days')" phone dispute.call '{"user_id":"v2"}' '"promise":{"id":"RV2","kind":"refund","due":"48h","team":"billing"}'
} >n.ndjson
"$BATON" ingest --db n.db n.ndjson >/dev/null
serve_again n.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out | tail -n 1)"
tok() { "$BATON" token create --db n.db "$@" | tail -n 1; }
MARIA="Authorization: Bearer $(tok --role owner --person maria --name maria-phone)"
TOM="Authorization: Bearer $(tok --role owner --person tom)"
ANALYST="Authorization: Bearer $(tok --role analyst)"
post() { code=$(curl -s -o out.txt -w '%{http_code}' -X POST -H "$1" "$U/v1/escalations/$2"); body=$(cat out.txt); }
post "$MARIA" I1.promise_broken/ack
eq "maria acknowledges hers" "$code $(echo "$body" | jq -c '[.state, .acknowledged_by, .level]')" '200 ["acknowledged","maria","owner"]'
post "$MARIA" I1.promise_broken/ack
eq "twice: 409" "$code $(echo "$body" | jq -r .detail)" "409 the escalation is acknowledged already"
post "$TOM" I2.promise_broken/ack
eq "another owner: 404" "$code" 404
post "$ANALYST" I2.promise_broken/ack
eq "an analyst may not: 403" "$code" 403
post "$MARIA" I9.promise_broken/ack
eq "one that is not raised: 404" "$code" 404
q=$(curl -s -H "$MARIA" "$U/v1/owners/maria/queue" | jq -c '[.items[] | [.instance.id, (.why | index("escalated") != null)]] | sort')
eq "maria's queue: the open escalation is a reason, the acknowledged one not" "$q" '[["I1",false],["I2",true]]'
later=$(date -u -d '+5 hours' +%Y-%m-%dT%H:%M:%SZ)
eq "five hours on: the acknowledged one stays, the other moved up" \
	"$(curl -s -H "$H" "$U/v1/escalations?as_of=$later" | jq -c '[.escalations[] | select(.condition == "promise_broken") | [.id, .state, .level]] | sort')" \
	'[["I1.promise_broken","acknowledged","owner"],["I2.promise_broken","open","steering"]]'
post "$MARIA" I1.promise_broken/resolve
eq "maria resolves it by hand" "$code $(echo "$body" | jq -c '[.state, .how, .resolved_by]')" '200 ["resolved","by_hand","maria"]'
post "$MARIA" I1.promise_broken/resolve
eq "twice: 409" "$code" 409
post "$H" I2.promise_broken/resolve
eq "an admin resolves any" "$code $(echo "$body" | jq -c '[.state, .resolved_by]')" '200 ["resolved","first admin"]'
eq "resolved stays resolved while the promise is still broken (once per instance)" \
	"$(curl -s -H "$H" "$U/v1/escalations?state=open" | jq -c '.total')" 0
kill -TERM "$pid"
wait "$pid"

# ---- the CLI ------------------------------------------------------------------
run "$BATON" escalations --db e.db --as-of 2026-03-04T04:00:00Z --state open
eq "the CLI lists them, newest first" "$(echo "$out" | awk 'NR > 1 {print $1, $3}' | tr '\n' ' ')" \
	"I1.promise_broken open I11.unowned open I9.collision open "
contains "... with whom each is" "$out" "I1.promise_broken                  dispute        open         opened 2026-03-03T04:00:00Z  with steering (moved up)"
run "$BATON" escalations --db e.db --as-of 2026-03-04T04:00:00Z --json
eq "--json as the API" "$(echo "$out" | jq -c '[.total, .escalations[0].id]')" '[8,"I1.promise_broken"]'
run "$BATON" escalations --db n.db --state open
eq "a database where all is done: none open" "$out" "$(printf 'as of %s\nno escalation' "$(echo "$out" | head -n 1 | cut -c7-)")"
run "$BATON" escalations ack --db e.db --who maria I1.promise_broken
eq "the CLI acknowledges one open now" "$rc $out" "0 I1.promise_broken acknowledged"
run "$BATON" escalations ack --db e.db I1.promise_broken
eq "... twice: exit 1, saying so" "$rc $err" "1 baton: I1.promise_broken is acknowledged already"
run "$BATON" escalations resolve --db e.db I9.promise_broken
eq "one not raised: exit 1, saying so" "$rc $err" "1 baton: no escalation I9.promise_broken is raised now (see 'baton escalations')"
run "$BATON" escalations --db e.db --json --as-of "$(date -u -d '+1 second' +%Y-%m-%dT%H:%M:%SZ)"
eq "the acknowledgement is kept, by whom" "$(echo "$out" | jq -c '.escalations[] | select(.id == "I1.promise_broken") | [.state, .acknowledged_by]')" '["acknowledged","maria"]'

# ---- the configuration says what is wrong, with the line ----------------------
cat >bad.yaml <<'EOF2'
people: [{id: maria, name: Maria}]
steering: [maria, ghost]
escalations:
  - {on: unowned, to: owner}
journeys:
  - id: j
    owner: maria
    match: [{types: ["j.*"]}]
    escalations:
      - {on: promise_late, to: owner}
      - {on: collision, to: owner}
      - {on: collision, to: nobody, then: {to: maria}}
EOF2
run "$BATON" check --config bad.yaml
eq "a configuration with bad escalations: exit 1" "$rc" 1
contains "a steering member who is not a person" "$err" "bad.yaml:2: steering: 'ghost' is not one of the people"
contains "unowned work sent to its owner" "$err" "bad.yaml:4: the configuration: escalation to 'owner': unowned work has no owner to tell: send it to steering or a person"
contains "a condition that is not one" "$err" "bad.yaml:10: j: escalation on 'promise_late': not one of promise_broken, stage_sla_breached"
contains "two rules on one condition" "$err" "bad.yaml:12: j: two escalations on collision"
contains "to someone who is not a person" "$err" "bad.yaml:12: j: escalation to 'nobody': not 'owner', 'steering' or one of the people"
contains "a then without after" "$err" "j: then needs an after"
