// SPDX-License-Identifier: Apache-2.0
// Escalations (docs/escalations.md): what the journeys' rules raised, with
// whom each is and its state; the ones the reader may act on (an admin, the
// journey's owner, a person it reached) can be acknowledged or resolved
// here.  The API decides who sees what and who may act.
import { get, send } from '../api.js';
import { empty, h, note, path, replace, section, table, when } from '../dom.js';
import { instanceLink, journeyLink } from '../lists.js';
import { keep } from '../period.js';

const CONDITION = {
	promise_broken: 'promise broken', promise_due: 'promise coming due', stage_sla_breached: 'stage past its SLA',
	handoff_late: 'late handoff', handoff_failed: 'failed handoff', collision: 'collision', unowned: 'unowned work',
	followup_overdue: 'follow-up overdue',
};
const STATES = ['open', 'acknowledged', 'resolved'];

export default {
	path: '/escalations',
	nav: '/escalations',
	title: 'Escalations',
	roles: ['admin', 'analyst', 'owner'],
	async render(ctx) {
		ctx.title('Escalations');
		const state = STATES.includes(ctx.query.get('state')) ? ctx.query.get('state') : 'open';
		const page = await get('/v1/escalations', { state, as_of: ctx.period.as_of, journey: ctx.query.get('journey'), limit: 500 },
			{ signal: ctx.signal });
		const s = ctx.session;
		const mayAct = (x) => !ctx.period.as_of && x.state !== 'resolved' && s.role !== 'analyst';
		const status = h('p', { class: 'note', role: 'status' });
		const act = async (x, what) => {
			const { status: code, answer } = await send('POST', `${path('v1', 'escalations', x.id)}/${what}`, undefined, { signal: ctx.signal });
			if (code === 200) ctx.go(location.pathname + location.search);
			else status.textContent = `Not done: ${(answer && answer.detail) || code}`;
		};
		const tabs = h('p', { class: 'tabs' }, STATES.map((st) => (st === state
			? h('strong', { 'aria-current': 'page' }, st)
			: h('a', { href: `/escalations?${new URLSearchParams({ ...Object.fromEntries(ctx.query), state: st })}` }, st))).flatMap((x, i) => (i ? [' · ', x] : [x])));
		const rows = page.escalations.map((x) => [
			instanceLink(ctx, x.instance), journeyLink(ctx, x.journey), CONDITION[x.condition] || x.condition, x.state,
			`${x.level}${x.to.length ? `: ${x.to.join(', ')}` : ''}${x.moved ? ' (moved up)' : ''}`, when(x.opened),
			x.state === 'resolved' ? `${x.how === 'cleared' ? 'cleared' : `by ${x.resolved_by}`} ${when(x.resolved)}`
				: x.acknowledged ? `acknowledged by ${x.acknowledged_by}` : '–',
			mayAct(x) ? h('span', { class: 'actions' },
				x.state === 'open' ? h('button', { type: 'button', class: 'link', on: { click: () => act(x, 'ack') } }, 'acknowledge') : null,
				x.state === 'open' ? ' · ' : null,
				h('button', { type: 'button', class: 'link', on: { click: () => act(x, 'resolve') } }, 'resolve')) : '',
		]);
		replace(ctx.main,
			h('h1', null, 'Escalations'),
			note('Raised by the journeys\' rules when a condition held long enough; they move up when left open. ' +
				(s.role === 'owner' ? 'Yours: those of your journeys and those that reached you.' : 'Every journey\'s.')),
			tabs,
			section(`Escalations ${state}`,
				page.escalations.length
					? table(`${page.total} escalation${page.total === 1 ? '' : 's'} ${state}`, [{ label: 'instance' }, { label: 'journey' }, { label: 'condition' },
						{ label: 'state' }, { label: 'with' }, { label: 'opened' }, { label: 'done' }, { label: '' }], rows)
					: empty(`No escalation ${state}.`),
				page.next ? note(`The ${page.escalations.length} newest of ${page.total}.`) : null,
				status),
			h('p', null, h('a', { href: `/queue${keep(ctx.query)}` }, 'The queue'), ' lists the instances with an open escalation too.'));
	},
};
