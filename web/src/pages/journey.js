// SPDX-License-Identifier: Apache-2.0
// Journey detail: KPI cards with their weekly trends; the stage funnel
// (when the journey has stages); the handoff flow
// as a Sankey picture (team → team, width = handoffs, green clean, red
// failed, the reasons on hover; a click lists the flow's instances); the
// friction ranking and the consistency across entry channels (insight.js);
// and the live instances at risk, from the owner's queue.
import { all, get, orNull, send } from '../api.js';
import { sankey } from '../charts.js';
import { empty, h, note, replace, section, table, when } from '../dom.js';
import { KPIS, cell } from '../kpi.js';
import { channelsPanel, frictionPanel } from '../insight.js';
import { instanceLink, instanceTable } from '../lists.js';
import { controls, keep, kpisWithTrend } from '../period.js';
import { followupsOf, panel as followupsPanel } from '../followups.js';

const CARDS = ['instances', 'open', 'completion_rate', 'resolution_rate', 'recontact_rate', 'fcr_rate', 'handoff_success_rate',
	'repeat_rate', 'contacts_per_instance', 'ttr_p50_s', 'ttr_p90_s', 'csat_avg', 'nps', 'ces_avg', 'promises_broken',
	'cross_team_breaks', 'collisions'];

function cards(id, { cur, prev, weeks }, marks) {
	const j = cur.journeys[0] || {}, p = prev.journeys[0] || {};
	return h('div', { class: 'cards kpis' }, CARDS.map((k) => h('div', { class: 'card' },
		h('h3', null, KPIS[k].label), cell(id, k, j[k], p[k], weeks.map((w) => (w.journeys[0] || {})[k] ?? null), marks))));
}

// the weeks of the trend in which a rule changed, or a change of the
// calendar touching the journey took effect (its `at` is its date)
const changedWeeks = (ranges, changes) => ranges.map(([from, to], i) => (changes.some((c) => c.at >= from && c.at < to) ? i : -1)).filter((i) => i >= 0);

const RULES = [['handoff_sla', 'handoff SLA'], ['recontact_window', 'recontact window'], ['abandon_after', 'abandoned after'],
	['followup_sla', 'follow-up due after']];

// what feedback opens a follow-up (docs/followups.md)
const triggers = (t) => (t ? `CSAT ≤ ${t.csat_max}, NPS ≤ ${t.nps_max}, CES ≥ ${t.ces_min}; words: ${t.words.length ? t.words.join(', ') : 'none'}` : '–');

// The journey's rules; its owner (or an admin) may change them here: the
// API checks who may, audits the change and answers the new definition.
function rules(ctx, id, def, changes) {
	if (!def.defined) return note('This journey is known from the data only: it has no definition, so no owner and the default rules. Define it in the configuration to give it an owner who decides them.');
	const s = ctx.session;
	const mine = s.role === 'admin' || (s.role === 'owner' && s.person === def.owner);
	const stages = def.stage_slas || [];
	const rows = [...RULES.map(([k, label]) => [label, def[k]]), ['follow-up triggers', triggers(def.followup_triggers)], ['sensitive', def.sensitive ? 'yes' : 'no'],
		...stages.map((st) => [`stage ${st.id}: SLA`, st.sla || 'none'])];
	const parts = [table('Rules in force', [{ label: 'rule' }, { label: 'value' }], rows)];
	if (mine) {
		const status = h('p', { class: 'note', role: 'status' });
		const input = (name, label, value) => h('label', null, label, h('input', { name, type: 'text', value: value || '', size: 8, spellcheck: 'false' }));
		const form = h('form', { class: 'rules', 'aria-label': 'change the rules', on: { submit: async (e) => {
			e.preventDefault();
			const body = {};
			for (const [k] of RULES) if (form.elements[k].value.trim() !== def[k]) body[k] = form.elements[k].value.trim();
			if (form.elements.sensitive.checked !== !!def.sensitive) body.sensitive = form.elements.sensitive.checked;
			const st = stages.filter((x) => (form.elements[`stage:${x.id}`].value.trim() || null) !== (x.sla || null))
				.map((x) => ({ id: x.id, sla: form.elements[`stage:${x.id}`].value.trim() || null }));
			if (st.length) body.stages = st;
			if (!Object.keys(body).length) { status.textContent = 'Nothing changed.'; return; }
			const { status: code, answer } = await send('PATCH', `/v1/journeys/${encodeURIComponent(id)}`, body, { signal: ctx.signal });
			if (code === 200) ctx.go(location.pathname + location.search);
			else status.textContent = `Not changed: ${(answer && answer.detail) || code}`;
		} } },
		...RULES.map(([k, label]) => input(k, label, def[k])),
		h('label', null, h('input', { name: 'sensitive', type: 'checkbox', checked: !!def.sensitive }), ' sensitive'),
		...stages.map((x) => input(`stage:${x.id}`, `stage ${x.id} SLA`, x.sla)),
		h('button', { type: 'submit' }, 'Change'), status);
		parts.push(h('h3', null, 'Change the rules'), note('As the journey\'s owner: every change is recorded, and a later load of the configuration will not undo it unforced. Durations like 24h, 90m, 7d; an empty stage SLA removes it.'), form);
	}
	parts.push(changes.length
		? table('Changes of the rules', [{ label: 'when' }, { label: 'rule' }, { label: 'before' }, { label: 'after' }, { label: 'by' }, { label: 'through' }],
			changes.map((c) => [when(c.at), c.field, c.before ?? 'none', c.after ?? 'none', c.who, c.via]), { plainFirst: true })
		: empty('No rule changed since the configuration was first loaded.'));
	return parts;
}

