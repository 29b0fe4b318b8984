# SPDX-License-Identifier: Apache-2.0
# The steering agenda (docs/governance.md) on a scenario worked out by hand.
# The period P = [2026-03-01, 2026-03-29), judged as of 2026-04-26; the
# period before, B = [2026-02-01, 2026-03-01), judged as of 2026-03-29 (as
# long after its end).  Recontact window 7d, handoff SLA 24h.
#
# dispute (owner maria), all calls by service on the phone:
#   B: u1 (02-05) and u2 (02-10) call, resolved: resolution 2/2 = 100%.
#   P: u3 (03-02) call, resolved.  u4 (03-03) call, case D4, resolved;
#      12 h later u4 chats (digital) linking D4: a clean handoff
#      service->digital, but a recontact within 7 days.  Resolution 1/2
#      = 50%; recontact 0% -> 50%; FCR 100% -> 50%: each 50 points the
#      wrong way, resolution first in the order compared.  Customers of
#      dispute in P: u3, u4 = 2.  Score 2 x 0.5 = 1.
#   service's local wins: u3 (true), u4 (followed by digital within 7
#      days: shifted 1).  Contacts 2: local 100%, true 50%; customers
#      shifted: u4.  Score 1 x 0.5 = 0.5.
# support (owner tom), nothing in B (no comparison):
#   u5 chats (digital, case C5) 03-10, visits the store (shop) 5 h later
#      linking C5: clean.  u6 the same, without the link: context lost.
#      digital->shop: 1 failed of 2, 1 customer: score 1 x 0.5 = 0.5.
#   u7, u8 visit the store (03-15, 03-16) with a refund promised by billing
#      in 48 h, never kept: billing broke 2 of 2, 2 customers: score 2.
#   u10, u11 use the kiosk (03-25, 03-26), which nothing else links: the
#      kiosk's 2 events reach no customer another source knows (0% linked:
#      L1) on 2 instances: a siloed source, 2 customers x 100% = 2.
#      (phone in P: p3, p4, 1 of 2 linked, L2; store 2 of 5, L2; chatbot
#      3 of 3, L3.)
# moving (in the data only, no owner): u9 visits the store 03-20.
# Ranked: broken promises (2), the kiosk (2, the same customers: by kind),
# dispute's resolution (1), the handoff pair (0.5, one customer, before the
# cost shift by kind).  Four of five candidates.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
cat >g.yaml <<'YAML'
teams: [{id: service}, {id: digital}, {id: shop}, {id: billing}]
people:
  - {id: maria, name: Maria, team: billing}
  - {id: tom, name: Tom, team: service}
journeys:
  - {id: dispute, name: Dispute, owner: maria, match: [{types: ["dispute.*"]}], recontact_window: 7d, handoff_sla: 24h}
  - {id: support, name: Support, owner: tom, match: [{types: ["support.*"]}], recontact_window: 7d, handoff_sla: 24h}
touchpoints:
  - {id: phone, channel: voice, team: service}
  - {id: chatbot, channel: chat, team: digital}
  - {id: store, channel: store, team: shop}
  - {id: kiosk, channel: store, team: shop}
