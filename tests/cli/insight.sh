# SPDX-License-Identifier: Apache-2.0
# baton friction, baton channels, baton value and the report's sections
# (docs/insight.md), through a database, on a small history worked out by
# hand.  The library's edges are in tests/unit/test_insight.c; this checks
# the commands say the same things, in text and JSON.
#
# One journey `claim` (stage filed, 1 h SLA; recontact 1 h; abandonment
# 30 h); web is digital's web channel, phone the contact center's voice.
#   a  web 10:00 filed, 10:30 call resolved, invoice 100 on 11:00 (a success)
#   b  web 10:00 filed (case B), 10:05 phone call without the case, repeat,
#      abandoned: a failed handoff digital -> service (context lost and
#      repeated), a repeat, a drop-off in filed; its account closes 20:00
#   c  phone 10:00 call, 10:20 phone call resolved (no handoff, no stage)
# as of 2026-03-02.  Customers 3.
# Friction: drop_off filed (b), repeat (b), failed_handoff context_lost (b),
#   failed_handoff customer_repeated (b): each 1 customer, 1/3; ties by kind.
# Channels: web a, b: a successful, b abandoned: 1/2; voice c: 1/1;
#   spread 50 pp (voice - web): flagged at 10 pp.
# Value (90 days): successful a, c: churned 0, revenue 100, 50 each;
#   failed b: churned 1 of 1, revenue 0; difference +1 (100 pp), -50.
. "$BATON_ROOT/tests/cli/lib.sh"

cat >c.yaml <<'YAML'
teams: [{id: digital}, {id: service}]
people: [{id: tom, name: Tom, team: service}]
journeys:
  - id: claim
    owner: tom
    match: [{types: ["claim.*"]}]
    stages: [{id: filed, types: [claim.filed], sla: 1h}]
    recontact_window: 1h
    abandon_after: 30h
touchpoints:
  - {id: web, channel: web, team: digital}
  - {id: phone, channel: voice, team: service}
  - {id: billing-sys, team: service}
consistency: {max_spread_rate: 10pp}
value: {revenue: props.revenue, churn: [account.closed]}
YAML
{
	ev a1 2026-03-01T10:00:00Z web claim.filed '{"user_id":"a"}'
	ev a2 2026-03-01T10:30:00Z web claim.call '{"user_id":"a"}' '"outcome":"resolved"'
	ev a3 2026-03-01T11:00:00Z billing-sys invoice.paid '{"user_id":"a"}' '"props":{"revenue":100}'
	ev b1 2026-03-01T10:00:00Z web claim.filed '{"user_id":"b"}' '"case":"B"'
	ev b2 2026-03-01T10:05:00Z phone claim.call '{"user_id":"b"}' '"repeat":true,"outcome":"abandoned"'
	ev b3 2026-03-01T20:00:00Z billing-sys account.closed '{"user_id":"b"}'
	ev c1 2026-03-01T10:00:00Z phone claim.call '{"user_id":"c"}'
	ev c2 2026-03-01T10:20:00Z phone claim.call '{"user_id":"c"}' '"outcome":"resolved"'
} >ev.ndjson
"$BATON" config load --db i.db c.yaml >/dev/null || notok "config loads"
"$BATON" ingest --db i.db ev.ndjson >/dev/null || notok "events ingest"
A="--db i.db --as-of 2026-03-02"

f=$("$BATON" friction claim $A --json)
eq "friction: the journey's customers" "$(echo "$f" | jq .customers)" 3
eq "friction: ranked, ties by the kind's order then the reason" \
	"$(echo "$f" | jq -c '[.friction[] | [.rank, .kind, (.stage // .reason), .customers, .share, .occurrences]]')" \
	'[[1,"drop_off","filed",1,0.3333333333333333,1],[2,"repeat",null,1,0.3333333333333333,1],[3,"failed_handoff","context_lost",1,0.3333333333333333,1],[4,"failed_handoff","customer_repeated",1,0.3333333333333333,1]]'
eq "friction: the handoff's pair" "$(echo "$f" | jq -c '[.friction[2] | .from, .to]')" '["digital","service"]'
run "$BATON" friction claim $A
contains "friction: text, the share" "$out" "   1         1  33.3%      1  drop_off          abandoned in stage filed"
contains "friction: text, the handoff" "$out" "failed_handoff    handoff digital -> service: context_lost"
run "$BATON" friction $A
eq "friction without a journey: exit 1" "$rc" 1
contains "... saying which is missing" "$err" "which journey?"
run "$BATON" friction nope $A
eq "an unknown journey: exit 1" "$rc" 1
contains "... named" "$err" "no journey 'nope'"
eq "a period without the instances: no friction" \
	"$("$BATON" friction claim $A --from 2026-03-01T10:00:01Z --json | jq -c '[.customers, .friction]')" '[0,[]]'

