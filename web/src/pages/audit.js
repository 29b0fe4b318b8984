// SPDX-License-Identifier: Apache-2.0
// The data audit (docs/audit.md): the touchpoint inventory with each
// source's level declared and measured and the disagreements flagged, the
// silo map, and the crawl-walk-run roadmap.  Over the whole history unless
// the URL names a period; the API decides which sources the reader sees.
import { get } from '../api.js';
import { siloMap } from '../charts.js';
import { empty, h, note, replace, section, table, tags } from '../dom.js';

const PHASES = [
	['crawl', 'Crawl: quick wins', 'An identifier kind this source and another both declare, yet no customer on both: send it with the events.'],
	['walk', 'Walk', 'Shared in part (L2): link the events that reach no other source.'],
	['run', 'Run', 'Siloed (L1), no identifier in common with the others: an integration to build.'],
];

const pct = (s) => (s.share.events ? `${Math.round(100 * s.share.rate)}% (${s.share.linked}/${s.share.events})` : '–');
const level = (l) => h('span', { class: `level level-${l || 'none'}` }, l || '–');

export default {
	path: '/audit',
	nav: '/audit',
	title: 'Data audit',
	roles: ['admin', 'analyst', 'owner', 'team'],
	async render(ctx) {
		ctx.title('Data audit');
		const q = { as_of: ctx.period.as_of, from: ctx.query.get('from'), to: ctx.query.get('to') };
		const [a, map] = await Promise.all([
			get('/v1/audit/sources', q, { signal: ctx.signal }),
			get('/v1/audit/silo-map', q, { signal: ctx.signal }),
		]);
		const flagged = a.sources.filter((s) => s.disagrees);
		const rows = a.sources.map((s) => [
			s.source, s.team || '–', s.technology || '–', tags(s.shared_identifiers),
			level(s.declared_level), level(s.measured_level), pct(s),
			s.disagrees ? h('strong', { class: 'flag' }, 'declared ≠ measured') : s.touchpoint ? '' : 'not in the inventory',
		]);
		const bySource = new Map(a.sources.map((s) => [s.source, s]));
		const phase = ([id, title, why]) => {
			const items = a.roadmap.filter((r) => r.phase === id).map((r) => bySource.get(r.source));
			return h('div', { class: `phase phase-${id}`, 'aria-label': title },
				h('h3', null, title), note(why),
				items.length ? h('ol', null, items.map((s) => h('li', null,
					h('strong', null, s.source), ` – rank ${s.rank}, ${s.instances} instances, ${Math.round(100 * s.siloedness)}% siloed`,
					s.quick_win ? ` – holds ${s.quick_win.kind}${s.quick_win.with ? `, as ${s.quick_win.with} does` : ''}` : ''))) : empty('None.'));
		};
		replace(ctx.main,
			h('h1', null, 'Data audit'),
			note(`${a.from || a.to ? `Events from ${a.from || 'the beginning'} to ${a.to || 'now'}` : 'Every event'}, judged as of ${a.as_of}. ` +
				'A source\'s measured level is the share of its events on a customer another source also reaches: L3 from 90%, L2 from 30%, L1 below.'),
			section('Sources',
				a.sources.length
					? table(`${a.sources.length} sources, ${flagged.length} whose declared level is not the measured one`,
						[{ label: 'source' }, { label: 'team' }, { label: 'technology' }, { label: 'shares' },
							{ label: 'declared' }, { label: 'measured' }, { label: 'linked events', num: true }, { label: 'flag' }], rows)
					: empty('No source to show.')),
			section('Silo map',
				map.nodes.length ? siloMap(map, { signal: ctx.signal, label: `silo map: ${map.nodes.length} sources, ${map.edges.length} links` }) : empty('No source to show.'),
				note('A circle per source, as large as its events and coloured by its measured level (green L3, orange L2, red L1); a line per two sources that share customers, as wide as how many.'),
				map.edges.length
					? table('the heaviest links', [{ label: 'sources' }, { label: 'customers in common', num: true }],
						map.edges.slice(0, 8).map((e) => [`${e.a} – ${e.b}`, String(e.profiles)]))
					: empty('No two sources share a customer.')),
			section('Roadmap',
				note('Sources below L3, ranked by the journey instances they touch times the share of their events that reach no other source.'),
				h('div', { class: 'phases' }, PHASES.map(phase))));
	},
};
