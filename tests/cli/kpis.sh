# SPDX-License-Identifier: Apache-2.0
# The rules of docs/journeys.md and the KPIs of docs/kpis.md on hand-computed scenarios
# (tests/data/scenario_*.ndjson, configuration tests/data/kpi.yaml).  Every
# expected number below was worked out by hand from the events; the
# reasoning is in the comments.
. "$BATON_ROOT/tests/cli/lib.sh"
D="$BATON_ROOT/tests/data"
CFG="$D/kpi.yaml"

kp() { "$BATON" kpis --config "$CFG" --json "$@"; }
j() { echo "$1" | jq -c "$2"; }

# ---- scenario A: one dispute of customer u1, as of its last event -------
# a1 chat contained (case C1) opens I1 [rule 4], holder digital.
# a2 call links C1 [rule 1]: handoff digital->service, clean (C1 travelled,
#    no repeat, 2h).  Promise P1 by service for billing, due 01-03 12:00.
# a3 billing internal, case T1 [rule 6]: handoff service->billing, late (48h).
# a4 call T1, resolved, repeat: handoff billing->service, customer repeated
#    (21h, T1 travelled).  I1 resolved 01-04 09:00 (ttr 71h = 255600 s).
# a5 billing internal fulfils P1 at 01-05 10:00 > due: kept late; handoff
#    service->billing late (25h).
# a6 promo: nothing open, P1 kept: no collision; on the timeline only.
# a7 call, no case, 4 days after resolution [rule 3]: re-opens I1,
#    recontacted; handoff billing->service: context lost (no case) and late.
# a8 promo while I1 (sensitive) is open: one collision.
# a9 call T1 resolved: I1 resolved again (first resolution stays a4).
# a10 feedback only [rule 6] joins I1: csat 2, nps 3 (detractor), ces 6.
out=$(kp --input "$D/scenario_a.ndjson")
eq "A: as of the last event" "$(j "$out" .as_of)" '"2026-01-10T10:00:00Z"'
eq "A: one instance, resolved, owned by maria" "$(j "$out" '.journeys[0] | [.journey,.owner,.instances,.open,.resolved,.abandoned]')" '["dispute","maria",1,0,1,0]'
eq "A: completion 1/1, resolution 0/1 (recontacted), recontact 1/1, fcr 0/1" \
	"$(j "$out" '.journeys[0] | [.completion_rate,.resolution_rate,.recontact_rate,.fcr_rate]')" '[1,0,1,0]'
eq "A: 5 handoffs, 1 clean" "$(j "$out" '.journeys[0] | [.handoffs,.handoffs_per_instance,.handoff_success_rate]')" '[5,5,0.2]'
eq "A: failure reasons" "$(j "$out" '.journeys[0].handoff_failures')" '{"context_lost":1,"customer_repeated":1,"late":3}'
eq "A: 5 contacts, 1 repeat, 2 channels" "$(j "$out" '.journeys[0] | [.contacts_per_instance,.repeat_rate,.channels_per_instance]')" '[5,0.2,2]'
eq "A: time to first resolution 71h" "$(j "$out" '.journeys[0] | [.ttr_p50_s,.ttr_p90_s]')" '[255600,255600]'
eq "A: feedback" "$(j "$out" '.journeys[0] | [.csat_avg,.nps,.ces_avg]')" '[2,-100,6]'
eq "A: one promise, kept late, not broken" "$(j "$out" '.journeys[0] | [.promises,.promises_broken,.cross_team_breaks,.promises_kept,.promises_kept_late]')" '[1,0,0,0,1]'
eq "A: one collision, owned" "$(j "$out" '.journeys[0] | [.collisions,.unowned_instances]')" '[1,0]'
eq "A: overall collisions" "$(j "$out" '.overall | [.collisions,.consent_collisions,.collisions_on_no_journey]')" '[1,0,0]'
# digital contained a1 (local success), not true: followed within 7 days by
# a2 and a4 on service (cost shifted 2).  service: a4 (false: a7 followed)
# and a9 (pending: its window has not passed) -> true 0.
eq "A: digital local vs journey" "$(j "$out" '.teams[] | select(.team=="digital") | [.contacts,.local_success,.true_success,.cost_shifted]')" '[1,1,0,2]'
eq "A: service local vs journey" "$(j "$out" '.teams[] | select(.team=="service") | [.contacts,.local_success,.true_success,.cost_shifted]')" '[4,2,0,0]'
eq "A: per source too" "$(j "$out" '.sources[] | select(.source=="chatbot") | [.contacts,.local_success,.true_success,.cost_shifted]')" '[1,1,0,2]'
eq "A: handoff routes" "$(j "$out" '[.handoff_routes[] | [.from,.to,.count,.clean,.context_lost,.customer_repeated,.late]]')" \
	'[["billing","service",2,0,1,1,1],["digital","service",1,1,0,0,0],["service","billing",2,0,0,0,2]]'

