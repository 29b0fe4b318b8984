#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Durable HTTP ingest and the agent's context call (issue #4; the goals are
# in bench/README.md): a fresh `baton serve` on loopback, C keep-alive connections posting
# batches of events to /v1/events (every answer is sent only after the
# commit, and once the live state has the events), and one more connection
# calling a read route once per millisecond while ingest runs.
#   1. ingest as fast as it is acknowledged: the throughput;
#   2. ingest paced at the goal rate (100,000 events/s): the context call's
#      latency as the client sees it, and as the server spent it (from its
#      access log: request parsed → answer queued);
#   3. the same load with /healthz (no token, no work): the floor that the
#      HTTP layer and the scheduler put under every call;
#   4. the paced load again while a dashboard asks for /v1/kpis once a
#      second (a derivation over every stored event): ingest answers and the
#      context call must not wait for it.
#   bench/http.sh [connections=4] [seconds=10] [batch=500] [paced-rate=100000]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
conns=${1:-4} secs=${2:-10} batch=${3:-500} paced=${4:-100000}
mkdir -p bench/out
cc -O2 -Wall -pthread -include src/util/banned.h -o build/http-load bench/http_load.c || exit 1
db=bench/out/http.db
rm -f "$db" "$db-wal" "$db-shm" "$db.key"
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000))
build/baton serve --db "$db" --listen "127.0.0.1:$port" --rate 0 >bench/out/http-serve.out 2>bench/out/http-access.log &
pid=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
token=$(grep '^bt_' bench/out/http-serve.out)
read=/v1/context/user_id%3Au0-1
# p50 and p99 of the server's own time for the context route, from the
# access log lines written since line $1
handler() {
	tail -n +"$1" bench/out/http-access.log | grep '"route":"/v1/context/{ident}"' |
		sed 's/.*"ms":\([0-9.]*\).*/\1/' | sort -n |
		awk '{v[NR] = $1} END {if (NR) printf "server time of the context route: p50 %.3f ms, p99 %.3f ms (%d calls)\n", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], NR}'
}
{
	echo "== 1. unpaced: $conns connections, batches of $batch, $secs s"
	build/http-load "$port" "$token" "$conns" "$secs" "$batch" "$read"
	echo "== 2. paced at $paced events/s"
	mark=$(($(wc -l <bench/out/http-access.log) + 1))
	build/http-load "$port" "$token" "$conns" "$secs" "$batch" "$read" "$paced"
	handler "$mark"
	echo "== 3. the floor: /healthz under the same paced load"
	build/http-load "$port" "$token" "$conns" "$secs" "$batch" /healthz "$paced" | tail -n 1
	echo "== 4. paced, with /v1/kpis once a second"
	end=$(($(date +%s) + secs))
	(while [ "$(date +%s)" -lt "$end" ]; do
		curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
			"http://127.0.0.1:$port/v1/kpis"
		sleep 1
	done) >bench/out/http-kpis.txt &
	poller=$!
	build/http-load "$port" "$token" "$conns" "$secs" "$batch" "$read" "$paced" | tail -n 2
	wait "$poller"
	sort -n bench/out/http-kpis.txt | awk '{v[NR] = $1} END {if (NR) printf "/v1/kpis: %d calls, %.2f to %.2f s each\n", NR, v[1], v[NR]}'
} | tee bench/out/http.txt
kill -TERM "$pid"
wait "$pid"
build/baton summary --db "$db" | head -1