YAML
"$BATON" config load --db g.db g.yaml >/dev/null || { notok "config loads"; exit 1; }
{
	ev b1 2026-02-05T10:00:00Z phone dispute.call '{"user_id":"u1"}' '"outcome":"resolved"'
	ev b2 2026-02-10T10:00:00Z phone dispute.call '{"user_id":"u2"}' '"outcome":"resolved"'
	ev p3 2026-03-02T10:00:00Z phone dispute.call '{"user_id":"u3"}' '"outcome":"resolved"'
	ev p4 2026-03-03T10:00:00Z phone dispute.call '{"user_id":"u4"}' '"case":"D4","outcome":"resolved"'
	ev p4b 2026-03-03T22:00:00Z chatbot dispute.chat '{"user_id":"u4"}' '"links":["D4"]'
	ev s5 2026-03-10T10:00:00Z chatbot support.chat '{"user_id":"u5"}' '"case":"C5"'
	ev s5b 2026-03-10T15:00:00Z store support.visit '{"user_id":"u5"}' '"links":["C5"]'
	ev s6 2026-03-11T10:00:00Z chatbot support.chat '{"user_id":"u6"}' '"case":"C6"'
	ev s6b 2026-03-11T15:00:00Z store support.visit '{"user_id":"u6"}'
	ev s7 2026-03-15T10:00:00Z store support.visit '{"user_id":"u7"}' '"promise":{"id":"R7","kind":"refund","due":"48h","team":"billing"}'
	ev s8 2026-03-16T10:00:00Z store support.visit '{"user_id":"u8"}' '"promise":{"id":"R8","kind":"refund","due":"48h","team":"billing"}'
	ev m9 2026-03-20T10:00:00Z store moving.visit '{"user_id":"u9"}' '"journey":"moving"'
	ev k10 2026-03-25T10:00:00Z kiosk support.kiosk '{"user_id":"u10"}'
	ev k11 2026-03-26T10:00:00Z kiosk support.kiosk '{"user_id":"u11"}'
} >ev.ndjson
"$BATON" ingest --db g.db ev.ndjson >/dev/null || { notok "events ingest"; exit 1; }
"$BATON" actions add --db g.db --title "Refund within 48 hours" --owner maria --due 2026-04-20 --journey dispute >/dev/null
"$BATON" actions add --db g.db --title "Link the chat to the store" --owner tom --due 2026-05-20 --journey support >/dev/null
"$BATON" actions add --db g.db --title "Own moving" --owner tom --due 2026-04-01 --status done >/dev/null
# an initiative on dispute's resolution from 03-01: after u3, u4 (1 of 2),
# before [01-04, 03-01) u1, u2 (2 of 2): -0.5; Newcombe's interval from
# Wilson [0.0945, 0.9055] and [0.3424, 1]: high = -0.5 + sqrt(0.4055^2 +
# 0.6576^2) = +0.27, no more than the minimum effect 0.5: stop
"$BATON" initiatives add --db g.db --name "Shorter calls" --journey dispute --kpi resolution \
	--start 2026-03-01 --min-sample 2 --min-effect 0.5 >/dev/null || notok "the initiative is added"

P="--as-of 2026-04-26T00:00:00Z --from 2026-03-01 --to 2026-03-29"
run "$BATON" agenda --db g.db $P --format json
eq "exit 0" "$rc" 0
j() { printf '%s' "$out" | jq -c "$1"; }
eq "the period and the period before, each judged 28 days after its end" "$(j '[.from, .to, .as_of, .before.from, .before.to, .before.as_of]')" \
	'["2026-03-01T00:00:00Z","2026-03-29T00:00:00Z","2026-04-26T00:00:00Z","2026-02-01T00:00:00Z","2026-03-01T00:00:00Z","2026-03-29T00:00:00Z"]'
eq "five candidates, four ranked by customers x move" "$(j '[.candidates, [.issues[] | [.rank, .kind, .customers, .move, .score]]]')" \
	'[5,[[1,"broken_promises",2,1,2],[2,"silo_source",2,1,2],[3,"journey_kpi",2,0.5,1],[4,"handoff_pair",1,0.5,0.5]]]'
eq "2: the kiosk, siloed" "$(j '.issues[1] | [.source, .unlinked_events, .events, .evidence.api]')" \
	'["kiosk",2,2,"/v1/audit/sources?from=2026-03-01T00:00:00Z&to=2026-03-29T00:00:00Z"]'
eq "1: billing broke 2 of 2 promises" "$(j '.issues[0] | [.team, .failed, .of, .title, .evidence.api]')" \
	'["billing",2,2,"billing broke 2 of 2 promises (100.0%)","/v1/promises?status=broken&keeper=billing"]'
eq "3: dispute's resolution 100% -> 50%" "$(j '.issues[2] | [.journey, .kpi, .before, .after, .title, .evidence.page]')" \
	'["dispute","resolution_rate",1,0.5,"dispute: resolution fell from 100.0% to 50.0%","/journeys/dispute?from=2026-03-01T00:00:00Z&to=2026-03-29T00:00:00Z"]'
eq "4: digital -> shop, 1 of 2 failed" "$(j '.issues[3] | [.team, .to_team, .failed, .of]')" '["digital","shop",1,2]'
eq "the overdue action at the as_of: A1 (A2 not due yet, A3 done)" "$(j '[.overdue_actions[].id]')" '[1]'
eq "the journey nobody owns" "$(j .unowned_journeys)" '[{"journey":"moving","instances":1}]'
eq "the initiative to stop" "$(j '[.initiatives_to_stop[] | [.name, .verdict, .effect]]')" '[["Shorter calls","stop",-0.5]]'

