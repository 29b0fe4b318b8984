# SPDX-License-Identifier: Apache-2.0
# Closed-loop feedback (docs/followups.md), worked out by hand: each
# trigger on either side of its threshold, a word and the same word inside
# another, a follow-up closed by an outbound call back, one by an inbound
# contact a team answered, one exactly at its due time (late), one never
# (overdue, then escalated), one closed by hand; the KPIs one second
# before and at the due time; the CLI; rules changed through PATCH.
#
# Journey dispute (owner maria), the default triggers (CSAT <= 2, NPS <= 6,
# CES >= 6, the words cancel, complaint, ...) and followup_sla 48h.
# T0 = 2026-03-01T00:00:00Z; each customer's call at T0 opens an instance
# held by service (phone).  Events, numbered in arrival order:
#   1 u1 call   2 u1 CSAT 2 at T0+1h: F2     3 u1 call back (outbound) T0+2h: closed in time, 1h
#   4 u2 call   5 u2 CSAT 3: nothing
#   6 u3 call   7 u3 NPS 6: F7, never closed: overdue from T0+49h
#   8 u4 call   9 u4 NPS 7: nothing
#  10 u5 call  11 u5 CES 6: F11            12 u5 call back at T0+49h: exactly due: late, 48h
#  13 u6 call  14 u6 CES 5: nothing
#  15 u7 call  16 u7 "I want to CANCEL this.": F16
#  17 u7 calls in at T0+49h-1s, answered by service: closed in time, 48h-1s
#  18 u8 call  19 u8 "the cancellation fee": nothing (a word inside another)
#  20 u9 call  21 u9 CSAT 1 at T0+1h: F21  22 u9 CSAT 1 at T0+2h: added to F21 (2 negatives)
. "$BATON_ROOT/tests/cli/lib.sh"
cat >f.yaml <<'EOF'
teams: [{id: service}, {id: billing}]
people:
  - {id: maria, name: Maria, team: billing}
  - {id: tom, name: Tom, team: service}
journeys:
  - id: dispute
    owner: maria
    match: [{types: ["dispute.*"]}]
    stages: [{id: intake, types: [dispute.call]}]
    escalations:
      - {on: followup_overdue, after: 1h, to: owner}
touchpoints:
  - {id: phone, channel: voice, team: service}
  - {id: survey, channel: email}
EOF
"$BATON" config load --db f.db f.yaml >/dev/null || { notok "config loads"; exit 1; }
call() { ev "$1" "$2" phone dispute.call "{\"user_id\":\"$3\"}" "${4:-}"; }
fb() { ev "$1" "$2" survey dispute.survey "{\"user_id\":\"$3\"}" "\"feedback\":$4"; }
{
	call e1 2026-03-01T00:00:00Z u1
	fb e2 2026-03-01T01:00:00Z u1 '{"csat":2}'
	call e3 2026-03-01T02:00:00Z u1 '"direction":"outbound"'
	call e4 2026-03-01T00:00:00Z u2
	fb e5 2026-03-01T01:00:00Z u2 '{"csat":3}'
	call e6 2026-03-01T00:00:00Z u3
	fb e7 2026-03-01T01:00:00Z u3 '{"nps":6}'
	call e8 2026-03-01T00:00:00Z u4
	fb e9 2026-03-01T01:00:00Z u4 '{"nps":7}'
	call e10 2026-03-01T00:00:00Z u5
	fb e11 2026-03-01T01:00:00Z u5 '{"ces":6}'
	call e12 2026-03-03T01:00:00Z u5 '"direction":"outbound"'
	call e13 2026-03-01T00:00:00Z u6
	fb e14 2026-03-01T01:00:00Z u6 '{"ces":5}'
	call e15 2026-03-01T00:00:00Z u7
	fb e16 2026-03-01T01:00:00Z u7 '{"csat":4,"comment":"I want to CANCEL this."}'
	call e17 2026-03-03T00:59:59Z u7
	call e18 2026-03-01T00:00:00Z u8
	fb e19 2026-03-01T01:00:00Z u8 '{"csat":4,"comment":"the cancellation fee"}'
	call e20 2026-03-01T00:00:00Z u9
	fb e21 2026-03-01T01:00:00Z u9 '{"csat":1}'
	fb e22 2026-03-01T02:00:00Z u9 '{"csat":1}'
} >f.ndjson
"$BATON" ingest --db f.db f.ndjson >/dev/null || { notok "events ingest"; exit 1; }

