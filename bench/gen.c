/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen.c - deterministic generator of realistic baton events (docs/events.md)
 * for the benchmarks in bench/.
 *
 *   bench-gen --events N [--seed S] > events.ndjson
 *
 * Writes exactly N events, one JSON object per line, in baton's native form.
 * The same N and S always give the same bytes.  The data is a simulation of
 * about N/9 customers over six months (2025-07-01 .. 2025-12-31 UTC):
 *
 * - identity: each customer has one to three of customer_id, email, phone,
 *   written with the variation real sources have (upper/lower case and
 *   stray spaces in e-mails, spaces, dashes and brackets in phones, padded
 *   customer ids), and each touchpoint carries the identifiers it knows
 *   (the IVR the phone, the app the customer id, the chatbot the e-mail...),
 *   so a customer is one profile only after identity stitching (an app
 *   profile update that shows all of a customer's identifiers links about
 *   half of them; the rest link, or not, through contact-center calls and
 *   logins that carry two identifiers, as in real data).  About 0.5%
 *   of customers share a household phone with another customer who has a
 *   different customer_id (the identity guard rail must refuse that merge), and
 *   0.5% of the events carry a junk identifier ("guest", "null",
 *   "0000000000") next to a real one.
 * - journeys onboarding, billing-dispute, technical-support, complaint and
 *   renewal, named in `journey`, with case references (`case`), `links` when
 *   a second system opens its own case, outcomes at realistic rates,
 *   `repeat: true`, handoffs between teams (most within 24 h, some late,
 *   some losing the case reference), recontacts after a resolution,
 *   abandonment (explicit, or silence past 30 days), promises with `due`
 *   durations that are kept on time, late or never (`fulfils`), surveys with
 *   feedback {csat, nps, ces}, outbound marketing e-mails (some of which
 *   land during an open complaint or dispute) and consent withdrawals.
 * - instances of the same journey of one customer never overlap (the next
 *   starts at least 35 days after the previous one ended), so the journey
 *   rules and the simpler SQL of the peer benchmarks agree on what an
 *   instance is (see bench/README.md).
 * - order: the file is in arrival order, which is event-time order except
 *   that 2% of the events arrive late (2 hours to 10 days after their `ts`);
 *   about 1% of all events arrive behind a later event of the same customer.
 *
 * Every event has a unique `id`.  About 236 bytes per event: every event
 * names its channel and team, so the file needs no touchpoint configuration
 * to be read the same way by baton and the SQL peers.  Plain C11, no
 * dependencies; bench/run.sh builds it with:
 *
 *   cc -O2 -std=c11 -Wall -Wextra -o build/bench-gen bench/gen.c
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- random */

static uint64_t rng_s[4];

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd64(void) /* xoshiro256** */
{
	uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;
	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rotl(rng_s[3], 45);
	return r;
}

/* uniform in [0, n) */
static uint32_t rnd(uint32_t n) { return (uint32_t)(((rnd64() >> 32) * (uint64_t)n) >> 32); }
/* true with probability p percent (may be fractional) */
static int pct(double p) { return (double)(rnd64() >> 11) * (1.0 / 9007199254740992.0) * 100.0 < p; }
/* uniform in [lo, hi] */
static int64_t between(int64_t lo, int64_t hi) { return lo + (int64_t)rnd((uint32_t)(hi - lo + 1)); }

/* --------------------------------------------------------------- the model */

#define MIN 60
#define HOUR 3600
#define DAY 86400
#define T0 INT64_C(1751328000) /* 2025-07-01T00:00:00Z */
#define SPAN (184 * DAY)       /* to 2026-01-01 */

enum team { TM_DIGITAL, TM_SERVICE, TM_BILLING, TM_COMPLAINTS, TM_TECH, TM_RETAIL, TM_MARKETING,
	    TM_CX, TM_RETENTION, TM__N };
static const char *const team_name[TM__N] = {"digital", "service", "billing", "complaints", "tech",
					     "retail", "marketing", "cx", "retention"};

enum dir { IN, OUT, INT };
static const char *const dir_name[] = {"inbound", "outbound", "internal"};

/* source, channel and the identifiers it knows */
enum src { S_CHATBOT, S_IVR, S_CC, S_WEB, S_APP, S_EMAIL, S_STORE, S_BILLING, S_SURVEY, S__N };
static const char *const src_name[S__N] = {"chatbot", "ivr", "contact-center", "web", "app",
					   "email", "store", "billing-sys", "survey"};
static const char *const src_channel[S__N] = {"chat", "voice", "voice", "web", "app",
					      "email", "store", "other", "web"};

struct kind {
	uint8_t src, team, dir;
	const char *type;
};

enum kind_id {
	K_CHAT, K_IVR, K_CALL, K_CALL_COMPLAINTS, K_CALL_TECH, K_CALL_RETENTION, K_FORM, K_APP,
	K_EMAIL_IN, K_STORE, K_REFUND, K_INVOICE_ADJ, K_SURVEY, K_CAMPAIGN, K_REASSIGN,
	K_COMPLAINT_REVIEW, K_COMPLAINT_CLOSED, K_ACCOUNT, K_ONB_STEP, K_NOTICE, K_RENEWED,
	K_TICKET, K_PREFS, K_LOGIN, K__N
};

