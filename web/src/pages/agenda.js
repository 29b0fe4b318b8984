// SPDX-License-Identifier: Apache-2.0
// The steering agenda (docs/governance.md): for the period, the issues that
// hurt the most customers, ranked by customers × how far the figure is off,
// each with its figures, why it is there and a link to the evidence; then
// the overdue actions and the journeys nobody owns.  `baton agenda` writes
// the same as a file to circulate.
import { get } from '../api.js';
import { empty, h, note, replace, section, table, when } from '../dom.js';
import { journeyLink } from '../lists.js';
import { controls } from '../period.js';

const KIND = { journey_kpi: 'journey KPI worse', handoff_pair: 'failing handoffs', cost_shift: 'local wins that cost others',
	broken_promises: 'broken promises', silo_source: 'siloed source' };
const pct = (x) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);

function figures(x) {
	if (x.kind === 'journey_kpi') return `${x.kpi}: ${pct(x.before)} → ${pct(x.after)}`;
	if (x.kind === 'cost_shift') return `local ${pct(x.local_success_rate)}, true ${pct(x.true_success_rate)}, ${x.follow_ups} follow-ups`;
	if (x.failed !== undefined) return `${x.failed} of ${x.of} (${pct(x.move)})`;
	if (x.kind === 'silo_source') return `${x.source}: ${x.unlinked_events} of ${x.events} events unlinked`;
	return pct(x.move);
}

export default {
	path: '/agenda',
	nav: '/agenda',
	title: 'Agenda',
	roles: ['admin', 'analyst', 'owner', 'team'],
	async render(ctx) {
		ctx.title('Steering agenda');
		const p = ctx.period;
		const a = await get('/v1/agenda', { from: p.from, to: p.to, as_of: p.as_of }, { signal: ctx.signal });
		const issues = a.issues.map((x) => h('li', { class: 'issue', 'data-kind': x.kind },
			h('strong', null, x.title),
			h('p', { class: 'note' }, `${KIND[x.kind] || x.kind} · ${x.customers} customer${x.customers === 1 ? '' : 's'} · ${figures(x)} · score ${x.score.toFixed(2)}`),
			h('p', null, `Why: ${x.why}. `, h('a', { href: x.evidence.page }, 'The evidence'))));
		replace(ctx.main,
			h('h1', null, 'Steering agenda'),
			controls(ctx),
			note(`From ${when(a.from)} to ${when(a.to)}, against ${when(a.before.from)} to ${when(a.before.to)} judged as long after its end. ` +
				'Issues are ranked by the customers they hurt × how far the figure is off.'),
			section('The issues that hurt the most customers',
				issues.length ? h('ol', { class: 'agenda' }, issues) : empty('Nothing got worse in this period.'),
				note(`${a.issues.length} of ${a.candidates} candidates.`)),
			section('Overdue actions', a.overdue_actions.length
				? table(`${a.overdue_actions.length} overdue`, [{ label: 'action' }, { label: 'owner' }, { label: 'due' }, { label: 'status' }, { label: 'journey' }],
					a.overdue_actions.map((x) => [`A${x.id} ${x.title}`, x.owner, when(x.due), x.status, journeyLink(ctx, x.journey)]))
				: empty('No action is overdue.'),
			h('p', null, h('a', { href: '/actions' }, 'All actions'))),
			section('Initiatives to stop', a.initiatives_to_stop.length
				? h('ul', { class: 'plain stop' }, a.initiatives_to_stop.map((x) => h('li', null,
					h('a', { href: `/initiatives/${x.id}` }, x.name), ` (${x.journey}, ${x.kpi}): ${x.why}`)))
				: empty('No initiative to stop.')),
			section('Journeys without an owner', a.unowned_journeys.length
				? table('Unowned', [{ label: 'journey' }, { label: 'instances in the period', num: true }],
					a.unowned_journeys.map((x) => [x.journey, String(x.instances)]))
				: empty('Every journey has an owner.')));
	},
};