fu() { "$BATON" followups --db f.db --json --as-of "$@"; }
# [id, instance, state, how, in_time, negatives, team]
rows() { jq -c '[.followups[] | [.id, .instance, .state, .how, .in_time, .negatives, .team]]'; }
eq "each trigger on either side of its threshold; a word, not inside another" \
	"$(fu 2026-03-01T01:00:00Z | jq -c '[.followups[].id] | sort')" '["F11","F16","F2","F21","F7"]'
eq "one second before the due time (T0+49h-1s)" "$(fu 2026-03-03T00:59:59Z | rows)" \
	'[["F21","I20","open",null,null,2,"service"],["F16","I15","closed","contact",true,1,"service"],["F11","I10","open",null,null,1,"service"],["F7","I6","open",null,null,1,"service"],["F2","I1","closed","contact",true,1,"service"]]'
eq "at the due time: closed exactly then is late; the others overdue" "$(fu 2026-03-03T01:00:00Z | rows)" \
	'[["F21","I20","overdue",null,null,2,"service"],["F16","I15","closed","contact",true,1,"service"],["F11","I10","closed","contact",false,1,"service"],["F7","I6","overdue",null,null,1,"service"],["F2","I1","closed","contact",true,1,"service"]]'
eq "a follow-up carries its feedback, due time and the event that closed it" \
	"$(fu 2026-03-03T01:00:00Z | jq -c '.followups[] | select(.id == "F2") | [.journey, .owner, .opened, .due, .closed, .closed_by_event, .feedback.event, .feedback.csat]')" \
	'["dispute","maria","2026-03-01T01:00:00Z","2026-03-03T01:00:00Z","2026-03-01T02:00:00Z",3,2,2]'
eq "... and where its instance stood: the stage, no handoff" \
	"$(fu 2026-03-03T01:00:00Z | jq -c '.followups[] | select(.id == "F2") | [.stage, .handoff]')" '["intake",null]'
eq "?state=overdue" "$(fu 2026-03-03T01:00:00Z --state overdue | jq -c '[.followups[].id]')" '["F21","F7"]'
eq "?state=open takes the overdue ones too" "$(fu 2026-03-03T01:00:00Z --state open | jq -c '[.followups[].id]')" '["F21","F7"]'
eq "?state=closed" "$(fu 2026-03-03T01:00:00Z --state closed | jq -c '[.followups[].id]')" '["F16","F11","F2"]'
eq "--team: another team holds none" "$(fu 2026-03-03T01:00:00Z --team billing | jq -c '.total')" 0

# ---- the KPIs --------------------------------------------------------------
# T0+49h-1s: 5 opened, closed F2 (1h) and F16 (48h-1s), both in time:
#   0.4, 0.4, p50 of [3600, 172799] = 3600 (nearest rank 1)
# T0+49h: F11 closed too, at its due time: 3 closed, 2 in time:
#   0.6, 0.4, p50 of [3600, 172799, 172800] = 172799 (rank 2)
k() { "$BATON" kpis --db f.db --json --as-of "$1" | jq -c "$2"; }
J='.journeys[0] | [.followups, .loop_closed_rate, .loop_closed_in_sla_rate, .time_to_close_p50_s]'
eq "KPIs one second before the due time" "$(k 2026-03-03T00:59:59Z "$J")" '[5,0.4,0.4,3600]'
eq "KPIs at the due time: the close exactly then is late" "$(k 2026-03-03T01:00:00Z "$J")" '[5,0.6,0.4,172799]'
eq "... per team: the team holding the work" "$(k 2026-03-03T01:00:00Z '.teams[] | select(.team == "service") | [.followups, .loop_closed_rate, .loop_closed_in_sla_rate, .time_to_close_p50_s]')" '[5,0.6,0.4,172799]'
eq "no follow-up: null rates" "$(k 2026-03-01T00:30:00Z "$J")" '[0,null,null,null]'
eq "a period that opened none" "$("$BATON" kpis --db f.db --json --as-of 2026-03-03T01:00:00Z --from 2026-03-02 | jq -c "$J")" '[0,null,null,null]'
run "$BATON" kpis --db f.db --as-of 2026-03-03T01:00:00Z
contains "the text view shows the loop" "$out" "loop closed in time"