static const struct kind kinds[K__N] = {
	[K_CHAT] = {S_CHATBOT, TM_DIGITAL, IN, "chat.ended"},
	[K_IVR] = {S_IVR, TM_SERVICE, IN, "call.ended"},
	[K_CALL] = {S_CC, TM_SERVICE, IN, "call.ended"},
	[K_CALL_COMPLAINTS] = {S_CC, TM_COMPLAINTS, IN, "call.ended"},
	[K_CALL_TECH] = {S_CC, TM_TECH, IN, "callback.completed"},
	[K_CALL_RETENTION] = {S_CC, TM_RETENTION, IN, "call.ended"},
	[K_FORM] = {S_WEB, TM_DIGITAL, IN, "form.submitted"},
	[K_APP] = {S_APP, TM_DIGITAL, IN, "session.ended"},
	[K_EMAIL_IN] = {S_EMAIL, TM_SERVICE, IN, "email.received"},
	[K_STORE] = {S_STORE, TM_RETAIL, IN, "visit.ended"},
	[K_REFUND] = {S_BILLING, TM_BILLING, INT, "refund.issued"},
	[K_INVOICE_ADJ] = {S_BILLING, TM_BILLING, INT, "invoice.adjusted"},
	[K_SURVEY] = {S_SURVEY, TM_CX, IN, "survey.answered"},
	[K_CAMPAIGN] = {S_EMAIL, TM_MARKETING, OUT, "campaign.sent"},
	[K_REASSIGN] = {S_CC, TM_COMPLAINTS, INT, "case.reassigned"},
	[K_COMPLAINT_REVIEW] = {S_CC, TM_COMPLAINTS, INT, "complaint.reviewed"},
	[K_COMPLAINT_CLOSED] = {S_CC, TM_COMPLAINTS, INT, "complaint.closed"},
	[K_ACCOUNT] = {S_WEB, TM_DIGITAL, IN, "account.created"},
	[K_ONB_STEP] = {S_APP, TM_DIGITAL, IN, "onboarding.step"},
	[K_NOTICE] = {S_EMAIL, TM_RETENTION, OUT, "renewal.notice"},
	[K_RENEWED] = {S_WEB, TM_DIGITAL, IN, "renewal.completed"},
	[K_TICKET] = {S_CC, TM_TECH, INT, "ticket.updated"},
	[K_PREFS] = {S_WEB, TM_DIGITAL, IN, "preferences.updated"},
	[K_LOGIN] = {S_APP, TM_DIGITAL, IN, "profile.updated"},
};

enum journey { J_NONE, J_ONB, J_BILL, J_TECH, J_COMPL, J_RENEW, J__N };
static const char *const journey_name[J__N] = {"", "onboarding", "billing-dispute",
					       "technical-support", "complaint", "renewal"};
static const char *const case_prefix[] = {"CASE", "ONB", "BIL", "TCK", "CMP", "REN", "REF"};
#define CP_REFUND 6

enum outcome { O_NONE, O_RESOLVED, O_UNRESOLVED, O_TRANSFERRED, O_CONTAINED, O_ABANDONED };
static const char *const outcome_name[] = {"", "resolved", "unresolved", "transferred",
					   "contained", "abandoned"};

static const char *const due_text[] = {"24h", "48h", "72h", "5d", "7d"};
static const int64_t due_secs[] = {24 * HOUR, 48 * HOUR, 72 * HOUR, 5 * DAY, 7 * DAY};
static const char *const promise_kind[] = {"refund", "callback", "credit", "replacement"};

enum { F_REPEAT = 1, F_REPEAT_FALSE = 2, F_PROMISE = 4, F_FULFILS = 8, F_FEEDBACK = 16,
       F_CONSENT_OFF = 32, F_CONSENT_ON = 64, F_NOPURPOSE = 128 };

/* identifiers an event carries */
enum { ID_EMAIL = 1, ID_PHONE = 2, ID_CID = 4, ID_JUNK = 8 };

struct ev {
	int64_t ts;      /* seconds since the epoch */
	int64_t key;     /* arrival order */
	uint32_t seq;    /* creation number: makes the id */
	uint32_t cust;
	uint32_t caseno; /* 0: no case */
	uint32_t linkno; /* 0: no links */
	uint32_t promise;
	uint8_t kind, journey, outcome, flags;
	uint8_t idmask, idvar, casepfx, linkpfx;
	uint8_t csat, nps, ces, due;
	uint8_t pkind, pteam, campaign, tsvar;
};

struct cust {
	uint64_t phone;  /* 10 national digits; 0: none */
	uint32_t cid;    /* 0: none */
	uint32_t emailno;
	uint16_t first, last;
	uint8_t has_email, dom, cc, pad;
};

static const char *const first_names[] = {
	"anna", "ben", "carla", "david", "emma", "felix", "grace", "hugo", "ines", "jonas",
	"karin", "liam", "maria", "noah", "olga", "paul", "quinn", "rosa", "sam", "tara",
	"ugo", "vera", "will", "xenia", "yusuf", "zoe", "amir", "bea", "chen", "dana",
	"elif", "farah", "gus", "hana", "ivan", "jade", "kofi", "lena", "mateo", "nina"};
static const char *const last_names[] = {
	"smith", "jones", "garcia", "muller", "rossi", "martin", "kowalski", "nguyen",
	"okafor", "silva", "haddad", "novak", "jensen", "dubois", "costa", "fischer", "ivanova",
	"kim", "lopez", "moreau", "patel", "quispe", "reyes", "schmidt", "tanaka", "unger",
	"vargas", "weber", "yilmaz", "zhang"};
static const char *const domains[] = {"example.com", "example.org", "example.net",
				      "example.de", "example.fr", "example.co.uk"};
static const char *const country_codes[] = {"44", "49", "33", "1", "34", "39"};

#define NFIRST (sizeof(first_names) / sizeof(first_names[0]))
#define NLAST (sizeof(last_names) / sizeof(last_names[0]))
#define NDOM (sizeof(domains) / sizeof(domains[0]))
#define NCC (sizeof(country_codes) / sizeof(country_codes[0]))

