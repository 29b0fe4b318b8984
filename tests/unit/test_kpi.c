/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_kpi.c - each KPI of docs/kpis.md on
 * small cohorts worked out by hand, one customer per instance unless said
 * otherwise, with the arithmetic in the comments.  The configuration and
 * notation are those of kit.h (`order`: recontact 1 h, timeout 2 h;
 * `dispute`: 7 d, 30 d, sensitive).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kit.h"

/* States and the rates over them, as of 10 h:
 *   a  call resolved at 0                  resolved, first contact, 10 h > 1 h: successful
 *   b  call 0, call resolved 10m           resolved (ttr 600), successful, not fcr
 *   c  resolved 0, call 20m, resolved 30m  resolved, recontacted: not successful; its
 *                                          first contact resolved but it was recontacted
 *   d  call 0, call abandoned 1m           abandoned
 *   e  call 0                              abandoned by timeout at 2 h
 *   f  call 9h                             open (9 h + 2 h > 10 h)
 *   g  call resolved 9h30                  resolved, fcr; 30 min < 1 h: not yet successful
 *   h  resolved 0, call 30m                re-opened (recontacted), then timed out at 2h30
 * instances 8; open 1 (f); resolved 4 (a b c g); abandoned 3 (d e h)
 * completion 4 / (4 + 3); resolution (successful a b) 2 / 7
 * resolved at least once 5 (a b c g h); recontacted 2 (c h): 2 / 5
 * fcr: a and g (c and h were recontacted, b's first contact did not resolve): 2 / 5
 * ttr over a b c g h: 0 600 0 0 0, sorted 0 0 0 0 600; nearest rank p50 =
 * rank ceil(2.5) = 3: 0; p90 = rank ceil(4.5) = 5: 600 */
static void states_and_rates(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "a", 0, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "b", 0, "phone", "order.call", NULL);
	ev(&k, "b", 10 * MIN, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "c", 0, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "c", 20 * MIN, "phone", "order.call", NULL);
	ev(&k, "c", 30 * MIN, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "d", 0, "phone", "order.call", NULL);
	ev(&k, "d", MIN, "phone", "order.call", "'outcome':'abandoned'");
	ev(&k, "e", 0, "phone", "order.call", NULL);
	ev(&k, "f", 9 * HOUR, "phone", "order.call", NULL);
	ev(&k, "g", 9 * HOUR + 30 * MIN, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "h", 0, "phone", "order.call", "'outcome':'resolved'");
	ev(&k, "h", 30 * MIN, "phone", "order.call", NULL);
	kit_run(&k, 10 * HOUR);
	const struct bt_journey_kpis *j = J(&k, "order");
	assert_int_equal(j->instances, 8);
	assert_int_equal(j->open, 1);
	assert_int_equal(j->resolved, 4);
	assert_int_equal(j->abandoned, 3);
	assert_rate(j->completion_rate, 4, 7);
	assert_int_equal(j->successful, 2);
	assert_rate(j->resolution_rate, 2, 7);
	assert_int_equal(j->resolved_ever, 5);
	assert_rate(j->recontact_rate, 2, 5);
	assert_rate(j->fcr_rate, 2, 5);
	assert_true(j->ttr_p50_s == 0.0);
	assert_true(j->ttr_p90_s == 600.0);
	assert_int_equal(j->unowned_instances, 0);
	assert_string_equal(j->owner, "tom");
	assert_string_equal(j->owner_name, "Tom Becker");
	assert_string_equal(j->name, "Order");
	assert_true(j->defined);
	assert_false(j->sensitive);
	assert_true(J(&k, "dispute")->sensitive);
	kit_done(&k);
}

/* Nearest-rank percentiles: the value at rank ceil(p * n / 100) of the
 * sorted times to resolve.  Each order is opened by a call at 0 and
 * resolved by a second call ttr seconds later (within the 2 h timeout), or
 * by the first when ttr is 0; given out of order on purpose.
 *   n = 10: 0 60 120 300 600 900 1200 1800 3600 7000
 *           p50 = rank 5: 600 (interpolating would say 750)
 *           p90 = rank 9: 3600
 *   n = 7:  the first seven, 0 60 120 300 600 900 1200
 *           p50 = rank ceil(3.5) = 4: 300
 *           p90 = rank ceil(6.3) = 7: 1200 (rounding the rank would say 900) */
