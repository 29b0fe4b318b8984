// SPDX-License-Identifier: Apache-2.0
// Lists that several pages show: instances (with why they need someone),
// promises.  Every id links to its page, keeping the period and as_of.
import { h, path, table, tags, when } from './dom.js';
import { keep } from './period.js';

export const WHY = {
	stage_sla_breached: 'stage SLA breached', stage_sla_at_risk: 'stage SLA at risk', failed_handoffs: 'failed handoff',
	promise_broken: 'promise broken', promise_due: 'promise due', collisions: 'collision', escalated: 'escalated', followup: 'follow-up open',
};

export const instanceLink = (ctx, id) => h('a', { href: path('instances', id) + keep(ctx.query) }, id);
export const journeyLink = (ctx, id) => (id ? h('a', { href: path('journeys', id) + keep(ctx.query) }, id) : '–');
// the customer 360 is for the roles that may read profiles
export const customerLink = (ctx, ident) => (['admin', 'analyst', 'agent'].includes(ctx.session.role)
	? h('a', { href: path('customers', ident) + keep(ctx.query) }, ident) : ident);

// rows: instances, or queue items ({why, instance})
export function instanceTable(ctx, caption, rows) {
	const cols = [{ label: 'instance' }, { label: 'journey' }, { label: 'why' }, { label: 'state' }, { label: 'owner' },
		{ label: 'holder' }, { label: 'stage' }, { label: 'opened' }, { label: 'last event' }, { label: 'failed handoffs', num: true }];
	return table(caption, cols, rows.map((r) => {
		const i = r.instance || r;
		return [instanceLink(ctx, i.id), journeyLink(ctx, i.journey), tags((r.why || []).map((w) => WHY[w] || w), 'tag warn'),
			i.state, i.owner_name || i.owner || 'unowned', i.holder || '–', i.stage || '–', when(i.opened), when(i.last_event), String(i.failed_handoffs ?? 0)];
	}));
}

const STATUS = { open: 'open', broken: 'broken', kept: 'kept', kept_late: 'kept late' };

export const promiseTable = (ctx, caption, promises) => table(caption,
	[{ label: 'promise' }, { label: 'status' }, { label: 'kind' }, { label: 'made by' }, { label: 'keeper' },
		{ label: 'journey' }, { label: 'customer' }, { label: 'made' }, { label: 'due' }, { label: 'kept' }],
	promises.map((p) => [p.promise, h('span', { class: `tag ${p.status}` }, STATUS[p.status] || p.status), p.kind || '–',
		p.made_by || '–', p.keeper || '–', journeyLink(ctx, p.journey), p.profile ? customerLink(ctx, p.profile) : '–',
		when(p.made), when(p.due), when(p.kept)]));
