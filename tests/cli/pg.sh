# SPDX-License-Identifier: Apache-2.0
# The PostgreSQL store (docs/storage.md) against the SQLite one, area by
# area on the same histories: the KPIs byte for byte; profiles, merges,
# conflicts and refusals, a split and a resolved conflict; dead letters;
# actions, initiatives, the change calendar, the report and the agenda;
# migrations (1 -> 4) and a newer schema refused; erasure.  baton serve on
# PostgreSQL: tokens made by the CLI, a 2xx is committed (read by another
# process after a kill -9 of the server, and nothing acknowledged is lost
# by a kill -9 during ingest), a restart keeps everything, and it
# reconnects by itself when PostgreSQL restarts; two nodes on one database
# answer the KPIs of one SQLite ingest; webhooks delivered with retries; the
# demo gives the same KPIs, report and agenda, and 24 API routes answer
# as on SQLite.  The key is required and checked.  Runs on the PostgreSQL of
# BATON_TEST_PG_DIR (tests/pg.sh run), else starts one of its own
# (tests/pg.sh start); skips when none can be started.
. "$BATON_ROOT/tests/cli/lib.sh"
runs_once "it compares PostgreSQL with SQLite itself"
D="$BATON_ROOT/tests/data"
PGSH="$BATON_ROOT/tests/pg.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
own=""
if [ -z "${BATON_TEST_PG_DIR:-}" ]; then
	if ! own=$("$PGSH" start 2>pgstart.log); then
		echo "skip - PostgreSQL cannot be started here: $(head -n 1 pgstart.log)"
		exit 0
	fi
	BATON_TEST_PG_DIR=$own
fi
cleanup() {
	[ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
	[ -n "$own" ] && "$PGSH" stop "$own"
}
trap cleanup EXIT
tag=$(basename "$PWD" | tr -c 'a-zA-Z0-9\n' '_')
PG=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "k$tag")
export BATON_SECRET_KEY=test-secret-of-at-least-thirty-two-characters
psql_do() { psql -X -q -At -h "$BATON_TEST_PG_DIR" -U baton -d "k$tag" -c "$1"; }

# ---- the same history into both: the KPIs ----
# Scenarios A, B and C of tests/cli/kpis.sh (worked out there by hand); the
# figures checked here are A's: one dispute, 5 handoffs of which 1 clean.
for f in scenario_a scenario_b scenario_c; do
	"$BATON" ingest --db lite.db "$D/$f.ndjson" >/dev/null
	run "$BATON" ingest --db "$PG" --json "$D/$f.ndjson"
done
eq "ingest into PostgreSQL: every event of C accepted" "$rc $(echo "$out" | jq -c '[.accepted > 0, .rejected]')" "0 [true,0]"
"$BATON" config load --db lite.db "$D/kpi.yaml" >/dev/null
run "$BATON" config load --db "$PG" "$D/kpi.yaml"
eq "config load into PostgreSQL" "$rc" 0
"$BATON" kpis --db lite.db --json | jq -S 'del(.as_of)' >lite.json
"$BATON" kpis --db "$PG" --json | jq -S 'del(.as_of)' >pg.json
eq "the KPIs: byte for byte those of SQLite" "$(cmp lite.json pg.json && echo same)" same
eq "... and A's, as worked out by hand" \
	"$(jq -c '.journeys[] | select(.journey == "dispute") | [.handoffs >= 5, .owner]' pg.json)" '[true,"maria"]'
eq "the summary counts" "$("$BATON" summary --db "$PG")" "$("$BATON" summary --db lite.db)"

# ---- identity: merges, a conflict, refusals ----
# The messy history of tests/cli/split.sh (worked out there):
# m1 C-1, ann, junk phone "n/a"  -> P1 {C-1, ann}; "n/a" refused
# m2 C-2, bob                    -> P2 {C-2, bob}
# m3 bob, phone 1, user "null"   -> P2 gains phone 1; "null" refused
# m4 C-1, bob                    -> refused link: two customer_ids (conflict 1)
# m5 cat                         -> P3 {cat}
# m6 cat, phone 1                -> P3 merged into P2 (merge 1)
# m7 cat, phone 0000000          -> a junk number refused, on P2
cp "$BATON_ROOT/tests/data/messy.ndjson" messy.ndjson # the events above
PGM=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "m$tag")
"$BATON" ingest --db messy.db messy.ndjson >/dev/null 2>&1
"$BATON" ingest --db "$PGM" messy.ndjson >/dev/null 2>&1
run "$BATON" profile --db "$PGM" --json email:cat@x.com
eq "messy on PostgreSQL: cat merged into bob's profile, the refusals of both, the conflict" \
	"$(echo "$out" | jq -c '[.profile,.identifiers,.events,[.refusals[].event],[.conflicts[] | [.id,.profile,.other_profile]]]')" \
	'["P2",["customer_id:C-2","email:bob@x.com","email:cat@x.com","phone:+447700900001"],5,[3,7],[[1,"P1","P2"]]]'
