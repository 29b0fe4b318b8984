// SPDX-License-Identifier: Apache-2.0
// The period (from, to: instances opened from `from` up to, not including,
// `to`) and the time the figures are judged at (as_of) live in the URL, so a
// page can be bookmarked and sent.  Defaults: judged now, over the 28 days
// up to as_of (or up to tomorrow).  The previous period is the one of the
// same length just before; trends are the 8 weeks up to `to`.
import { get, qs } from './api.js';
import { h } from './dom.js';

const DAY = 86400000;
export const WEEKS = 8;

const parse = (t) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t);
const iso = (d) => (d.getTime() % DAY === 0 ? d.toISOString().slice(0, 10) : d.toISOString());

export function period(query) {
	const asOf = query.get('as_of') || null;
	let to = query.get('to') ? parse(query.get('to')) : null;
	if (!to) to = asOf ? parse(asOf) : new Date(Math.floor(Date.now() / DAY) * DAY + DAY);
	const from = query.get('from') ? parse(query.get('from')) : new Date(to - 28 * DAY);
	if (isNaN(from) || isNaN(to)) return null;
	const len = to - from;
	return {
		as_of: asOf, from: iso(from), to: iso(to),
		prev: { as_of: asOf, from: iso(new Date(from - len)), to: iso(from) },
	};
}

// what a link keeps of the current URL: the period and as_of
export function keep(query, extra = {}) {
	const q = {};
	for (const k of ['from', 'to', 'as_of']) if (query.get(k)) q[k] = query.get(k);
	return qs({ ...q, ...extra });
}

// The KPIs of a scope (/v1/kpis or /v1/journeys/ID/kpis) for the period, the
// previous one, and each of the WEEKS weeks up to `to` (its trend route).
export async function kpisWithTrend(base, p, signal) {
	const [cur, prev, trend] = await Promise.all([
		get(base, { from: p.from, to: p.to, as_of: p.as_of }, { signal }),
		get(base, p.prev, { signal }),
		get(`${base}/trend`, { weeks: WEEKS, to: p.to, as_of: p.as_of }, { signal }),
	]);
	return { cur, prev, weeks: trend.weeks.map((w) => w.kpis), ranges: trend.weeks.map((w) => [w.from, w.to]) };
}

// The form that changes the period and as_of of the page's URL.
export function controls(ctx) {
	const p = ctx.period;
	const field = (name, label, value, hint) => h('label', null, label,
		h('input', { name, type: 'text', value: value || '', placeholder: hint, inputmode: 'numeric', size: 12, pattern: '\\d{4}-\\d{2}-\\d{2}.*' }));
	const form = h('form', { class: 'period', 'aria-label': 'period', on: { submit: (e) => {
		e.preventDefault();
		const q = new URLSearchParams(ctx.query);
		for (const k of ['from', 'to', 'as_of']) {
			const v = form.elements[k].value.trim();
			if (v) q.set(k, v); else q.delete(k);
		}
		ctx.go(`${location.pathname}?${q}`);
	} } },
	field('from', 'From', p.from, 'YYYY-MM-DD'),
	field('to', 'To', p.to, 'YYYY-MM-DD'),
	field('as_of', 'As of', p.as_of, 'now'),
	h('button', { type: 'submit' }, 'Show'));
	return form;
}