/* ---------------------------------------------------------- the simulation */

static struct ev *evs;
static size_t nev, cap_ev, want;
static struct cust *custs;
static size_t ncust, cap_cust;
static uint32_t next_case = 1, next_ref = 1, next_promise = 1;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "bench-gen: out of memory\n");
		exit(1);
	}
	return p;
}

/* A new event of customer c; NULL when the file is full. */
static struct ev *new_ev(uint32_t c, int kind, int journey, int64_t ts)
{
	if (nev >= want)
		return NULL;
	if (nev == cap_ev) {
		cap_ev = cap_ev ? cap_ev * 2 : 1 << 16;
		evs = xrealloc(evs, cap_ev * sizeof(*evs));
	}
	struct ev *e = &evs[nev];
	memset(e, 0, sizeof(*e));
	e->seq = (uint32_t)nev++;
	e->cust = c;
	e->kind = (uint8_t)kind;
	e->journey = (uint8_t)journey;
	e->ts = ts;
	e->key = ts;
	e->idvar = (uint8_t)rnd(256);
	uint32_t r = rnd(100);
	e->tsvar = r < 90 ? 0 : r < 95 ? 1 : 2; /* Z, milliseconds, +02:00 offset */
	if (pct(2.0)) /* arrives late: about half of these behind a later event of the customer */
		e->key = ts + between(2 * HOUR, 10 * DAY);

	/* the identifiers this touchpoint knows about the customer */
	const struct cust *cu = &custs[c];
	unsigned have = (cu->has_email ? ID_EMAIL : 0) | (cu->phone ? ID_PHONE : 0) |
			(cu->cid ? ID_CID : 0);
	unsigned m = 0;
	switch (kinds[kind].src) {
	case S_CHATBOT:
		m = pct(65) ? ID_EMAIL : ID_CID;
		if (pct(25))
			m |= ID_CID;
		break;
	case S_IVR:
		m = ID_PHONE;
		if (pct(35))
			m |= ID_CID;
		break;
	case S_CC: {
		uint32_t x = rnd(100);
		m = x < 45 ? ID_PHONE | ID_CID : x < 70 ? ID_PHONE : x < 85 ? ID_PHONE | ID_EMAIL
									    : ID_CID;
		break;
	}
	case S_WEB:
	case S_APP:
		m = ID_CID;
		if (pct(30))
			m |= ID_EMAIL;
		break;
	case S_EMAIL:
	case S_SURVEY: m = ID_EMAIL; break;
	case S_STORE: m = pct(50) ? ID_PHONE | ID_CID : ID_PHONE; break;
	case S_BILLING: m = ID_CID; if (pct(20)) m |= ID_EMAIL; break;
	}
	m &= have;
	if (!m) { /* the touchpoint found the customer by what they have */
		if (have & ID_CID)
			m = ID_CID;
		else if (have & ID_EMAIL)
			m = ID_EMAIL;
		else
			m = ID_PHONE;
	}
	if (kind == K_LOGIN)
		m = have; /* the customer keeps their profile up to date */
	if (pct(0.5))
		m |= ID_JUNK;
	e->idmask = (uint8_t)m;
	return e;
}

struct inst {
	uint32_t c;
	int j;
	int64_t t;
	uint32_t caseno;
	uint8_t casepfx;
	int last_team; /* -1: no work yet */
	int ended;     /* the file is full */
};

/*
 * The next event of an instance, dt seconds after the previous one (a
 * handoff to another team picks its own delay unless keep_dt).  Sets the
 * case reference, links and repeat the way real systems do.
 */
static struct ev *step(struct inst *in, int kind, int64_t dt, int keep_dt)
{
	const struct kind *k = &kinds[kind];
	int work = k->dir != OUT && kind != K_SURVEY;
	int handoff = work && in->last_team >= 0 && in->last_team != k->team;
	if (handoff && !keep_dt)
		dt = pct(76) ? between(5 * MIN, 20 * HOUR) : between(25 * HOUR, 4 * DAY);
	struct ev *e = new_ev(in->c, kind, in->j, in->t + dt);
	if (!e) {
		in->ended = 1;
		return NULL;
	}
	in->t += dt;
	if (in->last_team < 0 && work) { /* the first contact opens the case */
		if (pct(92)) {
			e->caseno = in->caseno;
			e->casepfx = in->casepfx;
		}
		if (k->dir == IN && pct(3))
			e->flags |= F_REPEAT_FALSE;
	} else if (handoff) {
		uint32_t r = rnd(100);
		if (r < 70) { /* the case travelled */
			e->caseno = in->caseno;
			e->casepfx = in->casepfx;
		} else if (r < 83) { /* a new case in the receiving system, linked */
			e->caseno = next_ref++;
			e->casepfx = k->team == TM_BILLING ? CP_REFUND : 0;
			e->linkno = in->caseno;
			e->linkpfx = in->casepfx;
		} /* else the context got lost */
		if (k->dir == IN && pct(e->caseno ? 8 : 45))
			e->flags |= F_REPEAT;
	} else {
		if (pct(work ? 94 : 80)) {
			e->caseno = in->caseno;
			e->casepfx = in->casepfx;
		}
		if (work && k->dir == IN && pct(4))
			e->flags |= F_REPEAT;
	}
	if (work)
		in->last_team = k->team;
	return e;
}

