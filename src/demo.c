/* SPDX-License-Identifier: Apache-2.0 */
/*
 * demo.c - a realistic, deterministic multi-channel history for `baton demo`
 * and the benchmarks: a telecom operator (configuration: examples/demo.yaml,
 * built into the binary) whose customers go through onboarding, technical
 * support, billing disputes, complaints, renewals and an unowned "moving
 * home" journey, with the failures baton is there to show, at realistic
 * rates:
 *
 *  - the chatbot "contains" ~35% of support chats and resolves ~35%, but
 *    ~55% of the contained customers call within days, and ~15% of the
 *    resolved ones call back inside the recontact window;
 *  - ~35% of IVR-to-agent transfers lose the case reference, and the
 *    customer repeats themselves on most of those;
 *  - refunds promised by the contact center: billing issues ~55% on time,
 *    ~25% late and ~20% never, and those customers call again;
 *  - weekly promotions go to a third of customers regardless of open
 *    complaints, disputes or withdrawn consent (~6% withdrew it);
 *  - field service is slow: its visits follow 2-4 days after the call;
 *  - from BT_DEMO_CALLBACK_DAYS before the end, billing schedules a callback
 *    for each dispute (the demo's initiative that works): ~85% of the
 *    refunds that would have come late or never come on time.  Those
 *    customers' other draws are made as before (the old story is drawn and
 *    not emitted), so every other event of the history stays as it was.
 *  - a upgrade promotion a month before the end (a campaign of the
 *    change calendar) brings a spike of calls about bills and of chats.
 *
 * Each customer has an e-mail, a phone and a customer id; every channel
 * knows only some of them, in its own format (case, spaces), so identity
 * resolution has real work.  A CRM sync links them for ~90% of customers:
 * for most before they get in touch, for some only after their channels
 * made separate profiles of them (merges across channels), and for a few
 * in a nightly batch that arrives after everything else (a late merge:
 * their instances are derived again as one customer's).  The rest stay
 * split across channels, as siloed data does.  ~2% of customers share
 * the phone of the customer before them (a household): the CRM sync that
 * would join two customer ids is refused and kept as a conflict.  A few
 * records are broken on purpose (a typo, a junk identifier) so dead
 * letters show up too.
 *
 * The history covers the six months before options.end and stops there:
 * the customers who got in touch last are in the middle of their stories,
 * with open instances, promises coming due and owners with work in their
 * queues.  The same seed and end always give the same events, byte for
 * byte.
 */
#include "baton/demo.h"

#include "baton/buf.h"
#include "util/time.h"

#include <stdio.h>
#include <string.h>

extern const char bt__demo_config[];

const char *bt_demo_config(void) { return bt__demo_config; }

struct gen {
	uint64_t s;
	struct bt_buf b;
	bt_demo_emit_fn emit;
	void *ctx;
	uint64_t n;
	int rc;
	int64_t end, ts; /* nothing after end is emitted; ts: the event being built */
	struct bt_buf late; /* the nightly CRM batch, emitted after everything */
	size_t nlate;
	/* the customer being generated */
	unsigned c;
	char email[64], phone[32], cid[16], uid[16], prev_phone[32];
	int no_marketing;
	/* the callback initiative: disputes from callback_from on; muted: the
	 * events drawn are not emitted (muted counts them), extra those emitted
	 * instead, numbered apart */
	int64_t callback_from;
	int mute;
	uint64_t muted, extra;
	/* value at stake: how the customer's stories went (failures count up),
	 * the time of their latest event, and a generator of its own for the
	 * bills and the churn, so that the rest of the history stays the same
	 * event for event */
	unsigned bad, stories;
	int64_t last;
	uint64_t vs;
	/* the sources below integrated (audit_sources): a random stream and
	 * event numbers of their own */
	uint64_t s_audit, n_audit;
};

static uint64_t rnd(struct gen *g) /* splitmix64 */
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned pick(struct gen *g, unsigned n) { return (unsigned)(rnd(g) % n); }

