# SPDX-License-Identifier: Apache-2.0
# baton ingest: the JSON contract, exit codes, duplicates, formats, a second
# process seeing the same state, and --help on every command.
. "$BATON_ROOT/tests/cli/lib.sh"

{
	ev e1 2026-03-01T10:00:00Z chatbot chat.ended '{"email":" Ann@Example.com ","phone":"+44 7700 900123"}' '"outcome":"contained"'
	ev e2 2026-03-02T09:00:00Z ivr call.ended '{"phone":"+447700900123","customer_id":"C-17"}'
	ev e1 2026-03-01T10:00:00Z chatbot chat.ended '{"email":"ann@example.com"}'
	ev e3 2026-03-03T09:00:00Z web page.viewed '{"email":"bob@example.com"}' '"jounrey":"x"'
	echo
	ev e4 2026-03-03T09:30:00Z web page.viewed '{"email":"bob@example.com"}'
} >a.ndjson

run "$BATON" ingest --json a.ndjson
eq "ingest --json reports counts and the rejected line" "$out" \
'{"accepted":3,"duplicates":1,"rejected":1,"suppressed":0,"refused":0,"errors":[{"file":"a.ndjson","line":4,"index":3,"error":"unknown field '"'jounrey'"' (did you mean '"'journey'"'?)"}]}'
eq "exit 2 when a record was rejected" "$rc" 2

positions_ndjson >pos.ndjson # the first, a middle and the last record bad
run "$BATON" ingest --db pos.db --json pos.ndjson
eq "each error gives its line (1-based) and record index (0-based)" \
	"$(echo "$out" | jq -c '[.errors[] | [.line, .index]]')" "[[1,0],[4,2],[6,4]]"

run "$BATON" ingest --json a.ndjson
eq "a second ingest of the same file is all duplicates" "$(echo "$out" | jq -c '[.accepted,.duplicates,.rejected]')" "[0,4,1]"

run "$BATON" profile --json email:ANN@example.com
eq "profile --json in a second process" "$out" \
'{"profile":"P1","identifiers":["customer_id:C-17","email:ann@example.com","phone:+447700900123"],"events":2,"conflicts":[],"refusals":[],"merges":[]}'
eq "profile exit 0" "$rc" 0
run "$BATON" profile --json P2
eq "profile by id" "$(echo "$out" | jq -c '[.profile,.identifiers,.events]')" '["P2",["email:bob@example.com"],1]'

# a merge, in the profile: cy's e-mail (P1, event 1) and a phone (P2, event
# 2) apart, then event 3 with both: P2 is merged into the older P1 through
# the identifier P2 held
{
	ev m1 2026-03-04T09:00:00Z web page.viewed '{"email":"cy@example.com"}'
	ev m2 2026-03-04T10:00:00Z ivr call.ended '{"phone":"+447700900999"}'
	ev m3 2026-03-04T11:00:00Z web login '{"email":"cy@example.com","phone":"+447700900999"}'
} >m.ndjson
"$BATON" ingest --db m.db m.ndjson >/dev/null
run "$BATON" profile --db m.db --json phone:+447700900999
eq "a merge in the profile: into, from, event, the identifier that linked them, why" \
	"$(echo "$out" | jq -c '[.profile, (.merges[] | [.into, .from, .event, .identifier, .reason])]')" \
	'["P1",["P1","P2",3,"phone:+447700900999","event links identifiers of both profiles"]]'
run "$BATON" profile --db m.db email:cy@example.com
contains "... and in the text" "$out" "  #1 event 3: P2 merged into P1 by phone:+447700900999: event links identifiers of both profiles [active]"

run "$BATON" profile email:nobody@example.com
eq "profile of an unknown identifier exits 1" "$rc" 1
contains "and says so" "$err" "no profile holds that email"
run "$BATON" profile nonsense
contains "a malformed IDENT is explained" "$err" "neither an identifier (type:value"

ev g1 2026-03-05T10:00:00Z web page.viewed '{"user_id":"u-1"}' >good.ndjson
run "$BATON" ingest good.ndjson
eq "exit 0 when everything was accepted" "$rc" 0
contains "a human summary on stderr" "$err" "1 accepted, 0 duplicates, 0 rejected"

