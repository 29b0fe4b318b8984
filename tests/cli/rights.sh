# SPDX-License-Identifier: Apache-2.0
# Decision rights (docs/journeys.md): a journey's owner changes its rules
# (PATCH /v1/journeys/{id}, `baton journeys set`), nobody else's; every
# change is in the audit trail with who, when, through what, before and
# after; a change survives restarts and a later `baton config load` does
# not undo it silently; the KPIs are judged under the rules in force.
#
# Configuration tests/data/kpi.yaml: journey dispute (owner maria,
# handoff SLA 24h).  The scenario: the chatbot (digital) works case C1 at
# 2026-01-01T00:00:00Z; the call (service) that links C1 comes 12 hours
# later: a clean handoff under 24h, a late one under 12h (from exactly the
# SLA on), clean again under 12h1s.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
CFG="$BATON_ROOT/tests/data/kpi.yaml"
"$BATON" config load --db r.db "$CFG" >/dev/null || { notok "config loads"; exit 1; }
{
	ev h1 2026-01-01T00:00:00Z chatbot dispute.chat '{"user_id":"u1"}' '"case":"C1"'
	ev h2 2026-01-01T12:00:00Z phone dispute.call '{"user_id":"u1"}' '"links":["C1"]'
} >ev.ndjson
"$BATON" ingest --db r.db ev.ndjson >/dev/null
serve_start r.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
tok() { "$BATON" token create --db r.db "$@" | tail -n 1; }
MARIA="Authorization: Bearer $(tok --role owner --person maria --name maria-laptop)"
TOM="Authorization: Bearer $(tok --role owner --person tom)"
ANALYST="Authorization: Bearer $(tok --role analyst)"
patch() { # patch AUTH JSON [PATH]: sets code and body
	body=$(curl -s -w '\n%{http_code}' -X PATCH -H "$1" -H 'Content-Type: application/json' --data-binary "$2" "$U${3:-/v1/journeys/dispute}")
	code=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
}
late() { curl -s -H "$H" "$U/v1/kpis?as_of=2026-01-02T00:00:00Z" | jq -c '.journeys[0] | [.handoffs, .handoff_failures.late]'; }

eq "under the file's 24h the 12-hour handoff is clean" "$(late)" '[1,0]'

# ---- who may change what --------------------------------------------------
patch "$TOM" '{"handoff_sla":"12h"}'
eq "another journey's owner: not found (he does not see it)" "$code" 404
patch "$ANALYST" '{"handoff_sla":"12h"}'
eq "an analyst: 403" "$code $(echo "$body" | jq -r .error)" "403 forbidden"
patch "$MARIA" '{"handoff_sla":"12h"}'
eq "the owner: 200 with the new definition" "$code $(echo "$body" | jq -c '[.journey, .handoff_sla, .handoff_sla_s]')" '200 ["dispute","12h",43200]'
eq "under 12h the same handoff is late: exactly the SLA is outside" "$(late)" '[1,1]'
patch "$MARIA" '{"handoff_sla":"12h1s"}'
eq "one second more: clean again" "$code $(late)" '200 [1,0]'
patch "$H" '{"handoff_sla":"12h","sensitive":false}'
eq "an admin changes any journey: two rules" "$code $(echo "$body" | jq -c '[.handoff_sla, .sensitive]')" '200 ["12h",false]'
patch "$MARIA" '{"handoff_sla":"12h"}'
eq "the same value again: 200, nothing to audit" "$code" 200

