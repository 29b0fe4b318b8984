/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_windows.c - every window of docs/journeys.md and docs/kpis.md one second before,
 * exactly at, and one second after its end.  Windows are half-open
 * (docs/journeys.md): a window of length W that starts at s holds the
 * times t with t - s < W, so exactly one window later is outside.
 *
 * The journey `order` of kit.h has a recontact window of 1 h, an
 * abandonment timeout of 2 h and a handoff SLA of 10 min; promises here are
 * due 30 min after they are made.  Each case is run three times, with the
 * deciding event (or the judging time) at the window's end + d for
 * d = -1, 0, +1; `want[d + 1]` is the expected value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kit.h"

#define MAXI 8

/* A call resolves the order at 0 (with the fields first); the next call
 * (fields then) 1 h - 1 s later re-opens it; at or after 1 h it opens a
 * new one.  [instances, recontacted] */
static void recontact_window(const char *first, const char *then)
{
	static const unsigned want[] = {1, 2, 2};
	for (int d = -1; d <= 1; d++) {
		struct kit k;
		struct kinst v[MAXI];
		kit_init(&k);
		ev(&k, "u1", 0, "phone", "order.call", first);
		ev(&k, "u1", HOUR + d, "phone", "order.call", then);
		kit_run(&k, KIT_LATEST);
		assert_int_equal(kit_instances(&k, "order", v, MAXI), want[d + 1]);
		assert_int_equal(v[0].recontacted, d < 0);
		assert_string_equal(v[0].state, d < 0 ? "open" : "resolved");
		assert_int_equal(J(&k, "order")->recontacted, d < 0);
		kit_done(&k);
	}
}

/* Rule 3: the most recently resolved instance of the journey. */
static void recontact_window_by_rule3(void **state)
{
	(void)state;
	recontact_window("'outcome':'resolved'", NULL);
}

/* Rule 1: the same, by the case both calls name. */
static void recontact_window_by_rule1(void **state)
{
	(void)state;
	recontact_window("'case':'O1','outcome':'resolved'", "'case':'O1'");
}

/* Rule 5: a resolution is successful once its window has passed
 * unrecontacted: as of 1 h - 1 s not yet, from 1 h on.  [successful] */
static void success_window(void **state)
{
	(void)state;
	static const unsigned want[] = {0, 1, 1};
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", "'outcome':'resolved'");
	for (int d = -1; d <= 1; d++) {
		kit_run(&k, HOUR + d);
		assert_int_equal(J(&k, "order")->successful, want[d + 1]);
		assert_rate(J(&k, "order")->resolution_rate, want[d + 1], 1);
	}
	kit_done(&k);
}

/* §4: a containment with no further contact is a true success once its
 * window has passed.  [true_success of digital, judged at 1 h + d] */
static void true_success_window_as_of(void **state)
{
	(void)state;
	static const unsigned want[] = {0, 1, 1};
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "chatbot", "order.chat", "'outcome':'contained'");
	for (int d = -1; d <= 1; d++) {
		kit_run(&k, HOUR + d);
		assert_int_equal(TEAM(&k, "digital")->local_success, 1);
		assert_int_equal(TEAM(&k, "digital")->true_success, want[d + 1]);
	}
	kit_done(&k);
}

/* §4: a call of service 1 h - 1 s after the chatbot's containment is cost
 * the chatbot shifted, and makes the containment false; at or after 1 h it
 * shifts nothing and the containment is true.  (The order is still open:
 * its timeout is 2 h.)  [true_success, cost_shifted of digital] */
static void cost_shifted_window(void **state)
{
	(void)state;
	static const unsigned want_true[] = {0, 1, 1}, want_shifted[] = {1, 0, 0};
	for (int d = -1; d <= 1; d++) {
		struct kit k;
		kit_init(&k);
		ev(&k, "u1", 0, "chatbot", "order.chat", "'outcome':'contained'");
		ev(&k, "u1", HOUR + d, "phone", "order.call", NULL);
		kit_run(&k, KIT_LATEST);
		assert_int_equal(J(&k, "order")->instances, 1);
		assert_int_equal(TEAM(&k, "digital")->true_success, want_true[d + 1]);
		assert_int_equal(TEAM(&k, "digital")->cost_shifted, want_shifted[d + 1]);
		assert_int_equal(SOURCE(&k, "chatbot")->cost_shifted, want_shifted[d + 1]);
		kit_done(&k);
	}
}

/* Rule 5: an order whose latest event is 2 h - 1 s old is open; exactly
 * 2 h old it is abandoned.  [open, abandoned as of 2 h + d] */
static void abandonment_as_of(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	for (int d = -1; d <= 1; d++) {
		kit_run(&k, 2 * HOUR + d);
		assert_int_equal(J(&k, "order")->open, d < 0);
		assert_int_equal(J(&k, "order")->abandoned, d >= 0);
	}
	kit_done(&k);
}

/* Rule 5: the next call joins the order before the timeout and opens a new
 * one from exactly the timeout on.  [instances, abandoned] */
