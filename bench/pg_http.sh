#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# pg_http.sh - durable HTTP ingest into PostgreSQL with one and with two
# `baton serve` nodes on one database, next to SQLite, in one run (issue 15
# §8; the figures are in bench/README.md).
#
#   bench/pg_http.sh [connections=4] [seconds=10] [batch=500]
#
# Three legs, each on a fresh database, each `build/http-load` (bench/
# http_load.c) posting batches of events with unique ids to /v1/events for
# the same time with the same number of connections in all:
#   sqlite   one node, `--db bench/out/pg-http.db` (WAL, synchronous=FULL);
#   pg-1     one node on PostgreSQL;
#   pg-2     two nodes on one PostgreSQL database, half the connections on
#            each (the same customers on both: http-load names its users by
#            connection number, so both clients post the same user ids).
# A 2xx means the batch is committed (fsync=on, synchronous_commit=on on
# PostgreSQL, as tests/pg.sh starts it) and in the answering node's live
# state.  PostgreSQL: a throw-away server started by tests/pg.sh (initdb in
# a temporary directory, Unix socket, no TCP), stopped at the end, also on
# failure.  The client, the nodes and PostgreSQL share the machine's cores.
#
# Prints a table (events/s, request p50/p99 per leg; for pg-2 the p99 of
# all requests of both clients) and the ratios to SQLite, and writes
# bench/out/pg-http.txt and bench/out/pg-http.json.  Needs build/baton
# (make), PostgreSQL (scripts/deps.sh), curl, jq.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
conns=${1:-4} secs=${2:-10} batch=${3:-500}
[ "$conns" -ge 2 ] || { echo "pg_http.sh: at least 2 connections (one per node)" >&2; exit 2; }
[ -x build/baton ] || { echo "pg_http.sh: build/baton is missing: run make" >&2; exit 1; }
mkdir -p bench/out
out=bench/out/pg-http
rm -rf "$out" && mkdir -p "$out"
cc -O2 -Wall -pthread -include src/util/banned.h -o build/http-load bench/http_load.c
export BATON_SECRET_KEY="${BATON_SECRET_KEY:-bench-secret-of-at-least-thirty-two-characters}"

pgdir="" pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	[ -z "$pgdir" ] || tests/pg.sh stop "$pgdir"
	rm -f bench/out/pg-http.db bench/out/pg-http.db-wal bench/out/pg-http.db-shm bench/out/pg-http.db.key
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() { echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000)); }

# serve NAME DB: start a node, wait until it listens; sets $port, $pid
serve() {
	for _ in 1 2 3 4 5; do
		port=$(free_port)
		build/baton serve --db "$2" --listen "127.0.0.1:$port" --rate 0 \
			>"$out/$1.out" 2>"$out/$1.log" &
		pid=$!
		for _ in $(seq 150); do
			grep -q "listening on" "$out/$1.out" && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if grep -q "listening on" "$out/$1.out"; then
			pids="$pids $pid"
			return 0
		fi
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	echo "pg_http.sh: $1 did not start: $(cat "$out/$1.log")" >&2
	return 1
}

stop_nodes() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	pids=""
}

# load NAME PORT TOKEN CONNS: one http-load; its latencies in NAME.lat
load() {
	HTTP_LOAD_LATENCIES="$out/$1.lat" build/http-load "$2" "$3" "$4" "$secs" "$batch" >"$out/$1.txt"
}

# leg NAME FILES...: one line of JSON from http-load outputs and latency files
leg() {
	name=$1; shift
	ev=0 took=0 req=0 err=0
	for f in "$@"; do
		line=$(grep '^ingest:' "$out/$f.txt")
		ev=$((ev + $(echo "$line" | sed 's/.*s: \([0-9]*\) events acknowledged.*/\1/')))
		req=$((req + $(echo "$line" | sed 's/.* \([0-9]*\) requests.*/\1/')))
		err=$((err + $(echo "$line" | sed 's/.* \([0-9]*\) errors.*/\1/')))
		t=$(echo "$line" | sed 's/.*batches of [0-9]*, \([0-9.]*\) s:.*/\1/')
		took=$(awk -v a="$took" -v b="$t" 'BEGIN{print (b > a) ? b : a}')
	done
	for f in "$@"; do cat "$out/$f.lat"; done | sort -n | awk -v n="$name" -v ev="$ev" -v took="$took" \
		-v req="$req" -v err="$err" '{v[NR] = $1}
		END {p50 = NR ? v[int(NR * 0.50) + 1] : 0; p99 = NR ? v[int(NR * 0.99) + 1] : 0
		printf "{\"leg\":\"%s\",\"events\":%d,\"seconds\":%s,\"events_per_s\":%.0f,\"requests\":%d,\"errors\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f}\n",
			n, ev, took, ev / took, req, err, p50, p99}'
}