# as of 01-20: a9's window has passed without a contact -> true success.
out=$(kp --input "$D/scenario_a.ndjson" --as-of 2026-01-20)
eq "A as of 01-20: a9 became a true success" "$(j "$out" '.teams[] | select(.team=="service") | .true_success')" 1
eq "A as of 01-20: still not successful (recontacted)" "$(j "$out" '.journeys[0].resolution_rate')" 0

# as of 01-04 00:00 only a1-a3 exist: I1 open; P1 due 01-03 12:00 and
# unkept -> broken, made by service for billing -> cross-team.
out=$(kp --input "$D/scenario_a.ndjson" --as-of 2026-01-04T00:00:00Z)
eq "A as of 01-04: open, rates without denominator are null" "$(j "$out" '.journeys[0] | [.instances,.open,.completion_rate,.recontact_rate,.ttr_p50_s]')" '[1,1,null,null,null]'
eq "A as of 01-04: promise broken across teams" "$(j "$out" '.journeys[0] | [.promises,.promises_broken,.cross_team_breaks]')" '[1,1,1]'
eq "A as of 01-04: 2 handoffs, 1 clean" "$(j "$out" '.journeys[0] | [.handoffs,.handoff_success_rate]')" '[2,0.5]'
eq "A as of 01-04: digital shifted one contact so far" "$(j "$out" '.teams[] | select(.team=="digital") | .cost_shifted')" 1

# ---- scenario B: opens_on, abandonment, collisions, consent --------------
# u2: b1 opens I_a (D1); b2 is an opens_on event while I_a is open -> a new
# instance I_b (D2) [rules 2-4]; b3 joins the most recent open one, I_b;
# b4 names D1 and resolves I_a (02-03 11:00: ttr 49h = 176400 s; its first
# contact b1 had no outcome -> not fcr).  b5 withdraws marketing consent.
# b6 marketing promo while I_b is open: collision (sensitive + consent).
# b7 service notice while I_b is open: collision (sensitive).  I_b's last
# event is b3 (02-03 10:00): abandoned at 03-05 10:00.  b8 names D2 on
# 03-10: I_b is abandoned, I_a resolved 35 days ago -> new instance I_c.
# u3: b9 opens I_d.  u4: b10 withdraws consent, b11 promo: a collision on no
# journey.  As of 03-15 10:00: I_a resolved and successful, I_b abandoned,
# I_c and I_d open.
out=$(kp --input "$D/scenario_b.ndjson")
eq "B: 4 instances: 2 open, 1 resolved, 1 abandoned" "$(j "$out" '.journeys[0] | [.instances,.open,.resolved,.abandoned]')" '[4,2,1,1]'
eq "B: completion 1/2, resolution 1/2, recontact 0, fcr 0" "$(j "$out" '.journeys[0] | [.completion_rate,.resolution_rate,.recontact_rate,.fcr_rate]')" '[0.5,0.5,0,0]'
eq "B: ttr 49h" "$(j "$out" '.journeys[0] | [.ttr_p50_s,.ttr_p90_s]')" '[176400,176400]'
eq "B: 6 contacts over 4 instances, one channel each, no handoffs" "$(j "$out" '.journeys[0] | [.contacts_per_instance,.channels_per_instance,.handoffs,.handoff_success_rate]')" '[1.5,1,0,null]'
eq "B: two collisions on the dispute journey" "$(j "$out" '.journeys[0].collisions')" 2
# b6 (sensitive + consent), b7 (sensitive), b11 (consent only, no journey)
eq "B: three colliding messages, two into withdrawn consent, one on no journey" "$(j "$out" '.overall | [.collisions,.consent_collisions,.collisions_on_no_journey]')" '[3,2,1]'
eq "B: no feedback -> null averages" "$(j "$out" '.journeys[0] | [.csat_avg,.nps,.ces_avg]')" '[null,null,null]'

