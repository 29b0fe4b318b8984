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
 *  - field service is slow: its visits follow 2-4 days after the call.
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
};

static uint64_t rnd(struct gen *g) /* splitmix64 */
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned pick(struct gen *g, unsigned n) { return (unsigned)(rnd(g) % n); }
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
	if (!g->rc && g->ts <= g->end)
		g->rc = g->emit(g->ctx, g->b.data, g->b.len);
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
	if (chance(g, 18))
		return; /* never finished: abandoned by timeout */
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
	t += kind < 70 ? hours(g, 20, 120) : hours(g, 0, 1);
	int visit = chance(g, 25);
	t = agent_call(g, t, "technical-support", chat_case, visit ? "unresolved" : "resolved", NULL);
	if (visit) { /* the slow team: field service comes 2-4 days later */
		t += hours(g, 48, 96);
		begin(g, t, "field-ops", "visit.completed", ID_CID);
		field(g, "outcome", "resolved");
		end(g);
	}
	if (chance(g, 12)) /* the fault came back within days */
		t = agent_call(g, t + hours(g, 24, 144), "technical-support", NULL, "resolved", NULL);
	feedback(g, t + H(3), "technical-support", kind >= 70);
}

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

int bt_demo_generate(const struct bt_demo_options *o, bt_demo_emit_fn emit, void *ctx,
		     uint64_t *events)
{
	struct gen g = {.s = o->seed * 0x9e3779b97f4a7c15ull + 1, .emit = emit, .ctx = ctx};
	int64_t start = o->end - D(182);
	g.end = o->end;
	for (unsigned c = 0; c < o->customers && !g.rc; c++) {
		g.c = c;
		customer(&g, start, o->end - start);
	}
	/* the CRM's nightly batch, last: merges that re-derive instances */
	for (size_t off = 0; off < g.late.len && !g.rc; off += strlen(g.late.data + off) + 1)
		g.rc = emit(ctx, g.late.data + off, strlen(g.late.data + off));
	bt_buf_release(&g.b);
	bt_buf_release(&g.late);
	if (events)
		*events = g.n;
	return g.rc;
}