# ---- closing by hand -------------------------------------------------------
run "$BATON" followups close --db f.db --who tom F21
eq "close needs a note" "$rc" 1
run "$BATON" followups close --db f.db --who tom --note "called back, refund agreed" F21
eq "closed by hand" "$rc $out" "0 F21 closed"
run "$BATON" followups close --db f.db --who tom --note again F21
eq "... once" "$rc" 1
run "$BATON" followups close --db f.db --who tom --note x F99
eq "an unknown follow-up" "$rc" 1
eq "F21 closed by hand, with its note and who" \
	"$(fu 2030-01-01T00:00:00Z | jq -c '.followups[] | select(.id == "F21") | [.state, .how, .in_time, .closed_by, .note]')" \
	'["closed","by_hand",false,"tom","called back, refund agreed"]'
eq "judged before the close was made, it was open" "$(fu 2026-03-03T01:00:00Z | jq -c '.followups[] | select(.id == "F21") | .state')" '"overdue"'
eq "KPIs judged after the close count it (closed late)" "$(k 2030-01-01T00:00:00Z "$J" | jq -c '.[0:3]')" '[5,0.8,0.4]'

run "$BATON" followups --db f.db --as-of 2026-03-03T01:00:00Z
contains "the text list" "$out" "F7         dispute        I6         overdue"
"$BATON" report --db f.db --as-of 2026-03-03T01:00:00Z -o r.md
eq "the report's closed-loop section: 5 opened, 3 closed, 2 in time, 2 overdue (the close by hand came later)" \
	"$(grep '^| dispute |' r.md | tail -n 1)" "| dispute | 5 | 3 | 2 | 2 | 2 | 48.00 h |"

# ---- triggers of the configuration and of a journey --------------------------
# The configuration: nps_max 5 and the words [refund]; journey calm keeps
# them, journey strict has its own: csat_max 3 (nps_max 5 kept) and
# words [late].  Each customer answers once, an hour after a call:
#   calm:   NPS 5 -> yes; NPS 6 -> no; "REFUND now!" -> yes; "cancel" -> no;
#           "no refunds" -> no (a whole word); "pre-refund" -> yes (a hyphen
#           parts words); "refundé" -> no (a letter past ASCII is a letter)
#   strict: CSAT 3 -> yes; "late again" -> yes; "refund" -> no; NPS 5 -> yes
cat >t.yaml <<'EOF'
teams: [{id: service}]
people: [{id: ann, name: Ann, team: service}]
followup_triggers: {nps_max: 5, words: [refund]}
journeys:
  - {id: calm, owner: ann, match: [{types: ["calm.*"]}]}
  - id: strict
    owner: ann
    match: [{types: ["strict.*"]}]
    followup_triggers: {csat_max: 3, words: [late]}
touchpoints: [{id: phone, channel: voice, team: service}]
EOF
{
	n=0
	for a in 'calm {"nps":5}' 'calm {"nps":6}' 'calm {"csat":4,"comment":"REFUND now!"}' 'calm {"csat":4,"comment":"cancel"}' \
		'calm {"csat":4,"comment":"no refunds"}' 'calm {"csat":4,"comment":"pre-refund"}' 'calm {"csat":4,"comment":"refundé"}' \
		'strict {"csat":3}' 'strict {"csat":4,"comment":"late again"}' 'strict {"csat":4,"comment":"refund"}' 'strict {"nps":5}'; do
		n=$((n + 1))
		j=${a%% *}
		ev "c$n" 2026-03-01T00:00:00Z phone "$j.call" "{\"user_id\":\"t$n\"}"
		ev "f$n" 2026-03-01T01:00:00Z phone "$j.survey" "{\"user_id\":\"t$n\"}" "\"feedback\":${a#* }"
	done
} >t.ndjson
eq "the configuration's triggers, a journey's own fields and words" \
	"$("$BATON" kpis --config t.yaml --input t.ndjson --json | jq -c '[.journeys[] | [.journey, .followups]]')" '[["calm",3],["strict",3]]'
