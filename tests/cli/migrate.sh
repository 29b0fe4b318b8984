# SPDX-License-Identifier: Apache-2.0
# baton migrate (docs/storage.md, "Moving a database"): the demo, with one
# of each kind of object people add by hand (a token, a webhook, a rule
# changed, an escalation acknowledged, a follow-up closed, a person
# erased), copied from SQLite to PostgreSQL answers byte for byte as the
# SQLite file does; event numbers and ids are kept; a token made on SQLite
# opens baton serve on PostgreSQL; the erased person stays erased; new
# events are numbered after the copied ones, as on SQLite.  A target with
# data, a target with another key and the same database on both sides are
# refused, and leave the target as it was.  Back from PostgreSQL to SQLite
# gives the same KPIs.  Skips without BATON_TEST_PG_DIR (tests/pg.sh run).
. "$BATON_ROOT/tests/cli/lib.sh"
runs_once "it moves databases between SQLite and PostgreSQL itself"
PGSH="$BATON_ROOT/tests/pg.sh"
[ -n "${BATON_TEST_PG_DIR:-}" ] || { echo "skip - BATON_TEST_PG_DIR is unset (run under tests/pg.sh run)"; exit 0; }
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
command -v jq >/dev/null || { echo "skip - jq is not installed"; exit 0; }
trap '[ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null' EXIT
export BATON_SECRET_KEY=test-secret-of-at-least-thirty-two-characters
tag=$(basename "$PWD" | tr -c 'a-zA-Z0-9\n' '_')
PG=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "mg$tag")
psql_do() { psql -X -q -At -h "$BATON_TEST_PG_DIR" -U baton -d "mg$tag" -c "$1"; }

# ---- the source: the demo, and one of each object added by hand ----
"$BATON" demo --db demo.db --customers 200 --end 2026-06-01 >/dev/null 2>&1
TOKEN=$("$BATON" token create --db demo.db --role admin --name migrated | tail -n 1)
printf 'a-secret-for-the-hook\n' >hook.secret
"$BATON" webhooks add --db demo.db --url http://93.184.215.14/hook --events escalation.opened \
	--secret-file hook.secret >/dev/null
"$BATON" journeys set --db demo.db --who maria billing-dispute '{"recontact_window":"3d"}' >/dev/null
# an escalation open now, acknowledged (listed as of a later time)
LATER=2027-01-01
ESC=$("$BATON" escalations --db demo.db --json --as-of "$(date -u +%Y-%m-%dT%H:%M:%SZ)" |
	jq -r '[.escalations[] | select(.state == "open")][0].id')
"$BATON" escalations ack --db demo.db --who maria "$ESC" >/dev/null
FU=$("$BATON" followups --db demo.db --json | jq -r '.followups[0].id')
"$BATON" followups close --db demo.db --who tom --note "called back" "$FU" >/dev/null
# one person, two events, then erased: gone@x.com keeps a keyed hash only
{
	ev gone-1 2026-05-30T10:00:00Z web page_view '{"email":"gone@x.com","user_id":"gone-u"}'
	ev gone-2 2026-05-30T10:05:00Z web page_view '{"user_id":"gone-u"}'
} >gone.ndjson
"$BATON" ingest --db demo.db gone.ndjson >/dev/null
run "$BATON" erase --db demo.db --json email:gone@x.com
eq "the source: gone@x.com erased (one profile, two events)" "$rc $(echo "$out" | jq -c '[.identifiers, .events]')" "0 [2,2]"

# ---- refusals first: nothing is written ----
run "$BATON" migrate --from demo.db --to demo.db
contains "the same database on both sides: refused" "$rc $err" "1 baton: --from and --to name the same database"
run env BATON_SECRET_KEY=another-secret-of-at-least-thirty-two-chars "$BATON" migrate --from demo.db --to "$PG"
contains "a target written with another key: refused" "$rc $err" "1 baton: the target's key is not the source's"
eq "... and the target holds no data" "$(psql_do 'SELECT (SELECT count(*) FROM event_log) + (SELECT count(*) FROM profiles)')" 0
# that attempt left the other key's check in the target: start it again
"$PGSH" newdb "$BATON_TEST_PG_DIR" "mg${tag}b" >/dev/null
PG=$(echo "$PG" | sed "s|/mg$tag?|/mg${tag}b?|")
psql_do() { psql -X -q -At -h "$BATON_TEST_PG_DIR" -U baton -d "mg${tag}b" -c "$1"; }

