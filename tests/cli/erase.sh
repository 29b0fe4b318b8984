# SPDX-License-Identifier: Apache-2.0
# baton erase: after erasing Ann, no form of any of her identifiers is left
# in the database files (main file, WAL, shared memory), also not in Bob's
# event that carried her e-mail when the link was refused, nor in a dead
# letter; Bob keeps his data; and Ann does not come back on re-ingest.
. "$BATON_ROOT/tests/cli/lib.sh"

cat >ann.ndjson <<'J'
{"id":"a1","ts":"2026-03-01T10:00:00Z","source":"web","type":"signup","ids":{"email":" Ann.Erase@Example.COM ","phone":"+44 7700 900555"}}
{"id":"a2","ts":"2026-03-02T10:00:00Z","source":"ivr","type":"call.ended","ids":{"phone":["07700-900555","+44 7700 900555"]},"props":{"note":"two phone forms"}}
{"id":"a3","ts":"2026-03-03T10:00:00Z","source":"crm","type":"account.linked","ids":{"customer_id":"CUST-ANN-17","phone":"+44 7700 900555"}}
{"id":"b1","ts":"2026-03-04T10:00:00Z","source":"billing","type":"invoice.sent","ids":{"customer_id":"CUST-BOB-99"}}
{"id":"b2","ts":"2026-03-05T10:00:00Z","source":"billing","type":"refund.issued","ids":{"customer_id":"CUST-BOB-99","email":"ann.erase@example.com"}}
{"id":"x1","ts":"2026-03-06T10:00:00Z","source":"web","type":"x","ids":{"email":"ANN.ERASE@example.com"},"colour":"red"}
{"id":"x2","ts":"2026-03-06T10:00:00Z","source":"web","type":"x","ids":{"email":"carol@example.com"},"colour":"blue"}
J
run "$BATON" ingest --json ann.ndjson
eq "scenario: 5 accepted, 2 dead letters" "$(echo "$out" | jq -c '[.accepted,.rejected]')" "[5,2]"
run "$BATON" profile --json email:ann.erase@example.com
eq "Ann before: one profile over both phone forms" "$(echo "$out" | jq -c '[.identifiers,.events]')" \
	'[["customer_id:CUST-ANN-17","email:ann.erase@example.com","phone:+447700900555","phone:07700900555"],3]'
run "$BATON" profile --json customer_id:CUST-BOB-99
eq "Bob's link to Ann's e-mail was refused and recorded" "$(echo "$out" | jq -c '[.events,(.conflicts|length)]')" "[2,1]"

run "$BATON" erase --json email:ann.erase@example.com
eq "erase exits 0" "$rc" 0
eq "erase reports what it removed" "$out" '{"profile":"P1","identifiers":4,"events":3,"scrubbed":1,"dead_letters":1}'

found=""
for f in test.db test.db-wal test.db-shm; do
	[ -f "$f" ] || continue
	for form in "Ann.Erase@Example.COM" "ann.erase@example.com" "7700 900555" "07700-900555" \
		"447700900555" "07700900555" "CUST-ANN-17"; do
		if grep -a -i -q -F -- "$form" "$f"; then found="$found $f:$form"; fi
	done
done
eq "no form of Ann's identifiers remains in the database files" "$found" ""

run "$BATON" profile --json customer_id:CUST-BOB-99
eq "Bob keeps both events" "$(echo "$out" | jq .events)" 2
run "$BATON" event b2
eq "Bob's event keeps his own identifier" "$out" \
	'{"id":"b2","ts":"2026-03-05T10:00:00Z","source":"billing","type":"refund.issued","ids":{"customer_id":"CUST-BOB-99"}}'
run "$BATON" dead-letters --json
eq "the dead letter about Carol stays" "$(echo "$out" | jq -c '[.[].raw | contains("carol")]')" "[true]"
if on_sqlite; then
	run sqlite3 test.db "PRAGMA integrity_check"
	eq "the database is intact" "$out" "ok"
fi

