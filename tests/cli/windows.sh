# SPDX-License-Identifier: Apache-2.0
# Every window of docs/journeys.md one second before, exactly at, and one
# second after its end.  Windows are half-open: exactly one window later is
# outside.  The journey `dispute` of tests/data/kpi.yaml has a recontact
# window of 7 days, an abandonment timeout of 30 days and a handoff SLA of
# 24 hours.  T0 = 2026-01-01T00:00:00Z throughout, so:
#   T0 + 24h = 2026-01-02T00:00:00Z     T0 + 48h = 2026-01-03T00:00:00Z
#   T0 + 7d  = 2026-01-08T00:00:00Z     T0 + 30d = 2026-01-31T00:00:00Z
. "$BATON_ROOT/tests/cli/lib.sh"
CFG="$BATON_ROOT/tests/data/kpi.yaml"
T0=2026-01-01T00:00:00Z
kp() { "$BATON" kpis --config "$CFG" --json "$@"; }
j() { echo "$1" | jq -c "$2"; }
U='{"user_id":"u1"}'

# ---- recontact window: re-opening a resolved instance (rule 3) -----------
# a call resolves I1 at T0; the next call re-opens I1 only when it comes
# less than 7 days later.  Expected [instances, recontacted]:
for c in "2026-01-07T23:59:59Z 1,1 re-opens" "2026-01-08T00:00:00Z 2,0 opens a new instance" \
	"2026-01-08T00:00:01Z 2,0 opens a new instance"; do
	set -- $c
	{
		ev r1 $T0 phone dispute.call "$U" '"outcome":"resolved"'
		ev r2 "$1" phone dispute.call "$U"
	} >rc.ndjson
	eq "recontact: a call at $1 $3" "$(j "$(kp --input rc.ndjson)" '.journeys[0] | [.instances,.recontacted] | join(",")')" "\"$2\""
done

# ---- recontact window: local success versus the journey (kpis.md) -------
# the chatbot (digital) contains the chat at T0; the instance stays open and
# a call (service) follows.  Less than 7 days later the containment was not
# a true success and the call is cost it shifted; exactly 7 days later or
# after, it was a true success and shifted nothing.
# Expected digital [local_success, true_success, cost_shifted]:
for c in "2026-01-07T23:59:59Z [1,0,1]" "2026-01-08T00:00:00Z [1,1,0]" "2026-01-08T00:00:01Z [1,1,0]"; do
	set -- $c
	{
		ev l1 $T0 chatbot dispute.chat "$U" '"outcome":"contained"'
		ev l2 "$1" phone dispute.call "$U"
	} >ls.ndjson
	eq "local success: a call at $1" "$(j "$(kp --input ls.ndjson)" '.teams[] | select(.team=="digital") | [.local_success,.true_success,.cost_shifted]')" "$2"
done
# with no further contact, the containment is true once 7 days have passed
ev l1 $T0 chatbot dispute.chat "$U" '"outcome":"contained"' >ls1.ndjson
for c in "2026-01-07T23:59:59Z 0" "2026-01-08T00:00:00Z 1" "2026-01-08T00:00:01Z 1"; do
	set -- $c
	eq "local success: true as of $1: $2" "$(j "$(kp --input ls1.ndjson --as-of "$1")" '.teams[] | select(.team=="digital") | .true_success')" "$2"
done
# a resolution is successful once its window has passed unrecontacted
ev s1 $T0 phone dispute.call "$U" '"outcome":"resolved"' >ok.ndjson
for c in "2026-01-07T23:59:59Z 0" "2026-01-08T00:00:00Z 1" "2026-01-08T00:00:01Z 1"; do
	set -- $c
	eq "resolution: successful as of $1: $2" "$(j "$(kp --input ok.ndjson --as-of "$1")" '.journeys[0].successful')" "$2"
done