# --from/--to select instances by the day they opened: I_a (02-01), I_b (02-02)
out=$(kp --input "$D/scenario_b.ndjson" --from 2026-02-01 --to 2026-02-03)
eq "B in February: I_a and I_b" "$(j "$out" '.journeys[0] | [.instances,.resolved,.abandoned,.collisions]')" '[2,1,1,2]'

# --journey of something unknown
run "$BATON" kpis --config "$CFG" --input "$D/scenario_b.ndjson" --journey nope
eq "unknown --journey exits 1" "$rc" 1
contains "and says so" "$err" "no journey 'nope'"

# ---- no configuration: journeys named in events are unowned --------------
out=$("$BATON" kpis --json --input "$D/scenario_a.ndjson")
# without the config, only a10 names a journey ("dispute"); it is feedback
# only and opens nothing -> no instance, so no row
eq "no config: nothing matches dispute.*" "$(j "$out" '.journeys | length')" 0
printf '%s\n' '{"ts":"2026-01-01T10:00:00Z","source":"x","type":"t","journey":"returns","ids":{"user_id":"z"}}' >unowned.ndjson
out=$("$BATON" kpis --json --input unowned.ndjson)
eq "no config: a named journey is tracked and unowned" "$(j "$out" '.journeys[0] | [.journey,.owner,.instances,.unowned_instances,.defined]')" '["returns",null,1,1,false]'

# ---- scenario C: first-contact resolution, percentiles, NPS ---------------
# Three customers, one instance each, all resolved and never recontacted:
# c-a resolved by its first call (fcr, ttr 0); c-b by its second call two
# hours later (ttr 7200 s); c-c chat contained then a call ten hours later
# (ttr 36000 s).  Nearest rank over (0, 7200, 36000): p50 = rank 2 = 7200,
# p90 = rank 3 = 36000.  NPS: 10 and 9 promoters, 5 detractor ->
# (2 - 1) / 3 = 33.33...  CSAT (5 + 4 + 2) / 3 = 3.66...; CES 5.  JSON gives
# each exactly: the shortest decimal that reads back as the same double.  As of 05-20
# every window (7 days) has passed: 3 successful of 3.
out=$(kp --input "$D/scenario_c.ndjson" --as-of 2026-05-20)
eq "C: fcr 1 of 3" "$(j "$out" '.journeys[0] | [.resolved,.fcr_rate]')" '[3,0.3333333333333333]'
eq "C: percentiles by nearest rank" "$(j "$out" '.journeys[0] | [.ttr_p50_s,.ttr_p90_s]')" '[7200,36000]'
eq "C: NPS, CSAT, CES" "$(j "$out" '.journeys[0] | [.nps,.csat_avg,.ces_avg]')" '[33.333333333333336,3.6666666666666665,5]'
eq "C: all successful once the windows passed" "$(j "$out" '.journeys[0] | [.successful,.resolution_rate]')" '[3,1]'
# the chatbot's containment was followed by a call on another team: not true
eq "C: digital local 1, true 0, shifted 1" "$(j "$out" '.teams[] | select(.team=="digital") | [.local_success,.true_success,.cost_shifted]')" '[1,0,1]'
# as of 05-05 the windows of c-a, c-b, c-c have not passed: none successful yet
out=$(kp --input "$D/scenario_c.ndjson" --as-of 2026-05-05)
eq "C as of 05-05: resolved but not yet successful" "$(j "$out" '.journeys[0] | [.resolved,.successful,.resolution_rate]')" '[3,0,0]'

