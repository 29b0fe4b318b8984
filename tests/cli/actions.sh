# SPDX-License-Identifier: Apache-2.0
# Actions (docs/governance.md): created, changed and listed through the API
# and the CLI with the same checks; overdue from exactly the due time on (a
# date is due by the end of that day, UTC); who sees and changes which.
#
# Two journeys: dispute (owner maria, team billing), support (owner tom,
# team service); ana (team billing) owns no journey.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
cat >a.yaml <<'YAML'
teams: [{id: billing}, {id: service}]
people:
  - {id: maria, name: Maria, team: billing}
  - {id: tom, name: Tom, team: service}
  - {id: ana, name: Ana, team: billing}
journeys:
  - {id: dispute, name: Dispute, owner: maria, match: [{types: ["dispute.*"]}]}
  - {id: support, name: Support, owner: tom, match: [{types: ["support.*"]}]}
touchpoints:
  - {id: phone, channel: voice, team: service}
YAML
"$BATON" config load --db a.db a.yaml >/dev/null || { notok "config loads"; exit 1; }

# ---- the CLI --------------------------------------------------------------
run "$BATON" actions --db a.db
eq "no actions yet" "$out" "no actions"
run "$BATON" actions add --db a.db --who steering --title "Call back every dispute" --owner maria \
	--due 2026-12-01 --journey dispute --kpi recontact_rate --meeting "Steering 2026-11-20"
eq "add: exit 0" "$rc" 0
eq "add: the action, due by the end of its date" "$(printf '%s' "$out" | head -n 2)" "A1 Call back every dispute
  owner maria, due 2026-12-02T00:00:00Z, open"
run "$BATON" actions add --db a.db --title x --owner mariq --due 2026-12-01
eq "add: an unknown owner, named, with the nearest" "$err" "baton: owner: no person 'mariq' (did you mean 'maria'?)"
run "$BATON" actions add --db a.db --title x --owner maria --due tomorrow
eq "add: a bad due" "$err" "baton: due must be a time (RFC 3339) or a date (2026-12-01: by the end of that day, UTC)"
run "$BATON" actions add --db a.db --title x --owner maria --due 2026-12-01 --kpi recontact
eq "add: an unknown KPI" "$err" "baton: kpi: no KPI 'recontact' (did you mean 'recontact_rate'?)"
run "$BATON" actions add --db a.db --owner maria --due 2026-12-01
eq "add: the title is required" "$err" "baton: title is required"
run "$BATON" actions set --db a.db A9 --status done
eq "set: an unknown action" "$err" "baton: no action 9"
run "$BATON" actions set --db a.db A1 --status finished
eq "set: a bad status, said by the option" "$rc" 1
run "$BATON" actions --db a.db --as-of 2026-12-01T23:59:59Z --json
eq "one second before the end of its due date: not overdue" "$(printf '%s' "$out" | jq -c '[.total, .actions[0].overdue, .actions[0].created_by]')" '[1,false,"steering"]'
run "$BATON" actions --db a.db --as-of 2026-12-02T00:00:00Z --overdue --json
eq "exactly at its due time: overdue" "$(printf '%s' "$out" | jq -c '[.total, .actions[0].id]')" '[1,1]'
run "$BATON" actions set --db a.db 1 --status done --journey ''
eq "set: done, and the journey cleared" "$(printf '%s' "$out" | head -n 2 | tail -n 1)" "  owner maria, due 2026-12-02T00:00:00Z, done"
run "$BATON" actions --db a.db --as-of 2027-01-01 --overdue
eq "a done action is never overdue" "$out" "no actions match"
run "$BATON" actions set --db a.db 1 --journey dispute --status open
eq "set back" "$rc" 0

