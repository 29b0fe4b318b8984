// SPDX-License-Identifier: Apache-2.0
// Initiatives (docs/initiatives.md): changes made to journeys, each judged
// by one KPI on the instances opened since its start against those before
// it, with the 95% interval of the difference and the verdict.  The list,
// and one initiative with its interval drawn against 0 and the minimum
// effect.  The API decides who sees which; every figure is the API's.
import { get } from '../api.js';
import { empty, h, note, path, replace, s, section, table, when } from '../dom.js';
import { journeyLink } from '../lists.js';
import { keep } from '../period.js';

const LABEL = {
	resolution: 'resolution', completion: 'completion', recontact: 'recontact', fcr: 'first-contact resolution',
	handoff_success: 'handoff success', repeat: 'repeat', csat: 'CSAT', contacts: 'contacts per instance', ttr: 'time to resolve',
};

const rate = (x) => x.method === 'newcombe';
// a value of the KPI, a difference of two
const value = (x, v) => (v === null || v === undefined ? '–'
	: rate(x) ? `${(100 * v).toFixed(1)}%` : x.kpi === 'ttr' ? `${(v / 3600).toFixed(2)} h` : v.toFixed(2));
const diff = (x, v) => (v === null || v === undefined ? '–'
	: rate(x) ? `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)} pts`
		: x.kpi === 'ttr' ? `${v >= 0 ? '+' : ''}${(v / 3600).toFixed(2)} h` : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`);
const interval = (x) => (x.ci_low === null ? `${diff(x, x.effect)} (too few yet)` : `${diff(x, x.effect)} (${diff(x, x.ci_low)} to ${diff(x, x.ci_high)})`);
const verdict = (x) => h('span', { class: `verdict verdict-${x.verdict}`, 'data-verdict': x.verdict }, x.verdict);

// The interval on an axis: 0, the minimum effect on the improving side
// (dashed), the interval as a bar, the effect as a dot.
function drawn(x, w = 480, ht = 64) {
	const label = x.ci_low === null ? `no interval yet: ${x.why}`
		: `effect ${diff(x, x.effect)}, 95% interval ${diff(x, x.ci_low)} to ${diff(x, x.ci_high)}; 0 and the minimum effect of ${diff(x, (x.direction === 'lower_is_better' ? -1 : 1) * x.min_effect)} marked`;
	const svg = s('svg', { class: 'interval', viewBox: `0 0 ${w} ${ht}`, width: '100%', role: 'img', 'aria-label': label });
	if (x.ci_low === null) return svg;
	const me = (x.direction === 'lower_is_better' ? -1 : 1) * (x.min_effect || 0);
	const lo = Math.min(x.ci_low, 0, me), hi = Math.max(x.ci_high, 0, me), span = hi - lo || 1, pad = 24;
	const X = (v) => (pad + ((v - lo) / span) * (w - 2 * pad)).toFixed(1);
	const mid = ht / 2;
	svg.append(
		s('line', { class: 'axis', x1: pad, x2: w - pad, y1: mid + 14, y2: mid + 14 }),
		s('line', { class: 'zero', x1: X(0), x2: X(0), y1: 6, y2: ht - 6 }),
		s('text', { x: X(0), y: ht - 1, 'text-anchor': 'middle' }, '0'),
		s('line', { class: 'min', x1: X(me), x2: X(me), y1: 6, y2: ht - 6 }),
		s('text', { x: X(me), y: 10, 'text-anchor': 'middle' }, `min ${diff(x, me)}`),
		s('line', { class: `ci ci-${x.verdict}`, x1: X(x.ci_low), x2: X(x.ci_high), y1: mid, y2: mid }),
		s('circle', { class: `ci-${x.verdict}`, cx: X(x.effect), cy: mid, r: 5 }));
	return svg;
}

function list(ctx, page) {
	const rows = page.initiatives.map((x) => [
		h('a', { href: path('initiatives', String(x.id)) + keep(ctx.query), 'data-initiative': String(x.id) }, x.name),
		journeyLink(ctx, x.journey), LABEL[x.kpi] || x.kpi, `${value(x, x.before.value)} (n ${x.before.n})`,
		`${value(x, x.after.value)} (n ${x.after.n})`, interval(x), verdict(x)]);
	return page.initiatives.length
		? table(`${page.initiatives.length} initiative${page.initiatives.length === 1 ? '' : 's'}`, [{ label: 'initiative' }, { label: 'journey' },
			{ label: 'KPI' }, { label: 'before', num: true }, { label: 'after', num: true }, { label: 'effect (95% interval)', num: true },
			{ label: 'verdict' }], rows)
		: empty('No initiative yet. Add one with POST /v1/initiatives or baton initiatives add.');
}

function one(ctx, x) {
	const side = (name, g) => [name, value(x, g.value), String(g.n), String(g.instances), `${when(g.from)} – ${when(g.to)}`];
	return [
		h('h1', null, x.name),
		h('p', { class: 'note' }, 'Journey ', journeyLink(ctx, x.journey), `, judged by ${LABEL[x.kpi] || x.kpi} (${x.direction === 'lower_is_better' ? 'lower' : 'higher'} is better), since ${when(x.start)}`,
			x.cohort ? `; cohort: instances whose first event has ${x.cohort.field} = ${x.cohort.value}, against the rest` : '',
			`; added by ${x.created_by}. As of ${when(x.as_of)}.`),
		section('Before and after',
			table('Before and after', [{ label: '' }, { label: LABEL[x.kpi] || x.kpi, num: true }, { label: 'n', num: true },
				{ label: 'instances', num: true }, { label: 'opened' }], [side(x.cohort ? 'the rest' : 'before', x.before), side(x.cohort ? 'the cohort' : 'after', x.after)])),
		section('The effect',
			x.ci_low === null
				? h('p', { class: 'effect' }, `${diff(x, x.effect)}; no interval until each side has ${x.min_sample}.`)
				: [h('p', { class: 'effect' }, `${diff(x, x.effect)}, 95% interval ${diff(x, x.ci_low)} to ${diff(x, x.ci_high)} (${rate(x) ? 'Newcombe' : 'Welch'})`),
					drawn(x)]),
		section('Verdict', h('p', null, verdict(x), ': ', h('span', { class: 'why' }, x.why)),
			note(`min_sample ${x.min_sample} a side; the minimum effect ${diff(x, x.min_effect)}.`)),
		h('p', null, h('a', { href: `/initiatives${keep(ctx.query)}` }, 'Every initiative')),
	];
}

export default {
	path: ['/initiatives', '/initiatives/:id'],
	nav: '/initiatives',
	title: 'Initiatives',
	roles: ['admin', 'analyst', 'owner'],
	async render(ctx) {
		const as_of = ctx.period.as_of;
		if (ctx.params.id) {
			const x = await get(path('v1', 'initiatives', ctx.params.id), { as_of }, { signal: ctx.signal });
			ctx.title(x.name);
			replace(ctx.main, ...one(ctx, x));
			return;
		}
		ctx.title('Initiatives');
		const journey = ctx.query.get('journey');
		const page = await get('/v1/initiatives', { as_of, journey }, { signal: ctx.signal });
		replace(ctx.main,
			h('h1', null, journey ? `Initiatives on ${journey}` : 'Initiatives'),
			note('Changes made to journeys, each judged by one KPI: the instances opened since its start against those opened as long before it. ' +
				'continue: the 95% interval is wholly an improvement; stop: it rules out an improvement worth having, or shows harm; unknown: too few, or not yet clear.'),
			section('Initiatives', list(ctx, page)));
	},
};