# ---- abandonment timeout (rule 5) ---------------------------------------
# a call opens I1 at T0 and nothing resolves it.  Judged at a time: open
# until 30 days later, abandoned from exactly 30 days on.
ev a1 $T0 phone dispute.call "$U" >ab.ndjson
for c in "2026-01-30T23:59:59Z [1,0]" "2026-01-31T00:00:00Z [0,1]" "2026-01-31T00:00:01Z [0,1]"; do
	set -- $c
	eq "abandonment as of $1: [open, abandoned]" "$(j "$(kp --input ab.ndjson --as-of "$1")" '.journeys[0] | [.open,.abandoned]')" "$2"
done
# the next call arriving then: it joins I1 before the timeout, and opens a
# new instance from exactly the timeout on.  Expected [instances, open, abandoned]:
for c in "2026-01-30T23:59:59Z [1,1,0]" "2026-01-31T00:00:00Z [2,1,1]" "2026-01-31T00:00:01Z [2,1,1]"; do
	set -- $c
	{
		ev a1 $T0 phone dispute.call "$U"
		ev a2 "$1" phone dispute.call "$U"
	} >ab2.ndjson
	eq "abandonment: a call at $1" "$(j "$(kp --input ab2.ndjson)" '.journeys[0] | [.instances,.open,.abandoned]')" "$2"
done

# ---- handoff SLA --------------------------------------------------------
# the chatbot (digital) works case C1 at T0; the call (service) that links
# C1 is a clean handoff less than 24 hours later, a late one from exactly
# 24 hours on.  Expected [handoffs, clean, late]:
for c in "2026-01-01T23:59:59Z [1,1,0]" "2026-01-02T00:00:00Z [1,0,1]" "2026-01-02T00:00:01Z [1,0,1]"; do
	set -- $c
	{
		ev h1 $T0 chatbot dispute.chat "$U" '"case":"C1"'
		ev h2 "$1" phone dispute.call "$U" '"links":["C1"]'
	} >ho.ndjson
	eq "handoff at $1" "$(j "$(kp --input ho.ndjson)" '.journeys[0] | [.handoffs,.handoff_success_rate * .handoffs,.handoff_failures.late]')" "$2"
done

# ---- promise due --------------------------------------------------------
# a call at T0 resolves I1 and promises a refund due in 48 hours (T0+48h).
P='"outcome":"resolved","promise":{"id":"P1","kind":"refund","due":"48h","team":"billing"}'
ev p1 $T0 phone dispute.call "$U" "$P" >pr.ndjson
# kept before its due time; late from exactly the due time on
for c in "2026-01-02T23:59:59Z [1,0,0]" "2026-01-03T00:00:00Z [0,1,0]" "2026-01-03T00:00:01Z [0,1,0]"; do
	set -- $c
	{
		cat pr.ndjson
		ev p2 "$1" billing-sys dispute.refund "$U" '"direction":"internal","fulfils":"P1"'
	} >pk.ndjson
	eq "promise fulfilled at $1: [kept, kept_late, broken]" "$(j "$(kp --input pk.ndjson)" '.journeys[0] | [.promises_kept,.promises_kept_late,.promises_broken]')" "$2"
done
# unkept: open before its due time, broken from exactly the due time on
for c in "2026-01-02T23:59:59Z 0" "2026-01-03T00:00:00Z 1" "2026-01-03T00:00:01Z 1"; do
	set -- $c
	eq "promise unkept as of $1: broken $2" "$(j "$(kp --input pr.ndjson --as-of "$1")" '.journeys[0].promises_broken')" "$2"
done
# an outbound message collides with the overdue promise from its due time on
# (I1 is resolved, so the sensitive journey causes nothing)
for c in "2026-01-02T23:59:59Z 0" "2026-01-03T00:00:00Z 1" "2026-01-03T00:00:01Z 1"; do
	set -- $c
	{
		cat pr.ndjson
		ev p3 "$1" mailer promo.sent "$U" '"direction":"outbound"'
	} >pc.ndjson
	eq "a message at $1 collides: $2" "$(j "$(kp --input pc.ndjson)" '.overall.collisions')" "$2"
done