# ---- scenario D: who sent the collisions; internal work; rates with no contact
# d1 call (service, case K1, transferred) opens I1, a sensitive dispute.
# d2 promo from the mailer (touchpoint team marketing) while I1 is open: a
#    collision charged to marketing.  d3 a service notice from the mailer
#    but with team digital: a collision charged to digital (the event's team
#    wins over its touchpoint's).  d4 a promo from sms-gw, which is no
#    touchpoint and names no team: a collision of no team, source sms-gw.
# d5 billing refund issued, internal, case K1, resolved: joins I1 and
#    resolves it; a local success of billing on internal work (no contact);
#    handoff service->billing, clean (K1, no repeat, 2h).
# d6 promo after the resolution: nothing open, no collision.
# e1 another customer's call on billing-sys, resolved: a local success of
#    billing on a contact.
# As of 04-20 every window (7 days) has passed without a further contact:
# both of billing's successes are true.  Billing: 1 contact, local 2 (1
# internal), true 2 (1 internal); rates over contacts count the successes
# on contacts only: 1/1.  Marketing and digital: no contact, rates none.
{
	ev d1 2026-04-01T10:00:00Z phone dispute.opened '{"user_id":"d"}' '"case":"K1","outcome":"transferred"'
	ev d2 2026-04-01T11:00:00Z mailer promo.sent '{"user_id":"d"}' '"direction":"outbound"'
	ev d3 2026-04-01T11:30:00Z mailer notice.sent '{"user_id":"d"}' '"direction":"outbound","team":"digital","props":{"purpose":"service"}'
	ev d4 2026-04-01T11:45:00Z sms-gw promo.sent '{"user_id":"d"}' '"direction":"outbound"'
	ev d5 2026-04-01T12:00:00Z billing-sys refund.issued '{"user_id":"d"}' '"direction":"internal","case":"K1","outcome":"resolved"'
	ev d6 2026-04-01T13:00:00Z mailer promo.sent '{"user_id":"d"}' '"direction":"outbound"'
	ev e1 2026-04-02T09:00:00Z billing-sys dispute.call '{"user_id":"e"}' '"case":"K2","outcome":"resolved"'
} >scenario_d.ndjson
out=$(kp --input scenario_d.ndjson --as-of 2026-04-20)
eq "D: two instances, resolved; one clean handoff" "$(j "$out" '.journeys[0] | [.instances,.resolved,.handoffs,.handoff_success_rate]')" '[2,2,1,1]'
eq "D: three colliding messages, all on the dispute" "$(j "$out" '[.journeys[0].collisions, .overall.collisions, .overall.collisions_on_no_journey]')" '[3,3,0]'
t() { j "$out" ".teams[] | select(.team==\"$1\") | [.contacts,.local_success,.true_success,.internal_success,.internal_true_success,.local_success_rate,.true_success_rate,.collisions]"; }
s() { j "$out" ".sources[] | select(.source==\"$1\") | [.contacts,.local_success,.internal_success,.local_success_rate,.collisions]"; }
eq "D: marketing sent one collision" "$(t marketing)" '[0,0,0,0,0,null,null,1]'
eq "D: digital sent one (its team on the event)" "$(t digital)" '[0,0,0,0,0,null,null,1]'
eq "D: service: one contact, no success" "$(t service)" '[1,0,0,0,0,0,0,0]'
eq "D: billing: one success on internal work, one on a contact; rates over contacts" "$(t billing)" '[1,2,2,1,1,1,1,0]'
eq "D: the mailer sent two collisions" "$(s mailer)" '[0,0,0,null,2]'
eq "D: a source of no team sent one" "$(s sms-gw)" '[0,0,0,null,1]'
eq "D: billing-sys per source" "$(s billing-sys)" '[1,2,1,1,0]'
# only the messages sent in the period: d3 and d4 are after 11:15
out=$(kp --input scenario_d.ndjson --as-of 2026-04-20 --from 2026-04-01T11:15:00Z)
eq "D from 11:15: marketing's promo was before" "$(t marketing | jq -c '.[7]')" 0
eq "D from 11:15: digital's notice was after" "$(t digital | jq -c '.[7]')" 1
# one journey: the collisions on its instances of the period (I1 opened 10:00)
out=$(kp --input scenario_d.ndjson --as-of 2026-04-20 --journey dispute)
eq "D for the dispute journey: marketing 1, digital 1" "$(t marketing | jq -c '.[7]') $(t digital | jq -c '.[7]')" "1 1"

