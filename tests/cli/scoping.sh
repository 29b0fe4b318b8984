# SPDX-License-Identifier: Apache-2.0
# Every route with every role (docs/api.md: a person sees only what their
# role and team allow): the status each role gets, and that no answer holds
# an id the role may not see (journeys, profiles, teams, promises).
#
# Two journeys with two owners, two customers, four teams:
#   jdispute (owner maria): u1 = P1.  d1 a call (tservice) promises PRM-D1,
#     kept by tbilling; d2 billing's internal work a day later (tservice ->
#     tbilling).  tbilling holds the instance, I1.
#   jsupport (owner tom): u2 = P2.  s1 a chat (tdigital) promises PRM-S1,
#     kept by tdigital; s2 a call (tservice) a day later (tdigital ->
#     tservice).  tservice holds the instance, I3.
#   f1, f2 (events 5 and 6): a CSAT of 1 on I1 and an NPS of 3 on I3 open
#     follow-ups F5 (held by tbilling) and F6 (held by tservice).
# So maria must never see jsupport, P2, PRM-S1 or tdigital; tom never
# jdispute, P1, PRM-D1 or tbilling; the tbilling team never jsupport, P2,
# PRM-S1 or tdigital; a sending system (guard) and an ingest token no id at
# all.  An id that the request's own path names does not count.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }

cat >s.yaml <<'EOF'
teams: [{id: tdigital}, {id: tservice}, {id: tbilling}, {id: tmarketing}]
people:
  - {id: maria, name: Maria, team: tbilling}
  - {id: tom, name: Tom, team: tservice}
journeys:
  - {id: jdispute, name: Dispute, owner: maria, match: [{types: ["dispute.*"]}], sensitive: true}
  - {id: jsupport, name: Support, owner: tom, match: [{types: ["support.*"]}]}
touchpoints:
  - {id: phone, channel: voice, team: tservice}
  - {id: billing-sys, team: tbilling}
  - {id: chatbot, channel: chat, team: tdigital}
EOF
"$BATON" config load --db s.db s.yaml >/dev/null || { notok "config loads"; exit 1; }
t() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
{
	ev d1 "$(t '-3 days')" phone dispute.call '{"user_id":"u1"}' '"case":"CD1","promise":{"id":"PRM-D1","kind":"refund","due":"48h","team":"tbilling"}'
	ev d2 "$(t '-2 days')" billing-sys dispute.update '{"user_id":"u1"}' '"case":"CD1","direction":"internal"'
	ev s1 "$(t '-3 days')" chatbot support.chat '{"user_id":"u2"}' '"case":"CS1","outcome":"contained","promise":{"id":"PRM-S1","kind":"callback","due":"72h","team":"tdigital"}'
	ev s2 "$(t '-2 days')" phone support.call '{"user_id":"u2"}' '"links":["CS1"]'
	ev f1 "$(t '-1 days')" survey dispute.survey '{"user_id":"u1"}' '"feedback":{"csat":1}'
	ev f2 "$(t '-1 days')" survey support.survey '{"user_id":"u2"}' '"feedback":{"nps":3}'
} >ev.ndjson
"$BATON" ingest --db s.db ev.ndjson >/dev/null || { notok "events ingest"; exit 1; }
echo '{"ts":"x"}' | "$BATON" ingest --db s.db - >/dev/null 2>&1 # a dead letter

serve_start s.db || { notok "server starts"; exit 1; }
tok() { "$BATON" token create --db s.db "$@" | tail -n 1; }
ROLES="admin analyst maria tom billing agent ingest guard"
T_admin=$(grep '^bt_' serve.out)
T_analyst=$(tok --role analyst)
T_maria=$(tok --role owner --person maria)
T_tom=$(tok --role owner --person tom)
T_billing=$(tok --role team --team tbilling)
T_agent=$(tok --role agent)
T_ingest=$(tok --role ingest)
T_guard=$(tok --role guard)
ALL="jdispute jsupport P1 P2 PRM-D1 PRM-S1 tdigital tservice tbilling"
F_admin="" F_analyst="" F_agent=""
F_maria="jsupport P2 PRM-S1 tdigital"
F_tom="jdispute P1 PRM-D1 tbilling"
F_billing="jsupport P2 PRM-S1 tdigital"
F_ingest="$ALL" F_guard="$ALL"

