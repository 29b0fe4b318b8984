// SPDX-License-Identifier: Apache-2.0
// Closed-loop feedback (docs/followups.md) on the journey page and the
// owner queue: the follow-ups unhappy customers opened, how many are open,
// overdue and closed, the loop-closure rate and time (figures with their
// test hooks, as every KPI), a note to close one by hand for those who
// may, and what customers said grouped by the stage and the last handoff
// of the instance it came from.
import { all, send } from './api.js';
import { empty, h, note, section, table, when } from './dom.js';
import { figure } from './kpi.js';
import { instanceLink } from './lists.js';

const KEYS = ['followups', 'loop_closed_rate', 'loop_closed_in_sla_rate', 'time_to_close_p50_s'];
const LABEL = { followups: 'follow-ups', loop_closed_rate: 'loop closed', loop_closed_in_sla_rate: 'loop closed in time',
	time_to_close_p50_s: 'time to close p50' };

// The follow-ups of a journey (or every one the reader sees: journey
// null) as of the period's as_of.
export const followupsOf = (ctx, journey) => all('/v1/followups', { journey: journey || undefined, as_of: ctx.period.as_of || undefined },
	'followups', { signal: ctx.signal });

const inPeriod = (p, f) => f.opened >= p.from && f.opened < p.to;

const said = (f) => {
	const fb = f.feedback || {};
	const scores = [['CSAT', fb.csat], ['NPS', fb.nps], ['CES', fb.ces]].filter(([, v]) => v !== null && v !== undefined)
		.map(([k, v]) => `${k} ${v}`).join(', ');
	return fb.comment ? `${scores}${scores ? ': ' : ''}“${fb.comment}”` : scores || '–';
};

// May the reader close f by hand: an admin, the journey's owner, the holding team.
const mayClose = (s, f) => s.role === 'admin' || (s.role === 'owner' && s.person === f.owner) || (s.role === 'team' && s.team === f.team);

function closeForm(ctx, f) {
	const status = h('span', { class: 'note', role: 'status' });
	const input = h('input', { name: 'note', type: 'text', size: 18, placeholder: 'what was done', 'aria-label': `note closing ${f.id}` });
	return h('form', { class: 'inline', 'aria-label': `close ${f.id}`, on: { submit: async (e) => {
		e.preventDefault();
		const { status: code, answer } = await send('POST', `/v1/followups/${encodeURIComponent(f.id)}/close`,
			{ note: input.value.trim() }, { signal: ctx.signal });
		if (code === 200) ctx.go(location.pathname + location.search);
		else status.textContent = `Not closed: ${(answer && answer.detail) || code}`;
	} } }, input, h('button', { type: 'submit' }, 'Close'), status);
}

// The open follow-ups, overdue first, as a table.
export function openTable(ctx, caption, list) {
	const open = list.filter((f) => f.state !== 'closed')
		.sort((a, b) => (a.state === b.state ? (a.due < b.due ? -1 : 1) : a.state === 'overdue' ? -1 : 1));
	if (!open.length) return empty('No follow-up is open: every unhappy customer was reached back.');
	return table(caption, [{ label: 'follow-up' }, { label: 'state' }, { label: 'instance' }, { label: 'journey' }, { label: 'held by' },
		{ label: 'opened' }, { label: 'due' }, { label: 'what the customer said' }, { label: '' }],
	open.map((f) => [f.id, h('span', { class: `tag ${f.state === 'overdue' ? 'broken' : 'open'}` }, f.state), instanceLink(ctx, f.instance),
		f.journey, f.team || '–', when(f.opened), when(f.due), said(f), mayClose(ctx.session, f) ? closeForm(ctx, f) : '']));
}

// What customers said, grouped by the stage and the last handoff of the
// instance at the feedback: where the complaints come from.
function grouped(list) {
	const groups = new Map();
	for (const f of list) {
		const key = `${f.stage || ''}|${f.handoff ? `${f.handoff.from || '?'} → ${f.handoff.to || '?'}` : ''}`;
		const g = groups.get(key) || { stage: f.stage || 'no stage', handoff: f.handoff ? `${f.handoff.from || '?'} → ${f.handoff.to || '?'}` : 'no handoff', n: 0, neg: 0, comments: [] };
		g.n++;
		g.neg += f.negatives || 1;
		if (f.feedback && f.feedback.comment && g.comments.length < 3) g.comments.push(`“${f.feedback.comment}”`);
		groups.set(key, g);
	}
	const rows = [...groups.values()].sort((a, b) => b.neg - a.neg || (a.stage < b.stage ? -1 : 1));
	if (!rows.length) return empty('No negative feedback in the period.');
	return table('Negative feedback by stage and handoff', [{ label: 'stage' }, { label: 'last handoff' }, { label: 'follow-ups', num: true },
		{ label: 'negative answers', num: true }, { label: 'what they said' }],
	rows.map((g) => [g.stage, g.handoff, String(g.n), String(g.neg), g.comments.join(' ') || '–']));
}

// The journey page's panel: the KPIs of the period (j: the journey's row
// of the API), the counts by state now, the open ones, and the groups.
export function panel(ctx, id, j, list) {
	const p = ctx.period;
	const mine = list.filter((f) => inPeriod(p, f));
	const count = (st) => mine.filter((f) => f.state === st).length;
	return section('Closed-loop feedback',
		note('Unhappy customers (a low CSAT, a detractor, a high effort, a word of the list) open a follow-up, due after the journey\'s followup_sla; reaching the customer back closes it. Over the follow-ups opened in the period.'),
		h('div', { class: 'cards kpis' }, KEYS.map((k) => h('div', { class: 'card' }, h('h3', null, LABEL[k]), h('div', { class: 'big' }, figure(id, k, j[k]))))),
		h('p', { class: 'followup-states' }, 'Now: ',
			h('strong', { 'data-followups': 'open' }, String(count('open'))), ' open, ',
			h('strong', { 'data-followups': 'overdue' }, String(count('overdue'))), ' overdue, ',
			h('strong', { 'data-followups': 'closed' }, String(count('closed'))), ' closed.'),
		openTable(ctx, 'Open follow-ups', mine),
		h('h3', null, 'What customers said'),
		note('Negative feedback of the period by the stage and the last handoff of the instance it came from: which part of the journey produces the complaints.'),
		grouped(mine));
}