# ---- what is refused, and why ---------------------------------------------
for c in \
	'{"handoff_sla":"soon"}|400|handoff_sla must be a duration like 24h, 7d or 90m' \
	'{"handoff_sla":"0s"}|400|handoff_sla must be a duration like 24h, 7d or 90m' \
	'{"handoff_sal":"1h"}|400|unknown field '"'handoff_sal'"' (did you mean '"'handoff_sla'"'?)' \
	'{"owner":"tom"}|400|'"'owner'"' is not a rule an owner changes: it is the configuration'"'"'s (baton config load)' \
	'{"sensitive":"yes"}|400|sensitive must be true or false' \
	'{"stages":[{"id":"nope","sla":"1h"}]}|400|journey '"'dispute'"' has no stage that '"'stages.nope.sla'"' names' \
	'{"stages":{"id":"x"}}|400|stages must be a list of {"id", "sla"}' \
	'{"handoff_sla":"1h","handoff_sla":"2h"}|400|handoff_sla is given twice' \
	'[]|400|send a JSON object of the rules to change' \
	'{}|400|no rule to change: send e.g. {"handoff_sla": "12h"}' \
	'{"handoff_sla":|400|'; do
	IFS='|' read -r b want detail <<EOF
$c
EOF
	patch "$MARIA" "$b"
	if [ -n "$detail" ]; then
		eq "PATCH $b: $want, said why" "$code $(echo "$body" | jq -r .detail)" "$want $detail"
	else
		eq "PATCH $b: $want" "$code" "$want"
	fi
done
code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "$MARIA" --data 'handoff_sla=1h' "$U/v1/journeys/dispute")
eq "a form instead of JSON: 415" "$code" 415
patch "$MARIA" '{"handoff_sla":"1h"}' /v1/journeys/nope
eq "an unknown journey: 404" "$code" 404
eq "... and none of these changed anything" "$(curl -s -H "$H" "$U/v1/journeys" | jq -r '.journeys[0].handoff_sla')" 12h

# escalation rules are a rule of the journey too
patch "$MARIA" '{"escalations":[{"on":"promise_broken","after":"240m","to":"owner"}]}'
eq "the owner sets the journey's escalations" "$code" 200
patch "$MARIA" '{"escalations":[{"on":"promise_late","to":"owner"}]}'
eq "a condition that is not one: 400 naming them" "$code $(echo "$body" | jq -r .detail | cut -c1-63)" "400 escalations: on 'promise_late' is not one of promise_broken, st"
patch "$MARIA" '{"escalations":[{"on":"collision","to":"nobody"}]}'
eq "to someone who is not a person: 400" "$code $(echo "$body" | jq -r .detail)" "400 escalations: to 'nobody': not 'owner', 'steering' or one of the people"
patch "$MARIA" '{"escalations":[{"on":"collision","to":"steering"}]}'
eq "to steering without a steering group: 400" "$code $(echo "$body" | jq -r .detail)" "400 escalations: to 'steering': there is no steering group (steering: [person, ...])"
eq "kept in the form the configuration writes" "$(curl -s -H "$H" "$U/v1/changes?limit=1" | jq -c '.changes[0] | [.field, .before, .after]')" \
	'["escalations","[]","[{\"on\":\"promise_broken\",\"after\":\"4h\",\"to\":\"owner\"}]"]'
patch "$MARIA" '{"escalations":[]}'
eq "and emptied again" "$code" 200

# ---- the audit trail --------------------------------------------------------
# newest first: maria's escalations set and emptied, admin's sensitive
# and handoff_sla (12h1s -> 12h), maria's 12h -> 12h1s, maria's 1d -> 12h
# (24h is written 1d)
trail=$(curl -s -H "$H" "$U/v1/changes?journey=dispute&limit=1000" | jq -c '.changes |= map(select(.field != "escalations")) | .total -= 2')
eq "every change, with who, through what, before and after" \
	"$(echo "$trail" | jq -c '[.total, (.changes[] | [.who, .via, .field, .before, .after])]')" \
	'[4,["first admin","api","sensitive","true","false"],["first admin","api","handoff_sla","12h1s","12h"],["maria","api","handoff_sla","12h","12h1s"],["maria","api","handoff_sla","1d","12h"]]'
