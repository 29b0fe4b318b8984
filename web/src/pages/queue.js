// SPDX-License-Identifier: Apache-2.0
// Owner queue: the open instances of the signed-in owner's journeys that
// need them now, with why; sortable by any column, each linked to its
// instance.  It refreshes itself every 15 s (If-None-Match: an unchanged
// queue costs the server a 304).  Admins and analysts pick the owner.
import { all, get } from '../api.js';
import { empty, h, replace, tags, when } from '../dom.js';
import { instanceLink, journeyLink, WHY } from '../lists.js';
import { keep } from '../period.js';
import { followupsOf, openTable } from '../followups.js';

const POLL_MS = 15000;

const COLS = [
	['instance', (q) => q.instance.id, (ctx, q) => instanceLink(ctx, q.instance.id)],
	['journey', (q) => q.instance.journey, (ctx, q) => journeyLink(ctx, q.instance.journey)],
	['why', (q) => q.why.length * 100 + (q.why.includes('promise_broken') ? 10 : 0), (ctx, q) => tags(q.why.map((w) => WHY[w] || w), 'tag warn')],
	['holder', (q) => q.instance.holder || '', (ctx, q) => q.instance.holder || '–'],
	['stage', (q) => q.instance.stage || '', (ctx, q) => q.instance.stage || '–'],
	['opened', (q) => q.instance.opened, (ctx, q) => when(q.instance.opened)],
	['last event', (q) => q.instance.last_event, (ctx, q) => when(q.instance.last_event)],
	['failed handoffs', (q) => q.instance.failed_handoffs, (ctx, q) => String(q.instance.failed_handoffs)],
];

function sorted(items, col, dir) {
	const key = COLS[col][1];
	return [...items].sort((a, b) => {
		const x = key(a), y = key(b);
		return (x < y ? -1 : x > y ? 1 : 0) * dir;
	});
}

export default {
	path: '/queue',
	nav: '/queue',
	title: 'Queue',
	roles: ['admin', 'analyst', 'owner'],
	async render(ctx) {
		const owner = ctx.session.role === 'owner';
		const person = owner ? ctx.session.person : ctx.query.get('person');
		ctx.title('Queue');
		const heading = h('h1', null, 'Owner queue');
		let picker = null;
		if (!owner) {
			const owners = [...new Map((await all('/v1/journeys', {}, 'journeys', { signal: ctx.signal }))
				.filter((j) => j.owner).map((j) => [j.owner, j.owner_name || j.owner])).entries()];
			const sel = h('select', { id: 'person', on: { change: () => ctx.go('/queue' + keep(ctx.query, { person: sel.value })) } },
				h('option', { value: '' }, 'choose an owner'),
				owners.map(([id, name]) => h('option', { value: id, selected: id === person }, name)));
			picker = h('p', null, h('label', { for: 'person' }, 'Owner '), sel);
		}
		if (!person) return replace(ctx.main, heading, picker);

		let col = 2, dir = -1, items = [], unowned = 0, stamp = null;
		const etag = {};
		const status = h('p', { class: 'note', role: 'status' });
		const body = h('div');
		const draw = () => {
			const head = h('tr', null, COLS.map(([label], i) => h('th', { scope: 'col', 'aria-sort': i === col ? (dir > 0 ? 'ascending' : 'descending') : 'none' },
				h('button', { type: 'button', class: 'sort', on: { click: () => { dir = i === col ? -dir : 1; col = i; draw(); } } },
					label, h('span', { 'aria-hidden': 'true' }, i === col ? (dir > 0 ? ' ▲' : ' ▼') : '')))));
			replace(body,
				unowned ? h('p', { class: 'card alert' }, h('strong', null, String(unowned)), ' open instances belong to journeys nobody owns.') : null,
				items.length ? h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'queue' },
					h('table', { id: 'queue' }, h('caption', null, `${items.length} instances need ${person}`),
						h('thead', null, head),
						h('tbody', null, sorted(items, col, dir).map((q) => h('tr', null, COLS.map(([, , show], i) =>
							h(i ? 'td' : 'th', i ? null : { scope: 'row' }, show(ctx, q)))))))) : empty('Nothing needs you now.'));
		};
		const load = async () => {
			const base = `/v1/owners/${encodeURIComponent(person)}/queue`;
			const first = await get(base, { as_of: ctx.period.as_of, limit: 1000 }, { signal: ctx.signal, etag });
			stamp = new Date().toISOString().slice(11, 19);
			if (first) {
				items = first.items;
				unowned = first.unowned_open_instances || 0;
				if (first.next) items = items.concat(await all(base, { as_of: ctx.period.as_of, cursor: first.next }, 'items', { signal: ctx.signal }));
				draw();
			}
			status.textContent = `Updated ${stamp} UTC; refreshes every ${POLL_MS / 1000} s.`;
		};
		await load();
		// the follow-ups of the person's journeys still open: someone must reach those customers back
		const fus = (await followupsOf(ctx, null)).filter((f) => f.owner === person && f.state !== 'closed');
		replace(ctx.main, heading, picker, h('p', { class: 'note' }, 'Owner: ', person), status, body,
			h('section', { 'aria-label': 'Follow-ups' }, h('h2', null, 'Follow-ups to close'), openTable(ctx, `Follow-ups of ${person}'s journeys`, fus)));
		const timer = setInterval(() => load().catch((e) => {
			if (!ctx.signal.aborted) status.textContent = `Could not refresh: ${e.message}`;
		}), POLL_MS);
		ctx.signal.addEventListener('abort', () => clearInterval(timer));
	},
};
