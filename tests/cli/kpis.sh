# SPDX-License-Identifier: Apache-2.0
# The rules of PRODUCT.md §3 and the KPIs of §4 on hand-computed scenarios
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
