// SPDX-License-Identifier: Apache-2.0
// Teams: every team's local success next to its true success and the cost
// it shifted; one team's page adds the handoffs into and out of it (how many
// were late or lost the context) and the promises it must keep.  A team
// lead's token sees their own team only.
import { all, get } from '../api.js';
import { empty, h, note, path, replace, section, table } from '../dom.js';
import { figure } from '../kpi.js';
import { instanceTable, journeyLink, promiseTable } from '../lists.js';
import { controls, keep } from '../period.js';
import { localVsTrue } from './overview.js';

const FIGS = ['contacts', 'local_success', 'true_success', 'local_success_rate', 'true_success_rate', 'cost_shifted', 'internal_success', 'collisions'];

function figures(t) {
	return h('div', { class: 'cards kpis' }, FIGS.map((k) => h('div', { class: 'card' },
		h('h3', null, k.replace(/_/g, ' ')), figure(`team:${t.team}`, k, t[k]))));
}

// the handoff routes of the period (a team lead's token: those into and
// out of the team) and the open instances the team holds, of every journey
const flowsOf = (ctx) => get('/v1/handoffs', { from: ctx.period.from, to: ctx.period.to, as_of: ctx.period.as_of }, { signal: ctx.signal })
	.then((r) => r.flow);
const held = (ctx, team) => all('/v1/instances', { state: 'open', holder: team, as_of: ctx.period.as_of }, 'instances',
	{ signal: ctx.signal, max: 500 });

function handoffs(ctx, team, flows) {
	const mine = flows.filter((f) => f.from === team || f.to === team);
	const total = (dir, k) => mine.filter((f) => (dir === 'in' ? f.to : f.from) === team).reduce((a, f) => a + f[k], 0);
	const line = (dir) => `${dir === 'in' ? 'Into' : 'Out of'} the team: ${total(dir, 'handoffs')} handoffs, ${total(dir, 'failed')} failed, `
		+ `${total(dir, 'late')} late, ${total(dir, 'context_lost')} lost the context.`;
	if (!mine.length) return empty('No handoff into or out of the team in the period.');
	return [h('p', null, line('in')), h('p', null, line('out')),
		table('Handoffs into and out of the team', [{ label: 'journey' }, { label: 'direction' }, { label: 'other team' }, { label: 'handoffs', num: true },
			{ label: 'failed', num: true }, { label: 'late', num: true }, { label: 'context lost', num: true }, { label: 'repeated', num: true }],
		mine.map((f) => [journeyLink(ctx, f.journey), f.to === team ? 'in' : 'out', f.to === team ? f.from : f.to, String(f.handoffs),
			String(f.failed), String(f.late), String(f.context_lost), String(f.customer_repeated)]), { plainFirst: true })];
}

async function one(ctx, team) {
	const p = ctx.period;
	const [rows, flows, holds, open, broken] = await Promise.all([
		all('/v1/teams', { from: p.from, to: p.to, as_of: p.as_of }, 'teams', { signal: ctx.signal }),
		flowsOf(ctx),
		held(ctx, team),
		all('/v1/promises', { keeper: team, status: 'open', as_of: p.as_of }, 'promises', { signal: ctx.signal, max: 2000 }),
		all('/v1/promises', { keeper: team, status: 'broken', as_of: p.as_of }, 'promises', { signal: ctx.signal, max: 2000 }),
	]);
	const t = rows.find((r) => r.team === team);
	ctx.title(`Team ${team}`);
	replace(ctx.main,
		h('h1', null, `Team ${team}`),
		controls(ctx),
		t ? [figures(t), localVsTrue(ctx, [t], 'team', 'Local versus true success')] : note('No contact and no local success of this team in the period.'),
		section('Handoffs', handoffs(ctx, team, flows)),
		section('Open instances it holds', holds.length ? instanceTable(ctx, `Open instances held by ${team}`, holds) : empty('None.')),
		section('Promises it must keep',
			broken.length ? promiseTable(ctx, `Broken (${broken.length})`, broken) : empty('None broken.'),
			open.length ? promiseTable(ctx, `Open (${open.length})`, open) : empty('None open.')));
}

export default {
	path: ['/teams', '/teams/:team'],
	nav: '/teams',
	title: 'Teams',
	roles: ['admin', 'analyst', 'owner', 'team'],
	redirect: (ctx) => (ctx.session.role === 'team' && ctx.params.team !== ctx.session.team ? path('teams', ctx.session.team) + keep(ctx.query) : null),
	async render(ctx) {
		if (ctx.params.team) return one(ctx, ctx.params.team);
		const p = ctx.period;
		const rows = await all('/v1/teams', { from: p.from, to: p.to, as_of: p.as_of }, 'teams', { signal: ctx.signal });
		ctx.title('Teams');
		replace(ctx.main, h('h1', null, 'Teams'), controls(ctx),
			section('Local versus true success', rows.length ? localVsTrue(ctx, rows, 'team', 'Local versus true success per team') : empty('No team.')),
			section('Every figure', table('Teams', [{ label: 'team' }, ...FIGS.map((k) => ({ label: k.replace(/_/g, ' '), num: true }))],
				rows.map((t) => [h('a', { href: path('teams', t.team) + keep(ctx.query) }, t.team), ...FIGS.map((k) => figure(`team:${t.team}`, k, t[k]))]))));
	},
};
