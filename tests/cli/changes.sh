# SPDX-License-Identifier: Apache-2.0
# The change calendar (docs/changes.md), worked by hand.
#
# Teams front (phone), back (chat), mkt, old (fax), older (telex).  Journeys
# billing (owner maria) and support (owner tom).  Every customer contacts
# once, inbound, so each event is an instance and a contact:
#
#   x1 02-12T00:00:00 fax support      x2 02-11T23:59:59 telex support
#   u9 03-07T23:59:59 phone billing    (one second before the window: out)
#   u1 03-08T10:00 phone billing, resolved            day -2
#   u2 03-09T10:00 phone billing                      day -1
#   u3 03-09T11:00 phone support                      day -1
#   u4 03-10T00:00:00 phone billing (at the date: after)   day 0
#   u5 03-10T09:00 chat billing, resolved             day 0
#  u10 03-10T12:00 phone support                      day 0
#   u6 03-11T09:00 chat billing                       day 1
#   u7 03-11T23:59:59 phone billing                   day 1
#   u8 03-12T00:00:00 phone billing (the latest event: as_of; date + 2 days: out)
#
# Change 1 "Spring promo" (campaign, mkt) on 2026-03-10 touches billing.
# Its impact over 2 days as of 03-12T00:00: before [03-08, 03-10), after
# [03-10, 03-12).  Billing's contacts: before u1 u2 = 2, after u4 u5 u6 u7 =
# 4, extra +2; all: before + u3 = 3, after + u10 = 5, extra +2.  Per day
# (touched/all): -2: 1/1, -1: 1/2, 0: 2/3, 1: 2/2.  Teams that took
# billing's contacts: back 0 -> 2 (+2), front 2 -> 2 (+0).  Billing's KPIs:
# instances 2 before, 4 after; first-contact... as /v1/kpis over the same
# from and to.  As of 03-11T00:00 the after side is cut to one day, and
# before is one day too: billing 1 (u2) -> 2 (u4 u5), all 2 -> 3.
#
# Who holds work (its work in the 28 days up to as_of = 03-12T00:00): front
# billing and support, back billing, old support (x1 at exactly as_of - 28
# days), older nothing (x2 a second earlier).  Upcoming (date after as_of):
# change 2 release on 03-15 (support), change 3 policy on 03-13 (billing),
# change 5 on 03-12T00:00:01 (billing); change 4 on 03-12T00:00:00 is not.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
cat >c.yaml <<'EOF'
teams: [{id: front}, {id: back}, {id: mkt}, {id: old}, {id: older}]
people: [{id: maria, name: Maria, team: front}, {id: tom, name: Tom, team: back}]
journeys:
  - {id: billing, name: Billing, owner: maria, match: [{types: ["billing.*"]}]}
  - {id: support, name: Support, owner: tom, match: [{types: ["support.*"]}]}
touchpoints:
  - {id: phone, channel: voice, team: front}
  - {id: chat, channel: chat, team: back}
  - {id: fax, team: old}
  - {id: telex, team: older}
EOF
{
	ev x1 2026-02-12T00:00:00Z fax support.call '{"user_id":"x1"}'
	ev x2 2026-02-11T23:59:59Z telex support.call '{"user_id":"x2"}'
	ev u9 2026-03-07T23:59:59Z phone billing.call '{"user_id":"u9"}'
	ev u1 2026-03-08T10:00:00Z phone billing.call '{"user_id":"u1"}' '"outcome":"resolved"'
	ev u2 2026-03-09T10:00:00Z phone billing.call '{"user_id":"u2"}'
	ev u3 2026-03-09T11:00:00Z phone support.call '{"user_id":"u3"}'
	ev u4 2026-03-10T00:00:00Z phone billing.call '{"user_id":"u4"}'
	ev u5 2026-03-10T09:00:00Z chat billing.chat '{"user_id":"u5"}' '"outcome":"resolved"'
	ev u10 2026-03-10T12:00:00Z phone support.call '{"user_id":"u10"}'
	ev u6 2026-03-11T09:00:00Z chat billing.chat '{"user_id":"u6"}'
	ev u7 2026-03-11T23:59:59Z phone billing.call '{"user_id":"u7"}'
	ev u8 2026-03-12T00:00:00Z phone billing.call '{"user_id":"u8"}'
} >ev.ndjson
"$BATON" config load --db c.db c.yaml >/dev/null || { notok "config loads"; exit 1; }
"$BATON" ingest --db c.db ev.ndjson >/dev/null || { notok "events ingest"; exit 1; }

