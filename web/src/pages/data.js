// SPDX-License-Identifier: Apache-2.0
// Data: the records ingest rejected (dead letters) with their reasons, each
// to ingest again as kept or after a fix in place, or to drop, and all of
// them to retry after a change of the identity rules; ingest rates from
// /metrics, sampled every 5 s; the sources with their volume (and whether
// the configuration knows them); the webhooks with their recent deliveries
// (admin).
import { all, get, getText, orNull, send } from '../api.js';
import { build, empty, h, note, replace, section, table, tags, twice, when } from '../dom.js';
import { figure } from '../kpi.js';

const SAMPLE_MS = 5000;
const RATES = [
	['baton_events_ingested_total', 'events ingested'],
	['baton_events_rejected_total', 'events rejected'],
	['baton_events_duplicate_total', 'duplicates'],
];

// the unlabelled samples of a Prometheus text exposition
function samples(text) {
	const m = new Map();
	for (const line of text.split('\n')) {
		const x = /^([a-z_]+) ([0-9.eE+-]+)$/.exec(line);
		if (x) m.set(x[1], Number(x[2]));
	}
	return m;
}

function metrics(ctx, first) {
	const out = h('div', { 'aria-live': 'off' });
	let last = { at: performance.now(), m: samples(first) };
	const draw = (rates) => replace(out, table('Ingest', [{ label: 'counter' }, { label: 'total', num: true }, { label: 'per second', num: true }],
		[...RATES.map(([k, label]) => [label, String(last.m.get(k) ?? '–'), rates ? rates[k].toFixed(1) : 'measuring…']),
			['queue depth', String(last.m.get('baton_ingest_queue_depth') ?? '–'), ''],
			['last event in the live state', String(last.m.get('baton_live_last_event') ?? '–'), '']]));
	draw(null);
	const timer = setInterval(async () => {
		try {
			const now = { at: performance.now(), m: samples(await getText('/metrics', { signal: ctx.signal })) };
			const secs = (now.at - last.at) / 1000;
			const rates = Object.fromEntries(RATES.map(([k]) => [k, ((now.m.get(k) || 0) - (last.m.get(k) || 0)) / secs]));
			last = now;
			draw(rates);
		} catch { /* the next sample will tell */ }
	}, SAMPLE_MS);
	ctx.signal.addEventListener('abort', () => clearInterval(timer));
	return section('Ingest', note(`From /metrics, sampled every ${SAMPLE_MS / 1000} s.`), out);
}

const why = (a) => (a && (a.errors || []).map((x) => x.error).join('; ')) || (a && a.detail) || 'no answer';

// One dead letter: its reason and record; ingest it again as kept or fixed
// (the server checks it first and keeps nothing new), or drop it.
function letter(ctx, d) {
	const path = `/v1/dead-letters/${encodeURIComponent(d.id)}`;
	const area = h('textarea', { id: `dl-${d.id}`, rows: 4, spellcheck: 'false' });
	area.value = d.raw;
	const answer = h('p', { class: 'note', role: 'status' });
	const item = h('li', { class: 'letter' });
	const act = (method, url, body) => async (e) => {
		e.preventDefault();
		answer.textContent = 'Sending…';
		try {
			const { status, answer: a } = await send(method, url, body === undefined ? undefined : body());
			if (status === 400) answer.textContent = `Still not an event: ${why(a)}`;
			else if (method === 'DELETE') replace(item, h('p', { class: 'note' }, `#${d.id} dropped.`));
			else if (a.dead_letter === 'deleted') replace(item, h('p', { class: 'note' }, `#${d.id} ingested (${a.accepted} accepted, ${a.duplicates} duplicate).`));
			else answer.textContent = `Kept as a dead letter: ${why(a)}`;
		} catch (err) {
			answer.textContent = `Not done: ${err.message}`;
		}
	};
	return build(item,
		h('p', null, h('strong', null, `#${d.id}`), ` ${when(d.at)} · ${d.origin}${d.line ? ` line ${d.line}` : ''} · ${d.format}`),
		h('p', { class: 'reason' }, d.reason),
		h('pre', null, d.raw + (d.truncated ? ' …(truncated)' : '')),
		h('p', { class: 'actions' },
			h('button', { type: 'button', on: { click: act('POST', `${path}/reingest`) } }, 'Ingest again as kept'), ' ',
			twice('Drop', 'Drop it for good', act('DELETE', path))),
		d.truncated ? null : h('details', null, h('summary', null, 'Fix and ingest'),
			h('form', { on: { submit: act('POST', `${path}/reingest`, () => area.value) } },
				h('label', { for: `dl-${d.id}` }, 'The record, fixed'), area, h('button', { type: 'submit' }, 'Ingest the fixed record'))),
		answer);
}