ev_json=$(sed -n 1p ev.ndjson)
seg='{"userId":"seg-1","event":"support.viewed","type":"track","messageId":"m-ROLE"}'
# method path body | admin analyst maria tom billing agent ingest guard
while IFS='|' read -r m path body want; do
	[ -z "$m" ] && continue
	set -- $want
	for role in $ROLES; do
		w=$1
		shift
		tokv=$(eval echo "\$T_$role")
		b=$(printf '%s' "$body" | sed "s/ROLE/$role/g")
		if [ "$m" = GET ]; then
			res=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $tokv" "$U$path")
		else
			res=$(curl -s -w '\n%{http_code}' -X "$m" -H "Authorization: Bearer $tokv" -H "Content-Type: application/json" --data-binary "$b" "$U$path")
		fi
		code=$(printf '%s' "$res" | tail -n 1)
		resp=$(printf '%s' "$res" | sed '$d')
		leak=""
		for id in $(eval echo "\$F_$role"); do
			case "$path" in *"$id"*) continue ;; esac
			printf '%s' "$resp" | grep -q "\"$id\"\|\"$id[^\"0-9]" && leak="$leak $id"
		done
		eq "$m $path as $role: $w, no foreign ids" "$code${leak:+ leaks:$leak}" "$w"
	done