c=$("$BATON" channels claim $A --json)
eq "channels: web 1 of 2, voice 1 of 1" "$(echo "$c" | jq -c '[.channels[] | [.channel, .instances, .resolution_rate]]')" '[["web",2,0.5],["voice",1,1]]'
eq "channels: the spread, flagged at 10 pp" "$(echo "$c" | jq -c '.spread.resolution_rate')" '{"spread":0.5,"max":"voice","min":"web","flagged":true}'
eq "channels: no CSAT, no spread" "$(echo "$c" | jq -c '.spread.csat')" '{"spread":null,"max":null,"min":null,"flagged":false}'
run "$BATON" channels claim $A
contains "channels: text" "$out" "  resolution  50.0 pp (voice - web)  FLAGGED: at or above 10 pp"

v=$("$BATON" value $A --json)
eq "value: journeys, successful a and c, failed b" \
	"$(echo "$v" | jq -c '.pairs[0] | [.good.customers, .good.churned, .good.revenue, .good.revenue_per_customer, .bad.customers, .bad.churned, .bad.revenue, .difference.churn_rate, .difference.revenue_per_customer]')" \
	'[2,0,100,50,1,1,0,1,-50]'
eq "value: handoffs, b's failed one" "$(echo "$v" | jq -c '.pairs[2] | [.good.customers, .bad.customers, .bad.churned]')" '[0,1,1]'
eq "value: the window's default, 90 days" "$(echo "$v" | jq -c '[.days, .revenue_field, .churn_types]')" '[90,"props.revenue",["account.closed"]]'
run "$BATON" value $A
contains "value: text" "$out" "  journeys  successful         2       0    0.0%          100        50.00"

run "$BATON" report $A
contains "the report: friction" "$out" "| 1 | drop_off | abandoned in stage filed | 1 | 33.3% | 1 |"
contains "the report: consistency" "$out" "resolution: 50.0 pp (voice - web), FLAGGED."
contains "the report: value at stake" "$out" "| journeys failed | 1 | 1 | 100.0% | 0 | 0.00 |"

# Negative feedback in the friction audit is what opens a follow-up
# (docs/followups.md, the default triggers): five customers call about a
# claim and answer a survey an hour later: d CSAT 3 (not), e CSAT 2 (yes), f
# CSAT 4 with "I will cancel" (yes: the word), g CSAT 4 with "cancellation"
# (not: the word inside another), h CES 6 (yes).  3 customers of 5.
{
	for x in d e f g h; do ev "${x}1" 2026-03-01T10:00:00Z phone claim.call "{\"user_id\":\"$x\"}"; done
	ev d2 2026-03-01T11:00:00Z web survey.answered '{"user_id":"d"}' '"journey":"claim","feedback":{"csat":3}'
	ev e2 2026-03-01T11:00:00Z web survey.answered '{"user_id":"e"}' '"journey":"claim","feedback":{"csat":2}'
	ev f2 2026-03-01T11:00:00Z web survey.answered '{"user_id":"f"}' '"journey":"claim","feedback":{"csat":4,"comment":"I will cancel"}'
	ev g2 2026-03-01T11:00:00Z web survey.answered '{"user_id":"g"}' '"journey":"claim","feedback":{"csat":4,"comment":"no cancellation fee"}'
	ev h2 2026-03-01T11:00:00Z web survey.answered '{"user_id":"h"}' '"journey":"claim","feedback":{"ces":6}'
} >fb.ndjson
"$BATON" config load --db fb.db c.yaml >/dev/null && "$BATON" ingest --db fb.db fb.ndjson >/dev/null || notok "the feedback history ingests"
eq "friction: negative feedback as the follow-up triggers judge it" \
	"$("$BATON" friction claim --db fb.db --as-of 2026-03-02 --json | jq -c '[.friction[] | select(.kind == "negative_feedback") | [.customers, .occurrences]]')" '[[3,3]]'
eq "... the same three opened follow-ups" "$("$BATON" followups --db fb.db --as-of 2026-03-02 --json | jq -c '[.followups[].profile] | length')" 3
