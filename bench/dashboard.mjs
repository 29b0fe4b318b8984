// SPDX-License-Identifier: Apache-2.0
// The dashboard's speed (bench/dashboard.sh sets up the server): for each
// page, the time until it is drawn in Chromium (navigation, every API call,
// rendering), and the time the API takes for each call the page made,
// replayed on their own straight to `baton serve`.  Goals: a page within
// 1 s, each call within 300 ms.  Prints a Markdown table.
//   DASH, API, TOKEN (admin), AS_OF, FROM, TO, RUNS (default 5)
import { launch, ready, signIn } from '../tests/web/browser.mjs';

const env = process.env;
const runs = Number(env.RUNS || 5);
const Q = `from=${env.FROM}&to=${env.TO}&as_of=${env.AS_OF}`;
const api = async (path) => {
	const t = performance.now();
	const res = await fetch(env.API + path, { headers: { Authorization: `Bearer ${env.TOKEN}` } });
	const text = await res.text(); // JSON, or /metrics's text
	if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
	return { body: text.startsWith('{') ? JSON.parse(text) : text, ms: performance.now() - t };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const inst = (await api(`/v1/journeys/billing-dispute/instances?as_of=${env.AS_OF}&limit=100`)).body.instances.find((i) => i.handoffs) || {};
const owner = (await api('/v1/journeys')).body.journeys.find((j) => j.journey === 'billing-dispute').owner;
const pages = [
	['overview', `/?${Q}`],
	['journey', `/journeys/billing-dispute?${Q}`],
	['instance', `/instances/${inst.id}?as_of=${env.AS_OF}`],
	['customer 360', `/customers/${encodeURIComponent(inst.profile)}?as_of=${env.AS_OF}`],
	['owner queue', `/queue?person=${owner}&as_of=${env.AS_OF}`],
	['teams', `/teams?${Q}`],
	['team', `/teams/billing?${Q}`],
	['data', `/data?${Q}`],
];

const browser = await launch();
const { page } = await signIn(browser, env.DASH, env.TOKEN);
const rows = [];
for (const [name, path] of pages) {
	const calls = new Set();
	const record = (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/v1/') || u.pathname === '/metrics') calls.add(u.pathname + u.search); };
	page.on('request', record);
	const times = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		await page.goto(env.DASH + path);
		await ready(page);
		times.push(performance.now() - t);
	}
	page.off('request', record);
	// each call alone, straight to the server: the median of 3, the slowest call
	let slow = { ms: 0, path: '' };
	for (const c of calls) {
		if (c === '/v1/session') continue;
		const ms3 = [];
		for (let i = 0; i < 3; i++) ms3.push((await api(c)).ms);
		const ms = median(ms3);
		if (ms > slow.ms) slow = { ms, path: c };
	}
	rows.push({ name, first: times[0], median: median(times.slice(1)), calls: calls.size, slow });
}
await browser.close();

console.log('| page | calls | drawn, first visit | drawn, median of the next | slowest call alone (median of 3) |');
console.log('|---|---:|---:|---:|---|');
for (const r of rows) {
	console.log(`| ${r.name} | ${r.calls} | ${r.first.toFixed(0)} ms | ${r.median.toFixed(0)} ms | ${r.slow.ms.toFixed(0)} ms \`${r.slow.path.split('?')[0]}\` |`);
}
