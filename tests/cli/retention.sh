# SPDX-License-Identifier: Apache-2.0
# Retention (docs/retention.md): `baton purge` deletes the dead letters and
# the finished webhook deliveries made at or before as-of minus their data
# set's duration; a row exactly one duration old is gone, one a second
# younger stays.  baton serve purges by itself.  Times worked out by hand:
#   T0  = 2026-03-01T00:00:00Z = 1772323200000 ms
#   30d = 2592000000 ms, so T0 + 30d = 2026-03-31T00:00:00Z
#   7d  =  604800000 ms, so T0 + 7d  = 2026-03-08T00:00:00Z
. "$BATON_ROOT/tests/cli/lib.sh"

T0=1772323200000
cat >r.yaml <<'EOF'
teams: [{id: web}]
webhooks: {allow_private: true}
retention:
  dead_letters: 30d
  webhook_deliveries: 7d
EOF
"$BATON" config load --db r.db r.yaml >/dev/null || { notok "config loads"; exit 1; }
# three rejected records, then made at T0, T0 + 1 s and T0 + 2 s
{
	echo '{"id":"bad-1","ts":"nope","source":"web","type":"x","ids":{"email":"kept-secret-1@x.com"}}'
	echo '{"id":"bad-2","ts":"nope","source":"web","type":"x","ids":{"email":"kept-secret-2@x.com"}}'
	echo '{"id":"bad-3","ts":"nope","source":"web","type":"x","ids":{"email":"kept-secret-3@x.com"}}'
	ev good-1 2026-03-01T10:00:00Z web x '{"email":"good@x.com"}'
} >in.ndjson
"$BATON" ingest --db r.db in.ndjson >/dev/null 2>&1
db_sql r.db "UPDATE dead_letters SET at = $T0 + (id - 1) * 1000"
dl() { "$BATON" dead-letters --db r.db --json | jq -c '[.[].id]'; }
eq "three dead letters, made at T0, T0 + 1 s, T0 + 2 s" "$(dl)" "[1,2,3]"

# ---- the boundary: 30 days less a second, exactly 30 days, a second more ----
run "$BATON" purge --db r.db --as-of 2026-03-30T23:59:59Z --json
eq "30 d - 1 s after T0: nothing goes; rows made at or before T0 - 1 s would" "$rc $out" \
	'0 {"as_of":"2026-03-30T23:59:59Z","dry_run":false,"events":{"keep":null,"cutoff":null,"purged":0},"dead_letters":{"keep":"30d","cutoff":"2026-02-28T23:59:59Z","purged":0},"webhook_deliveries":{"keep":"7d","cutoff":"2026-03-23T23:59:59Z","purged":0}}'
eq "... all three are kept" "$(dl)" "[1,2,3]"
run "$BATON" purge --db r.db --as-of 2026-03-31T00:00:00Z --json
eq "exactly 30 d after T0: the one made at T0 goes" "$rc $(echo "$out" | jq -c .dead_letters)" \
	'0 {"keep":"30d","cutoff":"2026-03-01T00:00:00Z","purged":1}'
eq "... the one made a second later stays" "$(dl)" "[2,3]"
run "$BATON" purge --db r.db --as-of 2026-03-31T00:00:01Z --dry-run --json
eq "a dry run a second later: one would go" "$rc $(echo "$out" | jq -c '[.dry_run, .dead_letters.purged]')" '0 [true,1]'
eq "... and none went" "$(dl)" "[2,3]"
run "$BATON" purge --db r.db --as-of 2026-03-31T00:00:01Z
eq "the text says what went, by data set" "$rc $out" "0 events: kept for ever (no retention set)
dead letters: kept 30d; 1 made at or before 2026-03-01T00:00:01Z purged
webhook deliveries: kept 7d; 0 made at or before 2026-03-24T00:00:01Z purged"
eq "... and it went" "$(dl)" "[3]"
eq "the good event is untouched" "$("$BATON" summary --db r.db --json | jq -c '[.events, .dead_letters]')" "[1,1]"
if on_sqlite; then
	eq "the purged records leave no trace in the database files" \
		"$(cat r.db r.db-wal 2>/dev/null | grep -c -a 'kept-secret-[12]')" 0
	eq "... the kept one is still there (the check can see it)" \
		"$(cat r.db r.db-wal 2>/dev/null | grep -c -a 'kept-secret-3')" 1