/* A promise made at event e, to be kept by team; returns its number. */
static uint32_t promise(struct ev *e, int kind_ix, int team)
{
	e->flags |= F_PROMISE;
	e->promise = next_promise++;
	e->pkind = (uint8_t)kind_ix;
	e->pteam = (uint8_t)team;
	e->due = (uint8_t)rnd(5);
	return e->promise;
}

/*
 * The promise of event p is kept on time, late or never.  The fulfilling
 * event is made by make_kind; returns it (NULL when never kept).  p must be
 * a copy: step() grows the events array, so a pointer into it taken before
 * a step may no longer be valid (a use after free once crashed runs of
 * 200k events and more).
 */
static struct ev *keep(struct inst *in, const struct ev *p, int make_kind, double on_time,
		       double late, int outcome)
{
	int64_t due = due_secs[p->due];
	int64_t dt;
	uint32_t r = rnd(100);
	if (r < on_time)
		dt = between(due / 8, due - MIN);
	else if (r < on_time + late)
		dt = due + between(HOUR, 6 * DAY);
	else
		return NULL;
	int64_t back = in->t - p->ts; /* time already spent since the promise */
	dt = dt > back ? dt - back : MIN;
	struct ev *e = step(in, make_kind, dt, 1);
	if (e) {
		e->flags |= F_FULFILS;
		e->promise = p->promise;
		e->outcome = (uint8_t)outcome;
	}
	return e;
}

/* Feedback: a survey some time after the end; good when the journey went well. */
static void survey(struct inst *in, int good)
{
	if (!pct(30))
		return;
	struct ev *e = step(in, K_SURVEY, between(2 * HOUR, 3 * DAY), 1);
	if (!e)
		return;
	e->flags |= F_FEEDBACK;
	if (good) {
		e->csat = (uint8_t)(pct(70) ? 5 : pct(70) ? 4 : 3);
		e->nps = (uint8_t)(pct(60) ? between(9, 10) : between(6, 8));
		e->ces = (uint8_t)between(5, 7);
	} else {
		e->csat = (uint8_t)between(1, 3);
		e->nps = (uint8_t)(pct(70) ? between(0, 6) : between(7, 8));
		e->ces = (uint8_t)between(1, 4);
	}
	if (pct(15))
		e->csat = 0; /* not every survey asks everything */
	if (pct(15))
		e->ces = 0;
}

/*
 * After a resolution: sometimes the customer comes back within the
 * recontact window (the problem was not gone), then it is resolved again
 * or not.  Returns 1 when the journey ended well.
 */
static int after_resolution(struct inst *in, int kind, double p_recontact)
{
	if (!pct(p_recontact))
		return 1;
	struct ev *e = step(in, kind, between(4 * HOUR, 6 * DAY), 1);
	if (!e)
		return 0;
	e->outcome = O_UNRESOLVED;
	if (pct(35))
		e->flags |= F_REPEAT;
	if (pct(75)) {
		e = step(in, K_CALL, between(10 * MIN, 2 * DAY), 0);
		if (e)
			e->outcome = O_RESOLVED;
	}
	return 0;
}

/* Ends an instance without resolution: explicitly (rarely) or by silence. */
static void give_up(struct inst *in, int kind)
{
	if (pct(25)) {
		struct ev *e = step(in, kind, between(HOUR, 5 * DAY), 0);
		if (e)
			e->outcome = O_ABANDONED;
	}
}

static void sim_tech(struct inst *in)
{
	struct ev *e;
	uint32_t r = rnd(100);
	if (r < 55) { /* the chatbot first */
		if (!(e = step(in, K_CHAT, 0, 1)))
			return;
		uint32_t x = rnd(100);
		if (x < 34) { /* the bot solved it, or says so */
			e->outcome = O_RESOLVED;
			int ok = after_resolution(in, K_CALL, 30);
			survey(in, ok);
			return;
		}
		if (x < 70) { /* contained: the customer left the bot */
			e->outcome = O_CONTAINED;
			if (!pct(62))
				return; /* gone quiet: abandoned by the timeout */
			if (!(e = step(in, K_CALL, between(2 * HOUR, 5 * DAY), 1)))
				return;
		} else {
			e->outcome = O_TRANSFERRED;
			if (!(e = step(in, K_CALL, 0, 0)))
				return;
		}
	} else if (r < 85) { /* the phone */
		if (!(e = step(in, K_IVR, 0, 1)))
			return;
		e->outcome = O_TRANSFERRED;
		if (!(e = step(in, K_CALL, between(MIN, 15 * MIN), 0)))
			return;
	} else {
		if (!(e = step(in, K_APP, 0, 1)))
			return;
		e->outcome = O_UNRESOLVED;
		if (!(e = step(in, K_CALL, between(HOUR, 3 * DAY), 0)))
			return;
	}
	/* e: a call with the service desk */
	if (pct(50)) {
		e->outcome = O_RESOLVED;
		survey(in, after_resolution(in, K_CALL, 12));
		return;
	}
	e->outcome = O_TRANSFERRED;
	struct ev made, *p = NULL;
	if (pct(30)) {
		promise(e, 1, TM_TECH); /* "tech will call you back" */
		made = *e, p = &made;
	}
	if (!(e = step(in, K_TICKET, 0, 0)))
		return;
	if (p) {
		if (!(e = keep(in, p, K_CALL_TECH, 65, 20, O_RESOLVED))) {
			if (in->ended)
				return;
			if (!(e = step(in, K_CALL, between(DAY, 4 * DAY), 1)))
				return;
			e->flags |= F_REPEAT;
			e->outcome = pct(60) ? O_RESOLVED : O_UNRESOLVED;
		}
	} else {
		if (!(e = step(in, K_CALL_TECH, between(2 * HOUR, 3 * DAY), 1)))
			return;
		e->outcome = pct(80) ? O_RESOLVED : O_UNRESOLVED;
	}
	if (e->outcome == O_RESOLVED)
		survey(in, after_resolution(in, K_CALL, 10));
	else
		give_up(in, K_CALL);
}