# the notice of change.upcoming is a duration (default 7 days)
printf 'teams: [{id: t}]\nchanges: {notice: soon, lead: 1d}\n' >bad.yaml
run "$BATON" check --config bad.yaml
eq "changes: notice must be a duration, and no other key" "$rc $(grep -c "changes: notice must be a duration\|unknown key 'lead' in changes" err.txt)" "1 2"

# ---- the CLI ----
run "$BATON" changes add --db c.db --who ann --title "Spring promo" --team mkt --kind campaign --date 2026-03-10 --journeys billing
eq "baton changes add registers a change" "$rc $out" "0 change 1 registered: Spring promo (campaign, mkt) on 2026-03-10T00:00:00Z"
run "$BATON" changes add --db c.db --title x --team mkt --kind campain --date 2026-03-10 --journeys billing
eq "... names a bad kind, with the one meant" "$rc $(cat err.txt)" "1 baton: kind: 'campain' is not a kind of change (did you mean 'campaign'?)"
run "$BATON" changes add --db c.db --title x --team mkt --kind price --date 2026-03-10 --journeys billing,suport
eq "... and a journey it does not know" "$rc $(cat err.txt)" "1 baton: journeys: 'suport' is not a journey of the configuration (did you mean 'support'?)"
"$BATON" changes add --db c.db --who ann --title "Chat release" --team back --kind release --date 2026-03-15 --journeys support >/dev/null
"$BATON" changes add --db c.db --who ann --title "Refund policy" --team front --kind policy --date 2026-03-13 --journeys billing >/dev/null
"$BATON" changes add --db c.db --who ann --title "At as_of" --team mkt --kind system --date 2026-03-12T00:00:00Z --journeys billing >/dev/null
"$BATON" changes add --db c.db --who ann --title "After as_of" --team mkt --kind system --date 2026-03-12T00:00:01Z --journeys billing >/dev/null

titles() { jq -c '[.changes[] | .title // .field]'; }
run "$BATON" changes --db c.db --json
eq "the list: a later date first" "$rc $(echo "$out" | titles)" '0 ["Chat release","Refund policy","After as_of","At as_of","Spring promo"]'
run "$BATON" changes --db c.db --upcoming --json
eq "upcoming: dated after as_of (the latest event), not at it" "$(echo "$out" | titles)" '["Chat release","Refund policy","After as_of"]'
for t in "front Chat-release,Refund-policy,After-as_of" "back Refund-policy,After-as_of" \
	"old Chat-release" "older "; do
	team=${t%% *}
	want=$(echo "${t#* }" | tr '-' ' ' | jq -R -c 'split(",") | map(select(. != ""))')
	run "$BATON" changes --db c.db --upcoming --team "$team" --json
	eq "upcoming for the teams downstream: $team" "$(echo "$out" | titles)" "$want"
done
run "$BATON" changes --db c.db --kind policy
eq "the text: a line a change" "$out" "2026-03-13T00:00:00Z  policy    #3 Refund policy (front) on billing"
run "$BATON" changes --db c.db --kind polcy
eq "an unknown kind" "$rc $(cat err.txt)" "1 baton: kind: 'polcy' is not a kind of change (did you mean 'policy'?)"

run "$BATON" changes impact --db c.db --days 2 --json 1
imp=$out
eq "impact: the windows" "$(echo "$imp" | jq -c '[.before.from, .after.from, .after.to, .length_s]')" \
	'["2026-03-08T00:00:00Z","2026-03-10T00:00:00Z","2026-03-12T00:00:00Z",172800]'
eq "... the contacts, touched and all" "$(echo "$imp" | jq -c '.contacts')" \
	'{"touched":{"before":2,"after":4,"extra":2},"all":{"before":3,"after":5,"extra":2}}'
eq "... per day" "$(echo "$imp" | jq -c '[.daily[] | [.day, .touched, .all]]')" '[[-2,1,1],[-1,1,2],[0,2,3],[1,2,2]]'
eq "... the teams that absorbed them" "$(echo "$imp" | jq -c '[.teams[] | [.team, .before, .after, .extra]]')" \
	'[["back",0,2,2],["front",2,2,0]]'
eq "... billing's KPIs before and after" \
	"$(echo "$imp" | jq -c '.kpis[0] | [.journey, .before.instances, .after.instances, .before.contacts_per_instance, .before.csat_avg]')" \
	'["billing",2,4,1,null]'
run "$BATON" kpis --db c.db --from 2026-03-10 --to 2026-03-12 --json
eq "... the KPIs after are /v1/kpis's over [date, date + 2 days)" \
	"$(echo "$out" | jq -c '.journeys[] | select(.journey == "billing")')" "$(echo "$imp" | jq -c '.kpis[0].after')"