async function deadLetters(ctx) {
	const first = await get('/v1/dead-letters', { limit: 20 }, { signal: ctx.signal });
	const list = h('ol', { class: 'letters' });
	const more = h('button', { type: 'button' }, 'More');
	const add = (page) => {
		list.append(...page.dead_letters.map((d) => letter(ctx, d)));
		more.hidden = !page.next;
		more.dataset.cursor = page.next || '';
	};
	more.addEventListener('click', async () => add(await get('/v1/dead-letters', { limit: 20, cursor: more.dataset.cursor }, { signal: ctx.signal })));
	add(first);
	const retried = h('span', { class: 'note', role: 'status' });
	const retry = h('button', { type: 'button', on: { click: async () => {
		retry.disabled = true;
		const { answer: a } = await send('POST', '/v1/dead-letters/retry');
		retried.textContent = ` ${a.retried} retried: ${a.accepted} accepted, ${a.still_rejected} still rejected.`;
	} } }, 'Retry all');
	return section(`Dead letters (${first.total})`,
		note('Records that ingest rejected, oldest first. Ingest one again as kept, or fix it first; one that becomes an event leaves the list. Retry all after a change of the identity rules.'),
		first.total ? [h('p', null, retry, retried), list, more] : empty('No dead letter.'));
}

// ---- webhooks (admin): each with its recent deliveries and their
// attempts; add one, send it a test, delete it.  What a receiver answered
// and the events' data are shown as text, like everything else.
const EVENTS = ['escalation.opened', 'escalation.moved', 'escalation.resolved', 'promise.broken', 'collision', 'followup.opened', 'test'];
const STATE = { pending: 'open', delivered: 'kept', failed: 'broken' }; // the tags' colours

const lastTry = (d) => {
	const a = d.attempts[d.attempts.length - 1];
	return a ? `${when(a.at)}: ${a.error || `HTTP ${a.status}`}` : 'not tried yet';
};

async function hook(ctx, w) {
	const item = h('li', { class: 'letter hook' });
	const answer = h('p', { class: 'note', role: 'status' });
	const page = await get(`/v1/webhooks/${encodeURIComponent(w.id)}/deliveries`, { limit: 10 }, { signal: ctx.signal });
	const test = h('button', { type: 'button', on: { click: async () => {
		test.disabled = true;
		try {
			await send('POST', `/v1/webhooks/${encodeURIComponent(w.id)}/test`);
			answer.textContent = 'A test delivery is queued; reload to see how it went.';
		} catch (err) {
			answer.textContent = `Not queued: ${err.message}`;
		}
		test.disabled = false;
	} } }, 'Send a test');
	const drop = twice('Delete', 'Delete it for good', async () => {
		try {
			await send('DELETE', `/v1/webhooks/${encodeURIComponent(w.id)}`);
			replace(item, h('p', { class: 'note' }, `Webhook #${w.id} deleted.`));
		} catch (err) {
			answer.textContent = `Not deleted: ${err.message}`;
		}
	});
	return build(item,
		h('p', null, h('strong', null, `#${w.id}`), ' ', h('code', null, w.url)),
		h('p', null, tags(w.events), ` · added ${when(w.created)} · ${w.deliveries.pending} pending, ${w.deliveries.delivered} delivered, ${w.deliveries.failed} failed`),
		h('p', { class: 'actions' }, test, ' ', drop),
		answer,
		page.deliveries.length ? [
			table(`Recent deliveries of webhook #${w.id} (${page.total} in all)`,
				[{ label: 'delivery' }, { label: 'event' }, { label: 'state' }, { label: 'queued' }, { label: 'attempts', num: true }, { label: 'last attempt' }, { label: 'next' }],
				page.deliveries.map((d) => [d.delivery, d.event, h('span', { class: `tag ${STATE[d.state] || ''}` }, d.state), when(d.created),
					String(d.attempts.length), lastTry(d), when(d.next_attempt)])),
			h('details', null, h('summary', null, 'What the newest delivery sent'), h('pre', null, JSON.stringify(page.deliveries[0].payload, null, 2))),
		] : empty('No delivery yet.'));
}