static void sim_billing(struct inst *in)
{
	struct ev *e;
	uint32_t r = rnd(100);
	if (r < 60) {
		if (!(e = step(in, K_CALL, 0, 1)))
			return;
	} else if (r < 80) {
		if (!(e = step(in, K_EMAIL_IN, 0, 1)))
			return;
		e->outcome = O_UNRESOLVED;
		if (!(e = step(in, K_CALL, between(HOUR, 2 * DAY), 1)))
			return;
	} else {
		if (!(e = step(in, K_CHAT, 0, 1)))
			return;
		e->outcome = pct(50) ? O_TRANSFERRED : O_CONTAINED;
		if (!(e = step(in, K_CALL, between(10 * MIN, 3 * DAY), 0)))
			return;
	}
	if (pct(25)) { /* the agent settled it on the call */
		e->outcome = O_RESOLVED;
		survey(in, after_resolution(in, K_CALL, 8));
		return;
	}
	e->outcome = O_UNRESOLVED;
	if (pct(72)) {
		struct ev *p = e;
		promise(p, pct(80) ? 0 : 2, TM_BILLING);
		struct ev *f = keep(in, p, pct(80) ? K_REFUND : K_INVOICE_ADJ, 60, 25,
				    pct(70) ? O_RESOLVED : O_NONE);
		if (in->ended)
			return;
		if (!f) { /* never kept: the customer chases it */
			if (!pct(70))
				return; /* gives up: abandoned by the timeout */
			e = step(in, K_CALL, due_secs[p->due] + between(HOUR, 4 * DAY), 1);
			if (!e)
				return;
			if (pct(40))
				e->flags |= F_REPEAT;
			e->outcome = O_UNRESOLVED;
			if (!(e = step(in, K_REFUND, 0, 0)))
				return;
			e->outcome = pct(85) ? O_RESOLVED : O_NONE;
			if (e->outcome == O_RESOLVED)
				survey(in, 0);
			return;
		}
		if (f->outcome != O_RESOLVED) { /* confirmed on a last call */
			if (!(e = step(in, K_CALL, between(2 * HOUR, 3 * DAY), 1)))
				return;
			e->outcome = O_RESOLVED;
		}
		survey(in, after_resolution(in, K_CALL, 6) && f->ts - p->ts <= due_secs[p->due]);
		return;
	}
	/* handed to billing without a promise */
	if (!(e = step(in, K_INVOICE_ADJ, 0, 0)))
		return;
	e->outcome = pct(75) ? O_RESOLVED : O_NONE;
	if (e->outcome == O_RESOLVED)
		survey(in, after_resolution(in, K_CALL, 10));
	else
		give_up(in, K_CALL);
}

static void sim_complaint(struct inst *in)
{
	struct ev *e;
	if (!(e = step(in, pct(40) ? K_EMAIL_IN : K_CALL, 0, 1)))
		return;
	e->outcome = O_TRANSFERRED;
	if (!(e = step(in, K_REASSIGN, 0, 0)))
		return;
	if (!(e = step(in, K_COMPLAINT_REVIEW, between(DAY, 8 * DAY), 1)))
		return;
	struct ev made, *p = NULL;
	if (pct(45)) {
		int billing = pct(50);
		promise(e, billing ? 2 : 1, billing ? TM_BILLING : TM_COMPLAINTS);
		made = *e, p = &made;
	}
	if (pct(35)) { /* the customer chases */
		if (!(e = step(in, K_CALL_COMPLAINTS, between(DAY, 6 * DAY), 1)))
			return;
		e->outcome = O_UNRESOLVED;
		if (pct(30))
			e->flags |= F_REPEAT;
	}
	if (p) {
		int mk = p->pteam == TM_BILLING ? K_INVOICE_ADJ : K_CALL_COMPLAINTS;
		struct ev *f = keep(in, p, mk, 50, 30, O_NONE);
		if (in->ended)
			return;
		(void)f;
	}
	uint32_t r = rnd(100);
	if (r < 68) {
		if (!(e = step(in, K_COMPLAINT_CLOSED, between(HOUR, 6 * DAY), 0)))
			return;
		e->outcome = O_RESOLVED;
		survey(in, after_resolution(in, K_CALL_COMPLAINTS, 10));
	} else if (r < 78) {
		if ((e = step(in, K_CALL_COMPLAINTS, between(DAY, 10 * DAY), 1)))
			e->outcome = O_ABANDONED;
	} /* else left open: abandoned by the timeout, or still open at the end */
}

static void sim_onboarding(struct inst *in)
{
	struct ev *e;
	if (!(e = step(in, K_ACCOUNT, 0, 1)))
		return;
	int steps = (int)between(1, 3);
	for (int i = 0; i < steps; i++) {
		if (!(e = step(in, K_ONB_STEP, between(10 * MIN, 2 * DAY), 1)))
			return;
		if (pct(12)) { /* stuck: asks for help */
			if (!(e = step(in, pct(60) ? K_CHAT : K_CALL, between(MIN, 6 * HOUR), 0)))
				return;
			e->outcome = pct(50) ? O_RESOLVED : O_TRANSFERRED;
			if (e->outcome == O_RESOLVED) {
				survey(in, after_resolution(in, K_CALL, 10));
				return;
			}
			if (!(e = step(in, K_CALL, 0, 0)))
				return;
			e->outcome = O_UNRESOLVED;
			if (!(e = step(in, K_ONB_STEP, 0, 0)))
				return;
		}
	}
	uint32_t r = rnd(100);
	if (r < 74) {
		if (!(e = step(in, K_ONB_STEP, between(10 * MIN, 3 * DAY), 1)))
			return;
		e->outcome = O_RESOLVED;
		survey(in, after_resolution(in, K_CHAT, 5));
	} else if (r < 80) {
		if ((e = step(in, K_ONB_STEP, between(HOUR, 5 * DAY), 1)))
			e->outcome = O_ABANDONED;
	} /* else silence */
}