eq "... the same profile as SQLite's" "$(echo "$out" | jq -S -c 'del(.conflicts[].at, .merges[].at)')" \
	"$("$BATON" profile --db messy.db --json email:cat@x.com | jq -S -c 'del(.conflicts[].at, .merges[].at)')"
run "$BATON" profile --db "$PGM" --merges --json email:cat@x.com
eq "the merge ledger: P3 into P2 by event 6" "$(echo "$out" | jq -c '[.merges[] | [.id,.into,.from,.event,.identifier,.state]]')" \
	'[[1,"P2","P3",6,"phone:+447700900001","active"]]'
eq "... as SQLite's" "$(echo "$out" | jq -S -c 'del(.merges[].at)')" \
	"$("$BATON" profile --db messy.db --merges --json email:cat@x.com | jq -S -c 'del(.merges[].at)')"
run "$BATON" ingest --db "$PGM" --json messy.ndjson
eq "a second ingest: all duplicates" "$(echo "$out" | jq -c '[.accepted,.duplicates]')" "[0,7]"

# identity review: splitting merge 1 gives cat back its own profile P3
# (m5, m6, m7 and m7's refusal; tests/cli/split.sh works it out); keeping
# conflict 1 apart resolves it
nowhen() { jq -S -c 'walk(if type == "object" then del(.at, .split_at, .resolved_at) else . end)'; }
for d in messy.db "$PGM"; do
	"$BATON" split --db "$d" --json --by ann P2 1 >split.out
	"$BATON" conflicts resolve --db "$d" --json --by ann 1 keep_apart >resolve.out
done
eq "a split on PostgreSQL" "$(jq -c '[.profiles,.identifiers,.events,.conflicts]' split.out)" '[["P2","P3"],1,3,0]'
run "$BATON" profile --db "$PGM" --json email:cat@x.com
eq "... cat on P3 again, with m7's refusal" "$(echo "$out" | jq -c '[.profile,.identifiers,.events,[.refusals[].event]]')" \
	'["P3",["email:cat@x.com"],3,[7]]'
for c in "profile --json email:cat@x.com" "profile --merges --json email:cat@x.com" "profile --json P1" \
	"conflicts --json" "conflicts --json --state resolved" "conflicts --json --state open" "summary"; do
	# shellcheck disable=SC2086 # the words of the command
	a=$("$BATON" $c --db messy.db 2>&1 | { [ "${c#summary}" = "$c" ] && nowhen || cat; })
	# shellcheck disable=SC2086
	b=$("$BATON" $c --db "$PGM" 2>&1 | { [ "${c#summary}" = "$c" ] && nowhen || cat; })
	eq "after the split and the resolution, $c: as SQLite's" "$b" "$a"
done
eq "the conflict: kept apart by ann" "$("$BATON" conflicts --db "$PGM" --json --state resolved | jq -c '[.conflicts[] | [.id, .state, .resolved_by]]')" \
	'[[1,"keep_apart","ann"]]'

# ---- dead letters ----
printf '%s\nnot json\n' "$(ev ok1 2026-03-02T10:00:00Z web x '{"user_id":"d1"}')" >dead.ndjson
"$BATON" ingest --db messy.db dead.ndjson >/dev/null 2>&1
run "$BATON" ingest --db "$PGM" --json dead.ndjson
eq "a bad line: rejected and kept (exit 2)" "$rc $(echo "$out" | jq -c '[.accepted,.rejected]')" "2 [1,1]"
"$BATON" ingest --db "$PGM" dead.ndjson >/dev/null 2>&1 # rejected again: kept once
run "$BATON" dead-letters --db "$PGM" --json
eq "one dead letter, kept once: line 2, its reason, its text" "$(echo "$out" | jq -c '[.[] | [.id,.origin,.line,.raw,.truncated]]')" \
	'[[1,"dead.ndjson",2,"not json",false]]'
eq "... as SQLite's" "$(echo "$out" | jq -c 'del(.[].at)')" \
	"$("$BATON" dead-letters --db messy.db --json | jq -c 'del(.[].at)')"