# ---- the copy ----
run "$BATON" migrate --from sqlite:demo.db --to "$PG"
eq "migrate: exit 0" "$rc" 0
# 24 tables a line, then the total
eq "progress on stderr: a line a table and the total" "$(echo "$err" | wc -l)" 25
eq "... nothing on stdout" "$out" ""
# two acts: the acknowledgement, and the resolution a follow-up closed by hand records
contains "... two erased identifiers (a hash each), one token, two acts, one close, one webhook" \
	"$(echo "$err" | grep -E ': (tokens|webhooks|suppressed|escalation_acts|followup_closes):' | tr '\n' ' ')" \
	"suppressed: 2 rows baton: migrate: tokens: 1 row baton: migrate: escalation_acts: 2 rows baton: migrate: followup_closes: 1 row baton: migrate: webhooks: 1 row"
# every table of both schemas is copied (a table added later must be added
# to src/migrate.c's list): all but the bookkeeping of each backend
echo "$err" | grep -v ': done:' | sed 's/^baton: migrate: \([a-z_]*\):.*/\1/' | sort >copied.txt
psql_do "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
	AND table_name NOT IN ('baton_schema', 'commits') ORDER BY 1" | LC_ALL=C sort >pgtables.txt
eq "every table of PostgreSQL's schema is copied" "$(LC_ALL=C sort copied.txt | tr '\n' ' ')" "$(tr '\n' ' ' <pgtables.txt)"
if command -v sqlite3 >/dev/null; then
	sqlite3 demo.db "SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT IN ('sqlite_sequence', 'dead_letter_usage')" | LC_ALL=C sort >lite_tables.txt
	eq "... and of SQLite's" "$(LC_ALL=C sort copied.txt | tr '\n' ' ')" "$(tr '\n' ' ' <lite_tables.txt)"
fi
rows=$(echo "$err" | grep -v ': done:' | awk '{s += $(NF-1)} END {print s}')
eq "... the total is the sum of the tables'" "$(echo "$err" | tail -n 1)" "baton: migrate: done: $rows rows copied"

same() { # DESC ARGS...: the command's output on PostgreSQL is SQLite's, byte for byte
	desc=$1; shift
	"$BATON" "$@" --db demo.db >lite.out 2>&1; a=$?
	"$BATON" "$@" --db "$PG" >pg.out 2>&1; b=$?
	if [ "$a $b" = "0 0" ] && cmp -s lite.out pg.out && [ -s lite.out ]; then ok "$desc"; else
		notok "$desc"; echo "#   exit $a and $b"; diff lite.out pg.out | head -n 5 | sed 's/^/#   /'
	fi
}
same "kpis --json (as of the latest event): byte for byte" kpis --json
same "report (as of the latest event): byte for byte" report
same "agenda --format json (as of the latest event): byte for byte" agenda --format json
same "kpis --json: byte for byte" kpis --json --as-of 2026-06-01
same "report: byte for byte" report --as-of 2026-06-01
same "agenda --format json: byte for byte" agenda --format json --as-of 2026-06-01
same "summary" summary
same "conflicts --json" conflicts --json
same "a customer's profile" profile --json customer_id:C-100000
same "a merged customer's profile" profile --json "$(sqlite3 demo.db 'SELECT ident FROM identifiers i JOIN merges m ON m.ident = i.id LIMIT 1' 2>/dev/null || echo customer_id:C-100001)"
same "token list --json (hashes: the same tokens)" token list --json
same "webhooks list --json" webhooks list --json
same "journeys history --json: the rule changed, with its audit trail" journeys history --json
same "escalations --json" escalations --json --as-of 2026-06-01
same "escalations --json later: the one acknowledged" escalations --json --as-of "$LATER"
same "followups --json: the one closed" followups --json --as-of 2026-06-01
same "actions --json" actions --json
same "initiatives --json" initiatives --json
same "changes --json: the calendar" changes --json
same "dead-letters --json" dead-letters --json
same "an event by its id" event demo-1
same "another" event demo-a1
eq "the rule change is there" "$("$BATON" journeys history --db "$PG" --json | jq -r '.[0].who // .changes[0].who')" maria
eq "the act is there" "$("$BATON" escalations --db "$PG" --json --as-of "$LATER" | jq -r --arg e "$ESC" '.escalations[] | select(.id == $e) | .acknowledged_by')" maria

# ---- the erased person stays erased ----
run "$BATON" profile --db "$PG" email:gone@x.com
eq "gone@x.com is not found on PostgreSQL" "$rc" 1
eq "no row of PostgreSQL holds it" "$(psql_do "SELECT (SELECT count(*) FROM identifiers WHERE ident LIKE '%gone%')
	+ (SELECT count(*) FROM event_log WHERE position('gone@x.com'::bytea in data) > 0)")" 0