fi

# ---- webhook deliveries: only those no longer pending, with their attempts ----
"$BATON" webhooks add --db r.db --url http://127.0.0.1:9/hook --events test >/dev/null
for _ in 1 2 3 4; do "$BATON" webhooks test --db r.db 1 >/dev/null; done
# 1 delivered at T0, 2 failed at T0, 3 still pending from T0, 4 delivered at T0 + 1 s
db_sql r.db "UPDATE webhook_deliveries SET created = $T0, state = 1 WHERE id = 1;
	UPDATE webhook_deliveries SET created = $T0, state = 2 WHERE id = 2;
	UPDATE webhook_deliveries SET created = $T0 WHERE id = 3;
	UPDATE webhook_deliveries SET created = $T0 + 1000, state = 1 WHERE id = 4;
	INSERT INTO webhook_attempts(delivery, at, status, ms) VALUES (1, $T0, 200, 5), (4, $T0 + 1000, 200, 5)"
dv() { "$BATON" webhooks deliveries --db r.db 1 --json | jq -c '[.[] | [.id, .state]] | sort'; }
eq "four deliveries" "$(dv)" '[[1,"delivered"],[2,"failed"],[3,"pending"],[4,"delivered"]]'
run "$BATON" purge --db r.db --as-of 2026-03-07T23:59:59Z --json
eq "7 d - 1 s after T0: none goes" "$(echo "$out" | jq -c .webhook_deliveries.purged)" 0
run "$BATON" purge --db r.db --as-of 2026-03-08T00:00:00Z --json
eq "exactly 7 d after T0: the delivered and the failed one made at T0 go" \
	"$(echo "$out" | jq -c .webhook_deliveries)" '{"keep":"7d","cutoff":"2026-03-01T00:00:00Z","purged":2}'
eq "... the pending one stays however old, and the one a second younger" "$(dv)" '[[3,"pending"],[4,"delivered"]]'
eq "... with the attempts of those left only" "$(db_sql r.db 'SELECT delivery FROM webhook_attempts ORDER BY delivery')" 4

# ---- no retention: kept for ever ----
run "$BATON" purge --db r.db --as-of 2099-01-01T00:00:00Z
eq "a purge as of a time to come is refused (a dry run may look ahead)" "$rc $err" \
	"1 baton: --as-of is later than now: a purge deletes only what is old by now (a dry run may look ahead)"
run "$BATON" purge --db r.db --config /dev/null --as-of 2099-01-01T00:00:00Z --dry-run --json
eq "a configuration without retention purges nothing" "$rc $(echo "$out" | jq -c '[.events, .dead_letters, .webhook_deliveries]')" \
	'0 [{"keep":null,"cutoff":null,"purged":0},{"keep":null,"cutoff":null,"purged":0},{"keep":null,"cutoff":null,"purged":0}]'
eq "... and says so" "$("$BATON" purge --db r.db --config /dev/null --dry-run | sed -n 2p)" \
	"dead letters: kept for ever (no retention set)"
eq "... nothing went" "$(dl) $(dv)" '[3] [[3,"pending"],[4,"delivered"]]'

# ---- events, by their time ----
# 30 days: as of 2026-03-02T10:00:00Z the cutoff is 2026-01-31T10:00:00Z.
# Ann: a1 on 1 January and a2 at the cutoff go, a3 a second after it stays;
# Bob: b1 on 10 January goes, b2 on 15 February stays.  Both keep events,
# so the KPIs are those of a database of a3 and b2 alone.
cat >e.yaml <<'EOF'
teams: [{id: web}, {id: service}]
people: [{id: maria, name: Maria, team: service}]
touchpoints: [{id: web, channel: web, team: web}, {id: phone, channel: voice, team: service}]
journeys:
  - id: support
    name: Support
    owner: maria
    match: [{types: ["call.*"]}]