static void percentiles_of(const int64_t *ttr, int n, double p50, double p90)
{
	struct kit k;
	kit_init(&k);
	for (int i = 0; i < n; i++) {
		char who[8];
		snprintf(who, sizeof(who), "c%d", i);
		if (ttr[i])
			ev(&k, who, 0, "phone", "order.call", NULL);
		ev(&k, who, ttr[i], "phone", "order.call", "'outcome':'resolved'");
	}
	kit_run(&k, KIT_LATEST);
	const struct bt_journey_kpis *j = J(&k, "order");
	assert_int_equal(j->resolved_ever, n);
	assert_true(j->ttr_p50_s == p50);
	assert_true(j->ttr_p90_s == p90);
	assert_rate(j->fcr_rate, 1, n); /* only the order with ttr 0 */
	kit_done(&k);
}

static void ttr_percentiles_by_nearest_rank(void **state)
{
	(void)state;
	static const int64_t ten[] = {1800, 0, 7000, 120, 600, 3600, 60, 900, 300, 1200};
	static const int64_t seven[] = {900, 60, 1200, 0, 300, 120, 600};
	percentiles_of(ten, 10, 600, 3600);
	percentiles_of(seven, 7, 300, 1200);
}

/* Contacts, channels, repeats.  ux's dispute: chatbot (chat), phone (voice),
 * phone with repeat, app (app), phone with channel sms: 5 contacts, channels
 * chat voice app sms = 4, one repeat; an outbound e-mail, an internal event
 * with repeat and a survey answer are no contacts.  y's: phone (voice) and a
 * survey contact (no channel): 2 contacts, 1 channel.
 * contacts_per_instance 7 / 2; channels_per_instance (4 + 1) / 2;
 * repeat_rate 1 / 7. */
static void contacts_channels_repeats(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "ux", 0, "chatbot", "dispute.chat", NULL);
	ev(&k, "ux", HOUR, "phone", "dispute.call", NULL);
	ev(&k, "ux", 2 * HOUR, "phone", "dispute.call", "'repeat':true");
	ev(&k, "ux", 3 * HOUR, "app", "dispute.app", NULL);
	ev(&k, "ux", 4 * HOUR, "phone", "dispute.call", "'channel':'sms'");
	ev(&k, "ux", 5 * HOUR, "mailer", "dispute.notice", "'direction':'outbound'");
	ev(&k, "ux", 6 * HOUR, "billing-sys", "dispute.update", "'direction':'internal','repeat':true");
	ev(&k, "ux", 7 * HOUR, "survey", "dispute.survey", "'feedback':{'ces':2}");
	ev(&k, "uy", 0, "phone", "dispute.call", NULL);
	ev(&k, "uy", HOUR, "survey", "dispute.call", "'outcome':'unresolved'");
	kit_run(&k, KIT_LATEST);
	const struct bt_journey_kpis *j = J(&k, "dispute");
	assert_int_equal(j->instances, 2);
	assert_int_equal(j->contacts, 7);
	assert_int_equal(j->repeats, 1);
	assert_rate(j->contacts_per_instance, 7, 2);
	assert_rate(j->channels_per_instance, 4 + 1, 2);
	assert_rate(j->repeat_rate, 1, 7);
	/* no handoff in uy's; ux's: digital -> service (1h) -> digital (3h) ->
	 * service (4h) -> billing (6h): 4, all without context (no case) */
	assert_int_equal(j->handoffs, 4);
	assert_rate(j->handoffs_per_instance, 4, 2);
	assert_rate(j->handoff_success_rate, 0, 4);
	kit_done(&k);
}

/* Feedback joined to the instances.  First order: csat 5 nps 10 ces 2, then
 * csat 4 nps 9.  Second: csat 1 nps 6 ces 7, nps 7, nps 0, nps 9, nps 8.
 * A survey on no journey (csat 1) is on no instance and does not count.
 * csat (5 + 4 + 1) / 3; ces (2 + 7) / 2; nps over 7 answers: promoters 10 9
 * 9 = 3, detractors 6 0 = 2 (7 and 8 are passive): 100 * (3 - 2) / 7. */
