/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_derive.c - the rules of docs/journeys.md (rules 1-8) as it reads
 * them, one test per rule or feature, on events small enough to follow by
 * hand.  Every expected value is worked out in the comment above it; none
 * is computed by the code under test.
 *
 * The configuration and the notation are those of kit.h: times are seconds
 * from T0; the journey `order` has a recontact window of 1 h, an
 * abandonment timeout of 2 h and a handoff SLA of 10 min, so the window
 * tests (one second before, at and after each end) work on round numbers;
 * `dispute` (7 d, 30 d, 24 h) is sensitive and has opens_on
 * dispute.opened.  An instance's id is I and the arrival number of the
 * event that opened it, so "I3" is the instance the third line opened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kit.h"

#define MAXI 16

/* ---- rule 1: the case an event names ---------------------------------- */

/* An open instance holding the event's case takes it, even when another
 * instance of the journey is more recent (rule 2 would pick that one), by
 * its `case` or by one of its `links` in order. */
static void rule1_case_joins_its_open_instance(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.opened", "'case':'C1'");   /* I1 (rule 4) */
	ev(&k, "u1", HOUR, "phone", "dispute.opened", "'case':'C2'"); /* opens_on: I2 */
	ev(&k, "u1", 2 * HOUR, "phone", "dispute.call", "'case':'C1'");       /* C1: I1 */
	ev(&k, "u1", 3 * HOUR, "phone", "dispute.call", "'links':['X','C1']"); /* X none, C1: I1 */
	ev(&k, "u1", 4 * HOUR, "phone", "dispute.call", NULL); /* no case: rule 2, newest open I2 */
	/* on no journey (call.* matches none), but C1 names I1: rules 1 and 6
	 * go by case before journey */
	ev(&k, "u1", 5 * HOUR, "phone", "call.ended", "'case':'C1'");
	ev(&k, "u1", 6 * HOUR, "phone", "call.ended", NULL); /* no case, no journey: timeline */
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "dispute", v, MAXI), 2);
	/* I1: lines 1, 3, 4, 6 (contacts at 0, 2h, 3h, 5h); I2: lines 2, 5 */
	assert_string_equal(v[0].id, "I1");
	assert_int_equal(v[0].opened, 0);
	assert_int_equal(v[0].contacts, 4);
	assert_int_equal(v[0].last_event, 5 * HOUR);
	assert_string_equal(v[1].id, "I2");
	assert_int_equal(v[1].opened, HOUR);
	assert_int_equal(v[1].contacts, 2);
	assert_int_equal(v[1].last_event, 4 * HOUR);
	assert_int_equal(k.k->timeline_only, 1);
	assert_int_equal(k.k->events, 7);
	kit_done(&k);
}

/* A resolved instance holding the case is re-opened by it within its
 * window and marked recontacted, even when another instance was resolved
 * more recently (rule 3 would re-open that one). */
static void rule1_case_reopens_its_resolved_instance(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.opened", "'case':'C1'");   /* I1 */
	ev(&k, "u1", HOUR, "phone", "dispute.opened", "'case':'C2'"); /* I2 */
	ev(&k, "u1", 2 * HOUR, "phone", "dispute.call", "'case':'C1','outcome':'resolved'");
	ev(&k, "u1", 3 * HOUR, "phone", "dispute.call", "'case':'C2','outcome':'resolved'");
	/* 2 h after I1's resolution (< 7 d): re-opens I1, not I2 */
	ev(&k, "u1", 4 * HOUR, "phone", "dispute.call", "'case':'C1'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "dispute", v, MAXI), 2);
	assert_string_equal(v[0].id, "I1");
	assert_string_equal(v[0].state, "open");
	assert_true(v[0].recontacted);
	assert_int_equal(v[0].contacts, 3);
	assert_string_equal(v[1].id, "I2");
	assert_string_equal(v[1].state, "resolved");
	assert_false(v[1].recontacted);
	assert_int_equal(v[1].resolved, 3 * HOUR);
	/* resolved at least once: both; recontacted: I1 */
	assert_int_equal(J(&k, "dispute")->resolved_ever, 2);
	assert_int_equal(J(&k, "dispute")->recontacted, 1);
	kit_done(&k);
}

/* A case held only by an abandoned instance does not place the event: it is
 * a new matter (rules 2-4), and the case then names the new instance. */
static void rule1_case_of_abandoned_instance_is_a_new_matter(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.opened", "'case':'C1'"); /* I1 */
	ev(&k, "u1", HOUR, "phone", "dispute.call", "'case':'C1','outcome':'abandoned'");
	ev(&k, "u1", 2 * HOUR, "phone", "dispute.call", "'case':'C1'"); /* nothing open: I3 */
	ev(&k, "u1", 3 * HOUR, "phone", "dispute.opened", "'case':'C3'"); /* opens_on: I4 */
	/* C1 now names I3; rule 2 would have picked the newest open one, I4 */
	ev(&k, "u1", 4 * HOUR, "phone", "dispute.call", "'case':'C1'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "dispute", v, MAXI), 3);
	assert_string_equal(v[0].id, "I1");
	assert_string_equal(v[0].state, "abandoned");
	assert_int_equal(v[0].contacts, 2);
	assert_string_equal(v[1].id, "I3");
	assert_string_equal(v[1].state, "open");
	assert_int_equal(v[1].opened, 2 * HOUR);
	assert_int_equal(v[1].contacts, 2);
	assert_string_equal(v[2].id, "I4");
	assert_int_equal(v[2].contacts, 1);
	kit_done(&k);
}

/* ---- rule 2: the most recent open instance; opens_on -------------------- */

static void rule2_joins_the_most_recent_open_instance(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.opened", NULL);   /* I1 */
	ev(&k, "u1", MIN, "phone", "dispute.opened", NULL); /* opens_on while I1 is open: I2 */
	ev(&k, "u1", 2 * MIN, "phone", "dispute.call", NULL); /* the newest open one: I2 */
	ev(&k, "u1", 3 * MIN, "phone", "order.call", NULL);   /* another journey: I4 */
	ev(&k, "u2", 4 * MIN, "phone", "dispute.call", NULL); /* another customer: I5 */
	ev(&k, "u1", 5 * MIN, "phone", "order.call", NULL);   /* joins I4 */
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "dispute", v, MAXI), 3);
	assert_string_equal(v[0].id, "I1");
	assert_int_equal(v[0].contacts, 1);
	assert_string_equal(v[1].id, "I2");
	assert_int_equal(v[1].contacts, 2);
	assert_string_equal(v[2].id, "I5");
	assert_int_equal(v[2].contacts, 1);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 1);
	assert_string_equal(v[0].id, "I4");
	assert_int_equal(v[0].contacts, 2);
	assert_int_equal(J(&k, "dispute")->open, 3);
	kit_done(&k);
}

