// SPDX-License-Identifier: Apache-2.0
// Conflicts: the links the guard rails refused, newest first, for review
// (GET /v1/conflicts), open ones by default; an admin keeps one apart or
// merges it (POST /v1/conflicts/{id}/resolve).  An analyst reads them with
// identifiers masked.
import { get } from '../api.js';
import { empty, h, note, replace, section } from '../dom.js';
import { conflictTable } from '../review.js';

const PAGE = 50;
const STATES = [['open', 'Open'], ['resolved', 'Resolved'], ['all', 'All']];

export default {
	path: '/conflicts',
	nav: '/conflicts',
	title: 'Conflicts',
	roles: ['admin', 'analyst'],
	async render(ctx) {
		ctx.title('Conflicts');
		const state = STATES.some(([k]) => k === ctx.query.get('state')) ? ctx.query.get('state') : 'open';
		const ask = (cursor) => get('/v1/conflicts', { state: state === 'all' ? null : state, limit: PAGE, cursor }, { signal: ctx.signal });
		const loaded = [];
		const list = h('div');
		const more = h('button', { type: 'button' }, 'Older conflicts');
		const add = (page) => {
			loaded.push(...page.conflicts);
			replace(list, conflictTable(ctx, `${page.total} ${state === 'all' ? '' : `${state} `}conflicts, newest first`, loaded));
			more.hidden = !page.next;
			more.dataset.cursor = page.next || '';
		};
		more.addEventListener('click', async () => add(await ask(more.dataset.cursor)));
		const first = await ask(null);
		add(first);
		replace(ctx.main, h('h1', null, 'Conflicts'),
			note('Links between identifiers that the guard rails refused: two customer ids, a profile\'s limit of a type, its size cap, or two profiles kept apart on review. Keep apart: no link may join the two from now on. Merge: their profiles become one, unless a guard rail still forbids it.'),
			h('nav', { 'aria-label': 'which conflicts', class: 'tabs' }, h('ul', null, STATES.map(([k, label]) =>
				h('li', null, h('a', { href: `/conflicts?state=${k}`, 'aria-current': k === state ? 'page' : null }, label))))),
			section('Conflicts', first.total ? [list, more] : empty(`No ${state === 'all' ? '' : `${state} `}conflict.`)));
	},
};
