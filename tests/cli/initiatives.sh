# SPDX-License-Identifier: Apache-2.0
# Initiatives (docs/initiatives.md), worked out by hand on small cohorts:
# the two groups at the edges of their windows, each KPI's value and n, the
# Newcombe and Welch intervals, every verdict, the min_sample edge, cohorts
# by source, channel, team and props, "before" equal to the KPIs the API
# reports for the same instances, the CLI and the API with its 400s.
#
# S = 2026-03-10T00:00:00Z (start), T = 2026-03-20T00:00:00Z (as of): after
# is [S, T), before [S - 10d, S) = [2026-02-28, S).  Each customer is one
# instance: "fcr" is one call that resolves it (1 contact), "not" a call and
# a second one two hours later that resolves it (2 contacts, no FCR).
#
# claim:   before 8 "not" + 2 fcr (days 1-8 and 2026-03-09T23:59:59Z, one
#          second before S: before), after 10 fcr (one exactly at S: after);
#          one more "not" opened exactly at T (outside after at T, inside at
#          T+1s, resolved at T+2h).
#          FCR 10/10 against 2/10:
#            Wilson 10/10 = [10/(10+z²), 1] = [0.722467, 1]
#            Wilson 2/10: centre (0.2 + 0.192073)/1.384146 = 0.283260,
#              half 1.416012·√(0.016 + 0.009604) = 0.226578: [0.056682, 0.509838]
#            low  = 0.8 - √(0.277533² + 0.309838²) = 0.8 - 0.415961 = 0.384039
#            high = 0.8 + √(0² + 0.143318²)       = 0.943318
#          wholly above 0: continue.  With min_sample 11: unknown.
#          At T+2h the instance opened at T is resolved: 10/11 against 2/10:
#            [0.287128, 0.870697], continue.
# dispute: before 5 fcr + 5 "not", after 9 fcr + 1 "not" (after a0-a5 from
#          the chatbot, a6-a9 by phone; a0, a1 with props.plan = gold).
#          FCR 9/10 against 5/10:
#            Wilson 9/10: centre 1.092073/1.384146 = 0.788990, half 1.416012·
#              √(0.009 + 0.009604) = 0.193137: [0.595853, 0.982127]
#            Wilson 5/10: 0.5 ± 1.416012·√(0.025 + 0.009604) = [0.236592, 0.763408]
#            low  = 0.4 - √(0.304147² + 0.263408²) = 0.4 - 0.402356 = -0.002356
#            high = 0.4 + √(0.082127² + 0.263408²) = 0.4 + 0.275912 = 0.675912
#          0 inside, and improvements above 1 point too: unknown.
#          Contacts per instance (lower is better): after {1 ×9, 2} mean 1.1,
#          variance (9·0.01 + 0.81)/9 = 0.1; before {1 ×5, 2 ×5} mean 1.5,
#          variance 2.5/9 = 0.277778.  Welch: se² = 0.01 + 0.027778 =
#          0.037778; df = 0.037778²/(0.01²/9 + 0.027778²/9) = 14.7365;
#          t = 2.134773; half = 2.134773·0.194365 = 0.414925:
#          [-0.814925, 0.014925]: unknown.
#          Cohort source = chatbot: after a0-a5, 6/6 FCR; the rest a6-a9 3/4.
# moving:  before 9 fcr + 1 "not", after 1 fcr + 9 "not": FCR 1/10 against
#          9/10: Wilson 1/10 = [0.017876, 0.404150], 9/10 as above;
#            low  = -0.8 - √((0.1 - 0.017876)² + (0.982127 - 0.9)²) = -0.916141
#            high = -0.8 + √((0.404150 - 0.1)² + (0.9 - 0.595853)²) = -0.369867
#          wholly below 0 (harm): stop.
. "$BATON_ROOT/tests/cli/lib.sh"
command -v curl >/dev/null || { echo "skip - curl is not installed"; exit 0; }
cat >i.yaml <<'EOF'
teams: [{id: digital}, {id: service}]
people:
  - {id: maria, name: Maria, team: service}
  - {id: tom, name: Tom, team: service}
journeys:
  - {id: claim, owner: maria, match: [{types: ["claim.*"]}]}
  - {id: dispute, owner: maria, match: [{types: ["dispute.*"]}]}
  - {id: moving, owner: tom, match: [{types: ["moving.*"]}]}