static void sim_renewal(struct inst *in)
{
	struct ev *e;
	if (pct(70)) { /* the reminder: on the timeline, never opens the instance */
		if (!(e = step(in, K_NOTICE, 0, 1)))
			return;
		in->t += between(HOUR, 10 * DAY);
	}
	uint32_t r = rnd(100);
	if (r < 55) {
		if (!(e = step(in, K_RENEWED, 0, 1)))
			return;
		e->outcome = O_RESOLVED;
		survey(in, after_resolution(in, K_CALL_RETENTION, 6));
		return;
	}
	if (r < 90) {
		if (!(e = step(in, pct(80) ? K_CALL_RETENTION : K_STORE, 0, 1)))
			return;
		if (pct(65)) {
			e->outcome = O_RESOLVED;
			survey(in, after_resolution(in, K_CALL_RETENTION, 8));
		} else {
			e->outcome = O_UNRESOLVED;
			if (pct(50) && (e = step(in, K_RENEWED, between(HOUR, 5 * DAY), 0)))
				e->outcome = O_RESOLVED;
			else
				give_up(in, K_CALL_RETENTION);
		}
		return;
	}
	if ((e = step(in, K_FORM, 0, 1))) /* asked, then went quiet */
		e->outcome = O_UNRESOLVED;
}

static void new_customer(void)
{
	if (ncust == cap_cust) {
		cap_cust = cap_cust ? cap_cust * 2 : 1 << 14;
		custs = xrealloc(custs, cap_cust * sizeof(*custs));
	}
	struct cust *c = &custs[ncust];
	memset(c, 0, sizeof(*c));
	c->first = (uint16_t)rnd(NFIRST);
	c->last = (uint16_t)rnd(NLAST);
	c->dom = (uint8_t)rnd(NDOM);
	c->cc = (uint8_t)rnd(NCC);
	c->emailno = (uint32_t)ncust + 1;
	c->has_email = (uint8_t)pct(85);
	if (pct(65))
		c->phone = 7000000000ull + rnd64() % 2999999999ull;
	if (pct(70))
		c->cid = (uint32_t)ncust + 100001;
	if (!c->has_email && !c->phone && !c->cid)
		c->has_email = 1;
	/* a household phone shared with the previous customer */
	if (ncust > 0 && c->cid && custs[ncust - 1].cid && custs[ncust - 1].phone && pct(0.5))
		c->phone = custs[ncust - 1].phone;
	ncust++;
}

/* Simulates one customer's six months. */
static void simulate(uint32_t c)
{
	static const uint8_t jpick[] = {J_TECH, J_TECH, J_TECH, J_BILL, J_BILL, J_ONB, J_ONB,
					J_RENEW, J_RENEW, J_COMPL};
	int64_t busy[J__N];
	for (int j = 0; j < J__N; j++)
		busy[j] = 0;

	int ninst = 1 + pct(66) + pct(40) + pct(20);
	for (int i = 0; i < ninst; i++) {
		int j = jpick[rnd(sizeof(jpick))];
		int64_t start = T0 + between(0, SPAN - 12 * DAY);
		if (start < busy[j])
			start = busy[j];
		if (start > T0 + SPAN - 5 * DAY)
			continue;
		struct inst in = {c, j, start, next_case++, (uint8_t)j, -1, 0};
		switch (j) {
		case J_TECH: sim_tech(&in); break;
		case J_BILL: sim_billing(&in); break;
		case J_COMPL: sim_complaint(&in); break;
		case J_ONB: sim_onboarding(&in); break;
		case J_RENEW: sim_renewal(&in); break;
		}
		busy[j] = in.t + 35 * DAY;
		if (in.ended)
			return;
	}
	/* a profile update in the app that shows all the customer's identifiers */
	const struct cust *cu = &custs[c];
	if ((cu->has_email + !!cu->phone + !!cu->cid) > 1 && pct(55) &&
	    !new_ev(c, K_LOGIN, J_NONE, T0 + between(0, SPAN - DAY)))
		return;
	/* marketing e-mails, whatever is going on */
	if (custs[c].has_email) {
		int n = (int)rnd(4) + (pct(40) ? 1 : 0);
		for (int i = 0; i < n; i++) {
			struct ev *e = new_ev(c, K_CAMPAIGN, J_NONE, T0 + between(0, SPAN - DAY));
			if (!e)
				return;
			e->campaign = (uint8_t)rnd(24);
			if (pct(10))
				e->flags |= F_NOPURPOSE;
		}
	}
	/* consent: withdrawn now and then, sometimes given back */
	if (pct(5)) {
		int64_t t = T0 + between(0, SPAN - 20 * DAY);
		struct ev *e = new_ev(c, K_PREFS, J_NONE, t);
		if (!e)
			return;
		e->flags |= F_CONSENT_OFF;
		if (pct(20) && (e = new_ev(c, K_PREFS, J_NONE, t + between(DAY, 15 * DAY))))
			e->flags |= F_CONSENT_ON;
	}
}

/* -------------------------------------------------------------- the output */

