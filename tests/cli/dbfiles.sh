# SPDX-License-Identifier: Apache-2.0
# The database's files (issue 9): a database that cannot be written is
# refused at start, not discovered at the first write; the files are made
# readable by their owner only; the key of the suppression list lives
# beside the database, never in it.
. "$BATON_ROOT/tests/cli/lib.sh"
sqlite_only "the files of a SQLite database"

ev a1 2026-03-01T10:00:00Z web x '{"user_id":"a"}' >a.ndjson
ev b1 2026-03-01T11:00:00Z web x '{"user_id":"b"}' >b.ndjson

# ---- read-only ----
# Tests run as root, which writes any file whatever its mode.  Without
# CAP_DAC_OVERRIDE (and FOWNER) root is held to the mode bits like anybody:
# setpriv drops them from the capabilities baton runs with, so a file of
# mode 0444 is genuinely read-only to it, as it would be to a service user.
asuser() { setpriv --bounding-set=-dac_override,-dac_read_search,-fowner "$@"; }
mkdir ro
"$BATON" ingest --db ro/r.db a.ndjson >/dev/null 2>&1
chmod 0444 ro/r.db
if ! command -v setpriv >/dev/null || asuser sh -c ': >>ro/r.db' 2>/dev/null; then
	echo "skip - cannot drop CAP_DAC_OVERRIDE here (setpriv)"
else
	run asuser "$BATON" ingest --db ro/r.db b.ndjson
	eq "ingest into a read-only database fails at once" "$rc" 1
	contains "saying the database is read-only" "$err" "database 'ro/r.db' is read-only"
	port=$(free_port)
	run asuser timeout 10 "$BATON" serve --db ro/r.db --listen "127.0.0.1:$port"
	eq "serve on a read-only database does not start" "$rc" 1
	contains "and says why" "$err" "database 'ro/r.db' is read-only"
	run asuser "$BATON" summary --db ro/r.db --json
	eq "reading it still works" "$(echo "$out" | jq .events)" 1
	chmod 0644 ro/r.db
	chmod 0555 ro
	run asuser "$BATON" ingest --db ro/r.db b.ndjson
	eq "a folder where the WAL cannot be made fails at once too" "$rc" 1
	contains "naming the folder" "$err" "cannot write in the folder 'ro'"
	chmod 0755 ro
fi

# ---- modes: the database, its WAL and shared memory, the key: owner only ----
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
serve_start new.db --quiet || { notok "server starts"; exit 1; }
eq "database, WAL, shared memory and key file are made with mode 0600" \
	"$(stat -c %a new.db new.db-wal new.db-shm new.db.key | tr '\n' ' ')" "600 600 600 600 "
kill -TERM "$pid"
wait "$pid"

# ---- the key of the suppression list is not in the database ----
hexof() { od -An -v -tx1 "$@" 2>/dev/null | tr -d ' \n'; }
holds_key() { # holds_key DB: is the key (hex in $key) in any of DB's files?
	for f in "$1" "$1-wal" "$1-shm"; do
		[ -f "$f" ] && hexof "$f" | grep -q "$key" && { echo "$f"; return; }
	done
	echo none
}
cat >ann.ndjson <<'J'
{"id":"k1","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"phone":"+44 7700 900321"}}
{"id":"k2","ts":"2026-03-01T11:00:00Z","source":"web","type":"x","ids":{"user_id":"bo"}}
J
run "$BATON" ingest --db k.db ann.ndjson
key=$(cat k.db.key)
eq "the key file holds 32 bytes in hex" "$(printf '%s' "$key" | wc -c)" 64
eq "the database's files do not hold the key" "$(holds_key k.db)" none
run "$BATON" erase --db k.db phone:+447700900321
run "$BATON" ingest --db k.db --json ann.ndjson
eq "after her erasure her event is suppressed (the key is found)" "$(echo "$out" | jq -c '[.suppressed,.duplicates]')" "[1,1]"

# A database of an earlier version kept the key in meta: the first open that
# may write moves it to the key file, and it is gone from the database.
sqlite3 k.db "DELETE FROM meta WHERE key = 'suppress_key_check';
	INSERT INTO meta(key, value) VALUES ('suppress_key', X'$key')"
rm k.db.key
eq "(an old database holds its key)" "$(holds_key k.db)" k.db
run "$BATON" ingest --db k.db --json ann.ndjson
eq "opened for writing, it still knows whom it erased" "$(echo "$out" | jq -c '[.suppressed,.duplicates]')" "[1,1]"
eq "its key moved to the key file" "$(cat k.db.key)" "$key"
eq "with mode 0600" "$(stat -c %a k.db.key)" 600
eq "and out of the database" "$(sqlite3 k.db "SELECT count(*) FROM meta WHERE key = 'suppress_key'") $(holds_key k.db)" "0 none"

# a lost key file is not replaced by a new key while erasures depend on it
mv k.db.key saved.key
run "$BATON" ingest --db k.db ann.ndjson
eq "without its key file a database with erasures is not written" "$rc" 1
contains "and the message says what to restore" "$err" "key file 'k.db.key' is missing"
run "$BATON" summary --db k.db --json
eq "it can still be read" "$(echo "$out" | jq .events)" 1
mv saved.key k.db.key
BATON_SECRET_KEY=0123456789abcdef0123456789abcdef run "$BATON" ingest --db k.db ann.ndjson
eq "a secret that is not its key is refused" "$rc" 1
contains "naming it" "$err" "the key from BATON_SECRET_KEY is not the one the erasures"

# ---- a secret from the environment instead of a key file ----
export BATON_SECRET_KEY="a secret of more than thirty-two characters"
run "$BATON" ingest --db env.db ann.ndjson
eq "with BATON_SECRET_KEY no key file is made" "$rc $(ls env.db.key 2>/dev/null | wc -l)" "0 0"
run "$BATON" erase --db env.db user_id:bo
run "$BATON" ingest --db env.db --json ann.ndjson
eq "and erasures are recognised with it" "$(echo "$out" | jq -c '[.suppressed,.duplicates]')" "[1,1]"
BATON_SECRET_KEY=short run "$BATON" ingest --db env.db ann.ndjson
contains "a short secret is refused" "$err" "BATON_SECRET_KEY is 5 characters long"
unset BATON_SECRET_KEY
run "$BATON" ingest --db env.db ann.ndjson
contains "without it, the database wants its key" "$err" "key file 'env.db.key' is missing"
