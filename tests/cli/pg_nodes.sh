# SPDX-License-Identifier: Apache-2.0
# Several baton serve nodes on one PostgreSQL (docs/storage.md, "Several
# nodes"): each node's live state follows the others' writes, woken by
# LISTEN/NOTIFY, and a read on any node sees every write any node
# acknowledged before it, at once (no sleep between a write on node A and
# the read on node B).  The nodes run with BATON_FOLLOW_FALLBACK_MS=600000,
# so that their follower's fallback look never comes during the test: what
# moves a node that is not asked is a notification.
#
#   1. a write on A: B's live state has it without being asked (its
#      /metrics, which reads the state without catching up, shows the
#      event within 5 s; the fallback look would take 10 minutes)
#   2. scenarios A, B and C (tests/cli/kpis.sh) posted one event at a
#      time, every other one to each node; right after each, in the same
#      curl, node B's context of that event's customer holds that event
#      (its latest interaction on the event's channel is at the event's
#      time), and both nodes' KPIs equal those of one SQLite ingest
#   3. a write whose notification is lost (a commit made in psql, without
#      NOTIFY): a read on B still waits for it (the commit count)
#   4. an escalation and the owner's queue on B after a write on A
#      (tests/cli/escalations.sh's rules: u2 enters intake at T0, whose SLA
#      is 1h: stage_sla_breached opens at T0+1h, to maria); and a write by
#      `baton ingest` wakes both nodes
#   5. two clients posting at once, one to each node, the same customers:
#      both nodes answer the KPIs of one SQLite ingest of the same events
# Skips when BATON_TEST_PG_DIR is unset (run under tests/pg.sh run).
. "$BATON_ROOT/tests/cli/lib.sh"
runs_once "several nodes on PostgreSQL, in the first pass"
D="$BATON_ROOT/tests/data"
PGSH="$BATON_ROOT/tests/pg.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
[ -n "${BATON_TEST_PG_DIR:-}" ] || { echo "skip - BATON_TEST_PG_DIR is unset (tests/pg.sh run)"; exit 0; }
export BATON_SECRET_KEY=test-secret-of-at-least-thirty-two-characters
export BATON_FOLLOW_FALLBACK_MS=600000
tag=$(basename "$PWD" | tr -c 'a-zA-Z0-9\n' '_')
pids=""
cleanup() { for p in $pids; do kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT

# node DB NAME: start a node, its URL in $NODE_URL (another port when the
# one picked was taken meanwhile)
node() {
	for _ in 1 2 3 4 5; do
		p=$(free_port)
		: >"$2.out"
		"$BATON" serve --db "$1" --listen "127.0.0.1:$p" --quiet >"$2.out" 2>"$2.log" &
		np=$!
		for _ in $(seq 150); do
			grep -q "listening on" "$2.out" && break
			kill -0 "$np" 2>/dev/null || break
			sleep 0.1
		done
		if grep -q "listening on" "$2.out"; then
			pids="$pids $np"
			NODE_URL="http://127.0.0.1:$p"
			return 0
		fi
	done
	return 1
}
stop_nodes() { for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; pids=""; }
last_event() { curl -s -H "Authorization: Bearer $T" "$1/metrics" | sed -n 's/^baton_live_last_event //p'; }

# ---- 1. woken by a notification --------------------------------------------
PG=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "n$tag")
"$BATON" config load --db "$PG" "$D/kpi.yaml" >/dev/null || { notok "config loads"; exit 1; }
T=$("$BATON" token create --db "$PG" --role admin | tail -n 1)
node "$PG" a || { notok "node A starts"; exit 1; }
A=$NODE_URL
node "$PG" b || { notok "node B starts"; exit 1; }
B=$NODE_URL
eq "node B: no event yet" "$(last_event "$B")" 0
cat "$D/scenario_a.ndjson" "$D/scenario_b.ndjson" "$D/scenario_c.ndjson" >abc.ndjson
post() { # post URL LINE: the status
	curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" \
		-H "Content-Type: application/json" -d "$2" "$1/v1/events"
}
eq "event a1 posted to node A" "$(post "$A" "$(head -n 1 abc.ndjson)")" 200
seen=""
for _ in $(seq 50); do
	seen=$(last_event "$B")
	[ "$seen" = 1 ] && break
	sleep 0.1
done
eq "node B's live state has it, unasked, within 5 s (the fallback look: 10 min)" "$seen" 1

