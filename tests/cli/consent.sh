# SPDX-License-Identifier: Apache-2.0
# Consent purposes and their aliases (docs/config.md): consent given or
# withdrawn under an alias is consent for the purpose, everywhere: in the
# events, in an outbound message's props.purpose, and in the guard.
. "$BATON_ROOT/tests/cli/lib.sh"
cat >p.yaml <<'YAML'
teams: [{id: marketing}]
touchpoints: [{id: mailer, channel: email, team: marketing}]
purposes:
  - {id: marketing, aliases: [promotion, newsletter, offers]}
  - {id: service}
  - {id: research}
YAML
"$BATON" check --config p.yaml >/dev/null
eq "a configuration with purposes is valid" "$?" 0

# c1 withdraws the newsletter, then gets a promotion: the same purpose,
#    a collision.
# c2 withdraws marketing, then gets a service message: no collision.
# c3 withdraws research, then gets a research survey: a collision.
# c4 withdraws a purpose nobody configured, then gets a message for it:
#    names no purpose goes by are kept as they are, a collision.
# c5 withdraws offers, then consents to marketing again, then a promotion:
#    the latest statement holds, no collision.
O='"direction":"outbound"'
{
	ev 1 2026-01-01T10:00:00Z app prefs.updated '{"user_id":"c1"}' '"consent":{"newsletter":false}'
	ev 2 2026-01-02T10:00:00Z mailer promo.sent '{"user_id":"c1"}' "$O,\"props\":{\"purpose\":\"promotion\"}"
	ev 3 2026-01-01T10:00:00Z app prefs.updated '{"user_id":"c2"}' '"consent":{"marketing":false}'
	ev 4 2026-01-02T10:00:00Z mailer notice.sent '{"user_id":"c2"}' "$O,\"props\":{\"purpose\":\"service\"}"
	ev 5 2026-01-01T10:00:00Z app prefs.updated '{"user_id":"c3"}' '"consent":{"research":false}'
	ev 6 2026-01-02T10:00:00Z mailer survey.sent '{"user_id":"c3"}' "$O,\"props\":{\"purpose\":\"research\"}"
	ev 7 2026-01-01T10:00:00Z app prefs.updated '{"user_id":"c4"}' '"consent":{"telepathy":false}'
	ev 8 2026-01-02T10:00:00Z mailer odd.sent '{"user_id":"c4"}' "$O,\"props\":{\"purpose\":\"telepathy\"}"
	ev 9 2026-01-01T10:00:00Z app prefs.updated '{"user_id":"c5"}' '"consent":{"offers":false}'
	ev 10 2026-01-01T12:00:00Z app prefs.updated '{"user_id":"c5"}' '"consent":{"marketing":true}'
	ev 11 2026-01-02T10:00:00Z mailer promo.sent '{"user_id":"c5"}' "$O,\"props\":{\"purpose\":\"promotion\"}"
} >c.ndjson
out=$("$BATON" kpis --config p.yaml --input c.ndjson --json)
eq "collisions into withdrawn consent: c1, c3, c4" "$(echo "$out" | jq -c '.overall | [.collisions,.consent_collisions]')" '[3,3]'

# the same purposes by default, without a configuration: marketing goes by
# promotion and newsletter too
out=$("$BATON" kpis --input c.ndjson --json)
eq "by default too (research and telepathy are names of their own)" "$(echo "$out" | jq -c '.overall.consent_collisions')" 3

# ---- the edges in time, and merges (no configuration: marketing) ----
# A statement is in effect from its time on: d1 gets a promotion a second
# before withdrawing (no collision), d2 at the very second of it (a
# collision), d3 too but the promotion arrived first (the same: the order
# of arrival does not decide), d4 a second after (a collision).
# m1 withdrew under her e-mail, is linked to her user id later, and gets a
# promotion to the user id: one profile, the withdrawal holds (a collision).
# m2 withdrew under her e-mail, consented again under her user id half an
# hour later, then both are linked: the latest statement holds (none).
# m3 got a promotion, then withdrew, then was linked: the promotion came
# before the withdrawal (none).  So 3 + 1 collisions.
M='"props":{"purpose":"marketing"}'
{
	ev t1 2026-01-01T10:00:00Z app prefs '{"user_id":"d1"}' '"consent":{"marketing":false}'
	ev t2 2026-01-01T09:59:59Z mailer promo '{"user_id":"d1"}' "$O,$M"
	ev t3 2026-01-01T10:00:00Z app prefs '{"user_id":"d2"}' '"consent":{"marketing":false}'
	ev t4 2026-01-01T10:00:00Z mailer promo '{"user_id":"d2"}' "$O,$M"
	ev t5 2026-01-01T10:00:00Z mailer promo '{"user_id":"d3"}' "$O,$M"
	ev t6 2026-01-01T10:00:00Z app prefs '{"user_id":"d3"}' '"consent":{"marketing":false}'
	ev t7 2026-01-01T10:00:00Z app prefs '{"user_id":"d4"}' '"consent":{"marketing":false}'
	ev t8 2026-01-01T10:00:01Z mailer promo '{"user_id":"d4"}' "$O,$M"
	ev m1 2026-01-01T10:00:00Z app prefs '{"email":"m1@x.com"}' '"consent":{"marketing":false}'
	ev m2 2026-01-01T11:00:00Z web login '{"email":"m1@x.com","user_id":"m1"}'
	ev m3 2026-01-01T12:00:00Z mailer promo '{"user_id":"m1"}' "$O,$M"
	ev n1 2026-01-01T10:00:00Z app prefs '{"email":"m2@x.com"}' '"consent":{"marketing":false}'
	ev n2 2026-01-01T10:30:00Z app prefs '{"user_id":"m2"}' '"consent":{"marketing":true}'
	ev n3 2026-01-01T11:00:00Z web login '{"email":"m2@x.com","user_id":"m2"}'
	ev n4 2026-01-01T12:00:00Z mailer promo '{"user_id":"m2"}' "$O,$M"
	ev o1 2026-01-01T10:00:00Z mailer promo '{"user_id":"m3"}' "$O,$M"
	ev o2 2026-01-01T10:30:00Z app prefs '{"email":"m3@x.com"}' '"consent":{"marketing":false}'
	ev o3 2026-01-01T11:00:00Z web login '{"email":"m3@x.com","user_id":"m3"}'
} >edges.ndjson
eq "at the edges and across merges: d2, d3, d4 and m1" \
	"$("$BATON" kpis --input edges.ndjson --json | jq -c .overall.consent_collisions)" 4