# ---- governance: actions, initiatives, the change calendar, the report ----
# On the databases of the KPIs above (scenarios A, B, C): two actions, the
# second set done; two initiatives (one with a minimum effect, one with a
# cohort); a change touching dispute (named twice: kept once).
for d in lite.db "$PG"; do
	"$BATON" actions add --db "$d" --who ann --title "Fix callbacks" --owner maria \
		--due 2026-06-01T00:00:00Z --journey dispute --kpi fcr_rate >/dev/null
	"$BATON" actions add --db "$d" --who ann --title Second --owner tom --due 2026-01-01T00:00:00Z >/dev/null
	"$BATON" actions set --db "$d" 2 --status done >/dev/null
	"$BATON" initiatives add --db "$d" --name Callback --journey dispute --kpi fcr_rate \
		--start 2026-02-01T00:00:00Z --min-effect 0.05 >/dev/null
	"$BATON" initiatives add --db "$d" --name Cohort --journey dispute --kpi fcr_rate \
		--start 2026-02-01T00:00:00Z --cohort source=phone >/dev/null
	"$BATON" changes add --db "$d" --who ann --title Promo --team marketing --kind campaign \
		--date 2026-03-01T00:00:00Z --journeys dispute,dispute >/dev/null
done
run "$BATON" actions --db "$PG" --json
eq "actions on PostgreSQL: A2 done, A1 open and overdue" \
	"$(echo "$out" | jq -c '[.actions[] | [.id,.status,.overdue,.journey]]')" '[[2,"done",false,null],[1,"open",true,"dispute"]]'
nowall() { jq -S -c 'walk(if type == "object" then del(.created, .updated, .registered, .at) else . end)'; }
eq "... as SQLite's" "$(echo "$out" | nowall)" "$("$BATON" actions --db lite.db --json | nowall)"
run "$BATON" initiatives --db "$PG" --json
eq "initiatives as SQLite's (the minimum effect 0.05, the cohort)" "$(echo "$out" | nowall)" \
	"$("$BATON" initiatives --db lite.db --json | nowall)"
contains "... with the minimum effect" "$out" '"min_effect":0.05'
run "$BATON" changes --db "$PG" --json
eq "the change calendar: dispute once" "$(echo "$out" | jq -c '[.changes[] | [.id,.title,.journeys]]')" '[[1,"Promo",["dispute"]]]'
eq "... as SQLite's" "$(echo "$out" | nowall)" "$("$BATON" changes --db lite.db --json | nowall)"
eq "baton report: as SQLite's" "$("$BATON" report --db "$PG" 2>&1)" "$("$BATON" report --db lite.db 2>&1)"
eq "baton agenda: as SQLite's" "$("$BATON" agenda --db "$PG" 2>&1)" "$("$BATON" agenda --db lite.db 2>&1)"

# ---- migrations: a database of schema 1 gains the tables of schemas 2 to 4 ----
psql_do "DROP TABLE actions, initiatives, calendar, calendar_journeys, webhooks, webhook_deliveries,
	webhook_attempts, ended_sessions; UPDATE baton_schema SET version = 1"
run "$BATON" actions --db "$PG" --json
eq "a reader does not migrate: it says how" "$rc $err" "1 baton: database schema version 1 is older than this baton's (4): open it for writing once (baton ingest, baton serve) to migrate it"
run "$BATON" ingest --db "$PG" "$D/scenario_a.ndjson"
eq "a writer migrates 1 -> 4" "$rc $(psql_do 'SELECT version FROM baton_schema')" "0 4"
eq "... and the actions are an empty table again" "$("$BATON" actions --db "$PG" --json | jq -c .total)" 0

# ---- baton serve on PostgreSQL ----
PGS=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "s$tag")
"$BATON" config load --db "$PGS" "$D/kpi.yaml" >/dev/null
# a password in the URL (trust authentication here: never asked for) is
# not shown
serve_start "$(echo "$PGS" | sed 's|//baton@|//baton:s3cret@|')" || { notok "serve starts on PostgreSQL"; exit 1; }
ADMIN=$(grep '^bt_' serve.out)
contains "serve says which database, without its password" "$(grep 'listening on' serve.out)" "(database postgresql://baton:***@/s"
case "$(cat serve.out serve.log)" in *s3cret*) notok "the password is shown nowhere" ;; *) ok "the password is shown nowhere" ;; esac
eq "the first start prints an admin token" "$(printf '%s' "$ADMIN" | wc -c)" 46
INGEST=$("$BATON" token create --db "$PGS" --role ingest | tail -n 1)
code=$(curl -s -o post.out -w '%{http_code}' -X POST -H "Authorization: Bearer $INGEST" \
	-H "Content-Type: application/x-ndjson" --data-binary @"$D/scenario_a.ndjson" "$U/v1/events")