// The changes of the calendar touching the journey (changes.md), marked
// on the trends beside the rule changes; their impact is on the Calendar page.
const calendarChanges = (ctx, cal) => (cal.length ? section('Changes of the calendar',
	note('Campaigns, releases, prices, policies and system changes that touch this journey; the weeks they took effect are marked on the trends.'),
	table('Changes of the calendar touching the journey', [{ label: 'date' }, { label: 'change' }, { label: 'kind' }, { label: 'team' }],
		cal.map((c) => [when(c.date), c.title, c.kind, c.team]), { plainFirst: true }),
	h('p', null, h('a', { href: `/calendar${keep(ctx.query)}` }, 'The calendar'), ' shows what followed each.')) : null);

// The stage funnel: how many of the period's instances got to each stage
// (or further), what was lost before it, and who stands in it now.
function funnel(f) {
	const max = Math.max(1, f.instances);
	return table('Stage funnel', [{ label: 'stage' }, { label: 'reached', num: true }, { label: '' }, { label: 'lost before', num: true },
		{ label: 'open in it', num: true }, { label: 'past its SLA', num: true }, { label: 'at risk', num: true }],
	f.stages.map((st, k) => {
		const b = h('span', { class: 'bar local' });
		b.style.width = `${Math.round((st.reached / max) * 100)}%`;
		const before = k ? f.stages[k - 1].reached : f.instances;
		return [st.stage, String(st.reached), h('span', { class: 'track', 'aria-hidden': 'true' }, b), String(before - st.reached),
			String(st.open), String(st.sla_breached), String(st.sla_at_risk)];
	}));
}

// The instances of the period with a handoff on a route, found by reading
// the instances with handoffs, newest first; `verdict` narrows to clean or
// failed ones.  Shows them as they are found, 20 at a time.
function flowInstances(ctx, id, from, to, verdict) {
	const p = ctx.period;
	const out = h('div', { 'aria-live': 'polite' });
	const more = h('button', { type: 'button' }, 'More');
	const list = h('ul', { class: 'plain' });
	const status = h('p', { class: 'note', role: 'status' }, 'Looking…');
	let cursor = null, total = 0, shown = 0;
	// the API lists the instances with a handoff of this route, opened in the period
	async function step() {
		more.disabled = true;
		const page = await get(`/v1/journeys/${encodeURIComponent(id)}/instances`, {
			as_of: p.as_of, from: p.from, to: p.to, handoff_from: from, handoff_to: to, handoff: verdict || undefined, limit: 20, cursor,
		}, { signal: ctx.signal });
		for (const i of page.instances) {
			shown++;
			list.append(h('li', null, instanceLink(ctx, i.id), ` ${i.state}, held by ${i.holder || 'nobody'}, ${i.handoffs} handoff${i.handoffs === 1 ? '' : 's'}`));
		}
		total = page.total;
		cursor = page.next;
		status.textContent = `${shown} of ${total} instance${total === 1 ? '' : 's'}.`;
		more.disabled = !cursor;
		more.hidden = !cursor;
	}
	more.addEventListener('click', () => step().catch((e) => { if (!ctx.signal.aborted) status.textContent = `Could not read the instances: ${e.message}`; }));
	replace(out, h('h3', null, `Instances with a ${verdict || ''} handoff ${from} → ${to}`), list, status, more);
	step().catch((e) => { if (!ctx.signal.aborted) status.textContent = `Could not read the instances: ${e.message}`; });
	return out;
}

