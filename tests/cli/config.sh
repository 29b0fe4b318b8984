# SPDX-License-Identifier: Apache-2.0
# baton check and baton config: every problem of a configuration is listed
# with its line; a good one is remembered by the database.
. "$BATON_ROOT/tests/cli/lib.sh"

cat >bad.yaml <<'Y'
teams:
  - {id: billing}
  - {id: billing}
people:
  - {id: maria, team: finance}
journeys:
  - id: dispute
    match:
      - types: ["dispute.*"]
    recontact_window: soon
  - id: returns
    owner: nobody
    sensitiv: true
touchpoints:
  - {id: ivr, channel: phone, team: service}
identity:
  limits: {email: 0}
colour: blue
jounreys: []
Y
run "$BATON" check --config bad.yaml
eq "a bad configuration exits 1" "$rc" 1
eq "duplicate team id, with its line" "$(echo "$err" | grep -c "^bad.yaml:3: duplicate team id 'billing'")" 1
eq "unknown team of a person" "$(echo "$err" | grep -c "^bad.yaml:5: person 'maria': unknown team 'finance'")" 1
eq "a journey without owner" "$(echo "$err" | grep -c "^bad.yaml:7: journey 'dispute' needs an owner")" 1
eq "a bad duration" "$(echo "$err" | grep -c "^bad.yaml:10: recontact_window must be a duration like 24h, 7d or 90m")" 1
eq "an owner who is not a person" "$(echo "$err" | grep -c "^bad.yaml:12: journey 'returns': owner 'nobody' is not one of the people")" 1
eq "an unknown key, with the nearest key" "$(echo "$err" | grep -c "^bad.yaml:13: unknown key 'sensitiv' in a journey (did you mean 'sensitive'?)")" 1
eq "a bad channel" "$(echo "$err" | grep -c "^bad.yaml:15: touchpoint 'ivr': channel 'phone' is not one of")" 1
eq "an unknown team of a touchpoint" "$(echo "$err" | grep -c "^bad.yaml:15: touchpoint 'ivr': unknown team 'service'")" 1
eq "a bad limit" "$(echo "$err" | grep -c "^bad.yaml:17: limit of 'email' must be a number from 1 to 255")" 1
eq "an unknown top-level key nothing is near, with the keys allowed" "$(echo "$err" | grep -c "^bad.yaml:18: unknown key 'colour' in the configuration (expected one of: teams, people, journeys, touchpoints, purposes, identity, steering, escalations, webhooks, consistency, value, changes, followup_sla, followup_triggers, retention)")" 1
eq "a mistyped top-level key, with the nearest key" "$(echo "$err" | grep -c "^bad.yaml:19: unknown key 'jounreys' in the configuration (did you mean 'journeys'?)")" 1
# the reader finds the top-level keys first and the touchpoints before the
# identity rules; the problems come out in line order all the same (both of
# line 15 in the order found: the channel, then the team)
eq "every problem, in line order" "$(echo "$err" | sed -n 's/^bad.yaml:\([0-9]*\):.*/\1/p' | tr '\n' ' ')" "3 5 7 10 12 13 15 15 17 18 19 "
contains "and the summary last" "$(echo "$err" | tail -n 1)" "the configuration has problems (listed above)"

printf 'journeys:\n  - id: a\n    owner: x\n  bad indentation\n' >broken.yaml
run "$BATON" check --config broken.yaml
eq "YAML that does not parse exits 1" "$rc" 1
contains "with the place" "$err" "broken.yaml:5:1: could not find expected ':' (while scanning a simple key at line 4)"
printf 'teams: &t [{id: a}]\npeople: *t\n' >alias.yaml
run "$BATON" check --config alias.yaml
contains "anchors and aliases are refused" "$err" "alias.yaml:1:"

run "$BATON" check --config "$BATON_ROOT/examples/demo.yaml"
eq "the demo configuration is valid" "$out" "$BATON_ROOT/examples/demo.yaml: OK: 6 teams, 6 people, 5 journeys, 14 touchpoints"