eq "POST /v1/events with a token made by the CLI: 2xx" "$(echo "$code" | cut -c1)" 2
# a 2xx is committed: kill the server at once, read from another process
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=""
eq "after kill -9, the 10 events of A are in PostgreSQL" \
	"$("$BATON" summary --db "$PGS" | awk '$1 == "events" {print $2}')" 10
"$BATON" ingest --db lite_a.db "$D/scenario_a.ndjson" >/dev/null
"$BATON" config load --db lite_a.db "$D/kpi.yaml" >/dev/null
serve_again "$PGS" || { notok "serve restarts on PostgreSQL"; exit 1; }
body=$(curl -s -H "Authorization: Bearer $ADMIN" "$U/v1/kpis?as_of=2026-01-10T10:00:00Z")
eq "after a restart, GET /v1/kpis: A's KPIs, as SQLite's CLI" \
	"$(echo "$body" | jq -S -c 'del(.as_of)')" \
	"$("$BATON" kpis --db lite_a.db --as-of 2026-01-10T10:00:00Z --json | jq -S -c 'del(.as_of)')"
eq "... the ingest token still works (a duplicate now)" \
	"$(curl -s -X POST -H "Authorization: Bearer $INGEST" -H "Content-Type: application/json" \
		-d "$(head -n 1 "$D/scenario_a.ndjson")" "$U/v1/events" | jq -c '[.accepted,.duplicates]')" "[0,1]"
# every event of A carries user_id u1: P1, a1 to a10, newest first
TIMELINE='["P1",10,["a10","a9","a8","a7","a6","a5","a4","a3","a2","a1"]]'
body=$(curl -s -H "Authorization: Bearer $ADMIN" "$U/v1/profiles/user_id%3Au1/timeline")
eq "the profile's timeline: the events of A that carry u1, newest first" "$(echo "$body" | jq -c '[.profile, .total, [.events[].id]]')" "$TIMELINE"
# PostgreSQL restarts under the server: it connects again by itself
"$PGSH" restart "$BATON_TEST_PG_DIR"
code=$(curl -s -o post.out -w '%{http_code}' -X POST -H "Authorization: Bearer $INGEST" \
	-H "Content-Type: application/json" -d "$(ev r1 2026-03-01T10:00:00Z web x '{"user_id":"r1"}')" "$U/v1/events")
eq "PostgreSQL restarted: the next POST /v1/events is taken" "$code $(jq -c .accepted post.out)" "200 1"
eq "... and the event is read back" "$(curl -s -H "Authorization: Bearer $ADMIN" "$U/v1/events/r1" | jq -r .id)" r1
run "$BATON" token list --db "$PGS" --json
eq "tokens listed: the admin's and the ingest one" "$(echo "$out" | jq -c '[.[] | .role]' 2>/dev/null || echo "$out")" '["admin","ingest"]'
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=""

# ---- two nodes on one database ----
# Two servers on one PostgreSQL take scenarios A, B and C one event each in
# turn (the same customers on both); each answers the KPIs of one SQLite
# ingest of the same events: a node sees the other's commits at its next
# read (the commit counter moves).
PG2=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "t$tag")
"$BATON" config load --db "$PG2" "$D/kpi.yaml" >/dev/null
: >serve.out
serve_start "$PG2" --quiet || { notok "node 1 starts"; exit 1; }
pid1=$pid U1=$U
T2=$("$BATON" token create --db "$PG2" --role admin | tail -n 1)
for _ in 1 2 3 4 5; do # another port when the one picked was taken meanwhile
	port2=$(free_port)
	"$BATON" serve --db "$PG2" --listen "127.0.0.1:$port2" --quiet >node2.out 2>node2.log &
	pid2=$!
	for _ in $(seq 150); do
		grep -q "listening on" node2.out && break
		kill -0 "$pid2" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "listening on" node2.out && break
done
U2="http://127.0.0.1:$port2"
cat "$D/scenario_a.ndjson" "$D/scenario_b.ndjson" "$D/scenario_c.ndjson" >abc.ndjson
i=0 codes=""
while read -r line; do
	i=$((i + 1))
	if [ $((i % 2)) = 1 ]; then u=$U1; else u=$U2; fi
	codes="$codes$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T2" \
		-H "Content-Type: application/json" -d "$line" "$u/v1/events") "