run "$BATON" ingest --json ann.ndjson
eq "re-ingest: Ann's events are dropped, Bob's are duplicates" "$(echo "$out" | jq -c '[.accepted,.duplicates,.suppressed]')" "[0,2,3]"
run "$BATON" profile email:ann.erase@example.com
eq "Ann does not come back" "$rc" 1
run "$BATON" event a1
eq "her events are gone by id too" "$rc" 1
run "$BATON" profile P1
eq "her profile id is gone too" "$rc" 1
run "$BATON" erase email:nobody@example.com
eq "erasing an unknown identifier exits 1" "$rc" 1
run "$BATON" erase "email: Ann.Erase@Example.COM"
eq "erasing her again: nothing left to remove, the files scrubbed once more" "$rc $out" \
	"0 already erased: nothing of them is left in the database files"

# Rejected records that carry her identifiers are not kept as dead letters:
# a bad time, a record that is not JSON at all, a CSV-like line, her phone
# in free text; a rejected record about somebody else is kept.
cat >again.ndjson <<'J'
{"id":"z1","ts":"yesterday","source":"web","type":"x","ids":{"email":"Ann.Erase@example.com"}}
{"id":"z2","ts":"2026-03-07T10:00:00Z","ids":{"phone":"+44 7700 900555"
2026-03-07,web,x,CUST-ANN-17
{"id":"z3","ts":"2026-03-07T10:00:00Z","source":"web","type":"x","ids":{"user_id":"dan"},"props":{"note":"call her on 07700 900555"},"oops":1}
{"id":"z4","ts":"yesterday","source":"web","type":"x","ids":{"email":"frank@example.com"}}
J
run "$BATON" dead-letters --json
before=$(echo "$out" | jq length)
run "$BATON" ingest --json again.ndjson
eq "all five are rejected" "$(echo "$out" | jq -c '[.accepted,.rejected]')" "[0,5]"
run "$BATON" dead-letters --json
eq "only the one about Frank is kept" "$(echo "$out" | jq -c "[length - $before, (.[-1].raw | contains(\"frank\"))]")" "[1,true]"
found=""
for f in test.db test.db-wal; do
	for form in "Ann.Erase@example.com" "ann.erase@example.com" "7700 900555" "CUST-ANN-17"; do
		if grep -a -i -q -F -- "$form" "$f"; then found="$found $f:$form"; fi
	done
done
eq "no form of hers came back through them" "$found" ""

# The report of issue 9: an event of somebody else that carried her
# identifier (a refused link) is scrubbed while more events follow it in
# the same segment; junk values sit beside real ones.  Erasure failed with
# "event log segment 1 is damaged".
cat >shared.ndjson <<'J'
{"id":"s1","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"email":"anonymous","customer_id":"C1"}}
{"id":"s2","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"email":"a@x.com","customer_id":"C1"}}
{"id":"s3","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"email":"a@x.com","customer_id":"C2"}}
{"id":"s4","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"email":"b@x.com","customer_id":"C3"}}
{"id":"s5","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"email":"anonymous","customer_id":"C3"}}
J
run "$BATON" ingest --db shared.db shared.ndjson
run "$BATON" erase --db shared.db --json customer_id:C1
eq "erasing beside others in one segment succeeds" "$rc $out" \
	'0 {"profile":"P1","identifiers":2,"events":2,"scrubbed":1,"dead_letters":0}'
run "$BATON" event --db shared.db s3
eq "the other customer's event loses her e-mail only" "$out" \
	'{"id":"s3","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"customer_id":"C2"}}'
run "$BATON" event --db shared.db s5
eq "the events after it in the segment are whole" "$out" \
	'{"id":"s5","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"email":"anonymous","customer_id":"C3"}}'

# Erasing the newest profile: the next new customer gets a new profile id,
# not the erased one's (every ingest of a new customer failed on it).
printf '%s\n' '{"ts":1,"source":"s","type":"t","ids":{"user_id":"first"}}' \
	'{"ts":2,"source":"s","type":"t","ids":{"user_id":"newest"}}' >newest.ndjson
run "$BATON" ingest --db newest.db newest.ndjson
run "$BATON" erase --db newest.db user_id:newest
eq "the newest profile erased" "$rc" 0
echo '{"ts":3,"source":"s","type":"t","ids":{"user_id":"next"}}' >next.ndjson
run "$BATON" ingest --db newest.db --json next.ndjson
eq "a new customer after it is accepted" "$rc $(echo "$out" | jq .accepted)" "0 1"
run "$BATON" profile --db newest.db --json user_id:next
eq "with the next profile id" "$(echo "$out" | jq -r .profile)" P3
