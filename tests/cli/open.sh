# SPDX-License-Identifier: Apache-2.0
# A database is named by one string (src/store/store.c): a path, or
# sqlite:PATH; or postgres://... (a PostgreSQL database: tests/cli/pg.sh),
# whose failures never quote a password the URL may hold; any other
# SCHEME://... is refused.
# Every opener takes it: the commands, and the server's writer, readers
# and live state.
. "$BATON_ROOT/tests/cli/lib.sh"

ev e1 2026-03-01T10:00:00Z web call '{"email":"ann@example.com"}' >in.ndjson
ev e2 2026-03-01T11:00:00Z web call '{"email":"ann@example.com","phone":"+15550001111"}' >>in.ndjson

run "$BATON" ingest --db "sqlite:$PWD/a.db" in.ndjson
eq "ingest into sqlite:PATH" "$rc" 0
run "$BATON" summary --db "$PWD/a.db" --json
eq "the file at PATH holds what went in" "$(echo "$out" | jq -c '[.events, .profiles, .identifiers]')" "[2,1,2]"
run "$BATON" summary --db "sqlite:$PWD/a.db" --json
eq "and sqlite:PATH reads it back" "$(echo "$out" | jq -c '[.events, .profiles]')" "[2,1]"

# a PostgreSQL server that is not there (a socket folder that does not exist)
nopg="postgres://ann:s3cret@/baton?host=$PWD/no-such-folder"
run "$BATON" summary --db "$nopg"
eq "postgres:// to no server: fails" "$rc" 1
contains "saying so" "$err" "cannot connect to the PostgreSQL database"
case "$err" in *s3cret*) notok "the password is not quoted" ;; *) ok "the password is not quoted" ;; esac
run "$BATON" ingest --db "postgresql://ann@/baton?host=$PWD/no-such-folder" in.ndjson
contains "postgresql:// too, by ingest" "$rc $err" "1 baton: cannot connect to the PostgreSQL database"
run "$BATON" summary --db 'mysql://ann:s3cret@db.example.com/baton'
eq "another scheme is refused, by name only" "$rc $err" \
	"1 baton: unknown kind of database 'mysql://': give the path of a SQLite file (PATH or sqlite:PATH)"
run "$BATON" summary --db 'sqlite:'
eq "sqlite: needs a path" "$rc $err" "1 baton: no file after 'sqlite:': give the database as sqlite:PATH"

command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
serve_start "sqlite:$PWD/a.db" --quiet || { notok "server starts on sqlite:PATH"; exit 1; }
ok "server starts on sqlite:PATH"
H="Authorization: Bearer $(grep '^bt_' serve.out)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" -H "Content-Type: application/json" \
	-d "$(ev e3 2026-03-01T12:00:00Z web call '{"email":"ann@example.com"}')" "$U/v1/events")
eq "its writer stores" "$code" 200
eq "its readers find an event" "$(curl -s -H "$H" "$U/v1/events/e1" | jq -r .id)" e1
eq "its live state answers the context call" \
	"$(curl -s -H "$H" "$U/v1/context/email%3Aann%40example.com?as_of=2026-03-02T00:00:00Z" | jq -r .profile)" P1
kill -TERM "$pid"
wait "$pid"
run "$BATON" summary --db "$PWD/a.db" --json
eq "what the server stored is in the file" "$(echo "$out" | jq .events)" 3
run "$BATON" serve --db "$nopg" --listen "127.0.0.1:$(free_port)"
contains "serve fails on it too" "$rc $err" "1 baton serve: cannot connect to the PostgreSQL database"
