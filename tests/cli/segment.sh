# SPDX-License-Identifier: Apache-2.0
# Segment-spec compatibility with real SDKs: @segment/analytics-node from
# npm (tests/segment, installed here with npm ci) sends identify, track with
# journey properties, alias and page to a live baton serve; then the profile
# and the journey instance are there.  @rudderstack/rudder-sdk-node sends
# its batches gzip-compressed.  Plus the endpoints one by one.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
S="$BATON_ROOT/tests/segment"

"$BATON" config load --db seg.db "$BATON_ROOT/tests/data/kpi.yaml" >/dev/null
serve_start seg.db --quiet || { notok "server starts"; exit 1; }
ADMIN=$(grep '^bt_' serve.out)
WRITE_KEY=$("$BATON" token create --db seg.db --role ingest --name segment | tail -n 1)
H="Authorization: Bearer $ADMIN"

if command -v node >/dev/null && command -v npm >/dev/null; then
	if [ ! -d "$S/node_modules/@segment/analytics-node" ] || [ ! -d "$S/node_modules/@rudderstack/rudder-sdk-node" ]; then
		(cd "$S" && npm ci --no-audit --no-fund --loglevel=error) >npm.log 2>&1 || cat npm.log
	fi
	run node "$S/send.mjs" "$U" "$WRITE_KEY"
	eq "the Segment SDK sent everything (exit 0)" "$rc" 0
	[ "$rc" = 0 ] || printf '# %s\n' "$err"
	out=$(curl -s -H "$H" "$U/v1/profiles/user_id%3Aseg-u1")
	eq "identify, track and alias made one profile" "$(echo "$out" | jq -c .identifiers)" \
		'["anonymous_id:anon-seg-9","email:seg.ann@example.com","phone:+447700900999","user_id:seg-u1"]'
	eq "with all five messages" "$(echo "$out" | jq .events)" 5
	out=$(curl -s -H "$H" "$U/v1/journeys/dispute/kpis")
	# the anonymous dispute and the logged-in call are one case, resolved; the
	# first event names no team (segment is no touchpoint here), so the call
	# is the first holder, not a handoff
	eq "the journey instance is there, resolved" "$(echo "$out" | jq -c '.journeys[0] | [.instances,.resolved,.handoffs]')" '[1,1,0]'
	# RudderStack's SDK sends the same spec, gzip-compressed by default
	run node "$S/rudder.mjs" "$U" "$WRITE_KEY"
	eq "the RudderStack SDK sent its gzipped batch (exit 0)" "$rc" 0
	[ "$rc" = 0 ] || printf '# %s\n' "$err"
	out=$(curl -s -H "$H" "$U/v1/profiles/user_id%3Ars-u1")
	eq "... and all four messages are stored" "$(echo "$out" | jq -c '[.identifiers, .events]')" '[["email:rs.ann@example.com","user_id:rs-u1"],4]'
else
	echo "skip - node/npm are not installed: the Segment SDK test did not run"
fi

# the endpoints one by one, with the write key as Basic user name
B="Authorization: Basic $(printf '%s:' "$WRITE_KEY" | base64 -w0)"
post() { curl -s -o resp -w '%{http_code}' -H "$B" -H "Content-Type: application/json" -d "$2" "$U$1"; }
code=$(post /v1/track '{"userId":"t1","event":"dispute.opened","messageId":"m-1","timestamp":"2026-06-03T10:00:00Z","properties":{"journey":"dispute","case":"X1","colour":"red"},"context":{"traits":{"email":"t1@example.com"}}}')
eq "track: accepted" "$code $(jq -c '[.success,.accepted]' resp)" "200 [true,1]"
ev=$(curl -s -H "$H" "$U/v1/events/m-1")
eq "mapped to a native event" "$(echo "$ev" | jq -c '[.type,.source,.journey,.case,.ids.user_id,.ids.email,.props.colour]')" \
	'["dispute.opened","segment","dispute","X1","t1","t1@example.com","red"]'
code=$(post /v1/track '{"userId":"t1","event":"dispute.opened","messageId":"m-1","timestamp":"2026-06-03T10:00:00Z"}')
eq "messageId makes it idempotent" "$(jq -c '[.accepted,.duplicates]' resp)" "[0,1]"
code=$(post /v1/identify '{"userId":"t2","traits":{"email":"t2@example.com","plan":"gold"},"timestamp":"2026-06-03T10:00:00Z"}')
eq "identify" "$code $(jq .accepted resp)" "200 1"
code=$(post /v1/group '{"userId":"t2","groupId":"acme","timestamp":"2026-06-03T10:00:00Z"}')
eq "group" "$code $(jq .accepted resp)" "200 1"
code=$(post /v1/screen '{"userId":"t2","name":"Home","timestamp":"2026-06-03T10:00:00Z"}')
eq "screen" "$code $(jq .accepted resp)" "200 1"
code=$(post /v1/batch '{"batch":[{"type":"track","userId":"b1","event":"x.y"},{"type":"bogus","userId":"b2"},{"type":"track","event":"no.ids"}]}')
eq "a batch: each message judged, bad ones reported by index" "$code $(jq -c '[.accepted,.rejected,[.errors[].index]]' resp)" "200 [1,2,[1,2]]"
code=$(post /v1/batch '{"batch":')
eq "a broken batch: 400" "$code" 400
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $(printf 'nope:' | base64)" -H "Content-Type: application/json" -d '{}' "$U/v1/track")
eq "a wrong write key: 401" "$code" 401
kill -TERM "$pid"; wait "$pid"