/* ---- rule 3: re-opening a resolved instance ----------------------------- */

/* Within the window a contact re-opens the most recently resolved
 * instance; the mark is set once however often it happens.  The time to
 * resolve is from the opening to the first resolution; the instance's
 * resolution time is its latest. */
static void rule3_reopens_and_marks_recontacted_once(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);                              /* I1 */
	ev(&k, "u1", 5 * MIN, "phone", "order.call", "'outcome':'resolved'");      /* resolved */
	ev(&k, "u1", 10 * MIN, "phone", "order.call", NULL);                       /* re-opens */
	ev(&k, "u1", 20 * MIN, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "u1", 30 * MIN, "phone", "order.call", NULL);                       /* again */
	ev(&k, "u1", 40 * MIN, "phone", "order.call", "'outcome':'resolved'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 1);
	assert_string_equal(v[0].state, "resolved");
	assert_true(v[0].recontacted);
	assert_int_equal(v[0].resolved, 40 * MIN);
	assert_int_equal(v[0].contacts, 6);
	const struct bt_journey_kpis *j = J(&k, "order");
	assert_int_equal(j->recontacted, 1);
	assert_int_equal(j->resolved_ever, 1);
	assert_true(j->ttr_p50_s == 300.0); /* 5 min from opening to the first resolution */
	kit_done(&k);
}

/* An opens_on event finds no open instance (rule 2 does not apply) and goes
 * on to rule 3: a dispute resolved a day ago is re-opened by it. */
static void rule3_opens_on_event_reopens_a_resolved_instance(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.call", "'outcome':'resolved'");
	ev(&k, "u1", DAY, "phone", "dispute.opened", NULL);
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "dispute", v, MAXI), 1);
	assert_string_equal(v[0].state, "open");
	assert_true(v[0].recontacted);
	kit_done(&k);
}

/* ---- rule 4 and rule 5 ---------------------------------------------------- */

/* unresolved, transferred and contained leave the instance open. */
static void rule5_other_outcomes_leave_it_open(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", "'outcome':'unresolved'");
	ev(&k, "u1", MIN, "phone", "order.call", "'outcome':'transferred'");
	ev(&k, "u1", 2 * MIN, "chatbot", "order.chat", "'outcome':'contained'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 1);
	assert_string_equal(v[0].state, "open");
	assert_int_equal(v[0].opened, 0); /* rule 4: opened at its first event's time */
	assert_int_equal(v[0].resolved, KIT_NONE);
	assert_int_equal(v[0].contacts, 3);
	kit_done(&k);
}

/* A second `resolved` while the instance is resolved changes nothing: the
 * resolution time stays the first (5 min), so the success is judged from
 * it.  With the window (1 h) from 5 min, the instance is successful as of
 * 65 min and not a second before; had the internal event at 10 min moved
 * the resolution, it would not be until 70 min. */
static void rule5_second_resolved_changes_nothing(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u1", 5 * MIN, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "u1", 10 * MIN, "billing-sys", "order.refund", "'direction':'internal','outcome':'resolved'");
	kit_run(&k, 65 * MIN - 1);
	assert_int_equal(J(&k, "order")->successful, 0);
	kit_run(&k, 65 * MIN);
	assert_int_equal(J(&k, "order")->successful, 1);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 1);
	assert_int_equal(v[0].resolved, 5 * MIN);
	assert_false(v[0].recontacted);
	assert_true(J(&k, "order")->ttr_p50_s == 300.0);
	kit_done(&k);
}

/* Outcome `abandoned` abandons the open instance; the next contact finds
 * nothing open and nothing resolved and opens a new one (rule 4). */
static void rule5_abandoned_by_outcome(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u1", MIN, "phone", "order.call", "'outcome':'abandoned'");
	ev(&k, "u1", 2 * MIN, "phone", "order.call", NULL);
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 2);
	assert_string_equal(v[0].state, "abandoned");
	assert_string_equal(v[1].state, "open");
	assert_int_equal(v[1].opened, 2 * MIN);
	assert_int_equal(J(&k, "order")->abandoned, 1);
	kit_done(&k);
}

/* The timeout runs from the latest event: a call at 0 and one at 1 h keep
 * the order open until 3 h (1 h + 2 h), abandoned from exactly 3 h on. */
static void rule5_abandoned_by_timeout_from_the_latest_event(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u1", HOUR, "phone", "order.call", NULL);
	kit_run(&k, 3 * HOUR - 1);
	assert_int_equal(J(&k, "order")->open, 1);
	assert_int_equal(J(&k, "order")->abandoned, 0);
	kit_run(&k, 3 * HOUR);
	assert_int_equal(J(&k, "order")->open, 0);
	assert_int_equal(J(&k, "order")->abandoned, 1);
	kit_done(&k);
}

/* ---- rule 6: events that are not the customer coming back --------------- */

/* Outbound, internal and feedback-only events open nothing; on a resolved
 * instance within its window they re-open nothing and count no recontact;
 * an outbound event's outcome is ignored. */
static void rule6_never_opens_or_reopens(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	/* alone, none of them opens an instance: three on the timeline */
	ev(&k, "u1", 0, "mailer", "order.notice", "'direction':'outbound'");
	ev(&k, "u1", MIN, "billing-sys", "order.update", "'direction':'internal'");
	ev(&k, "u1", 2 * MIN, "survey", "order.survey", "'feedback':{'csat':4}");
	ev(&k, "u1", 3 * MIN, "phone", "order.call", "'outcome':'resolved'"); /* I4, resolved */
	/* within the window of I4's resolution: each joins I4 (rule 6, the
	 * most recent instance) and leaves it resolved */
	ev(&k, "u1", 4 * MIN, "mailer", "order.notice", "'direction':'outbound','outcome':'unresolved'");
	ev(&k, "u1", 5 * MIN, "billing-sys", "order.update", "'direction':'internal'");
	ev(&k, "u1", 6 * MIN, "survey", "order.survey", "'feedback':{'csat':2}");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 1);
	assert_string_equal(v[0].id, "I4");
	assert_string_equal(v[0].state, "resolved");
	assert_false(v[0].recontacted);
	assert_int_equal(v[0].contacts, 1);
	assert_int_equal(k.k->timeline_only, 3);
	/* only the feedback joined to the instance counts: csat 2 */
	assert_rate(J(&k, "order")->csat_avg, 2, 1);
	kit_done(&k);
}

