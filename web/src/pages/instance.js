// SPDX-License-Identifier: Apache-2.0
// Instance detail (GET /v1/instances/{id}): who owns it and who holds the
// work, its cases; its events as a timeline across channels and teams; its
// handoffs with the verdict and the reasons, its promises with their state,
// and the customer's feedback.
import { get } from '../api.js';
import { empty, h, replace, section, table, tags, when } from '../dom.js';
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
			section('Timeline', i.events.length ? timeline(i.events) : empty('No event.')),
			section('Handoffs', i.handoffs.length ? table('Handoffs', [{ label: 'when' }, { label: 'from' }, { label: 'to' }, { label: 'verdict' }, { label: 'reasons' }],
				i.handoffs.map((x) => [when(x.ts), x.from, x.to, h('span', { class: x.clean ? 'tag kept' : 'tag broken' }, x.clean ? 'clean' : 'failed'),
					x.reasons.map((r) => REASON[r] || r).join(', ') || '–'])) : empty('No handoff.')),
			section('Promises', i.promises.length ? promiseTable(ctx, 'Promises', i.promises) : empty('No promise.')),
			section('Feedback', i.feedback.length ? table('Feedback', [{ label: 'when' }, { label: 'source' }, { label: 'CSAT', num: true },
				{ label: 'NPS', num: true }, { label: 'CES', num: true }, { label: 'comment' }],
			i.feedback.map((f) => [when(f.ts), f.source, f.csat ?? '–', f.nps ?? '–', f.ces ?? '–', f.comment || ''])) : empty('No feedback.')));
	},
};