function addForm(ctx, list) {
	const answer = h('p', { class: 'note', role: 'status' });
	const url = h('input', { id: 'hook-url', name: 'url', type: 'url', required: true, placeholder: 'https://hooks.example.com/baton' });
	const secret = h('input', { id: 'hook-secret', name: 'secret', type: 'password', autocomplete: 'off', minlength: 16 });
	const boxes = EVENTS.map((e) => h('input', { type: 'checkbox', id: `hook-ev-${e}`, value: e }));
	const submit = async (ev) => {
		ev.preventDefault();
		const body = { url: url.value, events: boxes.filter((b) => b.checked).map((b) => b.value) };
		if (secret.value) body.secret = secret.value;
		answer.textContent = 'Adding…';
		try {
			const { status, answer: a } = await send('POST', '/v1/webhooks', body);
			if (status === 400) {
				answer.textContent = `Not added: ${a.detail}`;
				return;
			}
			secret.value = '';
			replace(answer, `Webhook #${a.id} added.`, a.secret ? [' Its secret, shown only now: ', h('code', null, a.secret)] : '');
			list.prepend(await hook(ctx, a));
		} catch (err) {
			answer.textContent = `Not added: ${err.message}`;
		}
	};
	return h('details', null, h('summary', null, 'Add a webhook'),
		h('form', { class: 'hookform', on: { submit } },
			h('label', { for: 'hook-url' }, 'URL'), url,
			h('fieldset', null, h('legend', null, 'Events'),
				EVENTS.map((e, i) => h('label', { for: `hook-ev-${e}` }, boxes[i], ` ${e}`))),
			h('label', { for: 'hook-secret' }, 'Secret (16 to 256 characters; empty: baton makes one)'), secret,
			h('button', { type: 'submit' }, 'Add')),
		answer);
}

async function webhooks(ctx) {
	const first = await get('/v1/webhooks', { limit: 50 }, { signal: ctx.signal });
	const list = h('ol', { class: 'letters hooks' });
	list.append(...await Promise.all(first.webhooks.map((w) => hook(ctx, w))));
	return section(`Webhooks (${first.total})`,
		note('Where baton sends escalations, broken promises and collisions, signed with each webhook\'s secret (docs/webhooks.md). Failed deliveries are tried again for about three hours.'),
		addForm(ctx, list), first.total ? null : empty('No webhook yet.'), list);
}

// every source of the events with its volume (GET /v1/sources), and its
// contacts and collisions in the period (the KPIs' source rows)
function sources(list, k) {
	const kpi = new Map(((k && k.sources) || []).map((r) => [r.source, r]));
	return section('Sources', table('Events per source, and their contacts and collisions in the period',
		[{ label: 'source' }, { label: 'configured' }, { label: 'channel' }, { label: 'team' }, { label: 'events', num: true },
			{ label: 'last 7 days', num: true }, { label: 'first' }, { label: 'last' }, { label: 'contacts', num: true }, { label: 'collisions', num: true }],
		list.map((r) => [r.source, r.touchpoint ? 'yes' : h('strong', { class: 'flag' }, 'no'), r.channel || '–', r.team || '–',
			String(r.events), String(r.last_7d), when(r.first), when(r.last),
			...['contacts', 'collisions'].map((key) => (kpi.has(r.source) ? figure(`source:${r.source}`, key, kpi.get(r.source)[key]) : '–'))])));
}

export default {
	path: '/data',
	nav: '/data',
	title: 'Data',
	roles: ['admin', 'analyst'],
	async render(ctx) {
		const p = ctx.period;
		ctx.title('Data');
		const [letters, hooks, m, k, src] = await Promise.all([
			orNull(deadLetters(ctx)),
			orNull(webhooks(ctx)),
			orNull(getText('/metrics', { signal: ctx.signal })),
			orNull(get('/v1/kpis', { from: p.from, to: p.to, as_of: p.as_of }, { signal: ctx.signal })),
			orNull(all('/v1/sources', { as_of: p.as_of }, 'sources', { signal: ctx.signal, max: 1000 })),
		]);
		replace(ctx.main, h('h1', null, 'Data'),
			k ? h('p', { class: 'note' }, figure('overall', 'events', k.overall.events), ' events stored up to ', k.as_of, ', ',
				figure('overall', 'timeline_only', k.overall.timeline_only), ' of them on no journey.') : null,
			m ? metrics(ctx, m) : null,
			src ? sources(src, k) : null,
			letters,
			hooks);
	},
};