run "$BATON" ingest missing.ndjson
eq "an unreadable file exits 1" "$rc" 1
contains "naming the file" "$err" "cannot read 'missing.ndjson'"
run "$BATON" ingest
eq "no FILE is a usage error" "$rc" 1
run "$BATON" ingest --format xml good.ndjson
eq "a bad --format is a usage error" "$rc" 1
contains "that says what is allowed" "$err" "--format must be ndjson, json or csv"

# stdin, and a JSON array with its line numbers
run sh -c "ev() { printf '{\"ts\":1772360100,\"source\":\"s\",\"type\":\"t\",\"ids\":{\"user_id\":\"%s\"}}\n' \$1; }; { ev s1; ev s2; } | \"$BATON\" ingest --json -"
eq "stdin with -" "$(echo "$out" | jq -c '[.accepted,.rejected]')" "[2,0]"
cat >arr.json <<'J'
[
  {"ts": 1772360100, "source": "s", "type": "t", "ids": {"user_id": "j1"}},
  {"ts": 1772360100, "source": "s", "type": "t", "ids": {"user_id": "j2"},
   "outcome": "maybe"},
  {"ts": 1772360100, "source": "s", "type": "t", "ids": {"user_id": "j3"}}
]
J
run "$BATON" ingest --json arr.json
eq "a JSON array: two accepted, one rejected" "$(echo "$out" | jq -c '[.accepted,.rejected]')" "[2,1]"
eq "the rejected element is named by its line" "$(echo "$out" | jq -c '.errors[0].line')" "3"
printf '[{"ts":1,"source":"s","type":"t","ids":{"user_id":"x"}},\n{"ts":' >broken.json
run "$BATON" ingest broken.json
eq "a broken JSON document exits 1" "$rc" 1
contains "with its line" "$err" "broken.json:2: invalid JSON"

# CSV through a mapping
if [ -f "$BATON_ROOT/examples/calls.csv" ]; then
	run "$BATON" ingest --db csv.db --json --map "$BATON_ROOT/examples/calls.map.yaml" "$BATON_ROOT/examples/calls.csv"
	acc=$(echo "$out" | jq '.accepted')
	rej=$(echo "$out" | jq '.rejected')
	eq "CSV ingest rejects exactly the bad row" "$rej" 1
	eq "and stores the rest" "$([ "$acc" -ge 15 ] && echo yes)" yes
	run "$BATON" dead-letters --db csv.db --json
	eq "the bad CSV row is a dead letter in csv format" "$(echo "$out" | jq -r '.[0].format')" csv
else
	echo "skip - examples/calls.csv absent"
fi

for cmd in ingest profile erase dead-letters summary; do
	run "$BATON" $cmd --help
	eq "$cmd --help exits 0" "$rc" 0
	contains "$cmd --help shows usage" "$out" "usage: baton $cmd"
done
run "$BATON" frobnicate
eq "an unknown command exits 1" "$rc" 1
run "$BATON" summary --json
# a.ndjson 3 + good 1 + stdin 2 + array 2 events; each user a profile; line 4
# of a.ndjson (rejected by both ingests of it: kept once) + j2
eq "summary counts" "$(echo "$out" | jq -c '[.events,.profiles,.dead_letters]')" "[8,7,2]"