run "$BATON" config load "$BATON_ROOT/tests/data/kpi.yaml"
eq "config load" "$out" "loaded $BATON_ROOT/tests/data/kpi.yaml: 1 journeys, 5 touchpoints"
run "$BATON" config show
eq "config show prints what was loaded" "$out" "$(cat "$BATON_ROOT/tests/data/kpi.yaml")"
run "$BATON" config load bad.yaml
eq "a bad configuration is not loaded" "$rc" 1
run "$BATON" config show
eq "and the good one stays" "$out" "$(cat "$BATON_ROOT/tests/data/kpi.yaml")"
"$BATON" ingest "$BATON_ROOT/tests/data/scenario_a.ndjson" >/dev/null 2>&1
run "$BATON" journeys --json
eq "journeys lists the definition with its owner" "$(echo "$out" | jq -c '.[0] | [.journey,.owner,.owner_name,.instances,.sensitive,.recontact_window]')" '["dispute","maria","Maria Lopez",1,true,"7d"]'

# read commands compute with --config FILE and store nothing; storing a
# configuration takes 'baton config load'
sed -e 's/name: Billing dispute/name: Other dispute/' -e 's/recontact_window: 7d/recontact_window: 2d/' \
	"$BATON_ROOT/tests/data/kpi.yaml" >other.yaml
sum_before=$(cksum <test.db)
run "$BATON" kpis --config other.yaml --json
eq "kpis --config computes with that file" "$rc $(echo "$out" | jq -c '.journeys[0].name')" '0 "Other dispute"'
run "$BATON" report --config other.yaml
contains "report --config computes with that file" "$out" "## dispute: Other dispute"
run "$BATON" journeys --config other.yaml --json
eq "journeys --config lists that file's journeys" "$(echo "$out" | jq -c '.[0] | [.name,.recontact_window]')" '["Other dispute","2d"]'
run "$BATON" config show
eq "and none of them stored it" "$out" "$(cat "$BATON_ROOT/tests/data/kpi.yaml")"
eq "the database file did not change at all" "$(cksum <test.db)" "$sum_before"
run "$BATON" kpis --json
eq "a later plain kpis uses the stored configuration" "$(echo "$out" | jq -c '.journeys[0].name')" '"Billing dispute"'
run "$BATON" config load other.yaml
run "$BATON" kpis --json
eq "config load stores it" "$(echo "$out" | jq -c '.journeys[0].name')" '"Other dispute"'

# identity rules from the configuration apply on ingest
cat >strict.yaml <<'Y'
identity:
  junk_values: ["nobody@example.com"]
  limits: {email: 1}
Y
"$BATON" config load --db strict.db strict.yaml >/dev/null
printf '%s\n' '{"ts":1,"source":"s","type":"t","ids":{"email":"nobody@example.com"}}' \
	'{"ts":2,"source":"s","type":"t","ids":{"user_id":"u","email":["a@x.com","b@x.com"]}}' >strict.ndjson
run "$BATON" ingest --db strict.db --json strict.ndjson
eq "a configured junk value never links" "$(echo "$out" | jq -c '[.accepted,.rejected]')" "[1,1]"
run "$BATON" profile --db strict.db --json user_id:u
eq "a configured limit of one e-mail" "$(echo "$out" | jq -c '[.identifiers, (.conflicts|length)]')" '[["email:a@x.com","user_id:u"],1]'

# webhooks: allow_private is true or false, and nothing else is known there
printf 'webhooks:\n  allow_private: yes please\n  alow: 1\n' >hooks.yaml
run "$BATON" check --config hooks.yaml
eq "webhooks: allow_private that is not a boolean, and an unknown key" \
	"$rc $(echo "$err" | grep -c "^hooks.yaml:2: webhooks: allow_private must be true or false") $(echo "$err" | grep -c "^hooks.yaml:3: unknown key 'alow' in webhooks")" "1 1 1"
printf 'webhooks: {allow_private: true}\n' >hooks.yaml
run "$BATON" check --config hooks.yaml
eq "webhooks: {allow_private: true} is a configuration" "$rc" 0