done <<EOF
GET|/metrics||200 200 403 403 403 403 403 403
GET|/v1/openapi.json||200 200 200 200 200 200 200 200
GET|/v1/session||200 200 200 200 200 200 200 200
GET|/v1/events/d1||200 403 403 403 403 403 403 403
GET|/v1/dead-letters||200 403 403 403 403 403 403 403
POST|/v1/dead-letters/retry||200 403 403 403 403 403 403 403
POST|/v1/dead-letters/99999/reingest||404 403 403 403 403 403 403 403
DELETE|/v1/dead-letters/99999||404 403 403 403 403 403 403 403
POST|/v1/webhooks|{"url":"http://192.0.2.1/hook","events":["promise.broken"],"secret":"scoping-secret-0123"}|201 403 403 403 403 403 403 403
GET|/v1/webhooks||200 403 403 403 403 403 403 403
GET|/v1/webhooks/1/deliveries||200 403 403 403 403 403 403 403
POST|/v1/webhooks/99999/test||404 403 403 403 403 403 403 403
DELETE|/v1/webhooks/99999||404 403 403 403 403 403 403 403
GET|/v1/profiles/user_id%3Au1||200 200 403 403 403 200 403 403
GET|/v1/profiles/user_id%3Au1/merges||200 200 403 403 403 200 403 403
GET|/v1/profiles/user_id%3Au2/merges||200 200 403 403 403 200 403 403
POST|/v1/profiles/user_id%3Au1/split|{"merge":99999}|404 403 403 403 403 403 403 403
GET|/v1/conflicts||200 200 403 403 403 403 403 403
GET|/v1/conflicts?state=open||200 200 403 403 403 403 403 403
POST|/v1/conflicts/99999/resolve|{"action":"keep_apart"}|404 403 403 403 403 403 403 403
GET|/v1/context/user_id%3Au1||200 403 403 403 403 200 403 403
GET|/v1/profiles/user_id%3Au1/timeline||200 403 403 403 403 200 403 403
POST|/v1/guard|{"ids":{"user_id":"u1"}}|200 403 403 403 200 200 403 200
POST|/v1/guard|{"ids":{"user_id":"u2"}}|200 403 403 403 200 200 403 200
GET|/v1/journeys||200 200 200 200 403 403 403 403
GET|/v1/kpis||200 200 200 200 403 403 403 403
PATCH|/v1/journeys/jdispute|{"sensitive":true}|200 403 200 404 403 403 403 403
PATCH|/v1/journeys/jsupport|{"sensitive":false}|200 403 404 200 403 403 403 403
POST|/v1/changes|{"title":"Refund promo ROLE","team":"tbilling","kind":"campaign","date":"2030-01-01","journeys":["jdispute"]}|201 403 201 403 201 403 403 403
POST|/v1/changes|{"title":"Chat release ROLE","team":"tdigital","kind":"release","date":"2020-01-01","journeys":["jsupport"]}|201 403 403 201 403 403 403 403
GET|/v1/changes||200 200 200 200 200 403 403 403
GET|/v1/changes?upcoming=true&team=tbilling||200 200 200 200 200 403 403 403
GET|/v1/changes?team=tdigital||200 200 200 200 404 403 403 403
GET|/v1/changes/1/impact||200 200 200 404 403 403 403 403
GET|/v1/changes/4/impact||200 200 404 200 403 403 403 403
GET|/v1/changes/99999/impact||404 404 404 404 403 403 403 403
GET|/v1/escalations||200 200 200 200 403 403 403 403
GET|/v1/agenda||200 200 200 200 200 403 403 403
POST|/v1/actions|{"title":"t ROLE","owner":"maria","due":"2030-01-01","journey":"jdispute"}|201 403 201 403 403 403 403 403
POST|/v1/actions|{"title":"t ROLE","owner":"tom","due":"2030-01-01","journey":"jsupport"}|201 403 403 201 403 403 403 403
GET|/v1/actions||200 200 200 200 200 403 403 403
GET|/v1/actions/1||200 200 200 404 200 403 403 403
GET|/v1/actions/3||200 200 404 200 404 403 403 403
PATCH|/v1/actions/1|{"status":"in_progress"}|200 403 200 404 403 403 403 403
PATCH|/v1/actions/3|{"status":"in_progress"}|200 403 404 200 403 403 403 403
GET|/v1/followups||200 200 200 200 200 403 403 403
GET|/v1/followups?journey=jsupport||200 200 404 200 200 403 403 403
GET|/v1/followups/F5||200 200 200 404 200 403 403 403
GET|/v1/followups/F6||200 200 404 200 404 403 403 403
POST|/v1/followups/F6/close|{"note":"called ROLE back"}|200 403 404 409 404 403 403 403
POST|/v1/followups/F5/close|{"note":"called ROLE back"}|200 403 409 404 409 403 403 403
POST|/v1/escalations/I1.promise_broken/ack||404 403 404 404 403 403 403 403
POST|/v1/escalations/I1.promise_broken/resolve||404 403 404 404 403 403 403 403
POST|/v1/initiatives|{"name":"ROLE-d","journey":"jdispute","kpi":"resolution","start":"2026-01-01"}|201 403 201 404 403 403 403 403
POST|/v1/initiatives|{"name":"ROLE-s","journey":"jsupport","kpi":"csat","start":"2026-01-01"}|201 403 404 201 403 403 403 403
GET|/v1/initiatives||200 200 200 200 403 403 403 403
GET|/v1/initiatives?journey=jdispute||200 200 200 404 403 403 403 403
GET|/v1/initiatives?journey=jsupport||200 200 404 200 403 403 403 403
GET|/v1/initiatives/1||200 200 200 404 403 403 403 403
GET|/v1/initiatives/3||200 200 404 200 403 403 403 403
GET|/v1/initiatives/99999||404 404 404 404 403 403 403 403
GET|/v1/journeys/jdispute/kpis||200 200 200 404 403 403 403 403
GET|/v1/journeys/jsupport/kpis||200 200 404 200 403 403 403 403
GET|/v1/kpis/trend?weeks=2||200 200 200 200 403 403 403 403
GET|/v1/journeys/jdispute/kpis/trend||200 200 200 404 403 403 403 403
GET|/v1/journeys/jsupport/kpis/trend||200 200 404 200 403 403 403 403
GET|/v1/journeys/jdispute/funnel||200 200 200 404 403 403 403 403
GET|/v1/journeys/jsupport/funnel||200 200 404 200 403 403 403 403
GET|/v1/journeys/jdispute/friction||200 200 200 404 403 403 403 403
GET|/v1/journeys/jsupport/friction||200 200 404 200 403 403 403 403
GET|/v1/journeys/jdispute/channels||200 200 200 404 403 403 403 403
GET|/v1/journeys/jsupport/channels||200 200 404 200 403 403 403 403
GET|/v1/value||200 200 200 200 403 403 403 403
GET|/v1/value?journey=jsupport||200 200 404 200 403 403 403 403
GET|/v1/journeys/jdispute/instances||200 200 200 404 200 403 403 403
GET|/v1/journeys/jsupport/instances||200 200 404 200 200 403 403 403
GET|/v1/instances||200 200 200 200 200 403 403 403
GET|/v1/handoffs||200 200 200 200 200 403 403 403
GET|/v1/instances/I1||200 200 200 404 200 200 403 403
GET|/v1/instances/I3||200 200 404 200 404 200 403 403
GET|/v1/journeys/jdispute/handoffs||200 200 200 404 200 403 403 403
GET|/v1/journeys/jsupport/handoffs||200 200 404 200 200 403 403 403
GET|/v1/promises||200 200 200 200 200 403 403 403
GET|/v1/owners/maria/queue||200 200 200 404 403 403 403 403
GET|/v1/owners/tom/queue||200 200 404 200 403 403 403 403
GET|/v1/teams||200 200 200 200 200 403 403 403
GET|/v1/sources||200 200 403 403 403 403 403 403
GET|/v1/audit/sources||200 200 200 200 200 403 403 403
GET|/v1/audit/sources?from=2020-01-01&to=2100-01-01||200 200 200 200 200 403 403 403
GET|/v1/audit/silo-map||200 200 200 200 200 403 403 403
GET|/v1/audit/silo-map?to=soon||400 400 400 400 400 403 403 403
GET|/v1/audit/silo-map?team=tbilling||400 400 400 400 400 403 403 403
POST|/v1/events|$ev_json|200 403 403 403 403 403 200 403
POST|/v1/batch|{"batch":[$seg]}|200 403 403 403 403 403 200 403
POST|/v1/track|$seg|200 403 403 403 403 403 200 403
POST|/v1/identify|{"userId":"seg-1","traits":{"plan":"x"},"messageId":"i-ROLE"}|200 403 403 403 403 403 200 403
POST|/v1/alias|{"userId":"seg-1","previousId":"anon-1","messageId":"a-ROLE"}|200 403 403 403 403 403 200 403
POST|/v1/page|{"userId":"seg-1","name":"home","messageId":"p-ROLE"}|200 403 403 403 403 403 200 403
POST|/v1/screen|{"userId":"seg-1","name":"home","messageId":"s-ROLE"}|200 403 403 403 403 403 200 403
POST|/v1/group|{"userId":"seg-1","groupId":"g1","messageId":"g-ROLE"}|200 403 403 403 403 403 200 403
EOF