static void abandonment_by_the_next_event(void **state)
{
	(void)state;
	static const unsigned want[] = {1, 2, 2};
	for (int d = -1; d <= 1; d++) {
		struct kit k;
		struct kinst v[MAXI];
		kit_init(&k);
		ev(&k, "u1", 0, "phone", "order.call", NULL);
		ev(&k, "u1", 2 * HOUR + d, "phone", "order.call", NULL);
		kit_run(&k, KIT_LATEST);
		assert_int_equal(kit_instances(&k, "order", v, MAXI), want[d + 1]);
		assert_int_equal(J(&k, "order")->abandoned, d >= 0);
		assert_string_equal(v[0].state, d < 0 ? "open" : "abandoned");
		kit_done(&k);
	}
}

/* After the customer's first event (source, type, extra) at 0, does a
 * marketing message at t collide?  want: 1 or 0, overall and on journey. */
static void assert_message_collides(const char *source, const char *type, const char *extra,
				    const char *journey, int64_t t, unsigned want)
{
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, source, type, extra);
	ev(&k, "u1", t, "mailer", "promo.sent", "'direction':'outbound'");
	kit_run(&k, KIT_LATEST);
	assert_int_equal(k.k->collisions, want);
	assert_int_equal(J(&k, journey)->collisions, want);
	kit_done(&k);
}

/* Rule 5 and collisions: a message to a customer whose dispute (sensitive,
 * timeout 30 d) saw its latest event 30 d - 1 s ago collides; at 30 d the
 * dispute is abandoned and nothing collides.  [collisions] */
static void abandonment_ends_the_sensitive_collision(void **state)
{
	(void)state;
	for (int d = -1; d <= 1; d++)
		assert_message_collides("phone", "dispute.call", NULL, "dispute", 30 * DAY + d, d < 0);
}

/* Handoffs: the call that links the chat's case 10 min - 1 s later is a
 * clean handoff; from exactly 10 min on it is late.  [clean, late] */
static void handoff_sla(void **state)
{
	(void)state;
	for (int d = -1; d <= 1; d++) {
		struct kit k;
		kit_init(&k);
		ev(&k, "u1", 0, "chatbot", "order.chat", "'case':'O1'");
		ev(&k, "u1", 10 * MIN + d, "phone", "order.call", "'links':['O1']");
		kit_run(&k, KIT_LATEST);
		const struct bt_journey_kpis *j = J(&k, "order");
		assert_int_equal(j->handoffs, 1);
		assert_int_equal(j->clean_handoffs, d < 0);
		assert_int_equal(j->handoff_late, d >= 0);
		assert_int_equal(j->handoff_context_lost, 0);
		kit_done(&k);
	}
}

#define PROMISE "'promise':{'id':'P','kind':'refund','due':'30m','team':'billing'}"

/* Promises: kept before the due time; kept late from exactly the due time
 * on.  [kept, kept_late] */
static void promise_due_when_kept(void **state)
{
	(void)state;
	for (int d = -1; d <= 1; d++) {
		struct kit k;
		kit_init(&k);
		ev(&k, "u1", 0, "phone", "order.call", PROMISE);
		ev(&k, "u1", 30 * MIN + d, "billing-sys", "order.refund", "'direction':'internal','fulfils':'P'");
		kit_run(&k, KIT_LATEST);
		assert_int_equal(J(&k, "order")->promises_kept, d < 0);
		assert_int_equal(J(&k, "order")->promises_kept_late, d >= 0);
		assert_int_equal(J(&k, "order")->promises_broken, 0);
		kit_done(&k);
	}
}

/* Promises: unkept, open before the due time and broken from it on; made by
 * service for billing, so the break is cross-team.  [broken as of] */
static void promise_due_when_unkept(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", PROMISE);
	for (int d = -1; d <= 1; d++) {
		kit_run(&k, 30 * MIN + d);
		assert_int_equal(J(&k, "order")->promises_broken, d >= 0);
		assert_int_equal(J(&k, "order")->cross_team_breaks, d >= 0);
		assert_int_equal(J(&k, "order")->promises_open, d < 0);
	}
	kit_done(&k);
}

/* Collisions: a message collides with the unkept promise from its due time
 * on (the order is not sensitive, so nothing else collides).
 * [collisions] */
static void promise_due_collision(void **state)
{
	(void)state;
	for (int d = -1; d <= 1; d++)
		assert_message_collides("phone", "order.call", PROMISE, "order", 30 * MIN + d, d >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recontact_window_by_rule3),
		cmocka_unit_test(recontact_window_by_rule1),
		cmocka_unit_test(success_window),
		cmocka_unit_test(true_success_window_as_of),
		cmocka_unit_test(cost_shifted_window),
		cmocka_unit_test(abandonment_as_of),
		cmocka_unit_test(abandonment_by_the_next_event),
		cmocka_unit_test(abandonment_ends_the_sensitive_collision),
		cmocka_unit_test(handoff_sla),
		cmocka_unit_test(promise_due_when_kept),
		cmocka_unit_test(promise_due_when_unkept),
		cmocka_unit_test(promise_due_collision),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