export default {
	path: '/journeys/:id',
	title: 'Journey',
	roles: ['admin', 'analyst', 'owner'],
	async render(ctx) {
		const id = ctx.params.id;
		const base = `/v1/journeys/${encodeURIComponent(id)}`;
		const p = ctx.period;
		const [k, handoffs, defs, changes] = await Promise.all([
			kpisWithTrend(`${base}/kpis`, p, ctx.signal),
			get(`${base}/handoffs`, { from: p.from, to: p.to, as_of: p.as_of }, { signal: ctx.signal }),
			all('/v1/journeys', {}, 'journeys', { signal: ctx.signal }),
			orNull(get('/v1/changes', { journey: id, limit: 200 }, { signal: ctx.signal })).then((r) => (r ? r.changes : [])),
		]);
		const def = defs.find((d) => d.journey === id) || {};
		const j = k.cur.journeys[0] || {};
		// the stage funnel, and the live instances at risk from the owner's queue
		const [fun, queue, fr, chan, followups] = await Promise.all([
			get(`${base}/funnel`, { from: p.from, to: p.to, as_of: p.as_of }, { signal: ctx.signal }),
			def.owner ? all(`/v1/owners/${encodeURIComponent(def.owner)}/queue`, { as_of: p.as_of }, 'items', { signal: ctx.signal })
				.then((items) => items.filter((q) => q.instance.journey === id)) : [],
			get(`${base}/friction`, { from: p.from, to: p.to, as_of: p.as_of }, { signal: ctx.signal }),
			get(`${base}/channels`, { from: p.from, to: p.to, as_of: p.as_of }, { signal: ctx.signal }),
			followupsOf(ctx, id),
		]);
		const name = j.name || def.name || id;
		ctx.title(name);
		const flows = [...handoffs.flow].sort((a, b) => b.failed - a.failed || b.handoffs - a.handoffs);
		const pick = h('div', { class: 'flowpick' });
		const show = (f, verdict) => replace(pick, flowInstances(ctx, id, f.from, f.to, verdict));
		replace(ctx.main,
			h('h1', null, name),
			h('p', { class: 'note' }, `Owner: ${j.owner_name || j.owner || def.owner_name || 'nobody (unowned)'}`,
				j.sensitive ? ' · sensitive: outbound marketing during it is a collision' : ''),
			controls(ctx),
			cards(id, k, changedWeeks(k.ranges, changes)),
			fun.stages.length ? section('Stages', note('The instances opened in the period: how many got to each stage or further, and who stands in it now.'), funnel(fun)) : null,
			section('Handoff flow',
				flows.length ? [
					note('Team → team over the period. Width: handoffs; green: clean, red: failed (hover for the reasons). Click a band, or a route below, for its instances.'),
					sankey(flows, { signal: ctx.signal, onClick: show, label: `Handoff flow of ${name}: ${flows.map((f) => `${f.from} to ${f.to}, ${f.handoffs} handoffs, ${f.failed} failed`).join('; ')}` }),
					table('Handoff routes', [{ label: 'from' }, { label: 'to' }, { label: 'handoffs', num: true }, { label: 'clean', num: true },
						{ label: 'failed', num: true }, { label: 'context lost', num: true }, { label: 'late', num: true }, { label: 'repeated', num: true }, { label: '' }],
					flows.map((f) => [f.from, f.to, String(f.handoffs), String(f.clean), String(f.failed), String(f.context_lost), String(f.late),
						String(f.customer_repeated), h('button', { type: 'button', class: 'link', on: { click: () => show(f, null) } }, 'instances')])),
					pick,
				] : empty('No handoff in the period.')),
			followupsPanel(ctx, id, j, followups),
			section('Friction', frictionPanel(fr)),
			section('Consistency across entry channels', channelsPanel(chan)),
			section('Rules', rules(ctx, id, def, changes.filter((c) => c.kind === 'rule'))),
			calendarChanges(ctx, changes.filter((c) => c.kind !== 'rule')),
			h('p', null, h('a', { href: `/initiatives?${new URLSearchParams({ ...Object.fromEntries(ctx.query), journey: id })}` }, 'Initiatives on this journey'), ': changes made to it, each with its verdict.'),
			section('Live instances at risk', def.owner
				? (queue.length ? instanceTable(ctx, 'Live instances at risk', queue) : empty('Nothing at risk now.'))
				: note('This journey has no owner, so nobody\'s queue holds its instances: the unowned work of the overview.')));
	},
};
