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