# ---- 2. read your writes, one event at a time ------------------------------
# The event's customer and channel; the context's latest interaction on
# that channel must be at the event's time (events of one customer come
# in time order in these scenarios).
i=1 bad="" codes=""
tail -n +2 abc.ndjson >rest.ndjson
while read -r line; do
	i=$((i + 1))
	if [ $((i % 2)) = 1 ]; then w=$A r=$B; else w=$B r=$A; fi
	user=$(echo "$line" | jq -r '.ids.user_id')
	ts=$(echo "$line" | jq -r '.ts')
	# the write, then at once (the same curl) the read on the other node
	out=$(curl -s -H "Authorization: Bearer $T" -H "Content-Type: application/json" \
		-o /dev/null -w '%{http_code}' -d "$line" "$w/v1/events" \
		--next -s -H "Authorization: Bearer $T" "$r/v1/context/user_id:$user?as_of=2026-06-01T00:00:00Z")
	codes="$codes${out%%\{*} "
	ctx=${out#???}
	echo "$ctx" | jq -e --arg ts "$ts" '[.. | objects | select(.at? == $ts or .ts? == $ts)] | length > 0' >/dev/null ||
		bad="$bad $(echo "$line" | jq -r .id)"
done <rest.ndjson
eq "28 more events, every other one to each node: all 200" "$(echo "$codes" | tr ' ' '\n' | grep -c '^200$')" 28
eq "each read on the other node, at once, has the event just written" "${bad:-none}" none
want=$("$BATON" ingest --db lite.db abc.ndjson >/dev/null 2>&1 && "$BATON" config load --db lite.db "$D/kpi.yaml" >/dev/null &&
	"$BATON" kpis --db lite.db --as-of 2026-05-02T10:00:00Z --json | jq -S -c 'del(.as_of)')
for u in "$A" "$B"; do
	eq "node $u: the KPIs of one SQLite ingest" \
		"$(curl -s -H "Authorization: Bearer $T" "$u/v1/kpis?as_of=2026-05-02T10:00:00Z" | jq -S -c 'del(.as_of)')" "$want"
done

# ---- 3. a commit whose notification is lost ---------------------------------
# psql moves the commit counter without NOTIFY: node B, not woken, is one
# commit behind; its next read waits for a refresh that has seen it (the
# follower's count of commits seen shows in nothing else, so: the read
# answers, and at once)
psql -X -q -At -h "$BATON_TEST_PG_DIR" -U baton -d "n$tag" -c "UPDATE commits SET n = n + 1 WHERE id = 1" >/dev/null
start=$(date +%s%N)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" "$B/v1/context/user_id:u1")
ms=$((($(date +%s%N) - start) / 1000000))
eq "a read on B after a commit nobody announced: answered" "$code" 200
eq "... within 5 s (not after the 10 min fallback, nor the 10 s wait)" "$([ "$ms" -lt 5000 ] && echo yes || echo "no ($ms ms)")" yes
stop_nodes

# ---- 4. an escalation and a queue item on B after a write on A -------------
cat >e.yaml <<'EOF'
teams: [{id: service}, {id: billing}]
people:
  - {id: maria, name: Maria, team: billing}
journeys:
  - id: dispute
    owner: maria
    match: [{types: ["dispute.*"]}]
    stages:
      - {id: intake, types: [dispute.intake], sla: 1h}
      - {id: review, types: [dispute.review], sla: 4h}
    escalations:
      - {on: stage_sla_breached, after: 0s, to: owner}
touchpoints:
  - {id: phone, channel: voice, team: service}
EOF
PGE=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "e$tag")
"$BATON" config load --db "$PGE" e.yaml >/dev/null || { notok "escalation rules load"; exit 1; }
T=$("$BATON" token create --db "$PGE" --role admin | tail -n 1)
node "$PGE" ea || { notok "node A starts"; exit 1; }
A=$NODE_URL
node "$PGE" eb || { notok "node B starts"; exit 1; }
B=$NODE_URL
esc() { curl -s -H "Authorization: Bearer $T" "$B/v1/escalations?as_of=$1" | jq -c '[.escalations[] | [.id, .state, .to]]'; }
eq "node B: no escalation before the write" "$(esc 2026-03-01T01:00:00Z)" '[]'
out=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" -H "Content-Type: application/json" \
	-d "$(ev u2a 2026-03-01T00:00:00Z phone dispute.intake '{"user_id":"u2"}')" "$A/v1/events" \
	--next -s -H "Authorization: Bearer $T" "$B/v1/escalations?as_of=2026-03-01T01:00:00Z")