touchpoints:
  - {id: chatbot, channel: chat, team: digital}
  - {id: phone, channel: voice, team: service}
EOF
"$BATON" config load --db i.db i.yaml >/dev/null || { notok "config loads"; exit 1; }
# cust ID TIME SOURCE JOURNEY fcr|not [PROPS]
cust() {
	p=""
	[ $# -ge 6 ] && p=",\"props\":$6"
	if [ "$5" = fcr ]; then
		ev "$1a" "$2" "$3" "$4.call" "{\"user_id\":\"$1\"}" "\"outcome\":\"resolved\"$p"
	else
		ev "$1a" "$2" "$3" "$4.call" "{\"user_id\":\"$1\"}" "\"outcome\":\"unresolved\"$p"
		ev "$1b" "$(date -u -d "$2 + 2 hours" +%Y-%m-%dT%H:%M:%SZ)" phone "$4.call" "{\"user_id\":\"$1\"}" '"outcome":"resolved"'
	fi
}
{
	for i in 1 2 3 4 5 6 7 8; do cust cb$i 2026-03-0${i}T10:00:00Z phone claim not; done
	cust cb9 2026-03-09T10:00:00Z phone claim fcr
	cust cb10 2026-03-09T23:59:59Z phone claim fcr
	cust ca0 2026-03-10T00:00:00Z phone claim fcr
	for i in 1 2 3 4 5 6 7 8 9; do cust ca$i 2026-03-1${i}T10:00:00Z phone claim fcr; done
	cust cz 2026-03-20T00:00:00Z phone claim not
	for i in 0 1 2 3 4 5 6 7 8 9; do
		cust db$i 2026-03-0$((i % 9 + 1))T10:00:00Z phone dispute "$([ $i -lt 5 ] && echo fcr || echo not)"
	done
	cust da0 2026-03-10T10:00:00Z chatbot dispute fcr '{"plan":"gold"}'
	cust da1 2026-03-11T10:00:00Z chatbot dispute fcr '{"plan":"gold"}'
	for i in 2 3 4 5; do cust da$i 2026-03-1${i}T10:00:00Z chatbot dispute fcr '{"plan":"basic"}'; done
	for i in 6 7 8; do cust da$i 2026-03-1${i}T10:00:00Z phone dispute fcr; done
	cust da9 2026-03-19T10:00:00Z phone dispute not
	for i in 0 1 2 3 4 5 6 7 8 9; do
		cust mb$i 2026-03-0$((i % 9 + 1))T10:00:00Z phone moving "$([ $i -lt 9 ] && echo fcr || echo not)"
		cust ma$i 2026-03-1${i}T10:00:00Z phone moving "$([ $i -lt 1 ] && echo fcr || echo not)"
	done
} >i.ndjson
"$BATON" ingest --db i.db i.ndjson >/dev/null || { notok "events ingest"; exit 1; }
S=2026-03-10T00:00:00Z T=2026-03-20T00:00:00Z
add() { "$BATON" initiatives add --db i.db --start $S "$@" | sed 's/ added.*//'; }
eq "the CLI adds one" "$(add --name 'callback claims' --journey claim --kpi fcr --min-sample 10)" "initiative 1"
add --name 'claims, 11 needed' --journey claim --kpi fcr --min-sample 11 >/dev/null
add --name 'dispute fcr' --journey dispute --kpi fcr --min-sample 10 >/dev/null
add --name 'dispute contacts' --journey dispute --kpi contacts --min-sample 10 >/dev/null
add --name 'moving' --journey moving --kpi fcr_rate --min-sample 10 >/dev/null
add --name 'chatbot' --journey dispute --kpi fcr --min-sample 4 --cohort source=chatbot >/dev/null
add --name 'chat' --journey dispute --kpi fcr --min-sample 4 --cohort channel=chat >/dev/null
add --name 'digital' --journey dispute --kpi fcr --min-sample 4 --cohort team=digital >/dev/null
add --name 'gold' --journey dispute --kpi fcr --min-sample 2 --cohort props.plan=gold >/dev/null
# the minimum effect against the interval's improving end (ids 10-13):
# dispute FCR's is +0.675912: 0.68 rules it out (stop), 0.67 does not;
# contacts' (lower is better) is -(-0.814925) = 0.814925: 0.82 stop, 0.81 not
add --name 'fcr, 0.68' --journey dispute --kpi fcr --min-sample 10 --min-effect 0.68 >/dev/null
add --name 'fcr, 0.67' --journey dispute --kpi fcr --min-sample 10 --min-effect 0.67 >/dev/null
add --name 'contacts, 0.82' --journey dispute --kpi contacts --min-sample 10 --min-effect 0.82 >/dev/null
add --name 'contacts, 0.81' --journey dispute --kpi contacts --min-sample 10 --min-effect 0.81 >/dev/null
run "$BATON" initiatives add --db i.db --start $S --name x --journey claim --kpi resolutoin
eq "an unknown KPI is refused" "$rc" 1
contains "... with the nearest" "$err" "kpi: 'resolutoin' is not a KPI an initiative is judged by (did you mean 'resolution'?)"
run "$BATON" initiatives add --db i.db --start $S --name x --journey claims --kpi fcr
contains "an unknown journey is refused, with the nearest" "$rc $err" "1 baton: journey: 'claims' is not a journey of the configuration (did you mean 'claim'?)"
run "$BATON" initiatives add --db i.db --start $S --name x --journey claim --kpi fcr --cohort region=north
contains "a cohort field that is none" "$rc $err" "cohort.field: 'region' is not source, channel, team or props.NAME"

J() { "$BATON" initiatives --db i.db --as-of "$1" --json; }
one() { echo "$J1" | jq -c --argjson id "$1" ".initiatives[] | select(.id == \$id) | $2"; }
near() { # label json-number want: within 1e-6
	if [ "$(jq -n --argjson a "$2" --argjson b "$3" '(($a - $b) | fabs) <= 1e-6')" = true ]; then ok "$1"; else notok "$1: $2, want $3"; fi
}
J1=$(J $T)
eq "claim: the groups at T (the instance at S after, the one at S-1s before, the one at T outside)" \
	"$(one 1 '[.before.n, .before.value, .before.from, .before.to, .after.n, .after.value, .after.to]')" \
	'[10,0.2,"2026-02-28T00:00:00Z","2026-03-10T00:00:00Z",10,1,"2026-03-20T00:00:00Z"]'
near "claim: ci_low" "$(one 1 .ci_low)" 0.384039
near "claim: ci_high" "$(one 1 .ci_high)" 0.943318
eq "claim: effect, method, verdict" "$(one 1 '[.effect, .method, .verdict]')" '[0.8,"newcombe","continue"]'
contains "claim: why" "$(one 1 .why)" "first-contact resolution 100.0% after (10 resolved instances) against 20.0% before (10): +80.0 points, 95% interval +38.4 points to +94.3 points; higher is better, and the whole interval is an improvement: continue"
eq "n = min_sample - 1: unknown" "$(one 2 '[.verdict, .ci_low]')" '["unknown",null]'
contains "... saying why" "$(one 2 .why)" "each side needs 11 resolved instances, so it is too early to judge"
eq "dispute: FCR 9/10 against 5/10" "$(one 3 '[.after.n, .after.value, .before.n, .before.value, .verdict]')" '[10,0.9,10,0.5,"unknown"]'
near "dispute: ci_low just below 0" "$(one 3 .ci_low)" -0.002356
near "dispute: ci_high" "$(one 3 .ci_high)" 0.675912
eq "dispute contacts: means, lower is better" "$(one 4 '[.after.value, .before.value, .method, .direction, .verdict]')" '[1.1,1.5,"welch","lower_is_better","unknown"]'
near "dispute contacts: Welch low" "$(one 4 .ci_low)" -0.814925
near "dispute contacts: Welch high" "$(one 4 .ci_high)" 0.014925
eq "moving: an API key names the KPI; harm: stop" "$(one 5 '[.kpi, .effect, .verdict]')" '["fcr",-0.8,"stop"]'
near "moving: ci_low" "$(one 5 .ci_low)" -0.916141
near "moving: ci_high" "$(one 5 .ci_high)" -0.369867
contains "moving: why" "$(one 5 .why)" "the whole interval is a worsening: stop"
eq "the improving end within the minimum effect: stop; just beyond it: unknown" \
	"$(echo "$J1" | jq -c '[.initiatives[] | select(.id >= 10) | [.min_effect, .verdict]]')" \
	'[[0.68,"stop"],[0.67,"unknown"],[0.82,"stop"],[0.81,"unknown"]]'
contains "... saying so" "$(one 10 .why)" "at best it improves by 67.6 points, not more than the minimum effect of 68.0 points: stop"
for id in 6 7 8; do
	eq "cohort $(one $id .cohort.field): after the cohort's 6, before the rest's 4 of the same period" \
		"$(one $id '[.after.n, .after.value, .before.n, .before.value, .before.from, .before.to]')" \
		'[6,1,4,0.75,"2026-03-10T00:00:00Z","2026-03-20T00:00:00Z"]'
done
near "cohort: Newcombe 6/6 against 3/4, low" "$(one 6 .ci_low)" -0.190619
eq "cohort props.plan = gold: the first events of da0, da1" "$(one 9 '[.after.n, .before.n, .before.value]')" '[2,8,0.875]'

# "before" is what the KPIs say of the same instances
run "$BATON" kpis --db i.db --as-of $T --journey dispute --from 2026-02-28T00:00:00Z --to $S --json
eq "before = the KPIs of the same period (fcr, contacts)" \
	"$(echo "$out" | jq -c '.journeys[0] | [.fcr_rate, .contacts_per_instance]')" \
	"$(one 3 .before.value | jq -c --argjson c "$(one 4 .before.value)" '[., $c]')"

J1=$(J 2026-03-20T00:00:01Z)
eq "claim one second after T: the instance opened at T is after, not yet resolved" "$(one 1 '[.after.instances, .after.n, .verdict]')" '[11,10,"continue"]'
J1=$(J 2026-03-20T02:00:00Z)
eq "... resolved at T+2h: 10 FCR of 11" "$(one 1 '[.after.instances, .after.n, .after.value * 11, .verdict]')" '[11,11,10,"continue"]'
near "... and the interval moves: low" "$(one 1 .ci_low)" 0.287128
near "... high" "$(one 1 .ci_high)" 0.870697
J1=$(J 2026-03-09T00:00:00Z)
eq "before the start: nothing after, unknown" "$(one 1 '[.after.n, .verdict]')" '[0,"unknown"]'

run "$BATON" initiatives show --db i.db --as-of $T 1
contains "show: before" "$out" "  before  20.0%     n 10      (10 instances opened 2026-02-28T00:00:00Z to 2026-03-10T00:00:00Z)"
contains "show: the verdict" "$out" "  verdict continue: "
run "$BATON" initiatives show --db i.db 99
eq "show: an unknown id" "$rc $err" "1 baton: no initiative 99 (see 'baton initiatives')"
run "$BATON" initiatives --db i.db --journey moving --json
eq "list: one journey's" "$(echo "$out" | jq -c '[.initiatives[].id]')" "[5]"

# ---- the API ----------------------------------------------------------------
serve_start i.db || { notok "server starts"; exit 1; }
H="Authorization: Bearer $(grep '^bt_' serve.out)"
MARIA=$("$BATON" token create --db i.db --role owner --person maria | tail -n 1)
post() { curl -s -w '\n%{http_code}' -H "$H" -H "Content-Type: application/json" --data-binary "$1" "$U/v1/initiatives"; }
res=$(post '{"name":"api","journey":"claim","kpi":"fcr","start":"2026-03-10T00:00:00Z","min_sample":10}')
eq "POST: 201 with the initiative judged now" "$(printf '%s' "$res" | sed '$d' | jq -c '[.id, .created_by, .before.n]') $(printf '%s' "$res" | tail -n 1)" '[14,"first admin",10] 201'
for b in '{"name":"x","journey":"claim","kpi":"resolutoin","start":"2026-03-10"}|kpi: '"'"'resolutoin'"'"' is not a KPI an initiative is judged by (did you mean '"'"'resolution'"'"'?)' \
	'{"name":"x","journey":"claim","kpi":"fcr"}|start: give the time it started' \
	'{"name":"x","journey":"claim","kpi":"fcr","start":"soon"}|start: a time' \
	'{"name":"x","journey":"nope","kpi":"fcr","start":"2026-03-10"}|journey: '"'"'nope'"'"' is not a journey' \
	'{"name":"x","journey":"claim","kpi":"fcr","start":"2026-03-10","min_sample":1}|min_sample: a whole number from 2' \
	'{"name":"x","journey":"claim","kpi":"fcr","start":"2026-03-10","cohort":{"field":"source"}}|cohort: {' \
	'{"name":"x","journey":"claim","kpi":"fcr","start":"2026-03-10","cohrt":1}|cohrt: not a field of an initiative (did you mean '"'"'cohort'"'"'?)' \
	'{"journey":"claim","kpi":"fcr","start":"2026-03-10"}|name: give the initiative a name'; do
	res=$(post "${b%%|*}")
	contains "POST 400 naming the field: ${b#*|}" "$(printf '%s' "$res" | tail -n 1) $(printf '%s' "$res" | sed '$d')" "400 "
	contains "... the message" "$res" "${b#*|}"
done
res=$(curl -s -H "$H" "$U/v1/initiatives/1?as_of=$T")
eq "GET one: the fields the issue names" "$(echo "$res" | jq -c '[.kpi, .before.value, .before.n, .after.value, .after.n, .effect, .verdict]')" '["fcr",0.2,10,1,10,0.8,"continue"]'
eq "... the same as the CLI's" "$(echo "$res" | jq -c .why)" "$("$BATON" initiatives show --db i.db --as-of $T --json 1 | jq -c .why)"
eq "GET a props cohort: the server reads the first events too" "$(curl -s -H "$H" "$U/v1/initiatives/9?as_of=$T" | jq -c '[.after.n, .before.n, .before.value]')" '[2,8,0.875]'
eq "before = what GET /v1/journeys/{id}/kpis reports for the same window" \
	"$(curl -s -H "$H" "$U/v1/journeys/claim/kpis?as_of=$T&from=2026-02-28T00:00:00Z&to=$S" | jq -c '.journeys[0].fcr_rate')" \
	"$(echo "$res" | jq -c .before.value)"
eq "GET an unknown one: 404" "$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/initiatives/999")" 404
eq "GET with a parameter it does not take: 400" "$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/v1/initiatives?kpi=fcr")" 400
eq "an owner sees their journeys' initiatives" \
	"$(curl -s -H "Authorization: Bearer $MARIA" "$U/v1/initiatives?as_of=$T" | jq -c '[.initiatives[].journey] | unique')" '["claim","dispute"]'