# ---- SQLite ----
serve sqlite bench/out/pg-http.db
tok=$(grep '^bt_' "$out/sqlite.out")
load sqlite "$port" "$tok" "$conns"
stop_nodes
leg sqlite sqlite >"$out/legs.ndjson"

# ---- PostgreSQL: a throw-away server ----
pgdir=$(tests/pg.sh start)
# shellcheck disable=SC2012 # the directory names are version numbers
pgver=$("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" -X -At -h "$pgdir" -U postgres -d postgres -c 'SHOW server_version')

# one node
db1=$(tests/pg.sh newdb "$pgdir" bench1)
serve pg1 "$db1"
tok=$(grep '^bt_' "$out/pg1.out")
load pg1 "$port" "$tok" "$conns"
stop_nodes
leg pg-1 pg1 >>"$out/legs.ndjson"
stored1=$(build/baton summary --db "$db1" | awk '$1 == "events" {print $2; exit}')

# two nodes on one database, half the connections each, at the same time
db2=$(tests/pg.sh newdb "$pgdir" bench2)
serve pg2a "$db2"
tok=$(grep '^bt_' "$out/pg2a.out")
porta=$port
serve pg2b "$db2"
portb=$port
half=$((conns / 2))
load pg2a "$porta" "$tok" "$half" &
la=$!
load pg2b "$portb" "$tok" $((conns - half)) &
lb=$!
wait "$la"
wait "$lb"
stop_nodes
leg pg-2 pg2a pg2b >>"$out/legs.ndjson"
stored2=$(build/baton summary --db "$db2" | awk '$1 == "events" {print $2; exit}')
# nothing acknowledged is missing: every event answered 2xx is stored
check_stored() { # LEG STORED
	acked=$(jq -r --arg l "$1" 'select(.leg == $l) | .events' "$out/legs.ndjson")
	[ "$2" -ge "$acked" ] || { echo "pg_http.sh: $1: $acked events acknowledged, $2 stored" >&2; exit 1; }
}
check_stored pg-1 "$stored1"
check_stored pg-2 "$stored2"

# ---- the table and the ratios ----
load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$commit" --arg pg "$pgver" \
	--arg load "$load_avg" --argjson conns "$conns" --argjson secs "$secs" --argjson batch "$batch" \
	--argjson s1 "$stored1" --argjson s2 "$stored2" \
	'(.[0].events_per_s) as $s | (.[0].p99_ms) as $p |
	 {date: $date, commit: $commit, postgresql: $pg, load_average_after: $load,
	  connections: $conns, stored: {"pg-1": $s1, "pg-2": $s2}, seconds: $secs, batch: $batch,
	  legs: [.[] | . + {vs_sqlite_events_per_s: (if $s > 0 then ((.events_per_s / $s) * 100 | round) / 100 else null end),
	                    vs_sqlite_p99: (if $p > 0 then ((.p99_ms / $p) * 100 | round) / 100 else null end)}]}' \
	"$out/legs.ndjson" >bench/out/pg-http.json
{
	echo "durable HTTP ingest: $conns connections in all, batches of $batch, $secs s per leg; PostgreSQL $pgver; commit $commit"
	echo
	echo "| leg | events acknowledged | events/s | request p50 | request p99 | errors | events/s vs SQLite | p99 vs SQLite |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	jq -r '.legs[] | "| \(.leg) | \(.events) | \(.events_per_s) | \(.p50_ms) ms | \(.p99_ms) ms | \(.errors) | \(.vs_sqlite_events_per_s // "-")× | \(.vs_sqlite_p99 // "-")× |"' bench/out/pg-http.json
	echo
	echo "events stored at the end (at least those acknowledged): pg-1 $stored1, pg-2 $stored2"
	echo "load average after the run: $load_avg"
} | tee bench/out/pg-http.txt