grep '"d3"' edges.ndjson >d3.ndjson
eq "the promotion at the second of the withdrawal, arrived first: still a collision" \
	"$("$BATON" kpis --input d3.ndjson --json | jq -c .overall.consent_collisions)" 1
grep '"d1"' edges.ndjson >d1.ndjson
eq "... and a second before it: none" "$("$BATON" kpis --input d1.ndjson --json | jq -c .overall.consent_collisions)" 0

# A consent statement changes only how consent is judged: a call carrying
# one, at the same second as the chatbot's contained chat that came before
# it, is still the second contact (handoff digital -> service, the chat's
# success shifted to the service team), as without it.
cat >j.yaml <<'YAML'
teams: [{id: digital}, {id: service}]
people: [{id: ann, name: Ann, team: service}]
journeys: [{id: support, name: Support, owner: ann, match: [{types: ["*"]}]}]
YAML
{
	ev h1 2026-01-01T10:00:00Z chatbot chat.ended '{"user_id":"h"}' '"channel":"chat","team":"digital","case":"X","outcome":"contained"'
	ev h2 2026-01-01T10:00:00Z phone call.received '{"user_id":"h"}' '"channel":"voice","team":"service","case":"X","consent":{"marketing":true}'
} >tie.ndjson
eq "a tie with a consent statement: the handoff and the shift as in arrival order" \
	"$("$BATON" kpis --config j.yaml --input tie.ndjson --json | jq -c '[[.handoff_routes[] | [.from,.to]], [.teams[] | select(.team == "digital") | .cost_shifted]]')" \
	'[[["digital","service"]],[1]]'

cat >bad.yaml <<'YAML'
purposes:
  - {id: marketing, aliases: [promotion]}
  - {id: promotion}
  - {id: service, aliases: [marketing, promotion]}
  - {id: offers, aliase: [x]}
YAML
run "$BATON" check --config bad.yaml
eq "a name that stands for two purposes is a problem, each with its line" "$(echo "$err" | grep -c 'already\|aliase')" 4
contains "... naming the purpose it already names" "$err" "the alias 'marketing' already names purpose 'marketing'"

# the guard: a purpose by one of its names; an unknown one is a 400
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
"$BATON" ingest --db g.db c.ndjson >/dev/null
"$BATON" config load --db g.db p.yaml >/dev/null
serve_start g.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
guard() { curl -s -w ' %{http_code}' -H "$H" -H "Content-Type: application/json" -d "$1" "$U/v1/guard?as_of=2026-01-03"; }
eq "guard: a promotion to c1, who withdrew the newsletter: no" \
	"$(guard '{"ids":{"user_id":"c1"},"purpose":"promotion"}' | sed 's/ 200$//' | jq -c '[.allow,.purpose,[.reasons[].reason]]')" '[false,"marketing",["consent_withdrawn"]]'
"$BATON" ingest --db g.db edges.ndjson >/dev/null
# m2's consent in time: withdrawn from 10:00:00, given again from 10:30:00
for t in 09:59:59/true 10:00:00/false 10:29:59/false 10:30:00/true; do
	got=$(curl -s -H "$H" -H "Content-Type: application/json" -d '{"ids":{"user_id":"m2"},"purpose":"marketing"}' \
		"$U/v1/guard?as_of=2026-01-01T${t%/*}Z" | jq -c .allow)
	eq "guard at ${t%/*}: m2 may get marketing: ${t#*/}" "$got" "${t#*/}"
done
eq "guard: a service message to c2 is fine" "$(guard '{"ids":{"user_id":"c2"},"purpose":"service"}' | sed 's/ 200$//' | jq -c .allow)" true
eq "guard: an unknown purpose is a 400 that lists the purposes" "$(guard '{"ids":{"user_id":"c1"},"purpose":"promotoin"}')" \
	"{\"error\":\"invalid\",\"detail\":\"unknown purpose 'promotoin' (did you mean 'promotion'? the purposes: marketing, service, research; or an alias: promotion, newsletter, offers)\"} 400"
kill -TERM "$pid"
wait "$pid"