static void feedback_csat_nps_ces(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "p", 0, "phone", "order.call", NULL);
	ev(&k, "p", MIN, "survey", "order.survey", "'feedback':{'csat':5,'nps':10,'ces':2}");
	ev(&k, "p", 2 * MIN, "survey", "order.survey", "'feedback':{'csat':4,'nps':9}");
	ev(&k, "q", 0, "phone", "order.call", NULL);
	ev(&k, "q", MIN, "survey", "order.survey", "'feedback':{'csat':1,'nps':6,'ces':7}");
	ev(&k, "q", 2 * MIN, "survey", "order.survey", "'feedback':{'nps':7}");
	ev(&k, "q", 3 * MIN, "survey", "order.survey", "'feedback':{'nps':0}");
	ev(&k, "q", 4 * MIN, "survey", "order.survey", "'feedback':{'nps':9,'comment':'ok'}");
	ev(&k, "q", 5 * MIN, "survey", "order.survey", "'feedback':{'nps':8}");
	ev(&k, "r", 0, "survey", "survey.answered", "'feedback':{'csat':1}");
	kit_run(&k, KIT_LATEST);
	const struct bt_journey_kpis *j = J(&k, "order");
	assert_rate(j->csat_avg, 5 + 4 + 1, 3);
	assert_rate(j->ces_avg, 2 + 7, 2);
	assert_rate(j->nps, 100 * (3 - 2), 7);
	/* and a journey without any: null */
	assert_rate(J(&k, "dispute")->csat_avg, 0, 0);
	assert_rate(J(&k, "dispute")->nps, 0, 0);
	assert_rate(J(&k, "dispute")->ces_avg, 0, 0);
	kit_done(&k);
}

/* Promises on the journey's instances, as of 3 h: P1 kept, P2 broken
 * (service for billing: cross-team), P3 broken (service's own), P4 open; a
 * promise made on no journey (call.ended) is on no instance and counts on
 * no journey.  promises 4, broken 2, cross_team_breaks 1. */
static void promise_counts(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "dispute.call", "'promise':{'id':'P1','due':'1h'}");
	ev(&k, "u1", MIN, "phone", "dispute.call", "'promise':{'id':'P2','due':'1h','team':'billing'}");
	ev(&k, "u1", 2 * MIN, "phone", "dispute.call", "'promise':{'id':'P3','due':'1h'}");
	ev(&k, "u1", 3 * MIN, "phone", "dispute.call", "'promise':{'id':'P4','due':'1d'}");
	ev(&k, "u1", 30 * MIN, "phone", "dispute.call", "'fulfils':'P1'");
	ev(&k, "u2", 0, "phone", "call.ended", "'promise':{'id':'P5','due':'1h'}");
	kit_run(&k, 3 * HOUR);
	const struct bt_journey_kpis *j = J(&k, "dispute");
	assert_int_equal(j->promises, 4);
	assert_int_equal(j->promises_kept, 1);
	assert_int_equal(j->promises_broken, 2);
	assert_int_equal(j->cross_team_breaks, 1);
	assert_int_equal(j->promises_open, 1);
	assert_int_equal(J(&k, "order")->promises, 0);
	kit_done(&k);
}

/* A journey named by events but not configured is tracked with the default
 * windows (recontact 7 d) and has no owner: every instance is unowned. */
static void unowned_instances(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "return.call", "'journey':'returns','outcome':'resolved'");
	ev(&k, "u1", 6 * DAY, "phone", "return.call", "'journey':'returns'"); /* < 7 d: re-opens */
	ev(&k, "u2", 0, "phone", "return.call", "'journey':'returns'");
	ev(&k, "u3", 0, "phone", "order.call", NULL);
	kit_run(&k, KIT_LATEST);
	const struct bt_journey_kpis *j = J(&k, "returns");
	assert_false(j->defined);
	assert_null(j->owner);
	assert_null(j->owner_name);
	assert_int_equal(j->instances, 2);
	assert_int_equal(j->unowned_instances, 2);
	assert_int_equal(j->recontacted, 1);
	assert_int_equal(J(&k, "order")->unowned_instances, 0);
	/* the configured journeys first, in file order, then those of the data */
	assert_int_equal(k.k->njourneys, 3);
	assert_string_equal(k.k->journeys[0].journey, "dispute");
	assert_string_equal(k.k->journeys[1].journey, "order");
	assert_string_equal(k.k->journeys[2].journey, "returns");
	kit_done(&k);
}

/* A configured journey without instances has a row whose rates are null
 * (no denominator) and whose counts are 0. */
static void rates_without_denominator_are_null(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	kit_run(&k, KIT_LATEST);
	const struct bt_journey_kpis *d = J(&k, "dispute");
	assert_int_equal(d->instances, 0);
	assert_rate(d->completion_rate, 0, 0);
	assert_rate(d->resolution_rate, 0, 0);
	assert_rate(d->recontact_rate, 0, 0);
	assert_rate(d->fcr_rate, 0, 0);
	assert_rate(d->handoffs_per_instance, 0, 0);
	assert_rate(d->handoff_success_rate, 0, 0);
	assert_rate(d->repeat_rate, 0, 0);
	assert_rate(d->contacts_per_instance, 0, 0);
	assert_rate(d->channels_per_instance, 0, 0);
	assert_rate(d->ttr_p50_s, 0, 0);
	assert_rate(d->ttr_p90_s, 0, 0);
	/* an open order: nothing resolved or abandoned yet */
	const struct bt_journey_kpis *o = J(&k, "order");
	assert_rate(o->completion_rate, 0, 0);
	assert_rate(o->recontact_rate, 0, 0);
	assert_rate(o->contacts_per_instance, 1, 1);
	assert_rate(o->handoff_success_rate, 0, 0);
	kit_done(&k);
}