retention: {events: 30d}
EOF
{
	ev a1 2026-01-01T10:00:00Z phone call.received '{"email":"ann@x.com"}'
	ev a2 2026-01-31T10:00:00Z phone call.received '{"email":"ann@x.com","phone":"+447700900001"}'
	ev a3 2026-01-31T10:00:01Z phone call.received '{"email":"ann@x.com"}'
	ev b1 2026-01-10T10:00:00Z phone call.received '{"email":"bob@x.com"}'
	ev b2 2026-02-15T10:00:00Z phone call.received '{"email":"bob@x.com"}'
} >e.ndjson
grep '"a3"\|"b2"' e.ndjson >kept.ndjson
for d in e kept; do
	"$BATON" config load --db $d.db e.yaml >/dev/null || notok "e.yaml loads"
	"$BATON" ingest --db $d.db $d.ndjson >/dev/null
done
run "$BATON" purge --db e.db --as-of 2026-03-02T09:59:59Z --dry-run --json
eq "a second before: only a1 and b1 would go" "$rc $(echo "$out" | jq -c .events)" \
	'0 {"keep":"30d","cutoff":"2026-01-31T09:59:59Z","purged":2}'
run "$BATON" purge --db e.db --as-of 2026-03-02T10:00:00Z --json
eq "at the cutoff: a1, a2 (made exactly 30 days before) and b1 go" "$rc $(echo "$out" | jq -c .events)" \
	'0 {"keep":"30d","cutoff":"2026-01-31T10:00:00Z","purged":3}'
eq "... so a1 is no longer found" "$("$BATON" event --db e.db a1 >/dev/null 2>&1; echo $?)" 1
eq "... a3, a second younger, is" "$("$BATON" event --db e.db a3 | jq -r .id)" a3
eq "two events left, and the profiles they made" "$("$BATON" summary --db e.db --json | jq -c '[.events, .profiles]')" "[2,2]"
eq "Ann's profile keeps one event (her phone, from a2, stays linked)" \
	"$("$BATON" profile --db e.db --json email:ann@x.com | jq -c '[.events, (.identifiers | length)]')" "[1,2]"
eq "the KPIs: those of a database of the kept events alone" \
	"$("$BATON" kpis --db e.db --json | jq -c 'del(.as_of)')" "$("$BATON" kpis --db kept.db --json | jq -c 'del(.as_of)')"
run "$BATON" purge --db e.db --as-of 2026-03-02T10:00:00Z --json
eq "purged again: nothing more" "$(echo "$out" | jq -c .events.purged)" 0
run "$BATON" erase --db e.db --json email:ann@x.com
eq "an erasure after the purge: Ann's one event left, her two identifiers" "$rc $(echo "$out" | jq -c '[.identifiers, .events]')" "0 [2,1]"
eq "... and Bob's event stays" "$("$BATON" summary --db e.db --json | jq -c '[.events, .profiles]')" "[1,1]"

# ---- a purge on messy data (tests/cli/split.sh's: junk, a conflict, a merge) ----
# m1..m4 (at or before the cutoff 2026-03-01T12:00:00Z) go, m5..m7 stay.
# Identity stays: cat is still in bob's profile (P2) with its four
# identifiers, now with three events; conflict 1, made by m4, stays for
# review.  Splitting merge 1 (made by m6) then derives the tree again from
# the events left: C-2, bob and phone 1 were linked only by m2 and m3, so
# they come apart too (P2, P4, P5), and cat keeps its three events (P3).
cp "$BATON_ROOT/tests/data/messy.ndjson" messy.ndjson # m1..m7, as split.sh says
"$BATON" ingest --db messy.db messy.ndjson >/dev/null 2>&1
printf 'retention: {events: 1d}\n' >day.yaml
run "$BATON" purge --db messy.db --config day.yaml --as-of 2026-03-02T12:00:00Z --json
eq "messy: m1..m4 go (m4 exactly at the cutoff)" "$rc $(echo "$out" | jq -c .events.purged)" "0 4"
run "$BATON" profile --db messy.db --json email:cat@x.com
eq "messy: identity stays, with m5..m7 and the conflict for review" \
	"$(echo "$out" | jq -c '[.profile,.identifiers,.events,[.conflicts[] | [.id,.profile,.other_profile]]]')" \
	'["P2",["customer_id:C-2","email:bob@x.com","email:cat@x.com","phone:+447700900001"],3,[[1,"P1","P2"]]]'
run "$BATON" split --db messy.db --json P2 1
eq "messy: a split after the purge derives the tree from the events left" \
	"$rc $(echo "$out" | jq -c '[.profiles,.events]')" '0 [["P2","P3","P4","P5"],3]'