run "$BATON" kpis --db c.db --from 2026-03-08 --to 2026-03-10 --json
eq "... and before over [date - 2 days, date)" \
	"$(echo "$out" | jq -c '.journeys[] | select(.journey == "billing")')" "$(echo "$imp" | jq -c '.kpis[0].before')"
run "$BATON" changes impact --db c.db --days 2 --as-of 2026-03-11 --json 1
eq "cut at as_of: a day on each side" "$(echo "$out" | jq -c '[.length_s, .contacts.touched.before, .contacts.touched.after, .contacts.all.before, .contacts.all.after, (.daily | length)]')" \
	'[86400,1,2,2,3,2]'
run "$BATON" changes impact --db c.db --days 2 2
eq "a change whose date has not come: no impact yet" "$(echo "$out" | sed -n 2p)" "its date has not come as of 2026-03-12T00:00:00Z: no impact yet"
run "$BATON" changes impact --db c.db 99
eq "an unknown change" "$rc $(cat err.txt)" "1 baton: no change 99"
run "$BATON" changes impact --db c.db --days 2 1
eq "the impact in text: the contacts" "$(echo "$out" | sed -n 3,4p)" "contacts of the touched journeys: before 2, after 4, extra +2
all contacts:                     before 3, after 5, extra +2"
eq "... and the teams" "$(echo "$out" | grep -A2 '^teams')" "teams that took the touched journeys' contacts (most extra first):
  back                   before      0  after      2  extra +2
  front                  before      2  after      2  extra +0"

run "$BATON" report --db c.db
eq "the report: the changes ahead" "$(echo "$out" | grep -A6 '^### Upcoming' | tail -n 3)" \
	"| 2026-03-15T00:00:00Z | release | Chat release | back | support |
| 2026-03-13T00:00:00Z | policy | Refund policy | front | billing |
| 2026-03-12T00:00:01Z | system | After as_of | mkt | billing |"
eq "... and the recent ones with their impact (over 14 days, cut at as_of: 2 days)" \
	"$(echo "$out" | grep '| Spring promo |')" "| 2026-03-10T00:00:00Z | campaign | Spring promo | 2 | 4 | +2 | +2 | back +2, front +0 |"

# the audit trail is read a batch (512) at a time: 1,100 rule changes, all listed once
db_copy c.db big.db
db_sql big.db "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1100)
	INSERT INTO rule_changes(at, who, via, journey, field, before, after)
	SELECT 1772323200000 + i, 'ann', 'cli', 'billing', 'handoff_sla', '1d', '12h' FROM k"
run "$BATON" changes --db big.db --kind rule --limit 10000 --json
eq "1,100 rule changes: every one, newest first" "$(echo "$out" | jq -c '[.total, (.changes | length), ([.changes[].id] | unique | length), .changes[0].id, .changes[-1].id]')" '[1100,1100,1100,1100,1]'

