# SPDX-License-Identifier: Apache-2.0
# A server that cannot start says why, exits 1, and leaves nothing behind:
# whichever step failed, everything opened before it is closed (under the
# sanitizer build, LeakSanitizer would report what was not).
. "$BATON_ROOT/tests/cli/lib.sh"
D="$BATON_ROOT/tests/data"

# fails DESC WANT-IN-STDERR CMD...: exit 1, the reason said, no leak
fails() {
	desc=$1 want=$2
	shift 2
	run timeout 30 "$@"
	eq "$desc: exit 1" "$rc" 1
	contains "$desc: says why" "$err" "$want"
	case "$err" in
	*LeakSanitizer*) notok "$desc: nothing leaked"; echo "$err" | grep -m3 'SUMMARY\|leak' | sed 's/^/#   /' ;;
	*) ok "$desc: nothing leaked" ;;
	esac
}

fails "an address that is not ADDR:PORT" \
	"baton serve: --listen 'localhost' is not ADDR:PORT" \
	"$BATON" serve --db a.db --listen localhost

# the writer and the readers open, then the live state cannot be built: a
# stored configuration that no longer reads (written behind baton's back)
"$BATON" config load --db c.db "$D/kpi.yaml" >/dev/null
db_sql c.db "UPDATE meta SET value = 'journeys: [' WHERE key = 'config'"
fails "a live state that cannot be built" "did not find expected node content" \
	"$BATON" serve --db c.db --listen "127.0.0.1:$(free_port)"

# everything runs, then the port is taken
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
serve_start first.db --quiet || { notok "a first server starts"; exit 1; }
fails "a port another server holds" "baton serve: cannot listen on 127.0.0.1:$port" \
	"$BATON" serve --db second.db --listen "127.0.0.1:$port" --quiet
kill -TERM "$pid"
wait "$pid"
eq "the first server stops cleanly" "$?" 0
