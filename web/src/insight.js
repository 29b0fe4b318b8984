// SPDX-License-Identifier: Apache-2.0
// Friction, consistency and value at stake (docs/insight.md), as the
// journey page and the Value page show them: the figures are the API's,
// formatted here only.
import { empty, h, note, table } from './dom.js';

export const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
const pp = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} pp`);
const num = (v, d = 2) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));

const KIND = {
	drop_off: 'drop-off', delay: 'delay', recontact: 'recontact', repeat: 'repeat', failed_handoff: 'failed handoff',
	broken_promise: 'broken promise', negative_feedback: 'negative feedback',
};

// where a friction point is, as `baton friction` says it
export function where(x) {
	switch (x.kind) {
	case 'drop_off': return x.stage ? `abandoned in stage ${x.stage}` : 'abandoned before any stage';
	case 'delay': return `in stage ${x.stage} past its SLA`;
	case 'recontact': return 'came back after it was resolved';
	case 'repeat': return 'had to repeat themselves';
	case 'failed_handoff': return `handoff ${x.from} → ${x.to}: ${x.reason.replace('_', ' ')}`;
	case 'broken_promise': return `promises ${x.team || 'nobody'} had to keep`;
	default: return 'CSAT 2 or less, or NPS 6 or less';
	}
}

// The ranked friction points: the customers each affected, their share of
// the journey's customers (a bar), and how often it happened.
export function frictionPanel(f) {
	if (!f.friction.length) return empty('No friction in the period.');
	return [note(`The ${f.customers} customers of the instances opened in the period: what hurt the most of them, first.`),
		table('Friction points', [{ label: 'rank', num: true }, { label: 'kind' }, { label: 'where' }, { label: 'customers', num: true },
			{ label: 'share', num: true }, { label: '' }, { label: 'times', num: true }],
		f.friction.map((x) => {
			const b = h('span', { class: 'bar local' });
			b.style.width = `${Math.round((x.share || 0) * 100)}%`;
			return [String(x.rank), KIND[x.kind] || x.kind, where(x), String(x.customers), pct(x.share),
				h('span', { class: 'track', 'aria-hidden': 'true' }, b), String(x.occurrences)];
		}))];
}

// Per entry channel, and the spread of each figure across them.
export function channelsPanel(c) {
	if (!c.channels.length) return empty('No instance with an entry channel in the period.');
	const sp = (name, s, rate) => h('li', { class: s.flagged ? 'flag' : null, 'data-spread': name },
		`${name}: `, s.spread === null ? '–' : `${rate ? pp(s.spread) : num(s.spread)} (${s.max} − ${s.min})`,
		s.flagged ? ` — flagged: at or above ${rate ? `${c.thresholds.rate_pp} pp` : c.thresholds.csat}` : '');
	return [note(`Each instance by the channel of its first contact${c.no_channel ? ` (${c.no_channel} had none)` : ''}.`),
		table('Entry channels', [{ label: 'channel' }, { label: 'instances', num: true }, { label: 'resolution', num: true },
			{ label: 'recontact', num: true }, { label: 'CSAT', num: true }, { label: 'answers', num: true }],
		c.channels.map((x) => [x.channel, String(x.instances), pct(x.resolution_rate), pct(x.recontact_rate), num(x.csat), String(x.csat_n)])),
		h('ul', { class: 'plain spreads', 'aria-label': 'spread across channels' },
			sp('resolution', c.spread.resolution_rate, true), sp('recontact', c.spread.recontact_rate, true), sp('CSAT', c.spread.csat, false))];
}

const PAIR = { journeys: 'Journeys', promises: 'Promises', handoffs: 'Handoffs' };

// The three pairs: for each side its customers, churn and revenue in the
// window, and the difference (bad minus good).
export function valuePanel(v) {
	const money = (s) => String(s.revenue);
	return [note(`Churn and revenue in the ${v.days} days after each customer's first outcome of each kind. Revenue: ${v.revenue_field || 'none configured'}; churn: ${v.churn_types.join(', ') || 'none configured'}.`),
		table('Value at stake', [{ label: 'outcome' }, { label: 'customers', num: true }, { label: 'churned', num: true },
			{ label: 'churn rate', num: true }, { label: 'revenue', num: true }, { label: 'per customer', num: true }],
		v.pairs.flatMap((p) => [
			[`${PAIR[p.pair] || p.pair}: ${p.good.side}`, String(p.good.customers), String(p.good.churned), pct(p.good.churn_rate), money(p.good), num(p.good.revenue_per_customer)],
			[`${PAIR[p.pair] || p.pair}: ${p.bad.side}`, String(p.bad.customers), String(p.bad.churned), pct(p.bad.churn_rate), money(p.bad), num(p.bad.revenue_per_customer)],
			[`${PAIR[p.pair] || p.pair}: difference`, '', '', p.difference.churn_rate === null ? '–' : `${p.difference.churn_rate >= 0 ? '+' : ''}${pp(p.difference.churn_rate)}`,
				'', p.difference.revenue_per_customer === null ? '–' : `${p.difference.revenue_per_customer >= 0 ? '+' : ''}${num(p.difference.revenue_per_customer)}`],
		]))];
}