done <abc.ndjson
eq "29 events, every other one to each node: all 200" "$(echo $codes | wc -w) $(echo "$codes" | tr ' ' '\n' | grep -c '^200$')" "29 29"
want=$("$BATON" kpis --db lite.db --as-of 2026-05-02T10:00:00Z --json | jq -S -c 'del(.as_of)')
for u in "$U1" "$U2"; do
	eq "node $u: the KPIs of one SQLite ingest" \
		"$(curl -s -H "Authorization: Bearer $T2" "$u/v1/kpis?as_of=2026-05-02T10:00:00Z" | jq -S -c 'del(.as_of)')" "$want"
done
kill -TERM "$pid1" "$pid2"; wait "$pid1" "$pid2" 2>/dev/null; pid=""

# ---- kill -9 during ingest: nothing acknowledged is lost ----
# Two clients post batches of 25 events with unique ids to a server on
# PostgreSQL, killed with SIGKILL at a random moment; after a restart every
# event of every batch answered 200 is found.
PGK=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "x$tag")
: >serve.out
serve_start "$PGK" --quiet --rate 0 || { notok "serve starts"; exit 1; }
KT=$(grep '^bt_' serve.out)
client() { # client N: post batches until the server is gone; log acknowledged ids
	c=$1 b=0
	while [ $b -lt 400 ]; do
		: >batch.$c
		for i in $(seq 25); do
			printf '{"id":"c%s-b%s-e%s","ts":"2026-03-01T10:00:00Z","source":"web","type":"x","ids":{"user_id":"u%s-%s"}}\n' \
				"$c" "$b" "$i" "$c" "$((b % 40))" >>batch.$c
		done
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KT" \
			-H "Content-Type: application/x-ndjson" --data-binary @batch.$c "$U/v1/events")
		[ "$code" = 200 ] || return 0
		sed 's/^{"id":"\([^"]*\)".*/\1/' batch.$c >>acked.$c
		b=$((b + 1))
	done
}
client 1 & c1=$!
client 2 & c2=$!
sleep "0.$((3 + $(od -An -N1 -tu1 /dev/urandom) % 6))"
kill -9 "$pid"
wait "$c1" "$c2"
acked=$(cat acked.* 2>/dev/null | wc -l)
eq "some batches were acknowledged before the kill" "$([ "$acked" -gt 0 ] && echo yes)" yes
serve_again "$PGK" --quiet --rate 0 || { notok "restart after kill -9"; exit 1; }
: >urls.cfg
for id in $(cat acked.*); do
	printf 'url = "%s/v1/events/%s"\noutput = "/dev/null"\n' "$U" "$id" >>urls.cfg
done
found=$(curl -s -w '%{http_code}\n' -H "Authorization: Bearer $KT" -K urls.cfg | grep -c '^200$')
eq "every acknowledged event survived kill -9 ($acked)" "$found" "$acked"
# PostgreSQL restarts while two clients post batches, going on after a
# failure, until 5 batches after the restart: the batches in flight then
# fail (not acknowledged), the server connects again, and every batch
# answered 200 is there
client_on() { # client_on N: batches, whatever the answers, until 5 after ./restarted
	c=$1 b=0 after=0
	while [ $after -lt 5 ] && [ $b -lt 2000 ]; do
		[ -e restarted ] && after=$((after + 1))
		: >batch.$c
		for i in $(seq 25); do
			printf '{"id":"r%s-b%s-e%s","ts":"2026-03-01T11:00:00Z","source":"web","type":"x","ids":{"user_id":"u%s-%s"}}\n' \
				"$c" "$b" "$i" "$c" "$((b % 40))" >>batch.$c
		done
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KT" \
			-H "Content-Type: application/x-ndjson" --data-binary @batch.$c "$U/v1/events")
		if [ "$code" = 200 ]; then sed 's/^{"id":"\([^"]*\)".*/\1/' batch.$c >>racked.$c; fi
		echo "$code" >>codes.$c
		b=$((b + 1))
	done
}
client_on 1 & c1=$!
client_on 2 & c2=$!
sleep 0.3
"$PGSH" restart "$BATON_TEST_PG_DIR"
: >restarted
wait "$c1" "$c2"
racked=$(cat racked.* 2>/dev/null | wc -l)
eq "PostgreSQL restarted during ingest: the 5 batches after it acknowledged, each client's" \
	"$(tail -n 5 codes.1 codes.2 | grep -c '^200$')" 10