# ---- the API --------------------------------------------------------------
serve_start a.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
tok() { "$BATON" token create --db a.db "$@" | tail -n 1; }
MARIA="Authorization: Bearer $(tok --role owner --person maria)"
TOM="Authorization: Bearer $(tok --role owner --person tom)"
ANALYST="Authorization: Bearer $(tok --role analyst)"
BILLING="Authorization: Bearer $(tok --role team --team billing)"
req() { # req METHOD AUTH PATH [JSON]: sets code and body
	if [ -n "${4:-}" ]; then
		body=$(curl -s -w '\n%{http_code}' -X "$1" -H "$2" -H 'Content-Type: application/json' --data-binary "$4" "$U$3")
	else
		body=$(curl -s -w '\n%{http_code}' -X "$1" -H "$2" "$U$3")
	fi
	code=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
}
req POST "$TOM" /v1/actions '{"title":"Shorter IVR","owner":"tom","due":"2026-12-10T12:00:00Z","journey":"support","kpi":"contacts_per_instance"}'
eq "an owner creates an action for their journey: 201" "$code" 201
eq "it is A2, open, as sent" "$(printf '%s' "$body" | jq -c '[.id, .status, .due, .journey, .kpi, .created_by, .overdue]')" '[2,"open","2026-12-10T12:00:00Z","support","contacts_per_instance","tom",false]'
req POST "$TOM" /v1/actions '{"title":"Refunds","owner":"tom","due":"2026-12-10","journey":"dispute"}'
eq "for another owner's journey: 403" "$code" 403
req POST "$TOM" /v1/actions '{"title":"Refunds","owner":"ana","due":"2026-12-10"}'
eq "without a journey, for somebody else: 403" "$code" 403
req POST "$H" /v1/actions '{"title":"Refunds within 48 hours","owner":"ana","due":"2026-12-05T00:00:00Z","meeting":"Steering 2026-11-20"}'
eq "an admin creates any: 201" "$code" 201
req POST "$H" /v1/actions '{"title":"x","owner":"ana","due":"2026-12-05","colour":"red"}'
eq "an unknown field: 400, named" "$code $(printf '%s' "$body" | jq -r .detail)" "400 unknown field 'colour' (the fields: title, owner, due, status, journey, kpi, meeting)"
req POST "$H" /v1/actions '{"title":"x","owner":"ana","due":"2026-12-05","statu":"done"}'
eq "a misspelt field: did you mean" "$(printf '%s' "$body" | jq -r .detail)" "unknown field 'statu' (did you mean 'status'?)"
T200=$(printf 'a%.0s' $(seq 200))
req POST "$H" /v1/actions "{\"title\":\"${T200}b\",\"owner\":\"ana\",\"due\":\"2026-12-05\"}"
eq "a title of 201 bytes: 400" "$code $(printf '%s' "$body" | jq -r .detail)" "400 title is longer than 200 bytes"
req POST "$H" /v1/actions "{\"title\":\"$T200\",\"owner\":\"ana\",\"due\":\"2026-12-05\",\"status\":\"dropped\"}"
eq "a title of 200 bytes: 201 (A4)" "$code $(printf '%s' "$body" | jq -c .id)" "201 4"
req POST "$H" /v1/actions 'not json'
eq "not JSON: 400" "$code" 400
body=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$H" -H 'Content-Type: text/plain' --data 'x' "$U/v1/actions")
eq "not application/json: 415" "$body" 415
req POST "$ANALYST" /v1/actions '{"title":"x","owner":"ana","due":"2026-12-05"}'
eq "an analyst does not create: 403" "$code" 403