run "$BATON" agenda --db g.db $P
eq "Markdown: the first issue, its why and its evidence" "$(printf '%s' "$out" | sed -n '/^1\. \*\*/,/Evidence/p')" \
"1. **billing broke 2 of 2 promises (100.0%)**  
   Why: the team whose broken promises (unkept at their due time) reach most customers: 2 customers.  
   Evidence: \`/teams/billing?from=2026-03-01T00:00:00Z&to=2026-03-29T00:00:00Z\`"
contains "Markdown: the overdue action" "$out" "- A1 Refund within 48 hours: maria, due 2026-04-21T00:00:00Z (open), journey dispute"
run "$BATON" agenda --db g.db $P --format html -o agenda.html
eq "HTML to a file" "$rc $(grep -c '<li><strong>' agenda.html)" "0 4"
run "$BATON" agenda --db g.db $P --format pdf
eq "a bad format: exit 1, said" "$rc $err" "1 baton agenda: --format must be md, html or json, not 'pdf'
(see 'baton agenda --help')"

run "$BATON" report --db g.db $P
eq "baton report: the agenda's issues, in order" "$(printf '%s' "$out" | sed -n '/^## Steering agenda/,/^## Actions/p' | grep '^| [0-9]' | cut -d'|' -f2,4,5)" " 1 | 2 | 2.00 
 2 | 2 | 2.00 
 3 | 2 | 1.00 
 4 | 1 | 0.50 "

# the period before a change of state: judged at 03-12, u3's and u4's
# windows passed?  P = [03-01, 03-08) as of 03-12 (before: [02-22, 03-01)
# as of 03-05, with nothing opened in it): no comparison.
run "$BATON" agenda --db g.db --as-of 2026-03-12T00:00:00Z --from 2026-03-01 --to 2026-03-08 --format json
eq "no period before to compare with: no journey KPI issue" "$(j '[.issues[].kind]')" '["cost_shift"]'
eq "service's local wins: 100% local (u3, u4), 50% true (u3), u4 followed up once" \
	"$(j '.issues[0] | [.team, .customers, .local_success_rate, .true_success_rate, .follow_ups, .score]')" '["service",1,1,0.5,1,0.5]'

# the API answers the same; an owner sees their journeys only
serve_start g.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
TOM="Authorization: Bearer $("$BATON" token create --db g.db --role owner --person tom | tail -n 1)"
Q="as_of=2026-04-26T00:00:00Z&from=2026-03-01&to=2026-03-29"
"$BATON" agenda --db g.db $P --format json >cli.json
eq "GET /v1/agenda = baton agenda --format json" "$(curl -s -H "$H" "$U/v1/agenda?$Q" | jq -c 'del(.overdue_actions[].created, .overdue_actions[].updated)')" "$(jq -c 'del(.overdue_actions[].created, .overdue_actions[].updated)' cli.json)"
eq "tom: support's issues only, his actions, no initiative of dispute" "$(curl -s -H "$TOM" "$U/v1/agenda?$Q" | jq -c '[[.issues[] | .kind], [.overdue_actions[].id], .initiatives_to_stop]')" '[["broken_promises","silo_source","handoff_pair"],[],[]]'
SHOP="Authorization: Bearer $("$BATON" token create --db g.db --role team --team shop | tail -n 1)"
BILL="Authorization: Bearer $("$BATON" token create --db g.db --role team --team billing | tail -n 1)"
eq "team shop: what concerns it - its siloed kiosk, its handoffs from digital; no journey KPI, no initiative" \
	"$(curl -s -H "$SHOP" "$U/v1/agenda?$Q" | jq -c '[[.issues[] | [.kind, .score]], .initiatives_to_stop]')" '[[["silo_source",2],["handoff_pair",0.5]],[]]'
eq "team billing: the promises it broke" "$(curl -s -H "$BILL" "$U/v1/agenda?$Q" | jq -c '[.issues[] | [.kind, .team]]')" '[["broken_promises","billing"]]'
eq "a period that is empty: 400" "$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/agenda?from=2026-03-02&to=2026-03-01")" 400
kill -TERM "$pid"
wait "$pid"