static char *out;
static size_t olen, ocap;
static uint64_t total_bytes;

static void flush_out(void)
{
	total_bytes += olen;
	if (olen && fwrite(out, 1, olen, stdout) != olen) {
		perror("bench-gen: write");
		exit(1);
	}
	olen = 0;
}

static inline void put(const char *s, size_t n)
{
	memcpy(out + olen, s, n);
	olen += n;
}
#define PUTS(lit) put(lit, sizeof(lit) - 1)
static inline void puts_(const char *s) { put(s, strlen(s)); }
static inline void putc_(char c) { out[olen++] = c; }

static void put_uint(uint64_t v, int width)
{
	char b[24];
	int n = 0;
	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		b[n++] = '0';
	while (n)
		out[olen++] = b[--n];
}

static void put2(unsigned v)
{
	out[olen++] = (char)('0' + v / 10);
	out[olen++] = (char)('0' + v % 10);
}

static void put_ts(int64_t t, int var, uint32_t seq)
{
	if (var == 2)
		t += 2 * HOUR;
	int64_t days = t / DAY, sod = t % DAY;
	int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	int64_t y = yoe + era * 400 + (m <= 2);
	putc_('"');
	put_uint((uint64_t)y, 4);
	putc_('-');
	put2(m);
	putc_('-');
	put2(d);
	putc_('T');
	put2((unsigned)(sod / 3600));
	putc_(':');
	put2((unsigned)(sod / 60 % 60));
	putc_(':');
	put2((unsigned)(sod % 60));
	if (var == 1) {
		putc_('.');
		put_uint((seq * 2654435761u) % 1000, 3);
		PUTS("Z\"");
	} else if (var == 2)
		PUTS("+02:00\"");
	else
		PUTS("Z\"");
}

/* A 40-bit bijection of the event number: unique, unordered event ids. */
static uint64_t seed_g;
static void put_id(uint32_t seq)
{
	const uint64_t mask = (UINT64_C(1) << 40) - 1;
	uint64_t x = (seq + seed_g * 0x9e3779b97full) & mask;
	x = (x * 0xd6e8feb86659fd93ull) & mask;
	x ^= x >> 21;
	x = (x * 0x8cb92ba72f3dull) & mask;
	x ^= x >> 19;
	static const char hex[] = "0123456789abcdef";
	PUTS("{\"id\":\"");
	for (int i = 36; i >= 0; i -= 4)
		putc_(hex[(x >> i) & 15]);
	putc_('"');
}

