#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Durable HTTP ingest (issue #4): a fresh `baton serve` on loopback, C
# keep-alive connections posting batches of events to /v1/events (every
# answer is sent only after the commit), and one more connection reading a
# profile in a loop to time the read path while ingest runs.
#   bench/http.sh [connections=4] [seconds=10] [batch=500]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
conns=${1:-4} secs=${2:-10} batch=${3:-500}
mkdir -p bench/out
cc -O2 -Wall -pthread -o build/http-load bench/http_load.c || exit 1
db=bench/out/http.db
rm -f "$db" "$db-wal" "$db-shm"
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000))
build/baton serve --db "$db" --listen "127.0.0.1:$port" --rate 0 >bench/out/http-serve.out 2>bench/out/http-serve.log &
pid=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
token=$(grep '^bt_' bench/out/http-serve.out)
build/http-load "$port" "$token" "$conns" "$secs" "$batch" "/v1/context/user_id%3Au0-1" | tee bench/out/http.txt
kill -TERM "$pid"
wait "$pid"
build/baton summary --db "$db" | head -1