cat >bad.yaml <<'EOF'
followup_sla: soon
followup_triggers: {csat_max: 7, nps_max: x, colour: 1, words: ["two words"]}
journeys: []
EOF
run "$BATON" config load --db bad.db bad.yaml
eq "a bad followup_sla, with its line" "$(echo "$err" | grep -c "^bad.yaml:1: followup_sla must be a duration like 24h, 7d or 90m")" 1
eq "a threshold out of its range" "$(echo "$err" | grep -c "^bad.yaml:2: followup_triggers: csat_max must be a whole number from 0 to 5")" 1
eq "a threshold that is no number" "$(echo "$err" | grep -c "^bad.yaml:2: followup_triggers: nps_max must be a whole number from -1 to 10")" 1
eq "an unknown trigger" "$(echo "$err" | grep -c "^bad.yaml:2: unknown key 'colour' in followup_triggers")" 1
eq "a word that is two" "$(echo "$err" | grep -c "^bad.yaml:2: followup_triggers: 'two words' is not one word")" 1

# ---- the API ----------------------------------------------------------------
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
serve_start f.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
api() { curl -s -H "$H" "$U$1"; }
eq "GET /v1/followups as the CLI lists them" "$(api '/v1/followups?as_of=2026-03-03T01:00:00Z' | rows)" \
	"$(fu 2026-03-03T01:00:00Z | rows)"
eq "the comment the customer wrote travels with it" "$(api '/v1/followups/F16?as_of=2026-03-03T01:00:00Z' | jq -c '[.feedback.comment, .state]')" \
	'["I want to CANCEL this.","closed"]'
p1=$(api '/v1/followups?as_of=2026-03-03T01:00:00Z&limit=2')
p2=$(api "/v1/followups?as_of=2026-03-03T01:00:00Z&limit=2&cursor=$(echo "$p1" | jq -r .next)")
p3=$(api "/v1/followups?as_of=2026-03-03T01:00:00Z&limit=2&cursor=$(echo "$p2" | jq -r .next)")
eq "a page at a time, newest first, every one once" "$(echo "$p1" "$p2" "$p3" | jq -s -c '[[.[].followups[].id], [.[].total], .[2].next]')" \
	'[["F21","F16","F11","F7","F2"],[5,5,5],null]'
eq "a cursor that is none: 400" "$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/followups?cursor=zz")" 400
eq "an instance counts its negative feedback" "$(api '/v1/instances?as_of=2026-03-03T01:00:00Z&limit=100' | jq -c '[.instances[] | select(.negative_feedback > 0) | [.id, .negative_feedback]] | sort')" \
	'[["I1",1],["I10",1],["I15",1],["I20",2],["I6",1]]'
eq "an unknown follow-up: 404" "$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/followups/F4")" 404
eq "a bad state: 400 naming it" "$(api '/v1/followups?state=late' | jq -r .detail)" "query parameter state: 'late' is not one of: open overdue closed"
eq "an unknown parameter: 400 naming it" "$(api '/v1/followups?colour=1' | jq -r .detail | grep -c colour)" 1
eq "an unknown journey: 404" "$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/followups?journey=nope")" 404
post() { curl -s -w '\n%{http_code}' -X POST -H "$H" -H 'Content-Type: application/json' --data-binary "$2" "$U/v1/followups/$1/close" | tr '\n' ' '; }
eq "closing without a note: 400" "$(post F7 '{}' | jq -r .detail 2>/dev/null | head -1)" "note: 1 to 2000 bytes of text saying what was done"
eq "closing with an unknown field: 400 naming it" "$(post F7 '{"note":"x","nope":1}' | jq -r .detail 2>/dev/null | head -1)" "unknown field 'nope' (the only one: note)"
eq "closing one that is closed: 409" "$(post F2 '{"note":"x"}' | awk '{print $NF}')" 409