eq "u2 enters intake on node A; at once, node B: its stage SLA escalated at T0+1h, to maria" \
	"${out%%\{*} $(echo "${out#???}" | jq -c '[.escalations[] | [.id, .state, .to]]')" '200 [["I1.stage_sla_breached","open",["maria"]]]'
eq "... one second before T0+1h: not yet" "$(esc 2026-03-01T00:59:59Z)" '[]'
eq "... and in maria's queue on node B, escalated" \
	"$(curl -s -H "Authorization: Bearer $T" "$B/v1/owners/maria/queue?as_of=2026-03-01T01:00:00Z" | jq -c '[.items[] | [.instance.id, (.why | index("escalated") != null)]]')" '[["I1",true]]'
out=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" -H "Content-Type: application/json" \
	-d "$(ev u2b 2026-03-01T02:00:00Z phone dispute.review '{"user_id":"u2"}')" "$B/v1/events" \
	--next -s -H "Authorization: Bearer $T" "$A/v1/escalations?as_of=2026-03-01T02:00:00Z")
eq "u2 reaches review on node B; at once, node A: the escalation cleared at T0+2h" \
	"${out%%\{*} $(echo "${out#???}" | jq -c '[.escalations[] | [.id, .state, .how]]')" '200 [["I1.stage_sla_breached","resolved","cleared"]]'
# a CLI writer announces its commit too: both nodes have its event (the
# third), unasked
ev u3a 2026-03-01T03:00:00Z phone dispute.intake '{"user_id":"u3"}' >u3.ndjson
"$BATON" ingest --db "$PGE" u3.ndjson >/dev/null 2>&1
for u in "$A" "$B"; do
	seen=""
	for _ in $(seq 50); do
		seen=$(last_event "$u")
		[ "$seen" = 3 ] && break
		sleep 0.1
	done
	eq "baton ingest on the database: node $u has the event, unasked, within 5 s" "$seen" 3
done
stop_nodes

# ---- 5. two clients at once, one on each node ------------------------------
PG5=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "c$tag")
"$BATON" config load --db "$PG5" "$D/kpi.yaml" >/dev/null
T=$("$BATON" token create --db "$PG5" --role admin | tail -n 1)
node "$PG5" ca || { notok "node A starts"; exit 1; }
A=$NODE_URL
node "$PG5" cb || { notok "node B starts"; exit 1; }
B=$NODE_URL
# events 1, 3, 5, ... to A and 2, 4, ... to B, both clients at once: the
# same customers on both nodes
awk 'NR % 2 == 1' abc.ndjson >odd.ndjson
awk 'NR % 2 == 0' abc.ndjson >even.ndjson
client() { while read -r line; do post "$1" "$line"; echo; done <"$2" >"$3"; }
client "$A" odd.ndjson codes_a.txt &
ca=$!
client "$B" even.ndjson codes_b.txt &
cb=$!
wait "$ca" "$cb"
eq "both clients: every event 200" "$(cat codes_a.txt codes_b.txt | grep -c '^200$')" 29
for u in "$A" "$B"; do
	eq "node $u: the KPIs of one SQLite ingest" \
		"$(curl -s -H "Authorization: Bearer $T" "$u/v1/kpis?as_of=2026-05-02T10:00:00Z" | jq -S -c 'del(.as_of)')" "$want"
done
stop_nodes

# ---- 6. a dashboard session on any node -------------------------------------
# signed in on A, the cookie works on B (the same key seals it); signed out
# on B, A refuses it too (the database holds the sessions signed out)
node "$PG5" da || { notok "node A starts"; exit 1; }
A=$NODE_URL
node "$PG5" db || { notok "node B starts"; exit 1; }
B=$NODE_URL
curl -s -o /dev/null -D login.txt -X POST --data-urlencode "token=$T" "$A/login"
C=$(sed -n 's/^Set-Cookie: baton_session=\([^;]*\);.*/\1/p' login.txt | tr -d '\r')
session() { curl -s -o /dev/null -w '%{http_code}' -b "baton_session=$C" "$1/v1/session"; }
eq "signed in on A: the session works on A and on B" "$(session "$A") $(session "$B")" "200 200"
curl -s -o /dev/null -X POST -b "baton_session=$C" -H "Origin: $B" "$B/logout"
eq "signed out on B: refused on B and on A" "$(session "$B") $(session "$A")" "401 401"
stop_nodes

# the nodes stopped cleanly (under sanitizers, a report would be here)
eq "the nodes' logs: no sanitizer report, no error" "$(cat ./*.log | grep -c 'Sanitizer\|runtime error\|"error"')" 0