# the text view: true beside local, the per-source table, '-' for a rate
# with no contacts, internal work and collisions in their own columns
"$BATON" kpis --config "$CFG" --input scenario_d.ndjson --as-of 2026-04-20 >d.txt
row() { awk -v want="$1" -v table="$2" '/^local success versus the journey, per / { on = ($NF == table) } on && $1 == want' d.txt | tr -s ' ' | sed 's/^ //'; }
eq "D text: the columns" "$(grep -m1 '^  team ' d.txt | tr -s ' ')" " team contacts local true local% true% shifted internal collisions"
eq "D text: marketing" "$(row marketing team)" "marketing 0 0 0 - - 0 0 1"
eq "D text: digital" "$(row digital team)" "digital 0 0 0 - - 0 0 1"
eq "D text: service" "$(row service team)" "service 1 0 0 0.0% 0.0% 0 0 0"
eq "D text: billing" "$(row billing team)" "billing 1 2 2 100.0% 100.0% 0 1 0"
eq "D text: per source, the mailer" "$(row mailer source)" "mailer 0 0 0 - - 0 0 2"
eq "D text: per source, billing-sys" "$(row billing-sys source)" "billing-sys 1 2 2 100.0% 100.0% 0 1 0"
contains "D text: the columns explained" "$(cat d.txt)" "internal: local successes on internal work (a refund issued): in local and"
# no instance opened in the period: every rate of the journey has no denominator
"$BATON" kpis --config "$CFG" --input scenario_d.ndjson --from 2026-05-01 >empty.txt
eq "D text, empty period: rates are '-'" "$(grep -E '^  (completion|recontact|handoff success) ' empty.txt | tr -s ' ')" \
	" completion -
 recontact -
 handoff success -"
eq "D text, empty period: no handoffs per instance of no instance" "$(grep '^  handoffs ' empty.txt | tr -s ' ')" " handoffs 0"

# the report says the same
"$BATON" ingest --db d.db scenario_d.ndjson >/dev/null 2>&1
"$BATON" config load --db d.db "$CFG" >/dev/null
"$BATON" report --db d.db --as-of 2026-04-20 -o d.md
eq "D report: marketing's row" "$(grep '^| marketing |' d.md)" "| marketing | 0 | 0 | 0 | - | - | 0 | 0 | 1 |"
eq "D report: billing's row" "$(grep '^| billing |' d.md)" "| billing | 1 | 2 | 2 | 100.0% | 100.0% | 0 | 1 | 0 |"
"$BATON" report --db d.db --as-of 2026-04-20 --format html -o d.html
contains "D report in HTML: marketing's row" "$(cat d.html)" "<tr><td>marketing</td><td>0</td><td>0</td><td>0</td><td>-</td><td>-</td><td>0</td><td>0</td><td>1</td></tr>"

# ---- the KPIs are defined once: docs/kpis.md says what the table says ----
awk '/^<!-- kpi-definitions/ { on = 1; skip = 1 } /^<!-- \/kpi-definitions -->/ { on = 0 }
	on && !skip && !/^tables of src/ { print } { skip = 0 }' "$BATON_ROOT/docs/kpis.md" | sed '1{/^tables of/d}' >doc-defs.md
"$BATON" kpis --definitions >defs.md
eq "docs/kpis.md holds the KPI table of the code, word for word" "$(diff defs.md doc-defs.md && echo same)" same
sed -n '/^Per journey/,/^Per team/p' defs.md >journey-defs.md
eq "... every KPI of a journey row is in it, once" \
	"$(kp --input "$D/scenario_a.ndjson" | jq -r '.journeys[0] | del(.journey,.owner,.name,.owner_name,.defined,.sensitive) | [paths(scalars) | join(".")] | .[]' | while read -r k; do grep -c "^| \`$k\` |" journey-defs.md; done | sort -u)" 1