static void put_email(const struct cust *c, unsigned var)
{
	const char *f = first_names[c->first], *l = last_names[c->last], *d = domains[c->dom];
	char b[128];
	size_t n = 0;
	if (var % 11 == 0)
		b[n++] = ' ';
	size_t start = n;
	memcpy(b + n, f, strlen(f));
	n += strlen(f);
	b[n++] = '.';
	memcpy(b + n, l, strlen(l));
	n += strlen(l);
	uint32_t v = c->emailno;
	char nb[12];
	int k = 0;
	do {
		nb[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		b[n++] = nb[--k];
	b[n++] = '@';
	size_t at = n;
	memcpy(b + n, d, strlen(d));
	n += strlen(d);
	switch (var % 7) {
	case 0: /* First.Last@Domain */
		b[start] = (char)(b[start] - 32);
		b[start + strlen(f) + 1] = (char)(b[start + strlen(f) + 1] - 32);
		b[at] = (char)(b[at] - 32);
		break;
	case 1: /* all upper case */
		for (size_t i = start; i < n; i++)
			if (b[i] >= 'a' && b[i] <= 'z')
				b[i] = (char)(b[i] - 32);
		break;
	default: break;
	}
	if (var % 13 == 0)
		b[n++] = ' ';
	put(b, n);
}

static void put_phone(const struct cust *c, unsigned var)
{
	char d[11];
	uint64_t p = c->phone;
	for (int i = 9; i >= 0; i--) {
		d[i] = (char)('0' + p % 10);
		p /= 10;
	}
	putc_('+');
	puts_(country_codes[c->cc]);
	switch (var % 5) {
	case 0:
	case 1: put(d, 10); break;
	case 2:
		putc_(' ');
		put(d, 4);
		putc_(' ');
		put(d + 4, 6);
		break;
	case 3:
		putc_('-');
		put(d, 4);
		putc_('-');
		put(d + 4, 3);
		putc_('-');
		put(d + 7, 3);
		break;
	default:
		PUTS(" (");
		put(d, 4);
		PUTS(") ");
		put(d + 4, 3);
		putc_(' ');
		put(d + 7, 3);
		break;
	}
}

static void put_case(unsigned pfx, uint32_t no)
{
	putc_('"');
	puts_(case_prefix[pfx]);
	putc_('-');
	put_uint(no, 1);
	putc_('"');
}

static void render(const struct ev *e)
{
	const struct kind *k = &kinds[e->kind];
	const struct cust *c = &custs[e->cust];
	unsigned var = e->idvar;
	if (olen + 2048 > ocap)
		flush_out();
	put_id(e->seq);
	PUTS(",\"ts\":");
	put_ts(e->ts, e->tsvar, e->seq);
	PUTS(",\"source\":\"");
	puts_(src_name[k->src]);
	PUTS("\",\"type\":\"");
	puts_(k->type);
	PUTS("\",\"ids\":{");
	int first = 1;
	if (e->idmask & ID_CID) {
		PUTS("\"customer_id\":\"");
		if (var % 17 == 0)
			putc_(' ');
		PUTS("C-");
		put_uint(c->cid, 7);
		putc_('"');
		first = 0;
	}
	if (e->idmask & ID_EMAIL) {
		if (!first)
			putc_(',');
		PUTS("\"email\":\"");
		put_email(c, var);
		putc_('"');
		first = 0;
	}
	if (e->idmask & ID_PHONE) {
		if (!first)
			putc_(',');
		PUTS("\"phone\":\"");
		put_phone(c, var >> 3);
		putc_('"');
		first = 0;
	}
	if (e->idmask & ID_JUNK) {
		static const char *const junk[] = {"\"customer_id\":\"guest\"", "\"email\":\"null\"",
						   "\"phone\":\"0000000000\"",
						   "\"customer_id\":\"anonymous\""};
		/* never a second value of a type already present */
		for (unsigned i = 0; i < 4; i++) {
			unsigned t = (var + i) % 4;
			unsigned need = t == 0 || t == 3 ? ID_CID : t == 1 ? ID_EMAIL : ID_PHONE;
			if (!(e->idmask & need)) {
				putc_(',');
				puts_(junk[t]);
				break;
			}
		}
	}
	PUTS("},\"channel\":\"");
	puts_(src_channel[k->src]);
	PUTS("\",\"team\":\"");
	puts_(team_name[k->team]);
	putc_('"');
	if (k->dir != IN) {
		PUTS(",\"direction\":\"");
		puts_(dir_name[k->dir]);
		putc_('"');
	}
	if (e->journey) {
		PUTS(",\"journey\":\"");
		puts_(journey_name[e->journey]);
		putc_('"');
	}
	if (e->caseno) {
		PUTS(",\"case\":");
		put_case(e->casepfx, e->caseno);
	}
	if (e->linkno) {
		PUTS(",\"links\":[");
		put_case(e->linkpfx, e->linkno);
		putc_(']');
	}
	if (e->outcome) {
		PUTS(",\"outcome\":\"");
		puts_(outcome_name[e->outcome]);
		putc_('"');
	}
	if (e->flags & F_REPEAT)
		PUTS(",\"repeat\":true");
	else if (e->flags & F_REPEAT_FALSE)
		PUTS(",\"repeat\":false");
	if (e->flags & F_PROMISE) {
		PUTS(",\"promise\":{\"id\":\"P-");
		put_uint(e->promise, 1);
		PUTS("\",\"kind\":\"");
		puts_(promise_kind[e->pkind]);
		PUTS("\",\"due\":\"");
		puts_(due_text[e->due]);
		PUTS("\",\"team\":\"");
		puts_(team_name[e->pteam]);
		PUTS("\"}");
	}
	if (e->flags & F_FULFILS) {
		PUTS(",\"fulfils\":\"P-");
		put_uint(e->promise, 1);
		putc_('"');
	}
	if (e->flags & F_FEEDBACK) {
		PUTS(",\"feedback\":{");
		int f1 = 1;
		if (e->csat) {
			PUTS("\"csat\":");
			put_uint(e->csat, 1);
			f1 = 0;
		}
		if (!f1)
			putc_(',');
		PUTS("\"nps\":");
		put_uint(e->nps, 1);
		if (e->ces) {
			PUTS(",\"ces\":");
			put_uint(e->ces, 1);
		}
		putc_('}');
	}
	if (e->flags & F_CONSENT_OFF)
		PUTS(",\"consent\":{\"marketing\":false}");
	else if (e->flags & F_CONSENT_ON)
		PUTS(",\"consent\":{\"marketing\":true}");
	if (e->kind == K_CAMPAIGN) {
		if (e->flags & F_NOPURPOSE) { /* purpose defaults to marketing */
			PUTS(",\"props\":{\"campaign\":\"cmp-");
			put_uint(e->campaign, 2);
			PUTS("\"}");
		} else
			PUTS(",\"props\":{\"purpose\":\"marketing\"}");
	} else if (e->kind == K_NOTICE)
		PUTS(",\"props\":{\"purpose\":\"service\"}");
	PUTS("}\n");
}

struct order {
	int64_t key;
	uint32_t seq;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void usage(FILE *f)
{
	fputs("usage: bench-gen --events N [--seed S]\n\n"
	      "Write N realistic baton events (NDJSON, docs/events.md) to standard output.\n"
	      "The same N and S always give the same output.  Statistics go to stderr.\n",
	      f);
}

int main(int argc, char **argv)
{
	unsigned long long n = 0, seed = 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 1;
		}
	}
	if (n == 0 || n > 4000000000ull) {
		usage(stderr);
		return 1;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	want = (size_t)n;
	seed_g = seed;
	uint64_t sm = seed;
	for (int i = 0; i < 4; i++)
		rng_s[i] = splitmix(&sm);

	while (nev < want) {
		new_customer();
		simulate((uint32_t)(ncust - 1));
	}

	struct order *ord = xrealloc(NULL, nev * sizeof(*ord));
	for (size_t i = 0; i < nev; i++)
		ord[i] = (struct order){evs[i].key, evs[i].seq};
	qsort(ord, nev, sizeof(*ord), order_cmp);

	ocap = 1 << 20;
	out = xrealloc(NULL, ocap);
	for (size_t i = 0; i < nev; i++)
		render(&evs[ord[i].seq]);
	flush_out();
	uint64_t bytes = total_bytes;
	if (fflush(stdout) != 0) {
		perror("bench-gen: write");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr,
		"bench-gen: %zu events, %zu customers, %" PRIu64 " bytes (%.0f bytes/event), "
		"%.2f s\n",
		nev, ncust, bytes, (double)bytes / (double)nev, s);
	free(ord);
	free(out);
	free(evs);
	free(custs);
	return 0;
}