cp demo.db again.db
[ -f demo.db.key ] && cp demo.db.key again.db.key
ev gone-3 2026-05-31T09:00:00Z web page_view '{"email":"gone@x.com","user_id":"back-u"}' >back.ndjson
ev new-1 2026-05-31T09:01:00Z web page_view '{"user_id":"new-u"}' >>back.ndjson
run "$BATON" ingest --db "$PG" --json back.ndjson
eq "gone@x.com's events again: as on SQLite (kept erased)" "$(echo "$out" | jq -S -c 'del(.errors)')" \
	"$("$BATON" ingest --db again.db --json back.ndjson | jq -S -c 'del(.errors)')"
run "$BATON" profile --db "$PG" email:gone@x.com
eq "... and still not found" "$rc" 1
eq "new events are numbered after the copied ones, as on SQLite" \
	"$("$BATON" profile --db "$PG" --json user_id:new-u | jq -c '[.profile, .events]')" \
	"$("$BATON" profile --db again.db --json user_id:new-u | jq -c '[.profile, .events]')"
eq "... the summary too" "$("$BATON" summary --db "$PG")" "$("$BATON" summary --db again.db)"
# the ids of the tables numbered by PostgreSQL go on after the copied ones:
# a second token is 2 (the demo made none, the one above is 1)
"$BATON" token create --db "$PG" --role analyst >/dev/null
eq "a new token on PostgreSQL is number 2" "$("$BATON" token list --db "$PG" --json | jq -c '[.[].id] // [.tokens[].id]')" "[1,2]"

# ---- a target with data: refused, untouched ----
before=$("$BATON" summary --db "$PG")
run "$BATON" migrate --from demo.db --to "$PG"
contains "a target with data: refused" "$rc $err" "1 baton: the target database is not empty (table meta has rows)"
eq "... and left as it was" "$("$BATON" summary --db "$PG")" "$before"

# ---- serve on PostgreSQL: the token made on SQLite works ----
serve_start "$PG" --quiet || { notok "serve starts on the migrated database"; exit 1; }
code=$(curl -s -o kpis.out -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$U/v1/kpis?as_of=2026-06-01T00:00:00Z")
eq "GET /v1/kpis with the token made on SQLite: 200" "$code" 200
eq "... the KPIs of the CLI on SQLite" "$(jq -S -c 'del(.as_of)' kpis.out)" \
	"$("$BATON" kpis --db again.db --as-of 2026-06-01 --json | jq -S -c 'del(.as_of)')"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer bt_not-a-token-of-this-database-at-all-xxxxxx" "$U/v1/kpis")
eq "... a token it does not know: 401" "$code" 401
kill "$pid"; wait "$pid" 2>/dev/null; pid=""

# ---- and back: PostgreSQL to SQLite ----
run "$BATON" migrate --from "$PG" --to sqlite:back.db
eq "PostgreSQL to SQLite: exit 0" "$rc" 0
eq "... the KPIs, byte for byte" "$("$BATON" kpis --db back.db --json --as-of 2026-06-01)" \
	"$("$BATON" kpis --db "$PG" --json --as-of 2026-06-01)"
eq "... the report" "$("$BATON" report --db back.db --as-of 2026-06-01 | cksum)" \
	"$("$BATON" report --db "$PG" --as-of 2026-06-01 | cksum)"
eq "... the tokens" "$("$BATON" token list --db back.db --json)" "$("$BATON" token list --db "$PG" --json)"
eq "... the dead letters" "$("$BATON" dead-letters --db back.db --json)" "$("$BATON" dead-letters --db "$PG" --json)"
if command -v sqlite3 >/dev/null; then
	eq "... their origins and reasons text again, as written by SQLite" \
		"$(sqlite3 back.db "SELECT DISTINCT typeof(origin) || typeof(reason) FROM dead_letters")" texttext
fi
run "$BATON" profile --db back.db email:gone@x.com
eq "... gone@x.com still not found" "$rc" 1
"$BATON" token create --db back.db --role analyst >/dev/null
eq "... a new token on SQLite is number 3" "$("$BATON" token list --db back.db --json | jq -c '[.[].id] // [.tokens[].id]')" "[1,2,3]"

# ---- all or nothing ----
# a target whose webhooks table refuses rows (a trigger): the copy fails at
# that table, after the events and identity, and leaves nothing behind
PGF=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "mf$tag")
: >empty.ndjson
"$BATON" ingest --db "$PGF" empty.ndjson >/dev/null 2>&1
psql -X -q -At -h "$BATON_TEST_PG_DIR" -U baton -d "mf$tag" -c "
	CREATE FUNCTION no_hooks() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RAISE EXCEPTION 'no webhooks here'; END\$\$;
	CREATE TRIGGER no_hooks BEFORE INSERT ON webhooks FOR EACH ROW EXECUTE FUNCTION no_hooks();"
