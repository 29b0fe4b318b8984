// SPDX-License-Identifier: Apache-2.0
// Actions (docs/governance.md): what a meeting or an owner decided, who does
// it, by when; the overdue ones first and marked.  An admin, or an owner for
// their journeys, adds one here and moves it on (start, done, drop).  The
// API decides who sees and changes which.
import { all, send } from '../api.js';
import { empty, h, note, path, replace, section, table, when } from '../dom.js';
import { journeyLink } from '../lists.js';

const TABS = [['open', 'Open'], ['overdue', 'Overdue'], ['closed', 'Done or dropped'], ['all', 'All']];
const OPEN = ['open', 'in_progress'];
const STATUS = { open: 'open', in_progress: 'in progress', done: 'done', dropped: 'dropped' };

export default {
	path: '/actions',
	nav: '/actions',
	title: 'Actions',
	roles: ['admin', 'analyst', 'owner', 'team'],
	async render(ctx) {
		ctx.title('Actions');
		const tab = TABS.some(([k]) => k === ctx.query.get('show')) ? ctx.query.get('show') : 'open';
		const list = await all('/v1/actions', { limit: 10000 }, 'actions', { signal: ctx.signal });
		const shown = list.filter((a) => (tab === 'open' ? OPEN.includes(a.status)
			: tab === 'overdue' ? a.overdue : tab === 'closed' ? !OPEN.includes(a.status) : true));
		const s = ctx.session;
		const writer = s.role === 'admin' || s.role === 'owner';
		const status = h('p', { class: 'note', role: 'status' });
		const change = async (a, body) => {
			const { status: code, answer } = await send('PATCH', path('v1', 'actions', String(a.id)), body, { signal: ctx.signal });
			if (code === 200) ctx.go(location.pathname + location.search);
			else status.textContent = `Not changed: ${(answer && answer.detail) || code}`;
		};
		const moves = (a) => (writer && OPEN.includes(a.status) ? h('span', { class: 'actions' },
			a.status === 'open' ? [h('button', { type: 'button', class: 'link', on: { click: () => change(a, { status: 'in_progress' }) } }, 'start'), ' · '] : null,
			h('button', { type: 'button', class: 'link', on: { click: () => change(a, { status: 'done' }) } }, 'done'), ' · ',
			h('button', { type: 'button', class: 'link', on: { click: () => change(a, { status: 'dropped' }) } }, 'drop')) : '');
		const rows = shown.map((a) => [
			`A${a.id} ${a.title}`, a.owner,
			h('span', null, when(a.due), a.overdue ? [' ', h('span', { class: 'tag warn' }, 'overdue')] : null),
			STATUS[a.status] || a.status, journeyLink(ctx, a.journey), a.kpi || '–', a.meeting || '–', moves(a)]);
		const overdue = list.filter((a) => a.overdue).length;
		const parts = [
			h('h1', null, 'Actions'),
			note('What the steering committee and the owners decided: who does it and by when. An action is overdue once its due time has come and it is neither done nor dropped.'),
			h('div', { class: 'cards' },
				h('div', { class: overdue ? 'card alert' : 'card' }, h('h3', null, 'Overdue'), h('p', { class: 'big' }, String(overdue))),
				h('div', { class: 'card' }, h('h3', null, 'Open'), h('p', { class: 'big' }, String(list.filter((a) => OPEN.includes(a.status)).length)))),
			h('nav', { 'aria-label': 'which actions', class: 'tabs' }, h('ul', null, TABS.map(([k, label]) =>
				h('li', null, h('a', { href: `/actions?show=${k}`, 'aria-current': k === tab ? 'page' : null }, label))))),
			section('Actions', shown.length
				? table(`${shown.length} action${shown.length === 1 ? '' : 's'}, soonest due first`, [{ label: 'action' }, { label: 'owner' }, { label: 'due' },
					{ label: 'status' }, { label: 'journey' }, { label: 'KPI' }, { label: 'meeting' }, { label: '' }], rows)
				: empty('No action here.'), status),
		];
		if (writer) {
			const input = (name, label, type = 'text', value = '') => h('label', null, label, h('input', { name, type, value, spellcheck: 'false' }));
			const said = h('p', { class: 'note', role: 'status' });
			const form = h('form', { class: 'rules', 'aria-label': 'add an action', on: { submit: async (e) => {
				e.preventDefault();
				const body = {};
				for (const k of ['title', 'owner', 'due', 'journey', 'kpi', 'meeting']) if (form.elements[k].value.trim()) body[k] = form.elements[k].value.trim();
				const { status: code, answer } = await send('POST', '/v1/actions', body, { signal: ctx.signal });
				if (code === 201) ctx.go(location.pathname + location.search);
				else said.textContent = `Not added: ${(answer && answer.detail) || code}`;
			} } },
			input('title', 'what'), input('owner', 'who (a person)', 'text', s.role === 'owner' ? s.person || '' : ''),
			input('due', 'due', 'date'), input('journey', 'journey'), input('kpi', 'KPI'), input('meeting', 'meeting'),
			h('button', { type: 'submit' }, 'Add'), said);
			parts.push(section('Add an action', note(s.role === 'owner' ? 'For one of your journeys, or for yourself.' : 'A date means by the end of that day.'), form));
		}
		replace(ctx.main, ...parts);
	},
};
