// SPDX-License-Identifier: Apache-2.0
// Customer 360, found by any identifier (type:value, or a profile id):
// the identifiers, the merge history (an admin may split a merge) and the
// links the guard rails refused (an admin keeps them apart or merges
// them: review.js); what is open, with
// its owner and the team holding the work; the promises; what the customer
// already told us; consent per purpose; the timeline across channels.
// An analyst reads the profile masked, and has no context or timeline.
import { get, orNull } from '../api.js';
import { empty, h, path, replace, section, table, tags, when } from '../dom.js';
import { instanceTable, journeyLink, promiseTable } from '../lists.js';
import { keep } from '../period.js';
import { conflictTable, mergeTable } from '../review.js';


const text = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
const pairs = (o) => Object.entries(o || {}).map(([k, v]) => `${k}: ${text(v)}`).join(' · ');

function search(ctx, value) {
	const input = h('input', { id: 'ident', name: 'ident', type: 'search', value: value || '', required: true,
		placeholder: 'email:ann@example.com', spellcheck: 'false', 'aria-describedby': 'ident-help' });
	return h('form', { class: 'search', role: 'search', on: { submit: (e) => {
		e.preventDefault();
		ctx.go(path('customers', input.value.trim()) + keep(ctx.query));
	} } },
	h('label', { for: 'ident' }, 'Find a customer'), input, h('button', { type: 'submit' }, 'Find'),
	h('p', { id: 'ident-help', class: 'note' }, 'Any identifier as type:value (email:…, phone:…, customer_id:…, user_id:…) or a profile id (P17).'));
}

// After a split or a merge the profile is another: draw the page again.
const again = (ctx) => () => ctx.go(location.pathname + location.search, { replace: true });

function identity(ctx, ident, profile) {
	return section('Identity',
		tags(profile.identifiers),
		profile.conflicts.length ? conflictTable(ctx, 'Links refused for review (conflicts)', profile.conflicts, again(ctx)) : null,
		profile.refusals.length ? table('Identifiers refused', [{ label: 'identifier' }, { label: 'reason' }, { label: 'event', num: true }],
			profile.refusals.map((r) => [r.identifier, r.reason, String(r.event)])) : null,
		profile.merges.length ? mergeTable(ctx, ident, profile.merges, again(ctx)) : null);
}

function context(ctx, c) {
	const consent = Object.entries(c.consent || {});
	return [
		section('Open instances', c.open_instances.length ? instanceTable(ctx, 'Open instances', c.open_instances) : empty('Nothing open.')),
		section('Promises not kept yet', c.promises.length ? promiseTable(ctx, 'Open and broken promises', c.promises) : empty('No open promise.')),
		section('What they already told us', c.told_us.length ? h('ul', { class: 'told' }, c.told_us.map((t) => h('li', null,
			h('span', { class: 'when' }, when(t.ts)), ' ', h('strong', null, `${t.source} · ${t.type}`),
			t.comment ? h('blockquote', null, t.comment) : null,
			t.said && Object.keys(t.said).length ? h('p', null, pairs(t.said)) : null))) : empty('Nothing yet.')),
		section('Consent', consent.length ? table('Consent per purpose', [{ label: 'purpose' }, { label: 'consent' }],
			consent.map(([k, v]) => [k, v === true ? 'given' : v === false ? h('strong', { class: 'flag' }, 'withdrawn') : text(v)])) : empty('No consent stated.')),
		section('Latest interaction on each channel', table('Latest interaction per channel', [{ label: 'channel' }, { label: 'when' }, { label: 'source' }, { label: 'type' }, { label: 'team' }, { label: 'outcome' }],
			c.last_interactions.map((e) => [e.channel || '–', when(e.ts), e.source, e.type, e.team || '–', e.outcome || '–']))),
	];
}

// The stored events, newest first, a page at a time.
function timeline(ctx, ident, first) {
	const rows = h('tbody');
	const more = h('button', { type: 'button' }, 'Older events');
	const add = (page) => {
		for (const e of page.events) {
			rows.append(h('tr', null, h('td', null, when(e.ts)), h('td', null, e.channel || '–'), h('td', null, e.team || '–'),
				h('td', null, e.source), h('td', null, e.type), h('td', null, journeyLink(ctx, e.journey)), h('td', null, e.case || '–'),
				h('td', null, e.outcome || '–'), h('td', null, pairs(e.ids)),
				h('td', null, [pairs(e.props), e.feedback ? ` ${pairs(e.feedback)}` : '', e.promise ? ` promise ${pairs(e.promise)}` : ''].join('').trim())));
		}
		more.hidden = !page.next;
		more.dataset.cursor = page.next || '';
	};
	more.addEventListener('click', async () => {
		more.disabled = true;
		add(await get(`/v1/profiles/${encodeURIComponent(ident)}/timeline`, { limit: 50, cursor: more.dataset.cursor }, { signal: ctx.signal }));
		more.disabled = false;
	});
	add(first);
	return section(`Timeline (${first.total} events)`, h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Timeline' },
		h('table', null, h('caption', null, 'Every stored event, newest first'),
			h('thead', null, h('tr', null, ['when', 'channel', 'team', 'source', 'type', 'journey', 'case', 'outcome', 'identifiers', 'details']
				.map((c) => h('th', { scope: 'col' }, c)))), rows)), more);
}

export default {
	path: ['/customers', '/customers/:ident'],
	nav: '/customers',
	title: 'Customers',
	roles: ['admin', 'analyst', 'agent'],
	async render(ctx) {
		const ident = ctx.params.ident;
		ctx.title(ident ? `Customer ${ident}` : 'Customers');
		if (!ident) return replace(ctx.main, h('h1', null, 'Customer 360'), search(ctx, ''));
		const enc = encodeURIComponent(ident);
		const [profile, c, tl] = await Promise.all([
			get(`/v1/profiles/${enc}`, null, { signal: ctx.signal }),
			orNull(get(`/v1/context/${enc}`, { as_of: ctx.period.as_of }, { signal: ctx.signal })),
			orNull(get(`/v1/profiles/${enc}/timeline`, { limit: 50 }, { signal: ctx.signal })),
		]);
		replace(ctx.main,
			h('h1', null, `Customer ${profile.profile}`),
			search(ctx, ident),
			h('p', { class: 'note' }, `${profile.events} events`, c ? ` · judged ${c.as_of}` : ''),
			identity(ctx, ident, profile),
			c ? context(ctx, c) : h('p', { class: 'note' }, 'Your role reads the profile only: open work, promises and the timeline are for agents.'),
			tl ? timeline(ctx, ident, tl) : null);
	},
};