/* An outbound event's outcome is ignored; an internal event may resolve. */
static void rule6_outbound_outcome_ignored_internal_resolves(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u1", MIN, "mailer", "order.notice", "'direction':'outbound','outcome':'resolved'");
	ev(&k, "u2", 0, "phone", "order.call", NULL);
	ev(&k, "u2", MIN, "billing-sys", "order.refund", "'direction':'internal','outcome':'resolved'");
	kit_run(&k, KIT_LATEST);
	/* u1's order still open, u2's resolved by the refund; contacts: the
	 * two calls only; neither first contact resolved: no fcr */
	const struct bt_journey_kpis *j = J(&k, "order");
	assert_int_equal(j->open, 1);
	assert_int_equal(j->resolved, 1);
	assert_int_equal(j->contacts, 2);
	assert_int_equal(j->fcr, 0);
	kit_done(&k);
}

/* A feedback-only event joins the most recent instance whatever its state;
 * feedback with an outcome is a contact, placed by rules 1-4. */
static void rule6_feedback_only_joins_an_abandoned_instance(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u1", MIN, "phone", "order.call", "'outcome':'abandoned'");
	ev(&k, "u1", 2 * MIN, "survey", "order.survey", "'feedback':{'csat':5}"); /* joins I1 */
	/* a contact: nothing open or resolved, so a new instance I4 */
	ev(&k, "u1", 3 * MIN, "survey", "order.survey", "'feedback':{'csat':1},'outcome':'resolved'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 2);
	assert_string_equal(v[0].id, "I1");
	assert_string_equal(v[0].state, "abandoned");
	assert_int_equal(v[0].contacts, 2);
	assert_string_equal(v[1].id, "I4");
	assert_string_equal(v[1].state, "resolved");
	assert_int_equal(v[1].contacts, 1);
	assert_rate(J(&k, "order")->csat_avg, 5 + 1, 2);
	kit_done(&k);
}

/* A contact that keeps a promise is placed by rule 6: it re-opens nothing
 * and is no recontact, though it is a contact. */
static void rule6_promise_keeping_contact(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call",
	   "'outcome':'resolved','promise':{'id':'P1','kind':'callback','due':'30m'}");
	ev(&k, "u1", 10 * MIN, "phone", "order.call", "'fulfils':'P1'");
	/* u2 has no instance: a promise-keeping contact opens none */
	ev(&k, "u2", 0, "phone", "order.call", "'fulfils':'P9'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 1);
	assert_string_equal(v[0].state, "resolved");
	assert_false(v[0].recontacted);
	assert_int_equal(v[0].contacts, 2);
	assert_int_equal(J(&k, "order")->promises_kept, 1);
	assert_int_equal(k.k->timeline_only, 1);
	kit_done(&k);
}

/* Rule 6 goes by case first, in any state: an internal event naming the
 * case of an abandoned instance joins it, not the most recent one.  Seen
 * through its handoff (service -> billing, context travelled, 2 min: clean),
 * which lands on I1. */
static void rule6_case_names_the_instance_in_any_state(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", "'case':'O1'");
	ev(&k, "u1", MIN, "phone", "order.call", "'outcome':'abandoned'");
	ev(&k, "u1", 2 * MIN, "phone", "order.call", "'case':'O2'"); /* I3 */
	ev(&k, "u1", 3 * MIN, "billing-sys", "order.update", "'direction':'internal','case':'O1'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 2);
	assert_string_equal(v[0].id, "I1");
	assert_int_equal(v[0].handoffs, 1);
	assert_int_equal(v[0].failed, 0);
	assert_string_equal(v[0].holder, "billing");
	assert_string_equal(v[1].id, "I3");
	assert_int_equal(v[1].handoffs, 0);
	assert_string_equal(v[1].holder, "service");
	kit_done(&k);
}

/* ---- rule 7: time is event time; as of T ------------------------------ */

static void rule7_as_of_sees_only_events_up_to_t(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u1", 30 * MIN, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "u2", 50 * MIN, "phone", "order.call", NULL);
	/* default T: the latest event (50 min) */
	kit_run(&k, KIT_LATEST);
	assert_int_equal(bt_engine_as_of(k.e), (T0 + 50 * MIN) * 1000);
	assert_int_equal(k.k->as_of, (T0 + 50 * MIN) * 1000);
	assert_int_equal(J(&k, "order")->instances, 2);
	assert_int_equal(J(&k, "order")->resolved, 1);
	/* at 30 min: the resolution is in (ts <= T) and u2 not yet */
	kit_run(&k, 30 * MIN);
	assert_int_equal(k.k->events, 2);
	assert_int_equal(J(&k, "order")->instances, 1);
	assert_int_equal(J(&k, "order")->resolved, 1);
	/* a second before: one event, one open instance */
	kit_run(&k, 30 * MIN - 1);
	assert_int_equal(k.k->events, 1);
	assert_int_equal(J(&k, "order")->open, 1);
	assert_int_equal(J(&k, "order")->resolved, 0);
	kit_done(&k);
}

/* ---- rule 8: the order of arrival does not matter --------------------- */

/* A history whose events all have distinct times, with a customer known by
 * e-mail and by phone whose two identities merge only at the third event,
 * a handoff, a promise, consent and an outbound message.  Fed in time order,
 * reversed, and shuffled, it must give the same KPIs and the same
 * instances (less their ids, which are arrival numbers). */
static const char *const history[] = {
	"{'ts':T+0,'source':'chatbot','type':'dispute.chat','ids':{'email':'ann@example.com'},'case':'C1','outcome':'contained'}",
	"{'ts':T+3600,'source':'phone','type':'dispute.call','ids':{'phone':'+447700900001'},'links':['C1'],'case':'T1','promise':{'id':'P1','kind':'refund','due':'1d','team':'billing'}}",
	"{'ts':T+7200,'source':'phone','type':'dispute.call','ids':{'email':'ann@example.com','phone':'+447700900001'},'outcome':'resolved'}",
	"{'ts':T+10800,'source':'app','type':'app.login','ids':{'phone':'+447700900001'},'consent':{'marketing':false}}",
	"{'ts':T+14400,'source':'mailer','type':'promo.sent','direction':'outbound','ids':{'email':'ann@example.com'}}",
	"{'ts':T+90000,'source':'billing-sys','type':'dispute.refund','direction':'internal','ids':{'email':'ann@example.com'},'fulfils':'P1'}",
	"{'ts':T+172800,'source':'phone','type':'dispute.call','ids':{'phone':'+447700900001'},'case':'T1','repeat':true}",
	"{'ts':T+1000,'source':'phone','type':'order.call','ids':{'user_id':'u2'}}",
	"{'ts':T+2000,'source':'chatbot','type':'order.chat','ids':{'user_id':'u2'},'outcome':'resolved'}",
	"{'ts':T+9000,'source':'phone','type':'order.call','ids':{'user_id':'u2'}}",
	"{'ts':T+20000,'source':'survey','type':'order.survey','ids':{'user_id':'u2'},'feedback':{'nps':9}}",
};
#define NHISTORY (sizeof(history) / sizeof(history[0]))

/* The events of history in the order given by idx, as NDJSON. */
static void history_in(struct bt_buf *b, const size_t *idx)
{
	for (size_t i = 0; i < NHISTORY; i++) {
		const char *s = history[idx[i]];
		for (; *s; s++) {
			if (s[0] == 'T' && s[1] == '+') { /* T+n: T0 + n seconds */
				char *end;
				long long n = strtoll(s + 2, &end, 10);
				bt_buf_printf(b, "%lld", T0 + n);
				s = end - 1;
			} else
				bt_buf_addc(b, *s == '\'' ? '"' : *s);
		}
		bt_buf_addc(b, '\n');
	}
}

/* Each instance as a line without its id and profile, sorted. */
static void instance_lines(const struct kit *k, struct bt_buf *out)
{
	struct kinst v[MAXI];
	size_t n = kit_instances(k, NULL, v, MAXI);
	char line[MAXI][256];
	for (size_t i = 0; i < n; i++)
		snprintf(line[i], sizeof(line[i]), "%s %s %s opened=%lld last=%lld resolved=%lld c=%u h=%u f=%u coll=%u rec=%d\n",
			 v[i].journey, v[i].state, v[i].holder, (long long)v[i].opened,
			 (long long)v[i].last_event, (long long)v[i].resolved, v[i].contacts,
			 v[i].handoffs, v[i].failed, v[i].collisions, v[i].recontacted);
	qsort(line, n, sizeof(line[0]), (int (*)(const void *, const void *))strcmp);
	for (size_t i = 0; i < n; i++)
		bt_buf_adds(out, line[i]);
}

static void rule8_arrival_order_does_not_matter(void **state)
{
	(void)state;
	static const size_t orders[][NHISTORY] = {
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
		{4, 6, 1, 9, 0, 10, 2, 7, 5, 3, 8},
		{2, 3, 4, 0, 5, 1, 6, 8, 7, 10, 9},
	};
	struct bt_buf want_k = BT_BUF_INIT, want_i = BT_BUF_INIT;
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		struct kit k;
		struct bt_buf got_k = BT_BUF_INIT, got_i = BT_BUF_INIT;
		kit_init(&k);
		history_in(&k.nd, orders[o]);
		kit_run(&k, KIT_LATEST);
		kit_kpis_json(k.e, &got_k);
		instance_lines(&k, &got_i);
		if (o == 0) {
			/* what the history gives, by hand.  ann (e-mail and phone,
			 * one profile from the merge at 7200 s on): the chat at 0
			 * opens her dispute; the call at 3600 links C1 (rule 1)
			 * and the one at 7200 resolves it; app.login and the promo
			 * are on no journey; the refund at 90000 joins it by rule
			 * 6; the call at 172800 names T1, resolved 165600 s ago
			 * (< 7 d): re-opened, recontacted.  The promo at 14400
			 * collides by consent only (the dispute is resolved, P1
			 * not yet due): on no journey.  u2: the call at 1000
			 * opens an order, resolved at 2000; the call at 9000 is
			 * 7000 s later (>= 1 h): a new order, whose timeout ran
			 * out at 16200 (9000 + 2 h), before the survey at 20000
			 * joins it (rule 6).  Two customers, three instances. */
			assert_int_equal(k.k->profiles, 2);
			assert_int_equal(J(&k, "dispute")->instances, 1);
			assert_int_equal(J(&k, "dispute")->open, 1);
			assert_int_equal(J(&k, "dispute")->recontacted, 1);
			assert_int_equal(J(&k, "order")->instances, 2);
			assert_int_equal(J(&k, "order")->resolved, 1);
			assert_int_equal(J(&k, "order")->abandoned, 1);
			assert_int_equal(k.k->collisions, 1);
			assert_int_equal(k.k->collisions_on_no_journey, 1);
			assert_int_equal(k.k->timeline_only, 2);
			want_k = got_k, want_i = got_i;
			kit_done(&k);
			continue;
		}
		assert_string_equal(got_k.data, want_k.data);
		assert_string_equal(got_i.data, want_i.data);
		bt_buf_release(&got_k);
		bt_buf_release(&got_i);
		kit_done(&k);
	}
	bt_buf_release(&want_k);
	bt_buf_release(&want_i);
}

/* ---- handoffs ------------------------------------------------------------ */

/* Every reason a handoff fails, alone and together; work events without a
 * team and events that are not work.  The dispute's SLA is 24 h.
 *   t      event                          holder before -> team   verdict
 *   0      chatbot chat, case C1           -  -> digital     (first work: none)
 *   1h     phone call, links C1, case T1   digital -> service clean: C1 held, 1 h
 *   2h     phone call                      service                (same team)
 *   3h     survey call (no team)           service                (holder keeps it)
 *   4h     billing internal, case T2       service -> billing    context_lost (T2 new;
 *                                                                  its own case is not held
 *                                                                  before it), 1 h
 *   5h     phone call, case T1, repeat     billing -> service    customer_repeated
 *   30h    chatbot chat, case C1           service -> digital    late (30h - 5h = 25 h)
 *   31h    mailer outbound                 not work
 *   31h30  survey feedback only            not work
 *   32h    phone call, repeat, no case     digital -> service    context_lost, customer_repeated
 *                                                                  (2 h after 30h: the outbound
 *                                                                  and the feedback are no work)
 *   60h    billing internal, no case       service -> billing    context_lost, late (28 h)
 * Six handoffs, one clean; context_lost 3, customer_repeated 2, late 2. */
static void handoffs_and_their_failure_reasons(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "chatbot", "dispute.chat", "'case':'C1'");
	ev(&k, "u1", HOUR, "phone", "dispute.call", "'links':['C1'],'case':'T1'");
	ev(&k, "u1", 2 * HOUR, "phone", "dispute.call", NULL);
	ev(&k, "u1", 3 * HOUR, "survey", "dispute.call", "'outcome':'unresolved'");
	ev(&k, "u1", 4 * HOUR, "billing-sys", "dispute.update", "'direction':'internal','case':'T2'");
	ev(&k, "u1", 5 * HOUR, "phone", "dispute.call", "'case':'T1','repeat':true");
	ev(&k, "u1", 30 * HOUR, "chatbot", "dispute.chat", "'case':'C1'");
	ev(&k, "u1", 31 * HOUR, "mailer", "dispute.notice", "'direction':'outbound'");
	ev(&k, "u1", 31 * HOUR + 30 * MIN, "survey", "dispute.survey", "'feedback':{'ces':3}");
	ev(&k, "u1", 32 * HOUR, "phone", "dispute.call", "'repeat':true");
	ev(&k, "u1", 60 * HOUR, "billing-sys", "dispute.update", "'direction':'internal'");
	/* u2: the instance opens with no team; the first team to work it takes
	 * it without a handoff */
	ev(&k, "u2", 0, "survey", "dispute.call", "'outcome':'unresolved'");
	ev(&k, "u2", HOUR, "phone", "dispute.call", NULL);
	kit_run(&k, KIT_LATEST);
	const struct bt_journey_kpis *j = J(&k, "dispute");
	assert_int_equal(j->handoffs, 6);
	assert_int_equal(j->clean_handoffs, 1);
	assert_int_equal(j->handoff_context_lost, 3);
	assert_int_equal(j->handoff_customer_repeated, 2);
	assert_int_equal(j->handoff_late, 2);
	assert_rate(j->handoff_success_rate, 1, 6);
	assert_rate(j->handoffs_per_instance, 6, 2);
	assert_int_equal(kit_instances(&k, "dispute", v, MAXI), 2);
	assert_int_equal(v[0].handoffs, 6);
	assert_int_equal(v[0].failed, 5);
	assert_string_equal(v[0].holder, "billing");
	assert_int_equal(v[1].handoffs, 0);
	assert_string_equal(v[1].holder, "service");
	/* the routes: digital->service 1h (clean) and 32h (context, repeat);
	 * service->billing 4h (context) and 60h (context, late);
	 * billing->service 5h (repeat); service->digital 30h (late) */
	assert_int_equal(k.k->nroutes, 4);
	const struct bt_handoff_route *r = ROUTE(&k, "dispute", "digital", "service");
	assert_non_null(r);
	assert_int_equal(r->count, 2);
	assert_int_equal(r->clean, 1);
	assert_int_equal(r->context_lost, 1);
	assert_int_equal(r->customer_repeated, 1);
	assert_int_equal(r->late, 0);
	r = ROUTE(&k, "dispute", "service", "billing");
	assert_non_null(r);
	assert_int_equal(r->count, 2);
	assert_int_equal(r->clean, 0);
	assert_int_equal(r->context_lost, 2);
	assert_int_equal(r->customer_repeated, 0);
	assert_int_equal(r->late, 1);
	r = ROUTE(&k, "dispute", "billing", "service");
	assert_non_null(r);
	assert_int_equal(r->count, 1);
	assert_int_equal(r->customer_repeated, 1);
	assert_int_equal(r->context_lost + r->late + r->clean, 0);
	r = ROUTE(&k, "dispute", "service", "digital");
	assert_non_null(r);
	assert_int_equal(r->count, 1);
	assert_int_equal(r->late, 1);
	assert_int_equal(r->context_lost + r->customer_repeated + r->clean, 0);
	/* contacts: u1's at 0, 1h, 2h, 3h, 5h, 30h, 32h; u2's two.  The survey
	 * contact at 3h has no team: it counts for the holder, service, which
	 * has 1h, 2h, 3h, 5h, 32h and u2's at 1h; u2's survey contact at 0
	 * came before any team held the work: no team's. */
	assert_int_equal(j->contacts, 9);
	assert_int_equal(TEAM(&k, "service")->contacts, 5 + 1);
	assert_int_equal(TEAM(&k, "digital")->contacts, 2);
	kit_done(&k);
}

