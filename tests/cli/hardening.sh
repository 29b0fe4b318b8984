# SPDX-License-Identifier: Apache-2.0
# What real clients send and what a hostile one can do (docs/api.md, Limits):
# compressed bodies (gzip, deflate; a bomb, broken data, an encoding baton
# does not take), slow clients that must not lock anyone out, and an access
# log that stays JSON whatever happens.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
SLOW="$BATON_ROOT/tests/cli/slow.mjs"

serve_start h.db --header-timeout 2 --per-client 4 --max-connections 12 || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
post() { # post PATH ENCODING FILE: sets code and body
	body=$(curl -s -w '\n%{http_code}' -H "$H" -H "Content-Type: application/x-ndjson" \
		${2:+-H "Content-Encoding: $2"} --data-binary @"$3" "$U$1")
	code=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
}

# ---- compressed bodies ----
for i in 1 2 3; do ev "z$i" "2026-03-0${i}T10:00:00Z" web page.viewed '{"user_id":"zed"}'; done >three.ndjson
gzip -c three.ndjson >three.gz
post /v1/events gzip three.gz
eq "gzip: the events inside are stored" "$code $(echo "$body" | jq -c '[.accepted,.rejected]')" "200 [3,0]"
# two gzip members one after the other are one body (RFC 1952)
ev z4 2026-03-04T10:00:00Z web page.viewed '{"user_id":"zed"}' | gzip -c >four.gz
ev z5 2026-03-05T10:00:00Z web page.viewed '{"user_id":"zed"}' | gzip -c >>four.gz
post /v1/events x-gzip four.gz
eq "gzip of two members (as x-gzip)" "$code $(echo "$body" | jq -c .accepted)" "200 2"
if command -v node >/dev/null; then
	ev z6 2026-03-06T10:00:00Z web page.viewed '{"user_id":"zed"}' |
		node -e "process.stdout.write(require('zlib').deflateSync(require('fs').readFileSync(0)))" >six.zz
	post /v1/events deflate six.zz
	eq "deflate (zlib format)" "$code $(echo "$body" | jq -c .accepted)" "200 1"
	ev z7 2026-03-07T10:00:00Z web page.viewed '{"user_id":"zed"}' |
		node -e "process.stdout.write(require('zlib').deflateRawSync(require('fs').readFileSync(0)))" >seven.raw
	post /v1/events deflate seven.raw
	eq "deflate sent raw, as some clients do" "$code $(echo "$body" | jq -c .accepted)" "200 1"
else
	echo "skip - node is not installed: no deflate test"
fi
# 20 MB of spaces compress to about 20 KB: past 512 KiB once opened
head -c 20000000 /dev/zero | tr '\0' ' ' | gzip -c >bomb.gz
post /v1/events gzip bomb.gz
eq "a gzip bomb: 413" "$code $(echo "$body" | jq -r .error)" "413 too_large"
printf 'this is not gzip' >broken.gz
post /v1/events gzip broken.gz
eq "broken gzip data: 400" "$code $(echo "$body" | jq -r .detail)" "400 the body is not valid gzip data"
head -c 40 three.gz >cut.gz
post /v1/events gzip cut.gz
eq "gzip cut short: 400" "$code" 400
post /v1/events br three.gz
eq "an encoding baton does not take: 415" "$code $(echo "$body" | jq -r .detail)" \
	"415 Content-Encoding 'br' is not supported (send gzip, deflate or none)"
printf '{"batch":[{"type":"track","userId":"seg-z","event":"page.viewed","messageId":"sz1"}]}' | gzip -c >seg.gz
code=$(curl -s -o resp -w '%{http_code}' -H "$H" -H "Content-Type: application/json" -H "Content-Encoding: gzip" --data-binary @seg.gz "$U/v1/batch")
eq "the Segment routes take gzip too" "$code $(jq -c .accepted resp)" "200 1"
code=$(curl -s -o resp -w '%{http_code}' -H "Authorization: Bearer bt_nope" -H "Content-Encoding: gzip" --data-binary @bomb.gz "$U/v1/events")
eq "nothing is opened for a caller without a good token" "$code" 401

# ---- slow clients ----
if command -v node >/dev/null; then
	# four connections from 127.0.0.1 (its whole allowance) that trickle a
	# header line every half second and never finish
	node "$SLOW" 127.0.0.1 "$port" 4 500 6000 >slow.json &
	slow=$!
	sleep 1
	t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 --interface 127.0.0.2 "$U/healthz")
	eq "another client is answered while they hold on" "$(echo "$t" | awk '{print $1, ($2 < 1 ? "fast" : "slow")}')" "200 fast"
	curl -s -o /dev/null --max-time 5 "$U/healthz"
	rc=$?
	eq "a fifth connection from the same address is closed at once, not left hanging" "$([ "$rc" != 0 ] && [ "$rc" != 28 ] && echo refused)" refused
	wait "$slow"
	eq "the header deadline (2 s) closed all four" "$(jq -c '[.opened, .closed, (.last_close_ms < 4500)]' slow.json)" "[4,4,true]"
	# past the connection limit (12): three addresses holding 4 each
	slow=""
	for a in 127.0.0.1 127.0.0.3 127.0.0.4; do
		node "$SLOW" 127.0.0.1 "$port" 4 500 1500 "$a" >/dev/null &
		slow="$slow $!"
	done
	sleep 0.7
	curl -s -o /dev/null --max-time 5 --interface 127.0.0.2 "$U/healthz"
	rc=$?
	eq "past the connection limit a newcomer is closed at once, not left hanging" "$([ "$rc" != 0 ] && [ "$rc" != 28 ] && echo refused)" refused
	for p in $slow; do wait "$p"; done
	sleep 0.5
	eq "... and served again once they are gone" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$U/healthz")" 200
else
	echo "skip - node is not installed: no slow-client test"
fi

# garbage that is not HTTP makes the library complain: in JSON too
printf 'NOT HTTP AT ALL\r\n\r\n' | curl -s -o /dev/null --max-time 2 telnet://127.0.0.1:"$port" 2>/dev/null
kill -TERM "$pid"
wait "$pid"
bad=$(while IFS= read -r line; do printf '%s\n' "$line" | jq -e . >/dev/null 2>&1 || echo "$line"; done <serve.log)
eq "every line of the log is a JSON record" "$bad" ""
eq "... with the library's messages among them, redacted" "$(grep -c '"from":"http"' serve.log | awk '{print ($1 > 0)}')" 1
eq "no client address in the log" "$(grep -c '127\.0\.0' serve.log)" 0