static unsigned vpick(struct gen *g, unsigned n) /* the value generator: splitmix64 too */
{
	uint64_t z = (g->vs += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (unsigned)((z ^ (z >> 31)) % n);
}
static int chance(struct gen *g, unsigned pct) { return pick(g, 1000) < pct * 10; }
static int64_t hours(struct gen *g, unsigned lo, unsigned hi)
{
	return ((int64_t)lo * 60 + (int64_t)pick(g, (hi - lo) * 60 + 1)) * 60000;
}

#define H(x) ((int64_t)(x) * 3600000)
#define D(x) ((int64_t)(x) * 86400000)

enum { ID_EMAIL = 1, ID_PHONE = 2, ID_CID = 4, ID_UID = 8 };

/* Start an event: {"id":..,"ts":..,"source":..,"type":..,"ids":{..} */
static void begin(struct gen *g, int64_t ts, const char *source, const char *type, int ids)
{
	char t[32];
	struct bt_buf *b = &g->b;
	bt_buf_reset(b);
	g->ts = ts;
	bt_time_format(ts, t);
	bt_buf_printf(b, "{\"id\":\"demo-%llu\",\"ts\":\"%s\",\"source\":\"%s\",\"type\":\"%s\",\"ids\":{",
		      (unsigned long long)g->n, t, source, type);
	const char *sep = "";
	if (ids & ID_CID)
		bt_buf_printf(b, "%s\"customer_id\":\"%s\"", sep, g->cid), sep = ",";
	if (ids & ID_UID)
		bt_buf_printf(b, "%s\"user_id\":\"%s\"", sep, g->uid), sep = ",";
	if (ids & ID_EMAIL) {
		/* channels write e-mails their own way */
		char e[64];
		size_t n = strlen(g->email);
		memcpy(e, g->email, n + 1);
		if (chance(g, 20) && e[0] >= 'a' && e[0] <= 'z')
			e[0] = (char)(e[0] - 'a' + 'A');
		bt_buf_printf(b, "%s\"email\":\"%s\"", sep, e), sep = ",";
	}
	if (ids & ID_PHONE) {
		if (chance(g, 50))
			bt_buf_printf(b, "%s\"phone\":\"+44 %.4s %s\"", sep, g->phone + 3, g->phone + 7);
		else
			bt_buf_printf(b, "%s\"phone\":\"%s\"", sep, g->phone);
	}
	bt_buf_addc(b, '}');
}

static void field(struct gen *g, const char *k, const char *v)
{
	bt_buf_printf(&g->b, ",\"%s\":\"%s\"", k, v);
}

/* Emit the event built in g->b, unless it lies after the end. */
static void put(struct gen *g)
{
	if (g->mute) {
		g->muted += g->ts <= g->end;
		g->n++;
		return;
	}
	if (!g->rc && g->ts <= g->end) {
		g->rc = g->emit(g->ctx, g->b.data, g->b.len);
		g->extra += g->n >= UINT64_C(1) << 40;
	}
	if (g->ts > g->last)
		g->last = g->ts;
	g->n++;
}

static void end(struct gen *g)
{
	bt_buf_addc(&g->b, '}');
	put(g);
}

/* A detractor's follow-up (docs/followups.md): the contact center calls
 * back ~45% in time (2-40 h after the answer), ~25% late (50-90 h) and
 * never the rest.  Decided by a hash of the customer and the time, not the
 * generator, so that every other event stays as it was. */
static void call_back(struct gen *g, int64_t ts, const char *journey)
{
	uint64_t h = ((uint64_t)g->c + 1) * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts;
	h ^= h >> 29, h *= 0xbf58476d1ce4e5b9ull, h ^= h >> 32;
	unsigned fate = (unsigned)(h % 100), off = (unsigned)(h >> 8) % 39;
	char t[32];
	if (fate >= 70)
		return;
	int64_t at = ts + (fate < 45 ? H(2 + off) : H(50 + off));
	bt_time_format(at, t);
	bt_buf_reset(&g->b);
	g->ts = at;
	bt_buf_printf(&g->b, "{\"id\":\"demo-%llu\",\"ts\":\"%s\",\"source\":\"contact-center\","
			     "\"type\":\"callback.made\",\"ids\":{\"email\":\"%s\"},\"journey\":\"%s\","
			     "\"direction\":\"outbound\",\"props\":{\"purpose\":\"service\"}}",
		      (unsigned long long)g->n, t, g->email, journey);
	put(g);
}

static void feedback(struct gen *g, int64_t ts, const char *journey, int good)
{
	if (!chance(g, 35))
		return;
	begin(g, ts, "survey", "survey.answered", ID_EMAIL);
	field(g, "journey", journey);
	int csat = good ? 4 + (int)pick(g, 2) : 1 + (int)pick(g, 3);
	int nps = good ? 7 + (int)pick(g, 4) : (int)pick(g, 7);
	int ces = good ? 1 + (int)pick(g, 3) : 4 + (int)pick(g, 4);
	bt_buf_printf(&g->b, ",\"feedback\":{\"csat\":%d,\"nps\":%d,\"ces\":%d", csat, nps, ces);
	if (!good) { /* what half of the unhappy ones write (a hash: the generator is left alone) */
		static const char *const said[] = {
			"I had to explain everything again to the second person.",
			"Nobody called me back as promised.",
			"Still waiting for the refund, this is unacceptable.",
			"Thinking about whether to cancel my contract.",
		};
		uint64_t x = ((uint64_t)g->c + 7) * 0xbf58476d1ce4e5b9ull ^ (uint64_t)ts;
		x ^= x >> 31;
		if (x % 2)
			bt_buf_printf(&g->b, ",\"comment\":\"%s\"", said[(x >> 8) % 4]);
	}
	bt_buf_addc(&g->b, '}');
	end(g);
	if (!good)
		call_back(g, ts, journey);
}

static void onboarding(struct gen *g, int64_t t)
{
	begin(g, t, "web", "signup.started", ID_EMAIL | ID_UID);
	end(g);
	g->stories++;
	if (chance(g, 18)) {
		g->bad++;
		return; /* never finished: abandoned by timeout */
	}
	t += hours(g, 1, 72);
	begin(g, t, "app", "signup.completed", ID_UID | ID_EMAIL);
	field(g, "outcome", "resolved");
	end(g);
	feedback(g, t + H(2), "onboarding", 1);
}

/* A call through the IVR to an agent; the transfer may lose the case. */
static int64_t agent_call(struct gen *g, int64_t t, const char *journey, const char *caseref,
			  const char *outcome, const char *extra)
{
	char agent_case[32];
	int lost = chance(g, 35);
	begin(g, t, "ivr", journey[0] == 't' ? "support.ivr" : "call.ivr", ID_PHONE);
	field(g, "journey", journey);
	if (caseref && chance(g, 50)) /* the customer typed in their reference */
		bt_buf_printf(&g->b, ",\"links\":[\"%s\"]", caseref);
	field(g, "outcome", "transferred");
	end(g);
	t += hours(g, 0, 1) + 60000;
	begin(g, t, "contact-center", journey[0] == 't' ? "support.call" : "call.ended", ID_PHONE | ID_CID);
	field(g, "journey", journey);
	snprintf(agent_case, sizeof(agent_case), "T-%u-%llu", g->c, (unsigned long long)g->n);
	if (!lost) {
		field(g, "case", agent_case);
		if (caseref)
			bt_buf_printf(&g->b, ",\"links\":[\"%s\"]", caseref);
	}
	if (lost ? chance(g, 75) : chance(g, 8))
		bt_buf_adds(&g->b, ",\"repeat\":true");
	g->bad += 2 * (unsigned)lost; /* a lost case weighs as much as a late refund */
	field(g, "outcome", outcome);
	if (extra)
		bt_buf_adds(&g->b, extra);
	end(g);
	return t;
}

static void support(struct gen *g, int64_t t)
{
	char chat_case[32];
	snprintf(chat_case, sizeof(chat_case), "CH-%u-%llu", g->c, (unsigned long long)g->n);
	begin(g, t, "chatbot", "support.chat", ID_EMAIL);
	field(g, "case", chat_case);
	unsigned kind = pick(g, 100); /* 0-34 resolved, 35-69 contained, 70- transferred */
	field(g, "outcome", kind < 35 ? "resolved" : kind < 70 ? "contained" : "transferred");
	end(g);
	if (kind < 35 && !chance(g, 15)) {
		feedback(g, t + H(1), "technical-support", 1);
		return; /* solved in the chat */
	}
	if (kind >= 35 && kind < 70 && !chance(g, 55))
		return; /* contained, and nobody knows whether it helped */
	int64_t gap = kind < 70 ? hours(g, 20, 120) : hours(g, 0, 1);
	t += gap;
	g->bad += gap >= H(24) ? 2 : 0; /* days with a fault the chat did not fix: a late handoff */
	int visit = chance(g, 25);
	t = agent_call(g, t, "technical-support", chat_case, visit ? "unresolved" : "resolved", NULL);
	if (visit) { /* the slow team: field service comes 2-4 days later */
		t += hours(g, 48, 96);
		begin(g, t, "field-ops", "visit.completed", ID_CID);
		field(g, "outcome", "resolved");
		end(g);
	}
	g->stories++;
	if (chance(g, 12) && ++g->bad) /* the fault came back within days */
		t = agent_call(g, t + hours(g, 24, 144), "technical-support", NULL, "resolved", NULL);
	feedback(g, t + H(3), "technical-support", kind >= 70);
}

static void dispute_refund(struct gen *g, int64_t t, const char *d, const char *pr, unsigned fate);

static void dispute(struct gen *g, int64_t t)
{
	char d[32], pr[32], extra[160];
	snprintf(d, sizeof(d), "D-%u-%llu", g->c, (unsigned long long)g->n);
	snprintf(pr, sizeof(pr), "PR-%u-%llu", g->c, (unsigned long long)g->n);
	begin(g, t, "web", "dispute.opened", ID_EMAIL | ID_UID);
	field(g, "case", d);
	end(g);
	t += hours(g, 2, 48);
	snprintf(extra, sizeof(extra),
		 ",\"promise\":{\"id\":\"%s\",\"kind\":\"refund\",\"due\":\"48h\",\"team\":\"billing\"}", pr);
	t = agent_call(g, t, "billing-dispute", d, "unresolved", extra);
	unsigned fate = pick(g, 100);
	g->stories++;
	if (fate >= 55 && t >= g->callback_from) {
		/* the callback: drawn on a stream of its own, so that the main
		 * stream goes on as if the old story had happened */
		struct gen h = *g;
		h.s = g->s ^ 0xc0ffee5eedull;
		if (chance(&h, 85)) {
			g->mute++;
			dispute_refund(g, t, d, pr, fate);
			g->mute--;
			h.b = g->b; /* (the buffer is shared) */
			h.n = (UINT64_C(1) << 40) + g->n * 8; /* ids of their own */
			int64_t when = t + hours(&h, 4, 46);
			begin(&h, when, "billing-sys", "refund.issued", ID_CID);
			field(&h, "direction", "internal");
			field(&h, "case", d);
			field(&h, "fulfils", pr);
			field(&h, "outcome", "resolved");
			bt_buf_adds(&h.b, ",\"props\":{\"callback\":\"scheduled\"}");
			end(&h);
			feedback(&h, when + H(24), "billing-dispute", 1);
			g->b = h.b, g->rc = h.rc, g->extra = h.extra;
			if (h.last > g->last)
				g->last = h.last;
			return;
		}
	}
	dispute_refund(g, t, d, pr, fate);
}

/* What billing does about a dispute's refund, by its fate (0-99). */
static void dispute_refund(struct gen *g, int64_t t, const char *d, const char *pr, unsigned fate)
{
	if (!g->mute)
		g->bad += fate >= 55 ? 2 : 0; /* a refund late or never */
	if (fate < 80) { /* billing issues the refund: on time, or late */
		int64_t when = t + (fate < 55 ? hours(g, 4, 46) : hours(g, 50, 140));
		begin(g, when, "billing-sys", "refund.issued", ID_CID);
		field(g, "direction", "internal");
		field(g, "case", d);
		field(g, "fulfils", pr);
		field(g, "outcome", "resolved");
		end(g);
		feedback(g, when + H(24), "billing-dispute", fate < 55);
	} else { /* never: the customer calls again, then complains */
		t += hours(g, 72, 120);
		agent_call(g, t, "billing-dispute", d, "unresolved", NULL);
		if (chance(g, 60)) {
			begin(g, t + H(1), "contact-center", "complaint.logged", ID_PHONE | ID_CID);
			field(g, "journey", "complaint");
			field(g, "outcome", "unresolved");
			end(g);
		}
	}
}

static void complaint(struct gen *g, int64_t t)
{
	g->stories++, g->bad++;
	begin(g, t, "contact-center", "complaint.logged", ID_PHONE | ID_CID);
	field(g, "outcome", "unresolved");
	end(g);
	t += hours(g, 72, 240);
	begin(g, t, "contact-center", "complaint.closed", ID_PHONE | ID_CID);
	field(g, "outcome", "resolved");
	end(g);
	feedback(g, t + H(6), "complaint", chance(g, 40));
}

static void renewal(struct gen *g, int64_t t)
{
	begin(g, t, "email", "renewal.offer", ID_EMAIL);
	field(g, "direction", "outbound");
	bt_buf_adds(&g->b, ",\"props\":{\"purpose\":\"service\",\"campaign\":\"renewal\"}");
	end(g);
	if (chance(g, 60)) {
		begin(g, t + hours(g, 24, 200), "web", "renewal.completed", ID_EMAIL | ID_UID);
		field(g, "outcome", "resolved");
		bt_buf_adds(&g->b, ",\"props\":{\"revenue\":120}"); /* the year's upgrade */
		end(g);
	}
}

static void moving_home(struct gen *g, int64_t t)
{
	begin(g, t, "store", "move.requested", ID_PHONE);
	field(g, "journey", "moving-home");
	field(g, "outcome", "transferred");
	end(g);
	begin(g, t + hours(g, 24, 200), "contact-center", "move.call", ID_PHONE | ID_CID);
	field(g, "journey", "moving-home");
	field(g, "outcome", chance(g, 70) ? "resolved" : "unresolved");
	end(g);
}

static void broken_records(struct gen *g, int64_t t)
{
	if (chance(g, 1)) { /* a typo in a field name */
		begin(g, t, "web", "page.viewed", ID_EMAIL);
		bt_buf_adds(&g->b, ",\"jurney\":\"onboarding\"");
		end(g);
	}
	if (chance(g, 1)) { /* a form that only knew junk */
		bt_buf_reset(&g->b);
		bt_buf_printf(&g->b, "{\"id\":\"demo-%llu\",\"ts\":%lld,\"source\":\"web\",\"type\":\"form.submitted\",\"ids\":{\"email\":\"null\",\"phone\":\"0000000\"}}",
			      (unsigned long long)g->n, (long long)(t / 1000));
		g->ts = t;
		put(g);
	}
}

static void crm_sync(struct gen *g, int64_t t)
{
	begin(g, t, "crm", "account.synced", ID_CID | ID_UID | ID_EMAIL | ID_PHONE);
	field(g, "direction", "internal");
	end(g);
}

/* One event of a source the data audit shows below integrated, under one
 * identifier alone, unless it lies after the end. */
static void audit_event(struct gen *g, int64_t ts, const char *source, const char *type,
			const char *id_type, const char *id, const char *more)
{
	char t[32];
	bt_time_format(ts, t);
	bt_buf_reset(&g->b);
	bt_buf_printf(&g->b, "{\"id\":\"demo-a%llu\",\"ts\":\"%s\",\"source\":\"%s\",\"type\":\"%s\","
			     "\"ids\":{\"%s\":\"%s\"}%s}",
		      (unsigned long long)g->n_audit++, t, source, type, id_type, id, more);
	if (!g->rc && ts <= g->end)
		g->rc = g->emit(g->ctx, g->b.data, g->b.len);
}

/*
 * The sources that the data audit (docs/audit.md) finds less than
 * integrated, on a random stream of their own so that every other event
 * stays what it was:
 *  - social: complaints on social media, 60% from the e-mail the customer
 *    is known by, the rest under a social handle that nothing else knows
 *    (shared: L2; their complaints are new customers' as far as baton
 *    can tell, as siloed data makes them);
 *  - loyalty: points under the loyalty card number alone, though the
 *    platform holds the phone as the IVR and the stores do (siloed: L1,
 *    a quick win);
 *  - partner: the installer partner's visits under its own job reference
 *    (siloed: L1, no identifier in common).
 */
static void audit_sources(struct gen *g, int64_t t0)
{
	uint64_t main_stream = g->s;
	char id[32];
	g->s = g->s_audit; /* pick, chance and hours draw from it meanwhile */
	if (chance(g, 10)) {
		int known = chance(g, 60);
		snprintf(id, sizeof(id), "@%.3s%u", g->email, g->c);
		audit_event(g, t0 + hours(g, 24, 24 * 40), "social", "complaint.posted",
			    known ? "email" : "social_handle", known ? g->email : id,
			    ",\"direction\":\"inbound\"");
	}
	if (chance(g, 15)) {
		snprintf(id, sizeof(id), "LC-%u", 500000 + g->c);
		for (unsigned i = 0, n = 1 + pick(g, 3); i < n; i++)
			audit_event(g, t0 + hours(g, 0, 24 * 60), "loyalty", "loyalty.points_earned",
				    "loyalty_id", id, "");
	}
	if (chance(g, 5)) {
		snprintf(id, sizeof(id), "JOB-%u", 70000 + g->c);
		audit_event(g, t0 + hours(g, 24, 24 * 30), "partner", "support.partner_visit",
			    "partner_ref", id, ",\"outcome\":\"resolved\"");
	}
	g->s_audit = g->s;
	g->s = main_stream;
}

/* Value at stake (docs/insight.md): the customer pays a monthly bill
 * (props.revenue) after their stories, unless they close the account
 * (account.closed): a customer whose stories went wrong closes it far more
 * often (15% and more, against 4%) and pays a smaller bill meanwhile. */
static void bills(struct gen *g)
{
	static const char *const plan[4] = {"30", "40", "50", "60"};
	if (!g->stories)
		return;
	int bad = g->bad > 0;
	unsigned p = bad ? (g->bad > 2 ? 70 : 15 + 20 * g->bad) : 4;
	/* trouble: closed a month or two after the last event (after an
	 * abandonment has run out, within 90 days of it); otherwise any time */
	int64_t churn = vpick(g, 100) < p ? g->last + D(bad ? 31 + vpick(g, 50) : 3 + vpick(g, 120)) : 0;
	int64_t t = g->last + D(1 + vpick(g, 20));
	for (int m = 0; m < 4 && (!churn || t < churn); m++, t += D(30)) {
		begin(g, t, "billing-sys", "bill.paid", ID_CID);
		field(g, "direction", "internal");
		bt_buf_printf(&g->b, ",\"props\":{\"revenue\":%s.%s}", bad ? plan[(g->c % 4) / 2] : plan[g->c % 4],
			      bad ? "50" : "00"); /* a cheaper plan after trouble */
		end(g);
	}
	if (churn) {
		begin(g, churn, "billing-sys", "account.closed", ID_CID);
		field(g, "direction", "internal");
		end(g);
	}
}

/* the nightly batch holds at most this many events (memory stays small
 * for any number of customers; later ones are synced at once) */
#define LATE_MAX 100000

static void customer(struct gen *g, int64_t start, int64_t span)
{
	static const char *const names[] = {"ann", "bob", "cho", "dev", "eva", "fin", "gus", "hana", "ivo", "jo"};
	snprintf(g->email, sizeof(g->email), "%s.%u@example.com", names[g->c % 10], g->c);
	snprintf(g->phone, sizeof(g->phone), "+447%03u%06u", 700 + (g->c / 1000000) % 300, g->c % 1000000);
	snprintf(g->cid, sizeof(g->cid), "C-%u", 100000 + g->c);
	snprintf(g->uid, sizeof(g->uid), "u-%u", g->c);
	if (g->c && chance(g, 2)) /* a household: the phone of the customer before */
		memcpy(g->phone, g->prev_phone, sizeof(g->phone));
	memcpy(g->prev_phone, g->phone, sizeof(g->phone));
	g->no_marketing = chance(g, 6);
	g->bad = g->stories = 0, g->last = INT64_MIN;
	g->vs = (uint64_t)g->c * 0xd1b54a32d192ed03ull + g->s;
	int64_t t0 = start + (int64_t)(rnd(g) % (uint64_t)(span - D(2)));
	/* the CRM knows all of the customer's identifiers: synced before they
	 * get in touch, after (their channels made profiles of their own, to
	 * be merged), or in the nightly batch that comes last */
	unsigned sync = pick(g, 100); /* 0-59 before, 60-79 after, 80-89 late, 90- never */
	if (sync < 60)
		crm_sync(g, t0 - H(24));
	if (g->no_marketing) {
		begin(g, t0, "app", "preferences.updated", ID_UID);
		bt_buf_adds(&g->b, ",\"consent\":{\"marketing\":false}");
		end(g);
	}
	if (chance(g, 25))
		onboarding(g, t0 + H(1));
	if (chance(g, 55))
		support(g, t0 + hours(g, 24, 24 * 30));
	if (chance(g, 22))
		dispute(g, t0 + hours(g, 24, 24 * 30));
	if (chance(g, 12))
		complaint(g, t0 + hours(g, 24, 24 * 30));
	if (chance(g, 20))
		renewal(g, t0 + hours(g, 24, 24 * 30));
	if (chance(g, 6))
		moving_home(g, t0 + hours(g, 24, 24 * 30));
	broken_records(g, t0 + H(5));
	bills(g);
	audit_sources(g, t0);
	/* the weekly promotion, sent to whoever is in the segment */
	for (int w = 0; w < 3; w++)
		if (chance(g, 33)) {
			begin(g, t0 + D(7 * w) + hours(g, 0, 24 * 7), "email", "promo.sent", ID_EMAIL);
			field(g, "direction", "outbound");
			bt_buf_adds(&g->b, ",\"props\":{\"purpose\":\"marketing\",\"campaign\":\"spring-upgrade\"}");
			end(g);
		}
	if (sync >= 60 && sync < 80)
		crm_sync(g, t0 + hours(g, 1, 24 * 10));
	else if (sync >= 80 && sync < 90) { /* held back for the nightly batch */
		begin(g, t0 + hours(g, 1, 24 * 10), "crm", "account.synced",
		      ID_CID | ID_UID | ID_EMAIL | ID_PHONE);
		field(g, "direction", "internal");
		bt_buf_addc(&g->b, '}');
		if (g->ts > g->end || g->nlate >= LATE_MAX)
			put(g); /* (past the end: dropped) */
		else if (!g->rc && !(g->rc = bt_buf_add(&g->late, g->b.data, g->b.len + 1)))
			g->nlate++, g->n++;
	}
}

int64_t bt_demo_campaign_date(int64_t end)
{
	return end - end % D(1) - D(BT_DEMO_CAMPAIGN_DAYS) + H(9);
}

/* The upgrade promotion (the change calendar's campaign, dated
 * BT_DEMO_CAMPAIGN_DAYS before the end: cmd_demo.c registers it): in the
 * two weeks after it, ~12% of customers call about the price on their bill
 * (billing-dispute, the contact center) and ~6% ask the chatbot how to
 * upgrade (technical-support, digital), most in its first three days.
 * Generated after every customer's story, so those stay as they were. */
static void campaign_spike(struct gen *g, unsigned customers)
{
	static const char *const names[] = {"ann", "bob", "cho", "dev", "eva", "fin", "gus", "hana", "ivo", "jo"};
	int64_t date = bt_demo_campaign_date(g->end);
	for (unsigned c = 0; c < customers && !g->rc; c++) {
		g->c = c;
		snprintf(g->email, sizeof(g->email), "%s.%u@example.com", names[c % 10], c);
		snprintf(g->cid, sizeof(g->cid), "C-%u", 100000 + c);
		if (chance(g, 12)) {
			int64_t t = date + (chance(g, 60) ? hours(g, 0, 72) : hours(g, 72, 24 * 14 - 1));
			begin(g, t, "contact-center", "call.ended", ID_CID);
			field(g, "journey", "billing-dispute");
			bt_buf_adds(&g->b, ",\"props\":{\"campaign\":\"spring-upgrade\"}");
			field(g, "outcome", chance(g, 70) ? "resolved" : "unresolved");
			end(g);
		}
		if (chance(g, 6)) {
			int64_t t = date + (chance(g, 60) ? hours(g, 0, 72) : hours(g, 72, 24 * 14 - 1));
			begin(g, t, "chatbot", "support.chat", ID_EMAIL);
			bt_buf_adds(&g->b, ",\"props\":{\"campaign\":\"spring-upgrade\"}");
			field(g, "outcome", chance(g, 50) ? "contained" : "resolved");
			end(g);
		}
	}
}

int bt_demo_generate(const struct bt_demo_options *o, bt_demo_emit_fn emit, void *ctx,
		     uint64_t *events)
{
	struct gen g = {.s = o->seed * 0x9e3779b97f4a7c15ull + 1, .emit = emit, .ctx = ctx,
			.s_audit = o->seed * 0xd1b54a32d192ed03ull + 7};
	int64_t start = o->end - D(182);
	g.end = o->end;
	g.callback_from = o->end - D(BT_DEMO_CALLBACK_DAYS);
	for (unsigned c = 0; c < o->customers && !g.rc; c++) {
		g.c = c;
		customer(&g, start, o->end - start);
	}
	if (!g.rc)
		campaign_spike(&g, o->customers);
	/* the CRM's nightly batch, last: merges that re-derive instances */
	for (size_t off = 0; off < g.late.len && !g.rc; off += strlen(g.late.data + off) + 1)
		g.rc = emit(ctx, g.late.data + off, strlen(g.late.data + off));
	bt_buf_release(&g.b);
	bt_buf_release(&g.late);
	if (events)
		*events = g.n - g.muted + g.extra + g.n_audit;
	return g.rc;
}
