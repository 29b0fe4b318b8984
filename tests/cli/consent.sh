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
eq "guard: a service message to c2 is fine" "$(guard '{"ids":{"user_id":"c2"},"purpose":"service"}' | sed 's/ 200$//' | jq -c .allow)" true
eq "guard: an unknown purpose is a 400 that lists the purposes" "$(guard '{"ids":{"user_id":"c1"},"purpose":"promotoin"}')" \
	"{\"error\":\"invalid\",\"detail\":\"unknown purpose 'promotoin' (did you mean 'promotion'? the purposes: marketing, service, research; or an alias: promotion, newsletter, offers)\"} 400"
kill -TERM "$pid"
wait "$pid"
