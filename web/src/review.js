// SPDX-License-Identifier: Apache-2.0
// Identity review (docs/identity.md): a profile's merge ledger, where an
// admin can split a merge, and the conflicts (links the guard rails
// refused), which an admin keeps apart or merges.  Both ask twice.  Every
// identifier is text as the API gives it (masked for analysts).
import { send } from './api.js';
import { h, table, twice, when } from './dom.js';
import { customerLink } from './lists.js';

const STATE = { active: 'active', split: 'split', undone: 'undone by another split' };

// Send a change; its answer goes to done, a refusal into the status line.
async function change(status, url, body, done) {
	status.textContent = 'Sending…';
	try {
		const { status: code, answer } = await send('POST', url, body);
		if (code === 400) status.textContent = `Not done: ${answer && answer.detail}`;
		else done(answer);
	} catch (err) {
		status.textContent = `Not done: ${err.message}`;
	}
}

const isAdmin = (ctx) => ctx.session.role === 'admin';

// The merge ledger of the profile ident names, oldest first; an admin may
// split an active merge (then onSplit(answer)).
export function mergeTable(ctx, ident, merges, onSplit) {
	const status = h('p', { class: 'note', role: 'status' });
	const cols = [{ label: 'merge' }, { label: 'merged' }, { label: 'into' }, { label: 'by identifier' }, { label: 'reason' },
		{ label: 'event', num: true }, { label: 'recorded' }, { label: 'state' }];
	if (isAdmin(ctx)) cols.push({ label: 'split' });
	const url = `/v1/profiles/${encodeURIComponent(ident)}/split`;
	const rows = merges.map((m) => {
		const r = [`#${m.id}`, m.from, m.into, m.identifier ?? '(erased)', m.reason, String(m.event), when(m.at),
			m.state === 'split' ? `split ${when(m.split_at)} by ${m.split_by || '–'}` : (STATE[m.state] || m.state)];
		if (isAdmin(ctx)) {
			r.push(m.state === 'active' ? twice(`Split #${m.id}`, `Split #${m.id}: sure?`,
				() => change(status, url, { merge: m.id }, onSplit)) : '–');
		}
		return r;
	});
	return [table('Merge history', cols, rows), status];
}

const profileCell = (ctx, was, now) => (now && now !== was ? [customerLink(ctx, now), ` (was ${was})`] : customerLink(ctx, was));

// Conflicts, as the API lists them; an admin resolves an open one (then
// onResolve(answer)).
export function conflictTable(ctx, caption, conflicts, onResolve) {
	const status = h('p', { class: 'note', role: 'status' });
	const cols = [{ label: 'conflict' }, { label: 'recorded' }, { label: 'identifier' }, { label: 'refused from' },
		{ label: 'lives in' }, { label: 'reason' }, { label: 'event', num: true }, { label: 'state' }];
	if (isAdmin(ctx)) cols.push({ label: 'resolve' });
	const rows = conflicts.map((c) => {
		const state = h('span', null, c.state === 'open' ? 'open' : `${c.state.replace('_', ' ')} ${when(c.resolved_at)} by ${c.resolved_by || '–'}`);
		const r = [`#${c.id}`, when(c.at), c.identifier, profileCell(ctx, c.profile, c.profile_now),
			profileCell(ctx, c.other_profile, c.other_now), c.reason, String(c.event), state];
		if (isAdmin(ctx)) {
			const url = `/v1/conflicts/${encodeURIComponent(c.id)}/resolve`;
			const cell = h('span', { class: 'actions' });
			const resolve = (action) => () => change(status, url, { action }, (a) => {
				state.textContent = a.resolution.replace('_', ' ');
				cell.replaceChildren('–');
				status.textContent = `#${c.id}: ${a.resolution === 'merge' ? `merged into ${a.profile}` : `${a.profile} and ${a.other_profile} kept apart`}.`;
				if (onResolve) onResolve(a);
			});
			if (c.state === 'open') cell.append(twice('Keep apart', 'Keep apart: sure?', resolve('keep_apart')), ' ', twice('Merge', 'Merge: sure?', resolve('merge')));
			else cell.append('–');
			r.push(cell);
		}
		return r;
	});
	return [table(caption, cols, rows), status];
}