# what each sees is right, not only what it must not see
get() { curl -s -H "Authorization: Bearer $1" "$U$2"; }
# (tbilling made no contact and no local success: no row of its own)
eq "maria's overview: her journey, over her customers" \
	"$(get "$T_maria" /v1/kpis | jq -c '[[.journeys[].journey], [.teams[].team], .overall.profiles]')" '[["jdispute"],["tservice"],1]'
eq "tom's teams: those his journey's instances touched" "$(get "$T_tom" /v1/teams | jq -c '[.teams[].team]')" '["tdigital","tservice"]'
eq "tbilling's handoffs into and out of it" "$(get "$T_billing" /v1/journeys/jdispute/handoffs | jq -c '[.flow[] | [.from,.to]]')" '[["tservice","tbilling"]]'
eq "... none on a journey it never touched" "$(get "$T_billing" /v1/journeys/jsupport/handoffs | jq -c '.flow')" '[]'
eq "tbilling's instances of every journey: the one it holds" "$(get "$T_billing" /v1/instances | jq -c '[.instances[].id]')" '["I1"]'
eq "maria's instances of every journey: her journey's" "$(get "$T_maria" /v1/instances | jq -c '[.instances[].journey] | unique')" '["jdispute"]'
eq "tbilling's handoffs of every journey: into and out of it, with their journey" "$(get "$T_billing" /v1/handoffs | jq -c '[.flow[] | [.journey,.from,.to]]')" '[["jdispute","tservice","tbilling"]]'
eq "the admin's: both journeys'" "$(get "$T_admin" /v1/handoffs | jq -c '[.flow[] | [.journey,.from,.to]]')" '[["jdispute","tservice","tbilling"],["jsupport","tdigital","tservice"]]'
eq "tbilling's promises: those it must keep" "$(get "$T_billing" /v1/promises | jq -c '[.promises[].promise]')" '["PRM-D1"]'
eq "tbilling's changes: those of the journey it holds work on" "$(get "$T_billing" /v1/changes | jq -c '[.changes[] | select(.kind != "rule") | .title]')" \
	'["Refund promo billing","Refund promo maria","Refund promo admin"]'
eq "... the upcoming ones" "$(get "$T_billing" '/v1/changes?upcoming=true' | jq -c '[.changes[].kind] | unique')" '["campaign"]'
eq "tom's changes: his journey's" "$(get "$T_tom" '/v1/changes?kind=release' | jq -c '[.changes[].title]')" '["Chat release tom","Chat release admin"]'
eq "tbilling's follow-ups: the one it held" "$(get "$T_billing" /v1/followups | jq -c '[.followups[].id]')" '["F5"]'
eq "maria's follow-ups: her journey's" "$(get "$T_maria" /v1/followups | jq -c '[.followups[] | [.id, .journey, .state, .how, .closed_by, .handoff]]')" '[["F5","jdispute","closed","by_hand","first admin",{"from":"tservice","to":"tbilling"}]]'
eq "maria's journeys" "$(get "$T_maria" /v1/journeys | jq -c '[.journeys[].journey]')" '["jdispute"]'
eq "maria's value at stake: her journey's handoffs only" "$(get "$T_maria" /v1/value | jq -c '[.pairs[2] | .good.outcomes + .bad.outcomes]')" '[1]'
eq "the admin's: both journeys' handoffs" "$(get "$T_admin" /v1/value | jq -c '[.pairs[2] | .good.outcomes + .bad.outcomes]')" '[2]'
# (s2 came exactly the 24 h handoff SLA after s1: late; jsupport's customers
# are u2 and seg-1, whose Segment events the rows above sent)
eq "tom's friction: his journey's late handoff, tdigital -> tservice, 1 of 2 customers" "$(get "$T_tom" /v1/journeys/jsupport/friction | jq -c '[.friction[] | select(.kind == "failed_handoff") | [.from, .to, .reason, .customers, .share]]')" '[["tdigital","tservice","late",1,0.5]]'

kill -TERM "$pid"
wait "$pid"