/* The cohort: instances opened in [from, to); a journey alone. */
static void period_and_journey(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "a", 0, "phone", "order.call", NULL);          /* opened 0 */
	ev(&k, "b", HOUR, "phone", "order.call", NULL);       /* opened 1h */
	ev(&k, "b", 3 * HOUR, "phone", "order.call", NULL);   /* 2 h later: a new one at 3h */
	ev(&k, "c", 2 * HOUR, "phone", "dispute.call", NULL); /* opened 2h */
	ev(&k, "c", 2 * HOUR + 1, "mailer", "promo.sent", "'direction':'outbound'");
	kit_run(&k, KIT_LATEST);
	/* [1h, 3h): b's first order and c's dispute; 3h is outside */
	kit_kpis(&k, NULL, HOUR, 3 * HOUR);
	assert_int_equal(J(&k, "order")->instances, 1);
	assert_int_equal(J(&k, "dispute")->instances, 1);
	assert_int_equal(J(&k, "dispute")->collisions, 1);
	assert_int_equal(k.k->collisions, 1);
	/* [0, 1h): a's order only; the message at 2h+1 is outside the period */
	kit_kpis(&k, NULL, 0, HOUR);
	assert_int_equal(J(&k, "order")->instances, 1);
	assert_int_equal(J(&k, "dispute")->instances, 0);
	assert_int_equal(k.k->collisions, 0);
	/* from 1h on, open-ended: b's two orders */
	kit_kpis(&k, "order", HOUR, KIT_NONE);
	assert_int_equal(k.k->njourneys, 1);
	assert_int_equal(J(&k, "order")->instances, 2);
	/* a journey nobody knows */
	struct bt_kpi_query q = {"nope", BT_TIME_NONE, BT_TIME_NONE};
	struct bt_kpis *none = NULL;
	struct bt_err err;
	assert_int_equal(bt_engine_kpis(k.e, &q, &none, &err), BT_ENOTFOUND);
	assert_null(none);
	kit_done(&k);
}

/* Local versus journey, per team and source, over u1's dispute (7 d):
 *   0    chatbot contained (digital): local success L1 of digital
 *   1h   phone call (service): L1 is 1 h old and digital's: shifted 1 by
 *        digital; L1 saw a contact within its window: not true
 *   2h   billing internal, resolved: resolves; internal success L2 of billing
 *   3h   survey contact (no team), resolved: re-opens (rule 3) and resolves
 *        again; the holder, billing, does the work: a contact of billing; L2
 *        is billing's own, so nothing is shifted; L2 not true; success L3 of
 *        billing (on a contact, through source survey)
 * As of 10 d, L3 (3h) saw no contact within 7 d: true.
 *   digital: contacts 1, local 1, true 0, shifted 1; rates 1/1, 0/1
 *   service: contacts 1, local 0
 *   billing: contacts 1, local 2 (internal 1), true 1 (internal 0),
 *            shifted 0; rates (2 - 1) / 1, (1 - 0) / 1
 * Collisions are charged to the sender: u2 withdrew marketing consent and
 * gets a message from mailer (team marketing) and one from survey (no
 * team); u3 too, and gets one from mailer sent by team retention (named in
 * the event).  Overall 3; teams marketing 1, retention 1 (and one of no
 * team: 1 + 1 + 1 = 3); sources mailer 2, survey 1. */
