# SPDX-License-Identifier: Apache-2.0
# Helpers for the CLI tests: each test script runs in a fresh temporary
# directory with $BATON (the binary) and $BATON_ROOT (the repository) set by
# tests/run.sh, and prints one "ok N - ..." or "not ok N - ..." line a check.
set -u
n=0
export BATON_DB="$PWD/test.db"

# sqlite_only REASON: a test about the SQLite store itself (its files, its
# locks) skips in the PostgreSQL pass of tests/run.sh
sqlite_only() {
	if [ "${BATON_TEST_BACKEND:-sqlite}" = postgres ]; then
		echo "skip - on SQLite only: $1"
		exit 0
	fi
}
# runs_once REASON: a test that works both backends itself (or neither)
# skips in the PostgreSQL pass
runs_once() {
	if [ "${BATON_TEST_BACKEND:-sqlite}" = postgres ]; then
		echo "skip - runs once: $1"
		exit 0
	fi
}
# on_sqlite: true in the SQLite pass (for the few checks of a test that
# are about SQLite's files)
on_sqlite() { [ "${BATON_TEST_BACKEND:-sqlite}" = sqlite ]; }

# db_copy FROM TO: a copy of database FROM (cp of its file and key file,
# or of its PostgreSQL database)
db_copy() {
	if on_sqlite; then
		cp "$1" "$2"
		if [ -f "$1.key" ]; then cp "$1.key" "$2.key"; fi
	else
		"$BATON_ROOT/tests/pgwrap.sh" --copy "$1" "$2"
	fi
}
# db_sql DB SQL: run SQL on database DB, behind baton's back (sqlite3, or
# psql as the role baton), rows out as "a|b"
db_sql() {
	if on_sqlite; then
		sqlite3 "$1" "$2"
	else
		psql -X -q -At -v ON_ERROR_STOP=1 -d "$("$BATON_ROOT/tests/pgwrap.sh" --uri "$1")" -c "$2"
	fi
}

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }

# eq DESC GOT WANT
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		notok "$1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3"
	fi
}

# contains DESC HAYSTACK NEEDLE
contains() {
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) notok "$1"; printf '#   %s\n#   does not contain: %s\n' "$2" "$3" ;;
	esac
}

# run CMD...: sets $out, $err and $rc
run() {
	"$@" >out.txt 2>err.txt
	rc=$?
	out=$(cat out.txt)
	err=$(cat err.txt)
}

# The events of a small scenario, written by hand.
ev() { # id ts source type ids-json [extra-json]
	printf '{"id":"%s","ts":"%s","source":"%s","type":"%s","ids":%s%s}\n' "$1" "$2" "$3" "$4" "$5" "${6:+,$6}"
}

# Records for error positions: the first, a middle and the last are bad, a
# blank line (no record) lies between: records 0..4 on lines 1, 2, 4, 5, 6;
# the bad ones are 0 (line 1), 2 (line 4) and 4 (line 6).
positions_ndjson() {
	echo '{"ts":"2026-03-01T10:00:00Z","type":"x","ids":{"user_id":"pos-1"}}'
	ev pos-2 2026-03-01T10:01:00Z web x '{"user_id":"pos-2"}'
	echo
	echo '{"id":"pos-3","ts":"yesterday","source":"web","type":"x","ids":{"user_id":"pos-3"}}'
	ev pos-4 2026-03-01T10:03:00Z web x '{"user_id":"pos-4"}'
	echo 'not json'
}

# A random TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000))
		if ! command -v ss >/dev/null || [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return
		fi
	done
	echo "$p"
}

# serve_start DB [serve options]: start `baton serve` on a free port; sets
# pid, port and U.  A server that exits before it answers (its port taken
# meanwhile) is retried on another port; one that never answers fails the
# start, with its log shown.  serve_again DB [options] restarts on $port.
_serve() { # tries db [options]
	tries=$1 db=$2
	shift 2
	while [ "$tries" -gt 0 ]; do
		tries=$((tries - 1))
		# what a failed attempt logged goes to serve.failed.log, so that
		# serve.log holds the servers that ran (tests read it; serve.out
		# keeps all: a first admin token may be printed before the bind)
		log0=$(cat serve.log 2>/dev/null | wc -c)
		"$BATON" serve --db "$db" --listen "127.0.0.1:$port" "$@" >>serve.out 2>>serve.log &
		pid=$!
		U="http://127.0.0.1:$port"
		for _ in $(seq 150); do
			# answering, and done starting (the first admin token is
			# printed before "listening on")
			curl -s "$U/healthz" >/dev/null 2>&1 && grep -q "listening on" serve.out && return 0
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid"
			wait "$pid"
		fi
		if [ "$tries" -gt 0 ]; then
			tail -c +$((log0 + 1)) serve.log >>serve.failed.log
			head -c "$log0" serve.log >serve.log.keep && mv serve.log.keep serve.log
			port=$(free_port)
		fi
	done
	echo "# baton serve did not start; its log:"
	sed 's/^/#   /' serve.log | tail -n 20
	return 1
}
# live_wait DB TOKEN: after another process wrote to DB while the server
# serves it, wait (at most 5 s) until the server's live state has every
# event (baton_live_last_event of /metrics reaches the stored count).
live_wait() {
	want=$("$BATON" summary --db "$1" | awk '$1 == "events" {print $2}')
	for _ in $(seq 250); do
		got=$(curl -s -H "Authorization: Bearer $2" "$U/metrics" | sed -n 's/^baton_live_last_event //p')
		[ "${got:-0}" -ge "$want" ] && return 0
		sleep 0.02
	done
	echo "# the live state did not reach event $want (at ${got:-none})"
	return 1
}
serve_start() { port=$(free_port); _serve 5 "$@"; }
serve_again() { _serve 1 "$@"; }
