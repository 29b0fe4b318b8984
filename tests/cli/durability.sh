# SPDX-License-Identifier: Apache-2.0
# kill -9 loses nothing acknowledged (a 2xx means durable, docs/api.md): four clients post
# batches of events with unique ids; the server is killed with SIGKILL at a
# random moment; after a restart, every event of every batch that was
# answered 200 is found by GET /v1/events/{id}.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }

serve_start dur.db --quiet --rate 0 || { notok "server starts"; exit 1; }
TOKEN=$(grep '^bt_' serve.out)

client() { # client N: post batches until the server is gone; log acknowledged ids
	c=$1 b=0
	while [ $b -lt 400 ]; do
		: >batch.$c
		for i in $(seq 25); do
			printf '{"id":"c%s-b%s-e%s","ts":"2026-03-01T10:00:00Z","source":"web","type":"page.viewed","ids":{"user_id":"u%s-%s"}}\n' \
				"$c" "$b" "$i" "$c" "$((b % 40))" >>batch.$c
		done
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
			-H "Content-Type: application/x-ndjson" --data-binary @batch.$c "$U/v1/events")
		[ "$code" = 200 ] || return 0
		sed 's/^{"id":"\([^"]*\)".*/\1/' batch.$c >>acked.$c
		b=$((b + 1))
	done
}
# group commit: 16 requests of 2,000 events sent at once queue behind the
# first commit and share the next ones
for b in $(seq 16); do
	for i in $(seq 2000); do
		printf '{"id":"burst%s-%s","ts":1772360100,"source":"web","type":"x","ids":{"user_id":"b%s"}}\n' "$b" "$i" "$((i % 300))"
	done >burst.$b
done
pids=""
for b in $(seq 16); do
	curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/x-ndjson" \
		--data-binary @burst.$b "$U/v1/events" &
	pids="$pids $!"
done
wait $pids # not the server
m=$(curl -s -H "Authorization: Bearer $TOKEN" "$U/metrics")
commits=$(echo "$m" | sed -n 's/^baton_commits_total //p')
requests=$(echo "$m" | sed -n 's/^baton_committed_requests_total //p')
echo "# $requests requests in $commits commits"
eq "16 concurrent requests, all durable" "$requests" 16
eq "share fewer commits (group commit)" "$([ "$commits" -lt "$requests" ] && echo yes)" yes

cpids=""
for c in 1 2 3 4; do
	client $c &
	cpids="$cpids $!"
done
sleep "0.$((3 + $(od -An -N1 -tu1 /dev/urandom) % 6))"
kill -9 "$pid"
wait $cpids
acked=$(cat acked.* 2>/dev/null | wc -l)
eq "some batches were acknowledged before the kill" "$([ "$acked" -gt 0 ] && echo yes)" yes

serve_again dur.db --quiet --rate 0 || { notok "restart after kill -9"; exit 1; }
: >urls.cfg
for id in $(cat acked.*); do
	printf 'url = "%s/v1/events/%s"\noutput = "/dev/null"\n' "$U" "$id" >>urls.cfg
done
found=$(curl -s -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" -K urls.cfg | grep -c '^200$')
eq "every acknowledged event survived kill -9 ($acked)" "$found" "$acked"
run "$BATON" summary --db dur.db --json
if on_sqlite; then
	eq "and the database is consistent" "$(sqlite3 dur.db 'PRAGMA integrity_check')" ok
fi
kill -TERM "$pid"; wait "$pid"
