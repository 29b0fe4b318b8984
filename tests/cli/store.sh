# SPDX-License-Identifier: Apache-2.0
# What a running server acknowledges is kept and found, and what is erased
# stays gone (issue 9): error positions in an ingest answer, events found
# by id right after they were acknowledged, a database deleted under the
# server, erasure seen at once by the context call, and erased identifiers
# kept out of dead letters.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }

mkdir -p data
serve_start data/store.db --quiet || { notok "server starts"; exit 1; }
ADMIN=$(grep '^bt_' serve.out)
H="Authorization: Bearer $ADMIN"
req() { # req METHOD PATH [curl args]: sets $code and $body
	m=$1 p=$2
	shift 2
	body=$(curl -s -o /dev/stdout -w '\n%{http_code}' -X "$m" -H "$H" "$@" "$U$p")
	code=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
}

# ---- error positions: the first, a middle and the last record ----
positions_ndjson >pos.ndjson # the first, a middle and the last record bad
req POST /v1/events -H "Content-Type: application/x-ndjson" --data-binary @pos.ndjson
eq "NDJSON: bad records by 0-based index and 1-based line" \
	"$code $(echo "$body" | jq -c '[.accepted, .rejected, [.errors[] | [.index, .line]]]')" \
	"200 [2,3,[[0,1],[2,4],[4,6]]]"
req POST /v1/events -H "Content-Type: application/json" \
	--data-binary "[{\"ts\":1},$(ev pos-5 2026-03-01T10:04:00Z web x '{"user_id":"pos-5"}'),{\"ts\":2}]"
eq "a JSON array: by index, no line" "$code $(echo "$body" | jq -c '[.errors[] | [.index, .line]]')" \
	"200 [[0,null],[2,null]]"

# ---- an event acknowledged is found by its id at once ----
req GET /v1/events/pos-2
eq "an event stored earlier is found" "$code $(echo "$body" | jq -r .id)" "200 pos-2"
for i in 1 2 3; do
	req POST /v1/events -H "Content-Type: application/json" --data-binary "$(ev "new-$i" 2026-03-02T10:00:00Z web x '{"user_id":"new"}')"
	[ "$code" = 200 ] || notok "posting new-$i"
	req GET "/v1/events/new-$i"
	eq "an event acknowledged since the server started is found ($i)" "$code $(echo "$body" | jq -r .id)" "200 new-$i"
done
run "$BATON" event --db data/store.db new-3
eq "baton event finds it while the server runs" "$rc $(echo "$out" | jq -r .id)" "0 new-3"

# ---- erased identifiers do not come back through dead letters ----
req POST /v1/events -H "Content-Type: application/json" \
	--data-binary "$(ev gone-1 2026-03-02T10:00:00Z web x '{"user_id":"gone-17","email":"gone@example.com"}')"
run "$BATON" erase --db data/store.db user_id:gone-17
eq "erased by another process" "$rc" 0
req POST /v1/track -H "Content-Type: application/json" -d '{"userId":"gone-17","properties":{"plan":"pro"}}'
eq "a Segment message that cannot be read (no event) is rejected" "$code $(echo "$body" | jq -c '[.accepted,.rejected]')" "200 [0,1]"
req POST /v1/events -H "Content-Type: application/x-ndjson" --data-binary \
	'{"id":"gone-2","ts":"yesterday","source":"web","type":"x","ids":{"email":" GONE@example.com"}}'
eq "a bad event with her e-mail is rejected" "$code $(echo "$body" | jq -c '[.accepted,.rejected]')" "400 [0,1]"
req GET /v1/dead-letters
eq "neither is kept as a dead letter" "$(echo "$body" | jq -c '[.dead_letters[].raw | select(test("gone"; "i"))]')" "[]"

# ---- erasure reaches the live state before erase returns ----
# A history large enough that rebuilding the live state takes a while: the
# context call must not answer from the old state meanwhile.
awk 'BEGIN { for (i = 1; i <= 40000; i++)
	printf "{\"id\":\"bulk-%d\",\"ts\":\"2026-03-04T10:00:00Z\",\"source\":\"web\",\"type\":\"x\",\"ids\":{\"user_id\":\"bulk-%d\"}}\n", i, i % 5000 }' >bulk.ndjson
"$BATON" ingest --db data/store.db bulk.ndjson >/dev/null 2>&1
for i in 1 2 3; do
	req POST /v1/events -H "Content-Type: application/json" \
		--data-binary "$(ev "mem-$i" 2026-03-04T11:00:00Z web x "{\"email\":\"mem$i@example.com\",\"phone\":\"+4477009000$i\"}")"
	req GET "/v1/context/email%3Amem$i%40example.com"
	eq "the context of a customer ($i)" "$code $(echo "$body" | jq -r '.identifiers | join(" ")')" \
		"200 email:mem$i@example.com phone:+4477009000$i"
	run "$BATON" erase --db data/store.db "email:mem$i@example.com"
	req GET "/v1/context/phone%3A%2B4477009000$i"
	eq "erased by another process: no context right after erase returns ($i)" "$code $(echo "$body" | grep -c "mem$i")" "404 0"
	req POST /v1/guard -H "Content-Type: application/json" -d "{\"ids\":{\"email\":\"mem$i@example.com\"}}"
	eq "nor does the guard know them ($i)" "$code $(echo "$body" | jq -c .profile)" "200 null"
done

# ---- the database deleted under the server (keep this last) ----
# (a SQLite file; on PostgreSQL, tests/cli/pg.sh restarts the server under a node)
if on_sqlite; then
	req GET /healthz
	eq "healthy while the database is there" "$code $body" '200 {"status":"ok"}'
	rm -rf data
	req POST /v1/events -H "Content-Type: application/json" --data-binary "$(ev lost-1 2026-03-03T10:00:00Z web x '{"user_id":"lost"}')"
	eq "a write after the folder was deleted is refused, not acknowledged" "$code $(echo "$body" | jq -r .error)" "503 store_error"
	req GET /healthz
	eq "healthz says unhealthy, and why" "$code $(echo "$body" | jq -r .status) $(echo "$body" | jq -r '.reason | test("deleted or replaced")')" \
		"503 unhealthy true"
	mkdir data
	"$BATON" ingest --db data/store.db /dev/null >/dev/null 2>&1
	req POST /v1/events -H "Content-Type: application/json" --data-binary "$(ev lost-2 2026-03-03T10:00:00Z web x '{"user_id":"lost"}')"
	eq "a new file at the same path is not the one the server has open: still refused" "$code" 503
fi
kill -TERM "$pid"
wait "$pid"