/* ---- promises ------------------------------------------------------------ */

/* Kept, kept late, broken (within a team and across teams), open; the
 * keeper is promise.team, else the maker; the maker is the event's team,
 * else the holder's.  As of 9 h:
 *   P1  0h  service for billing, due 48h, fulfilled 2h  -> kept
 *   P2  1h  service for service, due 3h, fulfilled 3h   -> kept late (at due)
 *   P3  4h  service for billing, due 5h, unkept         -> broken, cross-team
 *   P4  4h+1s service, due 5h+1s, unkept                -> broken
 *   P5  6h  digital (chatbot), due 30h                  -> open
 *   P6  7h  survey has no team: the holder, digital; due
 *           RFC 3339 02:00 = 8h                          -> broken */
static void promises_kept_late_broken_cross_team(void **state)
{
	(void)state;
	struct kit k;
	struct kprom p[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.call", "'promise':{'id':'P1','kind':'refund','due':'48h','team':'billing'}");
	ev(&k, "u1", HOUR, "phone", "dispute.call", "'promise':{'id':'P2','kind':'callback','due':'2h'}");
	ev(&k, "u1", 2 * HOUR, "billing-sys", "dispute.refund", "'direction':'internal','fulfils':'P1'");
	ev(&k, "u1", 3 * HOUR, "phone", "dispute.call", "'fulfils':'P2'");
	ev(&k, "u1", 4 * HOUR, "phone", "dispute.call", "'promise':{'id':'P3','due':'1h','team':'billing'}");
	ev(&k, "u1", 4 * HOUR + 1, "phone", "dispute.call", "'promise':{'id':'P4','due':'1h'}");
	ev(&k, "u1", 6 * HOUR, "chatbot", "dispute.chat", "'promise':{'id':'P5','due':'1d'}");
	ev(&k, "u1", 7 * HOUR, "survey", "dispute.call",
	   "'outcome':'unresolved','promise':{'id':'P6','due':'2026-01-01T08:00:00Z'}");
	kit_run(&k, 9 * HOUR);
	const struct bt_journey_kpis *j = J(&k, "dispute");
	assert_int_equal(j->promises, 6);
	assert_int_equal(j->promises_kept, 1);
	assert_int_equal(j->promises_kept_late, 1);
	assert_int_equal(j->promises_broken, 3);
	assert_int_equal(j->cross_team_breaks, 1);
	assert_int_equal(j->promises_open, 1);
	assert_int_equal(kit_promises(&k, p, MAXI), 6);
	static const struct {
		const char *id, *status, *made_by, *keeper;
		int64_t made, due, kept;
		int cross;
	} want[] = {
		{"P1", "kept", "service", "billing", 0, 48 * HOUR, 2 * HOUR, 1},
		{"P2", "kept_late", "service", "service", HOUR, 3 * HOUR, 3 * HOUR, 0},
		{"P3", "broken", "service", "billing", 4 * HOUR, 5 * HOUR, KIT_NONE, 1},
		{"P4", "broken", "service", "service", 4 * HOUR + 1, 5 * HOUR + 1, KIT_NONE, 0},
		{"P5", "open", "digital", "digital", 6 * HOUR, 30 * HOUR, KIT_NONE, 0},
		{"P6", "broken", "digital", "digital", 7 * HOUR, 8 * HOUR, KIT_NONE, 0},
	};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(p[i].id, want[i].id);
		assert_string_equal(p[i].status, want[i].status);
		assert_string_equal(p[i].made_by, want[i].made_by);
		assert_string_equal(p[i].keeper, want[i].keeper);
		assert_string_equal(p[i].journey, "dispute");
		assert_int_equal(p[i].made, want[i].made);
		assert_int_equal(p[i].due, want[i].due);
		assert_int_equal(p[i].kept, want[i].kept);
		assert_int_equal(p[i].cross_team, want[i].cross);
	}
	/* the broken ones, for reports: P3, P4, P6 */
	struct bt_kpi_query q = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	struct bt_broken_promise *b = NULL;
	size_t nb = 0;
	struct bt_err err;
	assert_int_equal(bt_engine_broken_promises(k.e, &q, &b, &nb, &err), 0);
	assert_int_equal(nb, 3);
	bt_free(b);
	kit_done(&k);
}