static void local_rows(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "chatbot", "dispute.chat", "'outcome':'contained'");
	ev(&k, "u1", HOUR, "phone", "dispute.call", NULL);
	ev(&k, "u1", 2 * HOUR, "billing-sys", "dispute.refund", "'direction':'internal','outcome':'resolved'");
	ev(&k, "u1", 3 * HOUR, "survey", "dispute.call", "'outcome':'resolved'");
	ev(&k, "u2", 0, "app", "app.login", "'consent':{'marketing':false}");
	ev(&k, "u2", MIN, "mailer", "promo.sent", "'direction':'outbound'");
	ev(&k, "u2", 2 * MIN, "survey", "promo.sent", "'direction':'outbound'");
	ev(&k, "u3", 0, "app", "app.login", "'consent':{'marketing':false}");
	ev(&k, "u3", MIN, "mailer", "promo.sent", "'direction':'outbound','team':'retention'");
	kit_run(&k, 10 * DAY);
	const struct bt_local_kpis *d = TEAM(&k, "digital"), *s = TEAM(&k, "service"),
				   *b = TEAM(&k, "billing");
	assert_int_equal(d->contacts, 1);
	assert_int_equal(d->local_success, 1);
	assert_int_equal(d->true_success, 0);
	assert_int_equal(d->cost_shifted, 1);
	assert_rate(d->local_success_rate, 1, 1);
	assert_rate(d->true_success_rate, 0, 1);
	assert_int_equal(s->contacts, 1);
	assert_int_equal(s->local_success, 0);
	assert_int_equal(s->cost_shifted, 0);
	assert_int_equal(b->contacts, 1);
	assert_int_equal(b->local_success, 2);
	assert_int_equal(b->internal_success, 1);
	assert_int_equal(b->true_success, 1);
	assert_int_equal(b->internal_true_success, 0);
	assert_int_equal(b->cost_shifted, 0);
	assert_rate(b->local_success_rate, 2 - 1, 1);
	assert_rate(b->true_success_rate, 1 - 0, 1);
	/* by source: the survey contact is survey's, the refund billing-sys's */
	assert_int_equal(SOURCE(&k, "survey")->contacts, 1);
	assert_int_equal(SOURCE(&k, "survey")->local_success, 1);
	assert_int_equal(SOURCE(&k, "survey")->true_success, 1);
	assert_int_equal(SOURCE(&k, "billing-sys")->contacts, 0);
	assert_int_equal(SOURCE(&k, "billing-sys")->internal_success, 1);
	assert_int_equal(SOURCE(&k, "chatbot")->cost_shifted, 1);
	assert_int_equal(k.k->collisions, 3);
	assert_int_equal(k.k->consent_collisions, 3);
	assert_int_equal(TEAM(&k, "marketing")->collisions, 1);
	assert_int_equal(TEAM(&k, "retention")->collisions, 1);
	assert_int_equal(SOURCE(&k, "mailer")->collisions, 2);
	assert_int_equal(SOURCE(&k, "survey")->collisions, 1);
	kit_done(&k);
}

/* The rows: every configured team and touchpoint, in file order, then those
 * seen only in the data; here only service (phone) and a team named in an
 * event (zeta, from an unconfigured source x) are seen. */
static void local_rows_in_order(void **state)
{
	(void)state;
	static const char *const teams[] = {"digital", "service", "billing", "marketing", "zeta"};
	static const char *const sources[] = {"chatbot", "phone", "billing-sys", "mailer", "app", "survey", "x"};
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "x", "order.call", "'team':'zeta'");
	ev(&k, "u1", MIN, "phone", "order.call", NULL);
	kit_run(&k, KIT_LATEST);
	assert_int_equal(k.k->nteams, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(k.k->teams[i].id, teams[i]);
	assert_int_equal(k.k->nsources, 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(k.k->sources[i].id, sources[i]);
	/* an unused row has no contacts: its rates are null */
	assert_rate(TEAM(&k, "digital")->local_success_rate, 0, 0);
	assert_int_equal(TEAM(&k, "zeta")->contacts, 1);
	kit_done(&k);
}

/* Overall: events up to T, profiles, events on no instance. */
static void overall_counts(void **state)
{
	(void)state;
	struct kit k;
	kit_init(&k);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u1", MIN, "app", "app.login", NULL);           /* no journey: timeline */
	ev(&k, "email:ann@example.com", 2 * MIN, "app", "app.login", NULL); /* timeline */
	ev(&k, "u2", 3 * MIN, "phone", "dispute.call", NULL);
	ev(&k, "u2", HOUR, "phone", "dispute.call", NULL);     /* after T below */
	kit_run(&k, 30 * MIN);
	assert_int_equal(k.k->events, 4);
	assert_int_equal(k.k->profiles, 3);
	assert_int_equal(k.k->timeline_only, 2);
	kit_done(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(states_and_rates),
		cmocka_unit_test(ttr_percentiles_by_nearest_rank),
		cmocka_unit_test(contacts_channels_repeats),
		cmocka_unit_test(feedback_csat_nps_ces),
		cmocka_unit_test(promise_counts),
		cmocka_unit_test(unowned_instances),
		cmocka_unit_test(rates_without_denominator_are_null),
		cmocka_unit_test(period_and_journey),
		cmocka_unit_test(local_rows),
		cmocka_unit_test(local_rows_in_order),
		cmocka_unit_test(overall_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