# ---- the API ----
serve_start c.db --quiet || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
tok() { "$BATON" token create --db c.db "$@" | tail -n 1; }
MARIA="Authorization: Bearer $(tok --role owner --person maria)"
BACK="Authorization: Bearer $(tok --role team --team back)"
post() { # token body -> "code body"
	curl -s -w '\n%{http_code}' -X POST -H "$1" -H 'Content-Type: application/json' --data-binary "$2" "$U/v1/changes" >p.txt
	echo "$(tail -n 1 p.txt) $(sed '$d' p.txt)"
}
res=$(post "$H" '{"title":"Price rise","team":"mkt","kind":"price","date":"2026-04-01","journeys":["billing","support"]}')
eq "POST /v1/changes: 201 with the change" "$(echo "${res#* }" | jq -c '[.id, .kind, .date, .journeys, .who]') ${res%% *}" \
	'[6,"price","2026-04-01T00:00:00Z",["billing","support"],"first admin"] 201'
res=$(post "$H" '{"title":"x","team":"mkt","kind":"price","date":"soon","journeys":["billing"]}')
eq "... 400 naming a bad date" "$res" '400 {"error":"invalid","detail":"date: '"'"'soon'"'"' is not a time (RFC 3339, or a date like 2026-03-01)"}'
res=$(post "$H" '{"title":"x","team":"sales","kind":"price","date":"2026-04-01","journeys":["billing"]}')
eq "... an unknown team" "$res" '400 {"error":"invalid","detail":"team: '"'"'sales'"'"' is not a team of the configuration"}'
res=$(post "$MARIA" '{"title":"x","team":"mkt","kind":"price","date":"2026-04-01","journeys":["support"]}')
eq "an owner registers changes of her journeys only" "$(echo "$res" | cut -c1-3)" 403
res=$(post "$MARIA" '{"title":"Maria'"'"'s","team":"mkt","kind":"policy","date":"2026-04-02","journeys":["billing"]}')
eq "... of hers: 201" "$(echo "$res" | cut -c1-3)" 201
res=$(post "$BACK" '{"title":"x","team":"front","kind":"system","date":"2026-04-01","journeys":["billing"]}')
eq "a team registers its own changes only" "$(echo "$res" | cut -c1-3)" 403
res=$(post "$BACK" '{"title":"Back'"'"'s","team":"back","kind":"system","date":"2026-04-03","journeys":["billing"]}')
eq "... its own: 201" "$(echo "$res" | cut -c1-3)" 201

get() { curl -s -H "$1" "$U$2"; }
eq "GET /v1/changes?upcoming=true&team=back as of 03-12" \
	"$(get "$H" '/v1/changes?upcoming=true&team=back&as_of=2026-03-12T00:00:00Z' | titles)" \
	'["Back'"'"'s","Maria'"'"'s","Price rise","Refund policy","After as_of"]'
eq "... the team's own token sees the same" \
	"$(get "$BACK" '/v1/changes?upcoming=true&as_of=2026-03-12T00:00:00Z' | titles)" \
	'["Back'"'"'s","Maria'"'"'s","Price rise","Refund policy","After as_of"]'
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$BACK" "$U/v1/changes?team=front")
eq "... but not another team's" "$code" 404
eq "from and to: dated in [from, to)" "$(get "$H" '/v1/changes?from=2026-03-12T00:00:00Z&to=2026-03-13' | titles)" '["After as_of","At as_of"]'
eq "journey: those touching it" "$(get "$H" '/v1/changes?journey=support&kind=release' | titles)" '["Chat release"]'
res=$(curl -s -w ' %{http_code}' -H "$H" "$U/v1/changes?upcoming=yes")
eq "a bad parameter is named" "$res" '{"error":"invalid","detail":"query parameter upcoming: '"'"'yes'"'"' is not true or false"} 400'
# a rule change too: one list, paged across both
curl -s -o /dev/null -X PATCH -H "$H" -H 'Content-Type: application/json' --data-binary '{"handoff_sla":"12h"}' "$U/v1/journeys/billing"
all=$(get "$H" '/v1/changes?limit=1000' | jq -c '[.changes[] | [.kind, (.title // .field)]]')
eq "one list: the rule change (made now) first, then the calendar by date" "$all" \
	'[["rule","handoff_sla"],["system","Back'"'"'s"],["policy","Maria'"'"'s"],["price","Price rise"],["release","Chat release"],["policy","Refund policy"],["system","After as_of"],["system","At as_of"],["campaign","Spring promo"]]'
p1=$(get "$H" '/v1/changes?limit=4')
next=$(echo "$p1" | jq -r .next)
p2=$(get "$H" "/v1/changes?limit=4&cursor=$next")
p3=$(get "$H" "/v1/changes?limit=4&cursor=$(echo "$p2" | jq -r .next)")
eq "... paged: every item once, in order" "$(jq -s -c '[.[].changes[] | [.kind, (.title // .field)]]' <<EOF
$p1
$p2
$p3
EOF
)" "$all"
eq "... with the total of both" "$(echo "$p3" | jq -c '[.total, .next, (.changes | length)]')" '[9,null,1]'
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/changes?cursor=12")
eq "a cursor that is not one: 400" "$code" 400

imp=$(get "$H" '/v1/changes/1/impact?days=2&as_of=2026-03-12T00:00:00Z')
eq "GET /v1/changes/1/impact: the CLI's figures" "$(echo "$imp" | jq -c '[.contacts, .teams]')" \
	"$("$BATON" changes impact --db c.db --days 2 --json 1 | jq -c '[.contacts, .teams]')"
eq "... its KPIs as /v1/kpis over the same period" "$(echo "$imp" | jq -c '.kpis[0].after')" \
	"$(get "$H" '/v1/kpis?from=2026-03-10&to=2026-03-12&as_of=2026-03-12T00:00:00Z' | jq -c '.journeys[] | select(.journey == "billing")')"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/changes/1/impact?days=0")
eq "... days from 1" "$code" 400
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/changes/2x/impact")
eq "... an id that is none: 404" "$code" 404

kill -TERM "$pid"
wait "$pid"
