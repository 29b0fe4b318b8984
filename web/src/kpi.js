// SPDX-License-Identifier: Apache-2.0
// KPI figures: what each key of docs/kpis.md is called, how it is shown,
// which way is better; the figure element with its test hooks (data-kpi,
// data-value: the raw number as the API sent it), the weekly sparkline and
// the change against the previous period.
import { h, s } from './dom.js';

const K = (label, unit, better = null) => ({ label, unit, better });
export const KPIS = {
	instances: K('volume', 'count'),
	open: K('open', 'count'),
	resolved: K('resolved', 'count'),
	abandoned: K('abandoned', 'count', 'down'),
	completion_rate: K('completion', 'rate', 'up'),
	resolution_rate: K('resolution', 'rate', 'up'),
	recontact_rate: K('recontact', 'rate', 'down'),
	fcr_rate: K('first-contact resolution', 'rate', 'up'),
	handoffs: K('handoffs', 'count'),
	handoffs_per_instance: K('handoffs per instance', 'per', 'down'),
	handoff_success_rate: K('handoff success', 'rate', 'up'),
	repeat_rate: K('customer repeated', 'rate', 'down'),
	contacts_per_instance: K('contacts per instance', 'per', 'down'),
	channels_per_instance: K('channels per instance', 'per', 'down'),
	ttr_p50_s: K('time to resolve p50', 'seconds', 'down'),
	ttr_p90_s: K('time to resolve p90', 'seconds', 'down'),
	csat_avg: K('CSAT', 'score', 'up'),
	nps: K('NPS', 'nps', 'up'),
	ces_avg: K('effort (CES)', 'score', 'down'),
	promises: K('promises', 'count'),
	promises_broken: K('promises broken', 'count', 'down'),
	cross_team_breaks: K('cross-team breaks', 'count', 'down'),
	collisions: K('collisions', 'count', 'down'),
	unowned_instances: K('unowned instances', 'count', 'down'),
	followups: K('follow-ups', 'count', 'down'),
	loop_closed_rate: K('loop closed', 'rate', 'up'),
	loop_closed_in_sla_rate: K('loop closed in time', 'rate', 'up'),
	time_to_close_p50_s: K('time to close p50', 'seconds', 'down'),
	// teams and sources
	contacts: K('contacts', 'count'),
	local_success: K('local success', 'count'),
	true_success: K('true success', 'count'),
	local_success_rate: K('local success', 'rate', 'up'),
	true_success_rate: K('true success', 'rate', 'up'),
	cost_shifted: K('cost shifted', 'count', 'down'),
	internal_success: K('internal', 'count'),
	// overall
	events: K('events', 'count'),
	profiles: K('customers', 'count'),
	timeline_only: K('on no journey', 'count'),
	consent_collisions: K('into withdrawn consent', 'count', 'down'),
	collisions_on_no_journey: K('caused by no journey', 'count', 'down'),
};

const num = new Intl.NumberFormat('en');

export function format(key, v) {
	if (v === null || v === undefined) return '–';
	switch ((KPIS[key] || K(key, 'count')).unit) {
	case 'rate': return `${(v * 100).toFixed(1)}%`;
	case 'per': return v.toFixed(2);
	case 'score': return v.toFixed(1);
	case 'nps': return v.toFixed(0);
	case 'seconds': return duration(v);
	default: return num.format(v);
	}
}

export function duration(sec) {
	if (sec < 5400) return `${Math.round(sec / 60)} min`;
	if (sec < 172800) return `${(sec / 3600).toFixed(1)} h`;
	return `${(sec / 86400).toFixed(1)} d`;
}

// The figure on screen: `scope` is a journey id, `team:ID`, `source:ID` or
// `overall`; data-value is the raw number ('null' when the API has none).
export const figure = (scope, key, v) =>
	h('span', { class: 'fig', 'data-kpi': `${scope}.${key}`, 'data-value': v === undefined ? 'null' : JSON.stringify(v) },
		format(key, v));

// The change from the previous period: points for rates and NPS, the
// difference for scores (a percent of a score means nothing), percent for
// the rest; coloured by whether it is better, and said in words.
export function change(key, cur, prev) {
	if (cur === null || cur === undefined || prev === null || prev === undefined) return h('span', { class: 'chg' }, '');
	const meta = KPIS[key] || K(key, 'count');
	const d = cur - prev;
	let text;
	if (meta.unit === 'rate') text = `${Math.abs(d * 100).toFixed(1)} pts`;
	else if (meta.unit === 'nps') text = `${Math.abs(d).toFixed(0)} pts`;
	else if (meta.unit === 'score') text = Math.abs(d).toFixed(1);
	else if (prev !== 0) text = `${Math.abs((d / prev) * 100).toFixed(0)}%`;
	else text = format(key, Math.abs(d));
	const way = Math.abs(d) < 1e-9 ? 'flat' : d > 0 ? 'up' : 'down';
	const cls = way === 'flat' || !meta.better ? 'chg' : way === meta.better ? 'chg good' : 'chg bad';
	const arrow = way === 'up' ? '▲' : way === 'down' ? '▼' : '=';
	const said = way === 'flat' ? 'unchanged from the previous period' : `${way} ${text} on the previous period`;
	return h('span', { class: cls, title: said }, h('span', { 'aria-hidden': 'true' }, `${arrow} ${way === 'flat' ? '' : text}`),
		h('span', { class: 'sr' }, said));
}

// A weekly trend as a small SVG line; weeks without a value leave a gap.
// marks: the weeks (indexes) to mark with a tick, as those in which a rule
// of the journey changed or a change of the calendar touching it took effect.
export function sparkline(key, values, marks = []) {
	const w = 72, ht = 20, pad = 2;
	const nums = values.filter((v) => v !== null && v !== undefined);
	const label = `weekly trend of ${(KPIS[key] || K(key)).label}: ${values.map((v) => format(key, v)).join(', ')}`
		+ (marks.length ? `; a rule of the journey or a change of the calendar in week${marks.length === 1 ? '' : 's'} ${marks.map((i) => i + 1).join(', ')} of ${values.length}` : '');
	const svg = s('svg', { class: 'spark', viewBox: `0 0 ${w} ${ht}`, width: w, height: ht, role: 'img', 'aria-label': label });
	if (!nums.length) return svg;
	const lo = Math.min(...nums), hi = Math.max(...nums);
	const x = (i) => pad + (i * (w - 2 * pad)) / Math.max(1, values.length - 1);
	const y = (v) => (hi === lo ? ht / 2 : ht - pad - ((v - lo) * (ht - 2 * pad)) / (hi - lo));
	let run = [];
	const flush = () => {
		if (run.length === 1) svg.append(s('circle', { cx: run[0][0], cy: run[0][1], r: 1.5 }));
		else if (run.length) svg.append(s('polyline', { points: run.map((p) => p.join(',')).join(' ') }));
		run = [];
	};
	values.forEach((v, i) => (v === null || v === undefined ? flush() : run.push([x(i).toFixed(1), y(v).toFixed(1)])));
	flush();
	for (const i of marks) svg.append(s('line', { class: 'mark', x1: x(i).toFixed(1), x2: x(i).toFixed(1), y1: 0, y2: ht }));
	return svg;
}

// figure, sparkline and change together, as a table cell or a card shows them
export const cell = (scope, key, cur, prev, trend, marks) =>
	h('span', { class: 'kcell' }, figure(scope, key, cur), trend ? sparkline(key, trend, marks) : null, change(key, cur, prev));
