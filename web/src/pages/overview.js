// SPDX-License-Identifier: Apache-2.0
// Overview: every journey the reader may see with its KPIs, each with its
// weekly trend and its change on the previous period; what stands out
// (promises broken, collisions, unowned work); and "local wins, journey
// losses": each team's local success next to its true success and the cost
// it shifted onto other teams (docs/kpis.md).
import { h, path, replace, section, table, empty } from '../dom.js';
import { cell, figure, format } from '../kpi.js';
import { controls, keep, kpisWithTrend } from '../period.js';

const COLS = ['instances', 'completion_rate', 'resolution_rate', 'recontact_rate', 'handoff_success_rate', 'ttr_p50_s', 'csat_avg', 'nps'];

const byId = (rows, key, id) => (rows || []).find((r) => r[key] === id) || {};

function journeys(ctx, { cur, prev, weeks }) {
	const rows = cur.journeys.map((j) => {
		const p = byId(prev.journeys, 'journey', j.journey);
		const name = j.name || j.journey;
		return [
			h('a', { href: path('journeys', j.journey) + keep(ctx.query) }, name),
			j.owner ? j.owner_name || j.owner : h('strong', { class: 'flag' }, 'unowned'),
			...COLS.map((k) => cell(j.journey, k, j[k], p[k], weeks.map((w) => byId(w.journeys, 'journey', j.journey)[k] ?? null))),
		];
	});
	return section('Journeys', rows.length
		? table('Journeys: figures over the period, weekly trend, change on the previous period',
			[{ label: 'journey' }, { label: 'owner' }, ...COLS.map((k) => ({ label: colLabel[k], num: true }))], rows)
		: empty('No journey to show.'));
}
const colLabel = {
	instances: 'volume', completion_rate: 'completion', resolution_rate: 'resolution', recontact_rate: 'recontact',
	handoff_success_rate: 'handoff success', ttr_p50_s: 'TTR p50', csat_avg: 'CSAT', nps: 'NPS',
};

// the three things nobody should miss
function standout(cur) {
	const sum = (k) => cur.journeys.reduce((a, j) => a + (j[k] || 0), 0);
	const card = (title, total, what, figures) => h('div', { class: total ? 'card alert' : 'card' },
		h('h3', null, title), h('p', { class: 'big' }, format('count', total)), h('p', { class: 'note' }, what),
		figures.length ? h('ul', { class: 'plain' }, figures) : null);
	const per = (k) => cur.journeys.filter((j) => j[k]).map((j) => h('li', null, j.name || j.journey, ': ', figure(j.journey, k, j[k])));
	const unowned = cur.journeys.filter((j) => !j.owner);
	return h('div', { class: 'cards' },
		card('Promises broken', sum('promises_broken'), 'unkept and due by the as-of time', per('promises_broken')),
		card('Collisions', cur.overall.collisions, 'outbound messages into an open complaint, a broken promise or withdrawn consent',
			[h('li', null, 'all: ', figure('overall', 'collisions', cur.overall.collisions)),
				h('li', null, 'into withdrawn consent: ', figure('overall', 'consent_collisions', cur.overall.consent_collisions))]),
		card('Unowned work', sum('unowned_instances'), 'instances of journeys nobody owns',
			unowned.map((j) => h('li', null, j.journey, ': ', figure(j.journey, 'unowned_instances', j.unowned_instances)))));
}

// Local success next to true success, as two bars, and the cost shifted.
export function localVsTrue(ctx, rows, key, caption) {
	const bar = (v, cls) => {
		const b = h('span', { class: `bar ${cls}` });
		b.style.width = `${v === null || v === undefined ? 0 : Math.round(v * 100)}%`;
		return h('span', { class: 'track', 'aria-hidden': 'true' }, b);
	};
	const scope = (r) => `${key}:${r[key]}`;
	const name = (r) => (key === 'team' ? h('a', { href: path('teams', r.team) + keep(ctx.query) }, r.team) : r[key]);
	return table(caption, [{ label: key }, { label: 'local success' }, { label: 'true success' }, { label: 'local vs true' }, { label: 'cost shifted', num: true }],
		rows.map((r) => [
			name(r),
			figure(scope(r), 'local_success_rate', r.local_success_rate),
			figure(scope(r), 'true_success_rate', r.true_success_rate),
			h('span', { class: 'bars' }, bar(r.local_success_rate, 'local'), bar(r.true_success_rate, 'true')),
			figure(scope(r), 'cost_shifted', r.cost_shifted),
		]));
}

export default {
	path: '/',
	nav: '/',
	title: 'Overview',
	redirect: ({ session: s }) => (s.role === 'agent' ? '/customers' : s.role === 'team' ? path('teams', s.team) : null),
	roles: ['admin', 'analyst', 'owner', 'agent', 'team'],
	async render(ctx) {
		ctx.title('Overview');
		const data = await kpisWithTrend('/v1/kpis', ctx.period, ctx.signal);
		const { cur } = data;
		const shifted = cur.teams.filter((t) => t.local_success || t.cost_shifted);
		replace(ctx.main,
			h('h1', null, 'Overview'),
			controls(ctx),
			h('p', { class: 'note' }, 'Judged ', cur.as_of, ' over instances opened ', ctx.period.from, ' to ', ctx.period.to,
				' · ', figure('overall', 'events', cur.overall.events), ' events, ',
				figure('overall', 'profiles', cur.overall.profiles), ' customers'),
			standout(cur),
			journeys(ctx, data),
			section('Local wins, journey losses',
				h('p', { class: 'note' }, 'A team\'s local success (contained or resolved by it) against its true success (no further contact within the recontact window), and the follow-up contacts its successes shifted onto other teams.'),
				shifted.length ? localVsTrue(ctx, shifted, 'team', 'Local versus true success per team') : empty('No local success in the period.'),
				cur.sources && cur.sources.some((r) => r.local_success)
					? localVsTrue(ctx, cur.sources.filter((r) => r.local_success), 'source', 'Local versus true success per source') : null));
	},
};