eq "... and not another's (404)" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $MARIA" "$U/v1/initiatives/5")" 404
eq "... nor may add one to it (404)" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $MARIA" -H "Content-Type: application/json" \
	--data-binary '{"name":"x","journey":"moving","kpi":"fcr","start":"2026-03-10"}' "$U/v1/initiatives")" 404
res=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $MARIA" -H "Content-Type: application/json" \
	--data-binary '{"name":"mine","journey":"claim","kpi":"ttr","start":"2026-03-10"}' "$U/v1/initiatives")
eq "... but to their own: 201, by them" "$(printf '%s' "$res" | sed '$d' | jq -c '[.created_by, .kpi, .direction]') $(printf '%s' "$res" | tail -n 1)" '["maria","ttr","lower_is_better"] 201'
kill -TERM "$pid"; wait "$pid"

# ---- the report ---------------------------------------------------------------
run "$BATON" report --db i.db --as-of $T
contains "the report lists the initiatives with their verdicts" "$out" "| callback claims | claim | fcr | 20.0% (n 10) | 100.0% (n 10) | +80.0 points (+38.4 to +94.3) | continue |"
contains "... and why" "$out" "moving: first-contact resolution 10.0% after (10 resolved instances) against 90.0% before (10): -80.0 points, 95% interval -91.6 points to -37.0 points; higher is better, and the whole interval is a worsening: stop."

# ---- a generated history: a known effect continues, none on a large sample stops
"$BATON" demo --db demo.db --customers 2000 --seed 3 --end 2026-06-01 >/dev/null || notok "the demo"
J1=$("$BATON" initiatives --db demo.db --json)
eq "the demo's callback, a real effect on resolution: continue" "$(one 1 '[.kpi, .verdict, .after.n > 100, .before.n > 100]')" '["resolution","continue",true,true]'
eq "the demo's script refresh, no effect, over a thousand contacts a side: stop" "$(one 2 '[.kpi, .verdict, .after.n > 1000, .before.n > 1000, (.effect | fabs) < 0.02]')" '["repeat","stop",true,true,true]'