eq "each with its time" "$(echo "$trail" | jq -r '.changes[-1].at' | cut -c1-2)" 20
eq "a page at a time" "$(curl -s -H "$H" "$U/v1/changes?limit=5" | jq -c '[(.changes | length), .next != null]')" '[5,true]'
next=$(curl -s -H "$H" "$U/v1/changes?limit=5" | jq -r .next)
eq "... the next page has the oldest" "$(curl -s -H "$H" "$U/v1/changes?limit=5&cursor=$next" | jq -c '[.changes[].after, .next]')" '["12h",null]'
eq "an owner sees the trail of their journeys" "$(curl -s -H "$MARIA" "$U/v1/changes" | jq -c '.total')" 6
eq "another owner sees none of it" "$(curl -s -H "$TOM" "$U/v1/changes" | jq -c '[.total, .changes]')" '[0,[]]'
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$TOM" "$U/v1/changes?journey=dispute")
eq "... and asking for it by name: 404" "$code" 404

# ---- a change lasts: a restart, then a load of the file ---------------------
kill -TERM "$pid"
wait "$pid"
serve_again r.db || { notok "server restarts"; exit 1; }
eq "after a restart the decision holds" "$(curl -s -H "$H" "$U/v1/journeys" | jq -c '[.journeys[0].handoff_sla, .journeys[0].sensitive]')" '["12h",false]'
eq "... and judges the KPIs" "$(late)" '[1,1]'
run "$BATON" config load --db r.db "$CFG"
eq "a load of the file that says otherwise: refused (exit 1)" "$rc" 1
contains "... naming each conflict" "$err" "journey dispute: handoff_sla is 12h in force (changed since the last load), the file says 1d"
contains "... and the way out" "$err" "load it with --force to take the file's"
eq "... nothing changed" "$(curl -s -H "$H" "$U/v1/journeys" | jq -r '.journeys[0].handoff_sla')" 12h
run "$BATON" config show --db r.db
contains "config show says what is in force over the file" "$out" "# in force since the load: journey dispute: handoff_sla: 12h (the file: 1d)"
run "$BATON" config load --db r.db --force --who carol "$CFG"
eq "--force takes the file's" "$rc $(curl -s -H "$H" "$U/v1/journeys" | jq -c '[.journeys[0].handoff_sla, .journeys[0].sensitive]')" '0 ["1d",true]'
eq "... audited as such" "$(curl -s -H "$H" "$U/v1/changes?limit=2" | jq -c '[.changes[] | [.who, .via, .field, .before, .after]]')" \
	'[["carol","config load --force","sensitive","false","true"],["carol","config load --force","handoff_sla","12h","1d"]]'
eq "... and the KPIs follow" "$(late)" '[1,0]'

# a file that says what was decided is no conflict, and nothing to audit
"$BATON" journeys set --db r.db --who maria dispute '{"stages":[]}' >/dev/null
run "$BATON" journeys set --db r.db --who maria dispute '{"recontact_window":"3d"}'
eq "the CLI changes a rule too" "$rc $out" "0 dispute: 1 rule changed"
sed 's/recontact_window: 7d/recontact_window: 3d/' "$CFG" >k3.yaml
run "$BATON" config load --db r.db k3.yaml
eq "a file that caught up with the decision loads without --force" "$rc" 0
run "$BATON" journeys history --db r.db dispute
eq "history: newest first, the CLI's change by its person, no entry for the load" \
	"$(echo "$out" | head -n 1 | cut -c27-)" "dispute                recontact_window     7d -> 3d  by maria (cli)"
run "$BATON" journeys history --db r.db --json --limit 1
eq "history --json" "$(echo "$out" | jq -c '[.[] | [.via, .field, .after]]')" '[["cli","recontact_window","3d"]]'
run "$BATON" journeys set --db r.db dispute '{"abandon_after":"-1d"}'
eq "the CLI refuses a bad value, exit 1, saying why" "$rc $err" "1 baton: abandon_after must be a duration like 24h, 7d or 90m"

kill -TERM "$pid"
wait "$pid"