# ---- schema versions -------------------------------------------------------
# a database of schema version 1 (no tokens or refusals table) is read as
# it is and migrated by the first command that writes, keeping its data
if on_sqlite; then
	"$BATON" ingest --db old.db good.ndjson >/dev/null 2>&1
	# what versions 1 and 2 lacked: dead letters kept once, types of erased identifiers
	sqlite3 old.db "DROP INDEX dead_letters_hash; ALTER TABLE dead_letters DROP COLUMN hash;
		ALTER TABLE suppressed DROP COLUMN type; DROP TRIGGER dead_letters_in;
		DROP TRIGGER dead_letters_out; DROP TABLE dead_letter_usage"
	# version 2 kept a record rejected twice twice
	for i in 1 2 3; do
		sqlite3 old.db "INSERT INTO dead_letters(at, origin, line, format, reason, raw)
			VALUES ($i, 'f', 4, 'json', 'bad', CAST('{\"x\":1}' AS BLOB))"
	done
	sqlite3 old.db "INSERT INTO dead_letters(at, origin, line, format, reason, raw)
		VALUES (4, 'f', 5, 'json', 'bad', CAST('{\"x\":2}' AS BLOB))"
	# what identity review (version 9) added
	sqlite3 old.db "DROP TABLE apart; DROP INDEX merges_into; DROP INDEX merges_from;
		ALTER TABLE conflicts DROP COLUMN resolution; ALTER TABLE conflicts DROP COLUMN resolved_at;
		ALTER TABLE conflicts DROP COLUMN resolved_by; ALTER TABLE profiles DROP COLUMN ident"
	sqlite3 old.db "DROP TABLE tokens; DROP TABLE refusals; DROP TABLE journey_rules;
		DROP TABLE rule_changes; DROP TABLE escalation_acts; DROP TABLE announced;
		DROP TABLE webhooks; DROP TABLE webhook_deliveries; DROP TABLE webhook_attempts;
		DROP TABLE ended_sessions;
		DROP TABLE actions; DROP TABLE initiatives; DROP TABLE calendar; DROP TABLE calendar_journeys;
		DROP TABLE followup_closes; PRAGMA user_version = 1"
	run "$BATON" summary --db old.db --json
	eq "a version-1 database is readable" "$(echo "$out" | jq -c '[.events,.dead_letters]')" "[1,4]"
	run "$BATON" profile --db old.db --json user_id:u-1
	eq "its profiles too (no refusals table yet: none)" "$(echo "$out" | jq -c '[.events,.refusals]')" "[1,[]]"
	run "$BATON" profile --db old.db --merges --json user_id:u-1
	eq "... and their merge ledgers (nothing split yet)" "$rc $out" '0 {"profile":"P1","merges":[]}'
	run "$BATON" conflicts --db old.db --json --state open
	eq "... and the conflicts (none resolved yet)" "$rc $out" '0 {"conflicts":[],"total":0,"next":null}'
	run "$BATON" webhooks list --db old.db --json
	eq "and its webhooks (no table yet: none)" "$rc $out" "0 []"
	run "$BATON" actions --db old.db --json
	eq "and its actions (no table yet: none)" "$rc $out" '0 {"actions":[],"total":0}'
	run "$BATON" initiatives --db old.db --json
	eq "and its initiatives (no table yet: none)" "$rc $(echo "$out" | jq -c .initiatives)" "0 []"
	run "$BATON" changes --db old.db --json
	eq "and its changes (no calendar yet: none)" "$rc $(echo "$out" | jq -c '[.changes,.total]')" "0 [[],0]"
	run "$BATON" followups --db old.db --json
	eq "and its follow-ups (no closes table yet: none closed by hand)" "$rc $out" '0 {"followups":[],"total":0,"next":null}'
	run "$BATON" ingest --db old.db --json good.ndjson
	eq "and migrated on write, data kept" "$(echo "$out" | jq -c '[.accepted,.duplicates]')" "[0,1]"
	eq "to version 14" "$(sqlite3 old.db 'PRAGMA user_version')" 14
	run "$BATON" dead-letters --db old.db --json
	eq "a record kept three times is kept once, with its first id" "$(echo "$out" | jq -c '[.[] | [.id, .raw]]')" \
		'[[1,"{\"x\":1}"],[4,"{\"x\":2}"]]'
	eq "the dead letters' usage counts what was kept (2 records of 7 bytes)" "$(sqlite3 old.db 'SELECT n, bytes FROM dead_letter_usage')" "2|14"
	
	sqlite3 old.db "PRAGMA user_version = 99"
	run "$BATON" summary --db old.db
	eq "a newer database is refused" "$rc" 1
	contains "with the reason" "$err" "schema version 99 is newer than this baton's"
	run "$BATON" summary --db README.md
	contains "a file that is not a database" "$err" "README.md"
else
	echo "skip - the SQLite schema's versions (PostgreSQL's: tests/cli/pg.sh)"
fi
