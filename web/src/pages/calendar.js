// SPDX-License-Identifier: Apache-2.0
// The change calendar (docs/changes.md): the changes ahead, and each past
// one with its impact: the inbound contacts per day around its date (the
// date marked), the extra contacts and the teams that took them, the
// touched journeys' KPIs before and after.  The API decides who sees what.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { get } from '../api.js';
import { empty, h, note, path, replace, section, table, tags, when } from '../dom.js';
import { format } from '../kpi.js';
import { journeyLink } from '../lists.js';

use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

const KPI_ROWS = ['instances', 'resolution_rate', 'recontact_rate', 'fcr_rate', 'contacts_per_instance', 'csat_avg'];
const LABEL = { instances: 'instances', resolution_rate: 'resolution', recontact_rate: 'recontact', fcr_rate: 'first-contact resolution',
	contacts_per_instance: 'contacts per instance', csat_avg: 'CSAT' };
const PAST = 6; // past changes shown with their impact
const signed = (n) => (n > 0 ? `+${n}` : String(n));

// The contacts per day: bars of the touched journeys, a line of all, the
// change's date marked.
function daily(im, signal) {
	const days = im.daily.map((d) => d.from.slice(5, 10));
	const el = h('div', { class: 'chart', role: 'img', 'data-chart': 'daily',
		'aria-label': `Inbound contacts per day around ${im.change.date.slice(0, 10)}: ${im.daily.map((d) => `day ${d.day}: ${d.touched} of the touched journeys, ${d.all} in all`).join('; ')}` });
	el.style.height = '220px';
	requestAnimationFrame(() => {
		if (signal.aborted) return;
		const c = init(el, null, { renderer: 'svg' });
		const at = im.daily.findIndex((d) => d.day === 0);
		c.setOption({
			animation: false,
			tooltip: { trigger: 'axis', confine: true },
			legend: { top: 0 },
			grid: { left: 40, right: 12, top: 28, bottom: 24 },
			xAxis: { type: 'category', data: days },
			yAxis: { type: 'value', minInterval: 1 },
			series: [
				{ name: 'touched journeys', type: 'bar', data: im.daily.map((d) => d.touched), itemStyle: { color: '#1565c0' },
					markLine: at < 0 ? undefined : { symbol: 'none', silent: true, label: { formatter: 'the date' }, lineStyle: { color: '#c62828', type: 'dashed' },
						data: [{ xAxis: at }] } },
				{ name: 'all contacts', type: 'line', data: im.daily.map((d) => d.all), itemStyle: { color: '#455a64' }, showSymbol: false },
			],
		});
		const ro = new ResizeObserver(() => c.resize());
		ro.observe(el);
		signal.addEventListener('abort', () => { ro.disconnect(); c.dispose(); });
	});
	return el;
}

function impact(ctx, im) {
	const c = im.contacts;
	if (!im.length_s) return note('Its date has not come as of the time judged at: no impact yet.');
	return [
		h('p', { 'data-impact': String(im.change.id) },
			`Over ${Math.round(im.length_s / 86400 * 10) / 10} days before and after: the touched journeys had `,
			h('strong', null, `${c.touched.before} → ${c.touched.after} contacts (${signed(c.touched.extra)})`),
			`; all journeys ${c.all.before} → ${c.all.after} (${signed(c.all.extra)}).`),
		daily(im, ctx.signal),
		im.teams.length
			? table(`Teams that took the touched journeys' contacts: change ${im.change.id}`, [{ label: 'team' }, { label: 'before', num: true },
				{ label: 'after', num: true }, { label: 'extra', num: true }],
			im.teams.map((t) => [t.team || '(no team)', String(t.before), String(t.after), signed(t.extra)]))
			: empty('No contact on the touched journeys in either period.'),
		...im.kpis.map((k) => table(`KPIs of ${k.journey} before and after: change ${im.change.id}`, [{ label: 'KPI' }, { label: 'before', num: true }, { label: 'after', num: true }],
			KPI_ROWS.map((key) => [LABEL[key], format(key, k.before ? k.before[key] : null), format(key, k.after ? k.after[key] : null)]))),
	];
}

const head = (ctx, x) => h('h3', null, `${x.title} `, tags([x.kind]),
	h('span', { class: 'note' }, ` ${x.date.slice(0, 10)} · ${x.team} · `), ...x.journeys.flatMap((j, i) => (i ? [', ', journeyLink(ctx, j)] : [journeyLink(ctx, j)])));

export default {
	path: '/calendar',
	nav: '/calendar',
	title: 'Calendar',
	roles: ['admin', 'analyst', 'owner'],
	async render(ctx) {
		ctx.title('Change calendar');
		const as_of = ctx.period.as_of;
		const [upcoming, list] = await Promise.all([
			get('/v1/changes', { upcoming: 'true', as_of, limit: 500 }, { signal: ctx.signal }),
			get('/v1/changes', { as_of, limit: 1000 }, { signal: ctx.signal }),
		]);
		const ahead = new Set(upcoming.changes.map((x) => x.id));
		const past = list.changes.filter((x) => x.kind !== 'rule' && !ahead.has(x.id)).slice(0, PAST);
		const impacts = await Promise.all(past.map((x) => get(`${path('v1', 'changes', String(x.id))}/impact`, { as_of }, { signal: ctx.signal })));
		replace(ctx.main,
			h('h1', null, 'Change calendar'),
			note('Campaigns, releases, prices, policies and system changes registered ahead, with the journeys they touch. ' +
				'The teams that hold work on those journeys see them coming; afterwards each shows what followed: the same length of time before and after its date.'),
			section('Upcoming',
				upcoming.changes.length
					? table('Upcoming changes', [{ label: 'date' }, { label: 'change' }, { label: 'kind' }, { label: 'team' }, { label: 'journeys' }],
						upcoming.changes.map((x) => [when(x.date), x.title, x.kind, x.team, x.journeys.join(', ')]))
					: empty('No change ahead.')),
			section('Past changes and their impact',
				past.length ? past.map((x, i) => h('article', { class: 'change' }, head(ctx, x), impact(ctx, impacts[i])))
					: empty('No change registered before now.')));
	},
};