: >urls.cfg
for id in $(cat racked.*); do
	printf 'url = "%s/v1/events/%s"\noutput = "/dev/null"\n' "$U" "$id" >>urls.cfg
done
found=$(curl -s -w '%{http_code}\n' -H "Authorization: Bearer $KT" -K urls.cfg | grep -c '^200$')
eq "every event acknowledged around the restart is there ($racked)" "$found" "$racked"
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=""

# ---- the demo ----
# baton demo into PostgreSQL and into SQLite, at a fixed end: the same
# events, KPIs, report and agenda.
PGD=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "d$tag")
"$BATON" demo --db "$PGD" --end 2026-05-01T00:00:00Z >/dev/null 2>&1
"$BATON" demo --db demo.db --end 2026-05-01T00:00:00Z >/dev/null 2>&1
eq "the demo: the summary as SQLite's" "$("$BATON" summary --db "$PGD")" "$("$BATON" summary --db demo.db)"
eq "... its KPIs" "$("$BATON" kpis --db "$PGD" --json | jq -S -c 'del(.as_of)')" \
	"$("$BATON" kpis --db demo.db --json | jq -S -c 'del(.as_of)')"
eq "... its report" "$("$BATON" report --db "$PGD" 2>&1 | md5sum)" "$("$BATON" report --db demo.db 2>&1 | md5sum)"
eq "... its agenda" "$("$BATON" agenda --db "$PGD" 2>&1 | md5sum)" "$("$BATON" agenda --db demo.db 2>&1 | md5sum)"
# the API: a server on each, every list route and a customer's routes, as
# of the demo's end, the same answers but for wall-clock times
TD=$("$BATON" token create --db "$PGD" --role admin | tail -n 1)
TS=$("$BATON" token create --db demo.db --role admin | tail -n 1)
: >serve.out
serve_start demo.db --quiet || { notok "serve starts on the SQLite demo"; exit 1; }
pidl=$pid UL=$U
: >serve.out
serve_start "$PGD" --quiet || { notok "serve starts on the PostgreSQL demo"; exit 1; }
pidp=$pid UP=$U
who=$("$BATON" profile --db demo.db --json P1 | jq -r '.identifiers[0]' | sed 's/:/%3A/; s/@/%40/; s/+/%2B/')
same=0 routes=""
for r in /v1/dead-letters /v1/webhooks /v1/conflicts /v1/journeys /v1/changes /v1/agenda /v1/actions \
	/v1/escalations /v1/initiatives /v1/followups /v1/kpis /v1/value /v1/kpis/trend /v1/instances \
	/v1/handoffs /v1/promises /v1/sources /v1/audit/sources /v1/audit/silo-map /v1/teams \
	"/v1/profiles/$who" "/v1/profiles/$who/timeline" "/v1/profiles/$who/merges" "/v1/context/$who"; do
	case $r in /v1/profiles/* | /v1/dead-letters | /v1/webhooks | /v1/conflicts | /v1/journeys) q="" ;;
	*) q="?as_of=2026-05-01T00:00:00Z" ;;
	esac
	a=$(curl -s -H "Authorization: Bearer $TS" "$UL$r$q" | nowall)
	b=$(curl -s -H "Authorization: Bearer $TD" "$UP$r$q" | nowall)
	case $a in "" | null | *'"error":'*) routes="$routes $r:$a" ;; *)
		if [ "$a" = "$b" ]; then same=$((same + 1)); else routes="$routes $r"; fi ;;
	esac
done
eq "the API on the demo: 24 routes answer as on SQLite" "$same$routes" 24
kill -TERM "$pidl" "$pidp"; wait "$pidl" "$pidp" 2>/dev/null; pid=""

# ---- webhooks on PostgreSQL (as the start of tests/cli/webhooks.sh) ----
# A receiver that refuses the first two attempts: a test delivery arrives
# on the third, every attempt signed; the deliveries and their attempts
# read back; the secret is not in the database.
if command -v node >/dev/null; then
	PGW=$("$PGSH" newdb "$BATON_TEST_PG_DIR" "w$tag")
	printf 'webhooks: {allow_private: true}\n' >private.yaml
	"$BATON" config load --db "$PGW" private.yaml >/dev/null
	S1=receiver-one-secret-0123
	node "$BATON_ROOT/tests/cli/hook_receiver.mjs" "$S1" 2 r1.log >r1.port 2>>recv.txt &
	rpid=$!
	: >>r1.log
	for _ in $(seq 100); do [ -s r1.port ] && break; sleep 0.05; done
	R1=$(jq -r .port r1.port)
	: >serve.out
	BATON_WEBHOOK_BACKOFF_MS=100 serve_start "$PGW" --quiet || { notok "serve starts on PostgreSQL"; exit 1; }
	WADMIN=$(grep '^bt_' serve.out)
	wapi() { # METHOD PATH [BODY]: sets code and body
		code=$(curl -s -o body.out -w '%{http_code}' -X "$1" -H "Authorization: Bearer $WADMIN" \
			${3:+-H 'Content-Type: application/json' --data-binary "$3"} "$U$2")
		body=$(cat body.out)
	}
	wapi POST /v1/webhooks "{\"url\":\"http://127.0.0.1:$R1/hook\",\"events\":[\"test\"],\"secret\":\"$S1\"}"
	eq "POST /v1/webhooks on PostgreSQL: 201, webhook 1" "$code $(echo "$body" | jq -c '[.id, .deliveries]')" \
		'201 [1,{"pending":0,"delivered":0,"failed":0}]'
	wapi POST /v1/webhooks "{\"url\":\"http://127.0.0.1:$R1/other\",\"events\":[\"collision\"]}"
	wapi GET "/v1/webhooks?limit=1"
	eq "a page of one, newest first, and the cursor of the next" "$(echo "$body" | jq -c '[[.webhooks[].id], .total, .next]')" '[[2],2,"2"]'
	wapi DELETE /v1/webhooks/2
	eq "DELETE /v1/webhooks/2" "$code $body" '200 {"deleted":2}'
	wapi DELETE /v1/webhooks/2
	eq "... twice: 404" "$code" 404
	eq "the secret is not in the database" \
		"$(psql -X -q -At -h "$BATON_TEST_PG_DIR" -U baton -d "w$tag" -c "SELECT count(*) FROM webhooks WHERE position('$S1'::bytea in secret) > 0")" 0
	wapi POST /v1/webhooks/1/test
	eq "POST /v1/webhooks/1/test: 202" "$code" 202
	for _ in $(seq 400); do [ "$(wc -l <r1.log)" -ge 3 ] && break; sleep 0.05; done
	eq "the receiver refused twice, then took it, every attempt signed" \
		"$(jq -s -c '[.[] | [.status, .verified]]' r1.log)" '[[500,true],[500,true],[200,true]]'
	wapi GET /v1/webhooks/1/deliveries
	eq "GET deliveries: delivered, with each attempt" \
		"$(echo "$body" | jq -c '.deliveries[0] | [.state, .event, .next_attempt, [.attempts[] | [.status, .error]]]')" \
		'["delivered","test",null,[[500,"HTTP 500"],[500,"HTTP 500"],[200,null]]]'
	kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=""
	kill "$rpid" 2>/dev/null
else
	echo "skip - webhooks on PostgreSQL: node is not installed"
fi

# ---- erasure ----
# cat (P3 since the split: m5, m6, m7) is erased on both; a rejected record
# that holds cat's e-mail is a dead letter, scrubbed with it; m6's phone 1
# is bob's, and m6 carried cat's e-mail: its text is rewritten.
printf '{"ts":"nope","source":"web","type":"x","ids":{"email":"cat@x.com"}}\n' >catdead.ndjson
"$BATON" ingest --db messy.db catdead.ndjson >/dev/null 2>&1
"$BATON" ingest --db "$PGM" catdead.ndjson >/dev/null 2>&1
run "$BATON" erase --db "$PGM" --json email:cat@x.com
eq "erase on PostgreSQL: as on SQLite" "$rc $out" "0 $("$BATON" erase --db messy.db --json email:cat@x.com)"
eq "... P3, one identifier, three events" "$(echo "$out" | jq -c '[.profile, .identifiers, .events]')" '["P3",1,3]'
run "$BATON" profile --db "$PGM" email:cat@x.com
eq "cat's e-mail is no longer found" "$rc" 1
eq "the summary as SQLite's" "$("$BATON" summary --db "$PGM")" "$("$BATON" summary --db messy.db)"
eq "the dead letters as SQLite's" "$("$BATON" dead-letters --db "$PGM" --json | jq -c 'del(.[].at)')" \
	"$("$BATON" dead-letters --db messy.db --json | jq -c 'del(.[].at)')"
pgm() { psql -X -q -At -h "$BATON_TEST_PG_DIR" -U baton -d "m$tag" -c "$1"; }
eq "no row holds cat's e-mail any more (identifiers, events, dead letters, refusals)" \
	"$(pgm "SELECT (SELECT count(*) FROM identifiers WHERE ident LIKE '%cat@x.com%')
		+ (SELECT count(*) FROM event_log WHERE position('cat@x.com'::bytea in data) > 0)
		+ (SELECT count(*) FROM dead_letters WHERE position('cat@x.com'::bytea in raw) > 0)
		+ (SELECT count(*) FROM refusals WHERE ident LIKE '%cat@x.com%')")" 0
# What the pages hold (docs/storage.md, "Erasure and VACUUM"): read as the
# superuser with pageinspect, every tuple of every page of the tables the
# erasure changed and of their TOAST tables, dead ones included.  First the
# method itself: a deleted row's version is still a tuple of its page.
pgsu() { psql -X -q -At -h "$BATON_TEST_PG_DIR" -U postgres -d "m$tag" -v ON_ERROR_STOP=1 -c "$1"; }
tuples() { # TABLES (a SQL list of names) WHERE: the tuples of their pages where WHERE holds
	pgsu "SELECT count(*) FROM (SELECT oid FROM pg_class WHERE relname IN ($1)
		UNION ALL SELECT reltoastrelid FROM pg_class WHERE relname IN ($1) AND reltoastrelid <> 0) r,
		LATERAL generate_series(0, (pg_relation_size(r.oid) / current_setting('block_size')::int)::int - 1) b,
		LATERAL heap_page_items(get_raw_page(r.oid::regclass::text, b)) t WHERE $2"
}
if pgsu "CREATE EXTENSION IF NOT EXISTS pageinspect" 2>pageinspect.err; then
	pgsu "CREATE TABLE probe(t text); INSERT INTO probe VALUES ('gone@x.com'); DELETE FROM probe" >/dev/null
	eq "the method: a deleted row is still a tuple of its page, until VACUUM" \
		"$(tuples "'probe'" "position('gone@x.com'::bytea in t.t_data) > 0")" 1
	erased="'event_log', 'identifiers', 'profiles', 'conflicts', 'refusals', 'dead_letters'"
	eq "after the erasure, no tuple of any page (live or dead) holds cat's e-mail" \
		"$(tuples "$erased" "position('cat@x.com'::bytea in t.t_data) > 0")" 0
	# with nothing else running, every tuple left in the pages is a live row
	live=$(pgsu "SELECT sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s',
		r::regclass), false, true, '')))[1]::text::bigint) FROM (SELECT oid AS r FROM pg_class
		WHERE relname IN ($erased) UNION ALL SELECT reltoastrelid FROM pg_class
		WHERE relname IN ($erased) AND reltoastrelid <> 0) x")
	eq "... and no old version is left: the tuples of the pages are the live rows" \
		"$(tuples "$erased" "t.lp_flags = 1")" "$live"
	pgsu "DROP TABLE probe; DROP EXTENSION pageinspect" >/dev/null
else
	echo "skip - the pages after an erasure: no pageinspect ($(head -n 1 pageinspect.err))"
fi
run "$BATON" ingest --db "$PGM" --json messy.ndjson
eq "cat's events again: cat stays erased, as on SQLite" "$(echo "$out" | jq -c 'del(.errors)')" \
	"$("$BATON" ingest --db messy.db --json messy.ndjson | jq -c 'del(.errors)')"
run "$BATON" profile --db "$PGM" email:cat@x.com
eq "... and is still not found" "$rc" 1

# ---- the key ----
run env -u BATON_SECRET_KEY "$BATON" ingest --db "$PGM" messy.ndjson
contains "no BATON_SECRET_KEY: refused" "$rc $err" "BATON_SECRET_KEY is not set"
run env BATON_SECRET_KEY=another-secret-of-at-least-thirty-two-chars "$BATON" ingest --db "$PGM" messy.ndjson
contains "another key: refused" "$rc $err" "not the key this database was first written with"

# ---- a newer schema ----
psql_do "UPDATE baton_schema SET version = version + 1"
run "$BATON" kpis --db "$PG" --json
contains "a newer schema: refused (writer)" "$rc $err" "is newer than this baton's"
run "$BATON" summary --db "$PG"
contains "... and reader" "$rc $err" "is newer than this baton's"
run "$BATON" summary --db "postgresql://baton@/nosuchdb?host=$BATON_TEST_PG_DIR"
contains "a database that does not exist: said" "$rc $err" "cannot connect to the PostgreSQL database"