eq "messy: cat alone with its three events" \
	"$("$BATON" profile --db messy.db --json email:cat@x.com | jq -c '[.profile,.identifiers,.events]')" \
	'["P3",["email:cat@x.com"],3]'
run "$BATON" erase --db messy.db --json email:bob@x.com
eq "messy: bob erased, no event of his left to go" "$rc $(echo "$out" | jq -c '[.identifiers,.events]')" "0 [1,0]"
eq "messy: cat's events are all that is left" "$("$BATON" summary --db messy.db --json | jq -c .events)" 3

# ---- bad configurations, named by line ----
printf 'teams: [{id: web}]\nretention:\n  dead_letters: 0d\n  event: 30d\n' >bad.yaml
run "$BATON" check bad.yaml
eq "a zero duration and an unknown data set: refused" "$rc" 1
contains "... the duration, with its line" "$err" "bad.yaml:3: retention: dead_letters must be a duration like 24h, 7d or 90m"
contains "... the data set, with its line, and the nearest" "$err" \
	"bad.yaml:4: unknown key 'event' in retention (did you mean 'events'?)"
printf 'retention: 30d\n' >bad2.yaml
run "$BATON" check bad2.yaml
contains "retention must be a mapping" "$rc $err" "1 "
contains "... saying so" "$err" "'retention' must be a mapping of data sets to durations"
run "$BATON" purge --db r.db stray
contains "a stray argument is refused" "$rc $err" "1 baton purge: unexpected argument 'stray'"

# ---- baton serve purges by itself, and says how many, not which ----
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
ev bad-4 nope web x '{"email":"fresh-secret@x.com"}' >fresh.ndjson
"$BATON" ingest --db r.db fresh.ndjson >/dev/null 2>&1
eq "before the server: dead letters 3 (made at T0 + 2 s) and 4 (now)" "$(dl)" "[3,4]"
# purged SET: wait (5 s at most) until the server has purged rows of SET;
# got is its count then
purged() {
	for _ in $(seq 100); do
		got=$(curl -s -H "$H" "$U/metrics" | sed -n "s/^baton_purged_total{set=\"$1\"} //p")
		[ "${got:-0}" -ge 1 ] && return
		sleep 0.05
	done
}
BATON_ANNOUNCE_MS=100 serve_start r.db --quiet || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out | tail -n 1)"
purged dead_letters
eq "the server purged the old dead letter at its first look" "$got" 1
eq "... and the old delivered one (the pending one stays)" \
	"$(curl -s -H "$H" "$U/metrics" | sed -n 's/^baton_purged_total{set="webhook_deliveries"} //p')" 1
eq "... the fresh dead letter is kept" "$(curl -s -H "$H" "$U/v1/dead-letters" | jq -c '[.dead_letters[].id]')" "[4]"
contains "the log says how many" "$(cat serve.log)" "retention: purged 0 events, 1 dead letters and 1 webhook deliveries"
eq "... and never which (no identifier, no record in the log)" "$(grep -c 'secret' serve.log)" 0
kill -TERM "$pid"
wait "$pid"

# ---- the server purges events, and its live state forgets them; and the
# signed-out sessions an hour past their expiry, without any retention ----
if on_sqlite; then hex() { echo "x'$1'"; }; else hex() { echo "decode('$1', 'hex')"; }; fi
db_sql e.db "INSERT INTO ended_sessions(id, expires) VALUES ($(hex 01), 1), ($(hex 02), 4102444800000)"
"$BATON" ingest --db e.db e.ndjson >/dev/null 2>&1 # Ann's are erased; b1 again
eq "b1 sent again is stored again (it goes at the next purge)" "$("$BATON" event --db e.db b1 | jq -r .id)" b1
BATON_ANNOUNCE_MS=100 serve_start e.db --quiet || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out | tail -n 1)"
purged events
eq "the server purged b1 again and b2 (older than 30 days by now)" "$got" 2
eq "... the signed-out session long expired is forgotten, the other kept" \
	"$(db_sql e.db 'SELECT count(*) FROM ended_sessions')" 1
eq "... and its live state has no event left" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/events/b1") $(curl -s -H "$H" "$U/v1/kpis" | jq -c .overall.events)" "404 0"
kill -TERM "$pid"
wait "$pid"