/* An event that fulfils a promise keeps the earliest unkept one of that id. */
static void promise_fulfilled_keeps_the_earliest_unkept(void **state)
{
	(void)state;
	struct kit k;
	struct kprom p[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.call", "'promise':{'id':'R','due':'1h'}");        /* due 1h */
	ev(&k, "u1", 10 * MIN, "phone", "dispute.call", "'promise':{'id':'R','due':'2h'}"); /* due 2h10 */
	/* keeps the first (due 1h) at 20 min: kept */
	ev(&k, "u1", 20 * MIN, "billing-sys", "dispute.refund", "'direction':'internal','fulfils':'R'");
	/* keeps the second at 3h, after its due time: kept late */
	ev(&k, "u1", 3 * HOUR, "billing-sys", "dispute.refund", "'direction':'internal','fulfils':'R'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_promises(&k, p, MAXI), 2);
	assert_string_equal(p[0].status, "kept");
	assert_int_equal(p[0].kept, 20 * MIN);
	assert_string_equal(p[1].status, "kept_late");
	assert_int_equal(p[1].kept, 3 * HOUR);
	assert_int_equal(J(&k, "dispute")->promises_kept, 1);
	assert_int_equal(J(&k, "dispute")->promises_kept_late, 1);
	kit_done(&k);
}

/* ---- collisions ---------------------------------------------------------- */

/* An outbound message while a sensitive journey is open collides; once it
 * is resolved, not; a journey that is not sensitive never does. */
static void collision_with_an_open_sensitive_instance(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.call", NULL);
	ev(&k, "u1", HOUR, "mailer", "promo.sent", "'direction':'outbound'");             /* collides */
	ev(&k, "u1", 2 * HOUR, "phone", "dispute.call", "'outcome':'resolved'");
	ev(&k, "u1", 3 * HOUR, "mailer", "promo.sent", "'direction':'outbound'");         /* no */
	ev(&k, "u2", 0, "phone", "order.call", NULL);
	ev(&k, "u2", MIN, "mailer", "promo.sent", "'direction':'outbound'");              /* no */
	kit_run(&k, KIT_LATEST);
	assert_int_equal(k.k->collisions, 1);
	assert_int_equal(k.k->consent_collisions, 0);
	assert_int_equal(k.k->collisions_on_no_journey, 0);
	assert_int_equal(J(&k, "dispute")->collisions, 1);
	assert_int_equal(J(&k, "order")->collisions, 0);
	assert_int_equal(kit_instances(&k, "dispute", v, MAXI), 1);
	assert_int_equal(v[0].collisions, 1);
	/* charged to the sender: team marketing, source mailer */
	assert_int_equal(TEAM(&k, "marketing")->collisions, 1);
	assert_int_equal(SOURCE(&k, "mailer")->collisions, 1);
	kit_done(&k);
}

/* An unkept promise whose due time has come makes a message collide, on the
 * promise's journey (here `order`, not sensitive), whatever its purpose;
 * one on no journey collides on no journey. */
static void collision_with_an_overdue_promise(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u2", 0, "phone", "order.call", "'promise':{'id':'Q','due':'1h'}");
	ev(&k, "u2", 59 * MIN, "mailer", "promo.sent", "'direction':'outbound'");          /* not due */
	ev(&k, "u2", HOUR, "mailer", "promo.sent", "'direction':'outbound'");              /* due */
	ev(&k, "u2", HOUR + 1, "mailer", "promo.sent", "'direction':'outbound','props':{'purpose':'service'}");
	/* u5: a promise made on no journey (call.ended matches none) */
	ev(&k, "u5", 0, "phone", "call.ended", "'promise':{'id':'N','due':'1m'}");
	ev(&k, "u5", MIN, "mailer", "promo.sent", "'direction':'outbound'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(k.k->collisions, 3);
	assert_int_equal(J(&k, "order")->collisions, 2);
	assert_int_equal(k.k->collisions_on_no_journey, 1);
	assert_int_equal(k.k->consent_collisions, 0);
	kit_done(&k);
}

/* Consent: the latest statement per purpose holds, from the event that
 * makes it (on no journey here); a purpose's alias is the purpose
 * (promotion and newsletter are marketing); another purpose is not
 * affected.  Collisions by consent alone are on no journey. */
static void collision_by_withdrawn_consent(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u3", 0, "app", "app.login", "'consent':{'marketing':false}");
	ev(&k, "u3", MIN, "mailer", "promo.sent", "'direction':'outbound'");                       /* yes */
	ev(&k, "u3", 2 * MIN, "mailer", "promo.sent", "'direction':'outbound','props':{'purpose':'service'}"); /* no */
	ev(&k, "u3", 3 * MIN, "mailer", "promo.sent", "'direction':'outbound','props':{'purpose':'promotion'}"); /* yes */
	ev(&k, "u3", 4 * MIN, "app", "app.login", "'consent':{'newsletter':true}"); /* marketing again */
	ev(&k, "u3", 5 * MIN, "mailer", "promo.sent", "'direction':'outbound'");                   /* no */
	kit_run(&k, KIT_LATEST);
	assert_int_equal(k.k->collisions, 2);
	assert_int_equal(k.k->consent_collisions, 2);
	assert_int_equal(k.k->collisions_on_no_journey, 2);
	assert_int_equal(J(&k, "dispute")->collisions, 0);
	assert_int_equal(J(&k, "order")->collisions, 0);
	kit_done(&k);
}

/* A message with every reason at once counts once overall, once on each
 * journey that caused it; two open sensitive instances of one journey make
 * one collision on it. */
static void collision_counted_once_per_message(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u4", 0, "phone", "dispute.call", NULL);                                /* sensitive */
	ev(&k, "u4", MIN, "phone", "order.call", "'promise':{'id':'Z','due':'1m'}"); /* due 2 min */
	ev(&k, "u4", 2 * MIN, "app", "app.login", "'consent':{'marketing':false}");
	ev(&k, "u4", 3 * MIN, "mailer", "promo.sent", "'direction':'outbound'");
	ev(&k, "u6", 0, "phone", "dispute.opened", NULL);
	ev(&k, "u6", MIN, "phone", "dispute.opened", NULL); /* a second open dispute */
	ev(&k, "u6", 2 * MIN, "mailer", "promo.sent", "'direction':'outbound'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(k.k->collisions, 2);
	assert_int_equal(k.k->consent_collisions, 1);
	assert_int_equal(k.k->collisions_on_no_journey, 0);
	assert_int_equal(J(&k, "dispute")->collisions, 2);
	assert_int_equal(J(&k, "order")->collisions, 1);
	assert_int_equal(TEAM(&k, "marketing")->collisions, 2);
	assert_int_equal(SOURCE(&k, "mailer")->collisions, 2);
	kit_done(&k);
}

/* ---- local success versus the journey ------------------------------------ */

/* The dispute (window 7 d) of one customer:
 *   0   chatbot contained, case C1: local success of digital (L1)
 *   1d  phone call, links C1: a contact of service; the latest success,
 *       L1, is 1 d old (< 7 d) and digital's: shifted 1 by digital; L1
 *       saw a contact within its window: not true
 *   2d  phone resolved: contact; latest success still L1 (2 d): digital
 *       shifted 2; a success of service (L2)
 *   3d  billing internal resolved: the instance is resolved already; an
 *       internal success of billing (L3)
 *   4d  phone call: re-opens (rule 3); latest success L3, 1 d, billing's:
 *       billing shifted 1; L2 and L3 saw a contact: not true
 *   5d  phone resolved: latest L3, 2 d: billing shifted 2; success L4
 * As of 5d (the latest event) L4 is pending; as of 12d (5d + 7d) it is true,
 * not a second before. */
static void local_success_true_success_cost_shifted(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "chatbot", "dispute.chat", "'case':'C1','outcome':'contained'");
	ev(&k, "u1", DAY, "phone", "dispute.call", "'links':['C1']");
	ev(&k, "u1", 2 * DAY, "phone", "dispute.call", "'outcome':'resolved'");
	ev(&k, "u1", 3 * DAY, "billing-sys", "dispute.refund", "'direction':'internal','outcome':'resolved'");
	ev(&k, "u1", 4 * DAY, "phone", "dispute.call", NULL);
	ev(&k, "u1", 5 * DAY, "phone", "dispute.call", "'outcome':'resolved'");
	kit_run(&k, KIT_LATEST);
	const struct bt_local_kpis *d = TEAM(&k, "digital"), *s = TEAM(&k, "service"),
				   *b = TEAM(&k, "billing");
	assert_int_equal(d->contacts, 1);
	assert_int_equal(d->local_success, 1);
	assert_int_equal(d->true_success, 0);
	assert_int_equal(d->cost_shifted, 2);
	assert_rate(d->local_success_rate, 1, 1);
	assert_rate(d->true_success_rate, 0, 1);
	assert_int_equal(s->contacts, 4);
	assert_int_equal(s->local_success, 2);
	assert_int_equal(s->true_success, 0);
	assert_int_equal(s->cost_shifted, 0);
	assert_int_equal(b->contacts, 0);
	assert_int_equal(b->local_success, 1);
	assert_int_equal(b->internal_success, 1);
	assert_int_equal(b->true_success, 0);
	assert_int_equal(b->cost_shifted, 2);
	assert_rate(b->local_success_rate, 0, 0); /* no contacts: null */
	/* per source, the same by touchpoint */
	assert_int_equal(SOURCE(&k, "chatbot")->cost_shifted, 2);
	assert_int_equal(SOURCE(&k, "phone")->contacts, 4);
	assert_int_equal(SOURCE(&k, "billing-sys")->internal_success, 1);
	kit_run(&k, 12 * DAY - 1);
	assert_int_equal(TEAM(&k, "service")->true_success, 0);
	kit_run(&k, 12 * DAY);
	s = TEAM(&k, "service");
	assert_int_equal(s->true_success, 1);
	assert_rate(s->true_success_rate, 1, 4);
	assert_rate(s->local_success_rate, 2, 4);
	assert_int_equal(TEAM(&k, "billing")->internal_true_success, 0);
	kit_done(&k);
}

/* ---- ties in time: arrival order decides --------------------------------- */

static void ties_in_time_go_by_arrival(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	struct kprom p[MAXI];
	kit_init(&k);
	/* u1: the resolution arrives first, so the call at the same second
	 * re-opens the order (0 s < 1 h): recontacted.  u2: the call arrives
	 * first and opens it; the resolution joins it: not recontacted. */
	ev(&k, "u1", 0, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u2", MIN, "phone", "order.call", NULL);
	ev(&k, "u2", MIN, "phone", "order.call", "'outcome':'resolved'");
	/* u3: the message before the dispute's first contact: no collision;
	 * u4: after it: a collision */
	ev(&k, "u3", 2 * MIN, "mailer", "promo.sent", "'direction':'outbound'");
	ev(&k, "u3", 2 * MIN, "phone", "dispute.call", NULL);
	ev(&k, "u4", 3 * MIN, "phone", "dispute.call", NULL);
	ev(&k, "u4", 3 * MIN, "mailer", "promo.sent", "'direction':'outbound'");
	/* u6: the promise, then the refund that keeps it: kept.  u7: the
	 * refund first keeps nothing; the promise stays open. */
	ev(&k, "u6", 4 * MIN, "phone", "order.call", "'promise':{'id':'K','due':'1h'}");
	ev(&k, "u6", 4 * MIN, "billing-sys", "order.refund", "'direction':'internal','fulfils':'K'");
	ev(&k, "u7", 5 * MIN, "billing-sys", "order.refund", "'direction':'internal','fulfils':'K'");
	ev(&k, "u7", 5 * MIN, "phone", "order.call", "'promise':{'id':'K','due':'1h'}");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 4);
	assert_string_equal(v[0].id, "I1"); /* u1, opened at 0 */
	assert_true(v[0].recontacted);
	assert_string_equal(v[0].state, "open");
	assert_string_equal(v[1].id, "I3"); /* u2, opened at 1 min */
	assert_false(v[1].recontacted);
	assert_string_equal(v[1].state, "resolved");
	assert_int_equal(k.k->collisions, 1);
	assert_int_equal(kit_promises(&k, p, MAXI), 2);
	assert_string_equal(p[0].status, "kept");
	assert_string_equal(p[1].status, "open");
	kit_done(&k);
}

/* The same in a long history: a customer's events are sorted one way when
 * they are few and another when they are many (over 32), and both must
 * keep arrival order within a second.  Each customer here has 40 events:
 * the two calls of the tie at 0 and 38 survey answers after them (feedback
 * only: they change no placement). */
static void ties_in_time_in_a_long_history(void **state)
{
	(void)state;
	struct kit k;
	struct kinst v[MAXI];
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "u2", 0, "phone", "order.call", NULL);
	for (int i = 1; i <= 38; i++) {
		ev(&k, "u1", i, "survey", "order.survey", "'feedback':{'csat':3}");
		ev(&k, "u2", i, "survey", "order.survey", "'feedback':{'csat':3}");
	}
	ev(&k, "u1", 0, "phone", "order.call", NULL);                     /* re-opens */
	ev(&k, "u2", 0, "phone", "order.call", "'outcome':'resolved'"); /* resolves */
	kit_run(&k, KIT_LATEST);
	assert_int_equal(kit_instances(&k, "order", v, MAXI), 2);
	assert_string_equal(v[0].id, "I1");
	assert_true(v[0].recontacted);
	assert_string_equal(v[0].state, "open");
	assert_string_equal(v[1].id, "I2");
	assert_false(v[1].recontacted);
	assert_string_equal(v[1].state, "resolved");
	kit_done(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule1_case_joins_its_open_instance),
		cmocka_unit_test(rule1_case_reopens_its_resolved_instance),
		cmocka_unit_test(rule1_case_of_abandoned_instance_is_a_new_matter),
		cmocka_unit_test(rule2_joins_the_most_recent_open_instance),
		cmocka_unit_test(rule3_reopens_and_marks_recontacted_once),
		cmocka_unit_test(rule3_opens_on_event_reopens_a_resolved_instance),
		cmocka_unit_test(rule5_other_outcomes_leave_it_open),
		cmocka_unit_test(rule5_second_resolved_changes_nothing),
		cmocka_unit_test(rule5_abandoned_by_outcome),
		cmocka_unit_test(rule5_abandoned_by_timeout_from_the_latest_event),
		cmocka_unit_test(rule6_never_opens_or_reopens),
		cmocka_unit_test(rule6_outbound_outcome_ignored_internal_resolves),
		cmocka_unit_test(rule6_feedback_only_joins_an_abandoned_instance),
		cmocka_unit_test(rule6_promise_keeping_contact),
		cmocka_unit_test(rule6_case_names_the_instance_in_any_state),
		cmocka_unit_test(rule7_as_of_sees_only_events_up_to_t),
		cmocka_unit_test(rule8_arrival_order_does_not_matter),
		cmocka_unit_test(handoffs_and_their_failure_reasons),
		cmocka_unit_test(promises_kept_late_broken_cross_team),
		cmocka_unit_test(promise_fulfilled_keeps_the_earliest_unkept),
		cmocka_unit_test(collision_with_an_open_sensitive_instance),
		cmocka_unit_test(collision_with_an_overdue_promise),
		cmocka_unit_test(collision_by_withdrawn_consent),
		cmocka_unit_test(collision_counted_once_per_message),
		cmocka_unit_test(local_success_true_success_cost_shifted),
		cmocka_unit_test(ties_in_time_go_by_arrival),
		cmocka_unit_test(ties_in_time_in_a_long_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
