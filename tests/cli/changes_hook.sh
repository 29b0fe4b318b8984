# SPDX-License-Identifier: Apache-2.0
# change.upcoming (docs/changes.md, docs/webhooks.md): the announcer sends it
# once per change of the calendar, from date - notice (by the wall clock)
# until the date.  Here the notice is 10 s: a change dated 14 s from now is
# announced 4 s from now, not before; one dated an hour ahead is not (its
# time has not come), nor one dated yesterday (no longer upcoming).  The
# moment's edges to the second are tests/unit/test_changes.c's.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
command -v node >/dev/null || { echo "skip - node is not installed"; exit 0; }
SECRET=changes-test-secret-0123
cat >h.yaml <<'EOF'
teams: [{id: mkt}, {id: service}]
people: [{id: maria, name: Maria, team: service}]
webhooks: {allow_private: true}
changes: {notice: 10s}
journeys:
  - {id: billing, owner: maria, match: [{types: ["billing.*"]}]}
EOF
"$BATON" config load --db h.db h.yaml >/dev/null || { notok "config loads"; exit 1; }
rpid=""
trap '[ -n "$rpid" ] && kill "$rpid" 2>/dev/null' EXIT
node "$BATON_ROOT/tests/cli/hook_receiver.mjs" "$SECRET" 0 r.log >r.port 2>>recv.txt &
rpid=$!
: >>r.log
for _ in $(seq 100); do [ -s r.port ] && break; sleep 0.05; done
RPORT=$(jq -r .port r.port)

export BATON_ANNOUNCE_MS=200
serve_start h.db --quiet || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "$H" -H 'Content-Type: application/json' \
	--data-binary "{\"url\":\"http://127.0.0.1:$RPORT/hook\",\"events\":[\"change.upcoming\"],\"secret\":\"$SECRET\"}" \
	"$U/v1/webhooks")
eq "a webhook for upcoming changes" "$code" 201
at() { date -u -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }
add() { # title date
	curl -s -o /dev/null -w '%{http_code}' -X POST -H "$H" -H 'Content-Type: application/json' \
		--data-binary "{\"title\":\"$1\",\"team\":\"mkt\",\"kind\":\"campaign\",\"date\":\"$2\",\"journeys\":[\"billing\"]}" "$U/v1/changes"
}
eq "three changes: in 14 s, in an hour, yesterday" "$(add soon "$(at 14)") $(add later "$(at 3600)") $(add past "$(at -86400)")" "201 201 201"
sleep 1.5
eq "a second and a half later: nothing yet (due at date - 10 s, 4 s from now)" "$(jq -s -c '[.[] | select(.event == "change.upcoming")] | length' r.log)" 0
for _ in $(seq 200); do
	[ "$(jq -s -c '[.[] | select(.event == "change.upcoming")] | length' r.log)" -ge 1 ] && break
	sleep 0.05
done
sleep 1 # more rounds: nothing twice
eq "then the soon one, once, signed, its data the change" \
	"$(jq -s -c '[.[] | select(.event == "change.upcoming") | [.status, .verified, .body.data.title, .body.data.kind]]' r.log)" \
	'[[200,true,"soon","campaign"]]'
kill -TERM "$pid"
wait "$pid"
serve_again h.db --quiet || { notok "server restarts"; exit 1; }
sleep 1.5
eq "after a restart it is not announced again" "$(jq -s -c '[.[] | select(.event == "change.upcoming")] | length' r.log)" 1
kill -TERM "$pid"
wait "$pid"
