// SPDX-License-Identifier: Apache-2.0
// Instance detail (GET /v1/instances/{id}): who owns it and who holds the
// work, its cases; its events as a timeline across channels and teams; its
// handoffs with the verdict and the reasons, its promises with their state,
// and the customer's feedback.
import { get } from '../api.js';
import { empty, h, replace, s, section, table, tags, when } from '../dom.js';
import { customerLink, journeyLink, promiseTable } from '../lists.js';

const REASON = { context_lost: 'context lost', customer_repeated: 'customer repeated', late: 'late' };

function facts(ctx, i) {
	const dl = (pairs) => h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
	return dl([
		['journey', journeyLink(ctx, i.journey)], ['state', h('span', { class: `tag ${i.state}` }, i.state)],
		['owner', i.owner_name || i.owner || 'nobody (unowned)'], ['holder', i.holder || '–'], ['stage', i.stage || '–'],
		['cases', i.cases.length ? tags(i.cases) : '–'], ['customer', customerLink(ctx, i.profile)],
		['opened', when(i.opened)], ['resolved', when(i.resolved)], ['last event', when(i.last_event)],
		['recontacted', i.recontacted ? 'yes' : 'no'], ['collisions', String(i.collisions)],
	]);
}

// The path of the work as a picture: a lane per team, the events as dots
// along the instance's time (the channel as the dot's letter), joined in
// order, so a handoff is a line that changes lane; a failed one is red.
// Each dot's title says what it was (text, never markup).
function lanes(i) {
	const evs = i.events.filter((e) => e.direction !== 'outbound');
	if (evs.length < 2) return null;
	const teams = [...new Set(evs.map((e) => e.team || '(no team)'))];
	const t0 = Date.parse(evs[0].ts), span = Math.max(1, Date.parse(evs[evs.length - 1].ts) - t0);
	const W = 760, L = 150, R = 20, row = 34, H = teams.length * row + 10;
	const x = (e) => L + ((Date.parse(e.ts) - t0) / span) * (W - L - R);
	const y = (e) => 20 + teams.indexOf(e.team || '(no team)') * row;
	const failed = new Set(i.handoffs.filter((hd) => !hd.clean).map((hd) => hd.ts));
	const svg = s('svg', { class: 'lanes', viewBox: `0 0 ${W} ${H}`, role: 'img',
		'aria-label': `The work across ${teams.length} teams: ${evs.map((e) => `${e.team || 'no team'} (${e.channel || 'no channel'})`).join(', then ')}` });
	teams.forEach((t, k) => svg.append(s('text', { x: 4, y: 24 + k * row, class: 'lane' }, t.length > 20 ? `${t.slice(0, 19)}…` : t),
		s('line', { x1: L, x2: W - R, y1: 20 + k * row, y2: 20 + k * row, class: 'lane' })));
	evs.slice(1).forEach((e, k) => svg.append(s('line', { x1: x(evs[k]), y1: y(evs[k]), x2: x(e), y2: y(e),
		class: failed.has(e.ts) && (evs[k].team !== e.team) ? 'path failed' : 'path' })));
	for (const e of evs) {
		svg.append(s('g', { class: 'dot' }, s('title', null, `${when(e.ts)} ${e.source} · ${e.type} · ${e.channel || 'no channel'}${e.outcome ? ` · ${e.outcome}` : ''}`),
			s('circle', { cx: x(e), cy: y(e), r: 9 }), s('text', { x: x(e), y: y(e) + 4 }, (e.channel || '?')[0].toUpperCase())));
	}
	return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'The work across teams' }, svg);
}

// One row an event, in time order, with its channel and team in columns of
// their own so the path across them reads down the page.
function timeline(events) {
	return table('Events, oldest first', [{ label: 'when' }, { label: 'channel' }, { label: 'team' }, { label: 'source' },
		{ label: 'type' }, { label: 'direction' }, { label: 'case' }, { label: 'outcome' }, { label: 'repeated' }],
	events.map((e) => [when(e.ts), e.channel || '–', e.team || '–', e.source, e.type, e.direction, e.case || '–',
		e.outcome || '–', e.repeat ? 'yes' : '']));
}

export default {
	path: '/instances/:id',
	title: 'Instance',
	roles: ['admin', 'analyst', 'owner', 'team', 'agent'],
	async render(ctx) {
		const id = ctx.params.id;
		const i = await get(`/v1/instances/${encodeURIComponent(id)}`, { as_of: ctx.period.as_of }, { signal: ctx.signal });
		ctx.title(`Instance ${i.id}`);
		replace(ctx.main,
			h('h1', null, `Instance ${i.id}`),
			facts(ctx, i),
			section('Timeline', lanes(i), i.events.length ? timeline(i.events) : empty('No event.')),
			section('Handoffs', i.handoffs.length ? table('Handoffs', [{ label: 'when' }, { label: 'from' }, { label: 'to' }, { label: 'verdict' }, { label: 'reasons' }],
				i.handoffs.map((x) => [when(x.ts), x.from, x.to, h('span', { class: x.clean ? 'tag kept' : 'tag broken' }, x.clean ? 'clean' : 'failed'),
					x.reasons.map((r) => REASON[r] || r).join(', ') || '–'])) : empty('No handoff.')),
			section('Promises', i.promises.length ? promiseTable(ctx, 'Promises', i.promises) : empty('No promise.')),
			section('Feedback', i.feedback.length ? table('Feedback', [{ label: 'when' }, { label: 'source' }, { label: 'CSAT', num: true },
				{ label: 'NPS', num: true }, { label: 'CES', num: true }, { label: 'comment' }],
			i.feedback.map((f) => [when(f.ts), f.source, f.csat ?? '–', f.nps ?? '–', f.ces ?? '–', f.comment || ''])) : empty('No feedback.')));
	},
};