# who sees what: A1 maria's on dispute, A2 tom's on support, A3 ana's
# (team billing, no journey), A4 ana's dropped
ids() { printf '%s' "$body" | jq -c '[.actions[].id]'; }
req GET "$H" "/v1/actions?as_of=2026-12-01T00:00:00Z"
eq "an admin: all, soonest due first" "$(ids) $(printf '%s' "$body" | jq -c .total)" "[1,3,4,2] 4"
req GET "$MARIA" "/v1/actions?as_of=2026-12-01T00:00:00Z"
eq "maria: hers" "$(ids)" "[1]"
req GET "$TOM" "/v1/actions"
eq "tom: his" "$(ids)" "[2]"
req GET "$BILLING" "/v1/actions"
eq "team billing: those its people own" "$(ids)" "[1,3,4]"
req GET "$ANALYST" "/v1/actions?owner=ana"
eq "?owner=ana" "$(ids)" "[3,4]"
req GET "$ANALYST" "/v1/actions?status=dropped"
eq "?status=dropped" "$(ids)" "[4]"
req GET "$ANALYST" "/v1/actions?journey=support"
eq "?journey=support" "$(ids)" "[2]"
req GET "$ANALYST" "/v1/actions?overdue=true&as_of=2026-12-04T23:59:59Z"
eq "overdue one second before A3's due: A1 only (due at the end of 2026-12-01)" "$(ids)" "[1]"
req GET "$ANALYST" "/v1/actions?overdue=true&as_of=2026-12-05T00:00:00Z"
eq "overdue exactly at A3's due: A1 and A3 (A4 is dropped)" "$(ids)" "[1,3]"
req GET "$ANALYST" "/v1/actions?overdue=false&as_of=2026-12-05T00:00:01Z"
eq "?overdue=false" "$(ids)" "[4,2]"
req GET "$ANALYST" "/v1/actions?limit=2"
eq "a page of two, and the next" "$(ids) $(printf '%s' "$body" | jq -r .next)" "[1,3] 2"
req GET "$ANALYST" "/v1/actions?limit=2&cursor=2"
eq "the page after" "$(ids) $(printf '%s' "$body" | jq -r .next)" "[4,2] null"
req GET "$ANALYST" "/v1/actions?overdue=yes"
eq "?overdue=yes: 400 naming it" "$code $(printf '%s' "$body" | jq -r .detail)" "400 query parameter overdue: 'yes' is not true or false"
req GET "$ANALYST" "/v1/actions?owner=nobody"
eq "an unknown owner: 404" "$code" 404
req GET "$TOM" /v1/actions/1
eq "tom does not see maria's: 404" "$code" 404
req GET "$MARIA" /v1/actions/A1
eq "maria sees hers, by A1 as well" "$code $(printf '%s' "$body" | jq -r .title)" "200 Call back every dispute"

# changes
req PATCH "$TOM" /v1/actions/1 '{"status":"done"}'
eq "tom changes maria's: 404" "$code" 404
req PATCH "$MARIA" /v1/actions/1 '{"journey":"support"}'
eq "maria moves hers to tom's journey: 403" "$code" 403
req PATCH "$MARIA" /v1/actions/1 '{"status":"in_progress","due":"2026-12-03T09:30:00Z"}'
eq "maria changes hers: 200, as changed" "$code $(printf '%s' "$body" | jq -c '[.status, .due]')" '200 ["in_progress","2026-12-03T09:30:00Z"]'
req PATCH "$MARIA" /v1/actions/1 '{"status":"finished"}'
eq "a bad status: 400 with the nearest" "$code" 400
req PATCH "$MARIA" /v1/actions/1 '{}'
eq "nothing to change: 400" "$(printf '%s' "$body" | jq -r .detail)" 'no field to change: send e.g. {"status": "done"}'
req PATCH "$H" /v1/actions/77 '{"status":"done"}'
eq "an unknown action: 404" "$code" 404
req PATCH "$H" /v1/actions/3 '{"meeting":null,"owner":"tom"}'
eq "an admin gives A3 to tom" "$code $(printf '%s' "$body" | jq -c '[.owner, .meeting]')" '200 ["tom",null]'
req GET "$TOM" "/v1/actions"
eq "tom now sees A3 too" "$(ids)" "[3,2]"

# the change lasts
kill -TERM "$pid"
wait "$pid"
run "$BATON" actions --db a.db --json
eq "stored: the CLI reads what the API wrote" "$(printf '%s' "$out" | jq -c '[.actions[] | [.id, .status, .owner]]')" '[[1,"in_progress","maria"],[3,"open","tom"],[4,"dropped","ana"],[2,"open","tom"]]'
run "$BATON" report --db a.db --as-of 2026-12-05T00:00:00Z
eq "the report: the open actions, overdue first" "$(printf '%s' "$out" | sed -n '/^## Actions/,$p' | grep -E '^(\| A|[0-9])')" "3 actions open, 2 of them overdue; 1 done or dropped.
| A1 Call back every dispute | maria | 2026-12-03T09:30:00Z (overdue) | in_progress | dispute | recontact_rate |
| A3 Refunds within 48 hours | tom | 2026-12-05T00:00:00Z (overdue) | open | - | - |
| A2 Shorter IVR | tom | 2026-12-10T12:00:00Z | open | support | contacts_per_instance |"