run "$BATON" migrate --from demo.db --to "$PGF"
contains "a failure in the middle: exit 1, saying why" "$rc $err" "no webhooks here"
contains "... after the tables before it" "$err" "baton: migrate: tokens: 1 row"
eq "... and the target holds nothing of them" "$(psql -X -q -At -h "$BATON_TEST_PG_DIR" -U baton -d "mf$tag" -c \
	'SELECT (SELECT count(*) FROM event_log) + (SELECT count(*) FROM profiles) + (SELECT count(*) FROM tokens)')" 0

# ---- a round trip, row by row ----
# demo.db to a new PostgreSQL database and back into rt.db: every table
# holds the same rows, value by value and type by type (sqlite3's quote
# mode shows text as '...' and blobs as X'...'); a dead letter from a file
# whose name is not UTF-8 (f\351.ndjson) keeps its bytes.
if command -v sqlite3 >/dev/null; then
	bad=$(printf 'f\351.ndjson')
	printf 'not json\n' >"$bad"
	"$BATON" ingest --db demo.db "$bad" >/dev/null 2>&1
	PGR=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "mr$tag")
	"$BATON" migrate --from demo.db --to "$PGR" 2>/dev/null &&
		"$BATON" migrate --from "$PGR" --to rt.db 2>/dev/null
	eq "round trip: both moves exit 0" "$?" 0
	differ=""
	for t in $(cat copied.txt); do
		order=rowid
		[ "$t" = meta ] && order=key
		sqlite3 demo.db ".mode quote" "SELECT * FROM $t ORDER BY $order" >a.rows
		sqlite3 rt.db ".mode quote" "SELECT * FROM $t ORDER BY $order" >b.rows
		cmp -s a.rows b.rows || differ="$differ $t"
	done
	eq "... every table's rows, value by value" "${differ:-none}" none
	eq "... the dead letter's origin, byte for byte" \
		"$(sqlite3 rt.db "SELECT hex(origin) FROM dead_letters WHERE origin LIKE 'f%'")" 66E92E6E646A736F6E
fi

# ---- a SQLite file with its own key file (no BATON_SECRET_KEY) ----
# Its key is 32 random bytes, no secret's hash: PostgreSQL takes it from
# BATON_SECRET_KEY_FILE.  kf.db: ann's two events, ann erased.
PGK=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "mk$tag")
{
	ev ann-1 2026-05-01T10:00:00Z web page_view '{"email":"ann@x.com"}'
	ev ann-2 2026-05-01T10:05:00Z web page_view '{"email":"ann@x.com","user_id":"ann-u"}'
	ev bob-1 2026-05-01T11:00:00Z web page_view '{"email":"bob@x.com"}'
} >kf.ndjson
env -u BATON_SECRET_KEY "$BATON" ingest --db kf.db kf.ndjson >/dev/null
env -u BATON_SECRET_KEY "$BATON" erase --db kf.db email:ann@x.com >/dev/null
eq "kf.db keeps its key in kf.db.key" "$(wc -c <kf.db.key)" 65
run "$BATON" migrate --from kf.db --to "$PGK"
contains "kf.db with BATON_SECRET_KEY: refused (another key)" "$rc $err" "1 baton: the target's key is not the source's"
PGK=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "mk${tag}b")
run env -u BATON_SECRET_KEY BATON_SECRET_KEY_FILE=kf.db.key "$BATON" migrate --from kf.db --to "$PGK"
eq "... with BATON_SECRET_KEY_FILE=kf.db.key: copied" "$rc" 0
contains "... ann's two identifiers kept as hashes" "$err" "baton: migrate: suppressed: 2 rows"
run env -u BATON_SECRET_KEY BATON_SECRET_KEY_FILE=kf.db.key "$BATON" ingest --db "$PGK" --json kf.ndjson
# ann-1 and ann-2 carry an erased identifier: suppressed; bob-1 is there
eq "... ann's events again: both suppressed, bob's a duplicate" \
	"$rc $(echo "$out" | jq -c '[.accepted, .duplicates, .suppressed]')" "0 [0,1,2]"
run "$BATON" profile --db "$PGK" email:ann@x.com
eq "... and ann is not found" "$rc" 1
eq "... bob is" "$("$BATON" profile --db "$PGK" --json email:bob@x.com | jq -c '.events')" 1

run "$BATON" migrate --from demo.db
contains "no --to: a usage error" "$rc $err" "1 baton migrate: name the database to fill: --to DB"