# ---- escalated when overdue ------------------------------------------------
# followup_overdue after 1h: F7 and F21, open at their due time T0+49h,
# escalate at T0+50h (F21's close by hand was made after that: it counts
# only when judged after it); F11, closed exactly at its due time, never.
esc() { api "/v1/escalations?as_of=$1" | jq -c '[.escalations[] | select(.condition == "followup_overdue") | "\(.id):\(.state)"] | sort'; }
eq "one second before T0+50h: nothing" "$(esc 2026-03-03T01:59:59Z)" '[]'
eq "at T0+50h: both open, to the owner" "$(esc 2026-03-03T02:00:00Z)" '["I20.followup_overdue:open","I6.followup_overdue:open"]'
eq "judged after F21's close by hand: its escalation cleared" "$(esc 2030-01-01T00:00:00Z)" '["I20.followup_overdue:resolved","I6.followup_overdue:open"]'
q() { api "/v1/owners/maria/queue?as_of=$1" | jq -c '[.items[] | [.instance.id, .why]]'; }
eq "the owner's queue: the instances with a follow-up open" "$(q 2026-03-03T01:00:00Z)" '[["I20",["followup"]],["I6",["followup"]]]'
eq "... escalated an hour later" "$(q 2026-03-03T02:00:00Z)" '[["I20",["escalated","followup"]],["I6",["escalated","followup"]]]'

# the closes by hand count in every KPI route, judged after them
eq "/v1/kpis, /v1/teams and the trend count F21's close by hand" \
	"$(api '/v1/kpis?as_of=2030-01-01' | jq -c '.journeys[0].loop_closed_rate') $(api '/v1/teams?as_of=2030-01-01' | jq -c '.teams[] | select(.team == "service") | .loop_closed_rate') $(api '/v1/journeys/dispute/kpis/trend?as_of=2030-01-01&to=2026-03-08&weeks=1' | jq -c '.weeks[0].kpis.journeys[0].loop_closed_rate')" \
	"0.8 0.8 0.8"
eq "the journey's definition carries its follow-up rules" "$(api /v1/journeys | jq -c '.journeys[0] | [.followup_sla, .followup_triggers.nps_max]')" '["2d",6]'

# ---- the rules under decision rights ----------------------------------------
patch() { curl -s -w '\n%{http_code}' -X PATCH -H "$H" -H 'Content-Type: application/json' --data-binary "$1" "$U/v1/journeys/dispute" | tail -n 1; }
ids_at() { api "/v1/followups?as_of=$1" | jq -c '[.followups[].id] | sort'; }
eq "a bad threshold: 400" "$(patch '{"followup_triggers":{"csat_max":9}}')" 400
eq "CSAT 3 counts once csat_max is 3" "$(patch '{"followup_triggers":{"csat_max":3}}') $(ids_at 2026-03-03T01:00:00Z)" \
	'200 ["F11","F16","F2","F21","F5","F7"]'
eq "a journey's own words replace the list: 'fee' in, 'cancel' out" "$(patch '{"followup_triggers":{"words":["fee"]}}') $(ids_at 2026-03-03T01:00:00Z)" \
	'200 ["F11","F19","F2","F21","F5","F7"]'
eq "followup_sla 1h: F7 due at T0+2h" "$(patch '{"followup_sla":"1h"}') $(api '/v1/followups/F7?as_of=2026-03-03T01:00:00Z' | jq -c '[.due, .state]')" \
	'200 ["2026-03-01T02:00:00Z","overdue"]'
eq "the audit trail keeps each change" "$(api '/v1/changes?journey=dispute' | jq -c '[.changes[].field]')" '["followup_sla","followup_triggers","followup_triggers"]'
eq "... in the configuration's words" "$(api '/v1/changes?journey=dispute' | jq -c '.changes[1] | [.before, .after]')" \
	'["{\"csat_max\":3,\"nps_max\":6,\"ces_min\":6,\"words\":[\"cancel\",\"complaint\",\"complain\",\"unacceptable\",\"terrible\"]}","{\"csat_max\":3,\"nps_max\":6,\"ces_min\":6,\"words\":[\"fee\"]}"]'
kill -TERM "$pid"
wait "$pid"
