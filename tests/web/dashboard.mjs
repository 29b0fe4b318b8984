// SPDX-License-Identifier: Apache-2.0
// The dashboard in a real browser (Debian's Chromium driven by
// playwright-core), against a demo database served by `baton serve`
// (tests/cli/dashboard.sh sets it up).  Prints one "ok N - ..." or
// "not ok N - ..." line a check.  Expected figures come from the API with
// the same period and as-of, never from the page's code.
//   DASH: the dashboard's URL; API: the API's (the same server once it
//   serves both); TOKENS: a JSON file {admin, owner, agent, analyst, team};
//   SHOTS: where screenshots go; CHROMIUM: the browser.
import { mkdirSync, readFileSync } from 'node:fs';
import { launch, ready, require, signIn as browserSignIn } from './browser.mjs';

const env = process.env;
const tokens = JSON.parse(readFileSync(env.TOKENS, 'utf8'));
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AS_OF = '2026-06-01', FROM = '2026-03-01', TO = '2026-06-01';
const PERIOD = `from=${FROM}&to=${TO}&as_of=${AS_OF}`;
mkdirSync(env.SHOTS, { recursive: true });

let n = 0, failed = 0;
function check(cond, what, detail) {
	n++;
	if (cond) console.log(`ok ${n} - ${what}`);
	else {
		failed++;
		console.log(`not ok ${n} - ${what}`);
		if (detail !== undefined) for (const l of String(typeof detail === 'string' ? detail : JSON.stringify(detail, null, 1)).split('\n').slice(0, 30)) console.log(`#   ${l}`);
	}
	return cond;
}

async function api(token, path, init = {}) {
	const res = await fetch(env.API + path, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers || {}) } });
	if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
	return res.json();
}

const browser = await launch();

// A signed-in browser context for a role.  Every page it opens records its
// console errors, uncaught errors, CSP violations and dialogs.
async function signIn(token, { bypassCSP = false } = {}) {
	return browserSignIn(browser, env.DASH, token, { bypassCSP }, async (page, context) => {
		await context.addInitScript(() => {
			window.__csp = [];
			document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
		});
		page.log = [];
		page.on('console', (m) => { if (m.type() === 'error') page.log.push(`console: ${m.text()} (${m.location().url})`); });
		page.on('pageerror', (e) => page.log.push(`page error: ${e.message}`));
		page.on('dialog', (d) => { page.log.push(`dialog: ${d.message()}`); d.dismiss(); });
	});
}

async function visit(page, path) {
	page.log.length = 0;
	await page.goto(env.DASH + path);
	await ready(page);
	await page.waitForTimeout(100); // charts draw on the next frame
	page.log.push(...(await page.evaluate(() => window.__csp.map((v) => `CSP violation: ${v}`))));
}

const figures = (page) => page.$$eval('[data-kpi]', (els) => els.map((e) => ({ kpi: e.dataset.kpi, value: JSON.parse(e.dataset.value) })));

// what the API says for a data-kpi scope.key
function expected(k, kpi) {
	const dot = kpi.lastIndexOf('.');
	const scope = kpi.slice(0, dot), key = kpi.slice(dot + 1);
	const row = scope === 'overall' ? k.overall
		: scope.startsWith('team:') ? k.teams.find((t) => t.team === scope.slice(5))
			: scope.startsWith('source:') ? k.sources.find((t) => t.source === scope.slice(7))
				: k.journeys.find((j) => j.journey === scope);
	return row ? row[key] : 'no such row in the API';
}

function sameFigures(what, figs, k, min = 1) {
	const wrong = figs.filter((f) => expected(k, f.kpi) !== f.value).map((f) => `${f.kpi}: page ${f.value}, API ${expected(k, f.kpi)}`);
	check(figs.length >= min && !wrong.length, `${what}: ${figs.length} figures on screen equal the API's`, wrong.join('\n') || `only ${figs.length}`);
}

async function axe(page, what) {
	await page.evaluate(axeSource);
	const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	check(!bad.length, `${what}: no serious or critical accessibility violation (axe)`,
		bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((x) => x.target.join(' ')).join(', ')}`).join('\n'));
}

async function shots(page, name) {
	await page.screenshot({ path: `${env.SHOTS}/${name}-1280.png`, fullPage: true });
	await page.setViewportSize({ width: 390, height: 844 });
	await page.waitForTimeout(150);
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	check(wide <= 390, `${name}: fits a 390 px screen (no sideways scroll of the page)`, `${wide} px wide`);
	await page.screenshot({ path: `${env.SHOTS}/${name}-390.png`, fullPage: true });
	await page.setViewportSize({ width: 1280, height: 900 });
}

// ---- the demo's ids the pages use, from the API
const admin = tokens.admin;
const Q = `from=${FROM}&to=${TO}&as_of=${AS_OF}`;
const kAll = await api(admin, `/v1/kpis?${Q}`);
const dispute = await api(admin, `/v1/journeys/billing-dispute/instances?as_of=${AS_OF}&limit=200`);
const inst = dispute.instances.find((i) => i.handoffs > 0 && i.failed_handoffs > 0) || dispute.instances[0];
// the owner with the longest queue, so that sorting it shows
const owners = [...new Set((await api(admin, '/v1/journeys')).journeys.map((j) => j.owner))];
const queues = await Promise.all(owners.map((o) => api(admin, `/v1/owners/${o}/queue?as_of=${AS_OF}&limit=1000`)));
const busy = owners[queues.reduce((m, q, i) => (q.items.length > queues[m].items.length ? i : m), 0)];
const queue = queues[owners.indexOf(busy)];

// ---- signing in
{
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${env.DASH}/`);
	await page.waitForURL((u) => u.pathname === '/login');
	check(true, 'a visitor who is not signed in is sent to /login');
	await page.fill('input[name=token]', 'bt_not-a-token');
	await Promise.all([page.waitForURL((u) => u.search.includes('failed=1')), page.click('form[action="/login"] button')]);
	await ready(page);
	check(await page.isVisible('[role=alert]'), 'a wrong token comes back to /login?failed=1 with a message');
	await axe(page, '/login');
	await shots(page, 'login');
	await page.goto(`${env.DASH}/journeys/billing-dispute?${PERIOD}`);
	await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/journeys/billing-dispute?${PERIOD}`);
	await ready(page);
	await page.fill('input[name=token]', tokens.admin);
	await Promise.all([page.waitForURL((u) => u.pathname === '/journeys/billing-dispute'), page.click('form[action="/login"] button')]);
	await ready(page);
	check(new URL(page.url()).search === `?${PERIOD}`, 'a page opened before signing in is the one shown after it');
	await context.close();
}

const { context: adminCtx, page } = await signIn(admin);
check(new URL(page.url()).pathname === '/', 'the admin signs in through the /login form and lands on the overview');
const cookies = await adminCtx.cookies();
const session = cookies.find((c) => c.httpOnly);
check(session && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict', cookies);

// ---- every page as admin: no console error, no CSP violation, figures = API, axe, screenshots
const pages = [
	['overview', `/?${PERIOD}`, kAll],
	['journey-billing-dispute', `/journeys/billing-dispute?${PERIOD}`, await api(admin, `/v1/journeys/billing-dispute/kpis?${Q}`)],
	['journey-technical-support', `/journeys/technical-support?${PERIOD}`, await api(admin, `/v1/journeys/technical-support/kpis?${Q}`)],
	['instance', `/instances/${inst.id}?as_of=${AS_OF}`, null],
	['customers', `/customers?as_of=${AS_OF}`, null],
	['customer', `/customers/${encodeURIComponent(inst.profile)}?as_of=${AS_OF}`, null],
	['queue', `/queue?person=${busy}&as_of=${AS_OF}`, null],
	['escalations', '/escalations', null],
	['actions', '/actions?show=all', null],
	['agenda', `/agenda?${PERIOD}`, null],
	['initiatives', `/initiatives?as_of=${AS_OF}`, null],
	['initiative', `/initiatives/1?as_of=${AS_OF}`, null],
	['calendar', `/calendar?as_of=${AS_OF}`, null],
	['teams', `/teams?${PERIOD}`, kAll],
	['value', `/value?${PERIOD}`, null],
	['team-contact-center', `/teams/contact-center?${PERIOD}`, kAll],
	['data', `/data?${PERIOD}`, kAll],
	['conflicts', '/conflicts?state=all', null],
	['audit', `/audit?as_of=${AS_OF}`, null],
];
for (const [name, path, k] of pages) {
	await visit(page, path);
	check(!page.log.length, `${name} (${path}) renders with no console error and no CSP violation`, page.log.join('\n'));
	check(!(await page.isVisible('.notfound')), `${name}: shows its content, not an error page`, await page.textContent('main'));
	if (k) sameFigures(name, await figures(page), k);
	await axe(page, name);
	await shots(page, name);
}

// what each page must show, read from the API
await visit(page, `/agenda?${PERIOD}`);
const agenda = await api(admin, `/v1/agenda?${Q}`);
const shownIssues = await page.$$eval('ol.agenda li.issue strong', (els) => els.map((e) => e.textContent));
check(agenda.issues.length >= 3 && JSON.stringify(shownIssues) === JSON.stringify(agenda.issues.map((x) => x.title)), 'agenda: the issues of the API, in its order', { shownIssues, api: agenda.issues.length });
const stops = await page.$$eval('ul.stop li a', (as) => as.map((a) => a.textContent));
check(JSON.stringify(stops) === JSON.stringify(agenda.initiatives_to_stop.map((x) => x.name)), 'agenda: the initiatives to stop, as the API lists them', { stops, api: agenda.initiatives_to_stop.length });
await visit(page, '/actions?show=all');
const acts = await api(admin, '/v1/actions?limit=1000');
const actRows = await page.locator('section[aria-label="Actions"] tbody tr').count();
check(acts.total === 6 && actRows === acts.total, 'actions: the demo\'s six actions, as the API lists them', { shown: actRows, api: acts.total });
const lateCard = await page.textContent('.card.alert .big').catch(() => null);
const late = acts.actions.filter((a) => a.overdue).length;
check(late > 0 && lateCard === String(late), 'actions: the overdue ones counted, as the API judges them', { page: lateCard, api: late });
{
	// the demo's initiatives, with the API's figures and verdicts
	const ini = await api(admin, `/v1/initiatives?as_of=${AS_OF}`);
	await visit(page, `/initiatives?as_of=${AS_OF}`);
	const shown = await page.$$eval('section[aria-label="Initiatives"] tbody tr', (trs) => trs.map((tr) =>
		[tr.querySelector('[data-initiative]').dataset.initiative, tr.querySelector('[data-verdict]').dataset.verdict, tr.children[3].textContent]));
	const want = ini.initiatives.map((x) => [String(x.id), x.verdict, `${(100 * x.before.value).toFixed(1)}% (n ${x.before.n})`]);
	check(ini.initiatives.length === 2 && JSON.stringify(shown) === JSON.stringify(want), 'initiatives: the demo\'s two, with the API\'s before and verdict', { shown, want });
	const x = ini.initiatives[0];
	await visit(page, `/initiatives/${x.id}?as_of=${AS_OF}`);
	const why = await page.textContent('.why');
	check(why === x.why && await page.locator('svg.interval circle').count() === (x.ci_low === null ? 0 : 1),
		'initiative: the why of the API, and its interval drawn', { why, api: x.why });
	await visit(page, `/journeys/billing-dispute?${PERIOD}`);
	check(await page.locator('a[href^="/initiatives?"][href*="journey=billing-dispute"]').count() === 1, 'journey: links to its initiatives');
}
await visit(page, `/?${PERIOD}`);
const rows = await page.$$eval('[data-kpi$=".instances"]', (els) => els.map((e) => e.dataset.kpi.replace(/\.instances$/, '')));
check(JSON.stringify(rows) === JSON.stringify(kAll.journeys.map((j) => j.journey)), 'overview: every journey of the API, in its order', rows);
check(await page.locator('.kcell svg.spark').count() >= kAll.journeys.length * 8, 'overview: each journey figure has its weekly sparkline');

// the journey page marks the week the promotion took effect, and lists it
await visit(page, `/journeys/billing-dispute?${PERIOD}`);
const marked = await page.locator('.kcell svg.spark[aria-label*="a change of the calendar in week"]').count();
check(marked > 0 && (await page.locator('.kcell svg.spark line.mark').count()) > 0, 'journey: the trends mark the week of the promotion', `${marked} marked`);
const listed = await page.$$eval('[aria-label="Changes of the calendar touching the journey"] tbody tr', (trs) => trs.map((tr) => tr.children[1].textContent));
check(listed.includes('Upgrade promotion'), 'journey: the calendar changes touching it are listed', listed);

// the change calendar: the demo's promotion and the spike that followed it, as the API counts them
await visit(page, `/calendar?as_of=${AS_OF}`);
const spring = (await api(admin, `/v1/changes?kind=campaign&as_of=${AS_OF}`)).changes[0];
const springImpact = await api(admin, `/v1/changes/${spring.id}/impact?as_of=${AS_OF}`);
const tc = springImpact.contacts.touched;
const said = await page.textContent(`[data-impact="${spring.id}"]`).catch(() => '');
check(tc.extra > 0 && said.includes(`${tc.before} → ${tc.after} contacts (+${tc.extra})`),
	'calendar: the promotion is followed by a spike of contacts, the figures the API gives', { said, contacts: springImpact.contacts });
const springBars = await page.locator(`[data-impact="${spring.id}"] + [data-chart="daily"] svg path`).count();
check(springBars >= springImpact.daily.length, `calendar: the daily chart draws the ${springImpact.daily.length} days`, `${springBars} paths`);
const absorbed = await page.$$eval(`[aria-label="Teams that took the touched journeys' contacts: change ${spring.id}"] tbody tr`,
	(trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
check(JSON.stringify(absorbed) === JSON.stringify(springImpact.teams.map((t) => [t.team || '(no team)', String(t.before), String(t.after), (t.extra > 0 ? '+' : '') + t.extra])),
	'calendar: the teams that absorbed the extra contacts', { absorbed, api: springImpact.teams });
const ahead = (await api(admin, `/v1/changes?upcoming=true&as_of=${AS_OF}`)).changes.map((x) => x.title);
const aheadShown = await page.$$eval('[aria-label="Upcoming changes"] tbody tr', (trs) => trs.map((tr) => tr.children[1].textContent));
check(ahead.length > 0 && JSON.stringify(aheadShown) === JSON.stringify(ahead), 'calendar: the changes ahead', { aheadShown, ahead });

await visit(page, `/journeys/billing-dispute?${PERIOD}`);
const flow = (await api(admin, `/v1/journeys/billing-dispute/handoffs?${Q}`)).flow;
const bands = await page.locator('.chart svg path').count();
check(bands >= flow.length, `journey: the handoff Sankey draws the API's ${flow.length} routes`, `${bands} paths`);
await page.click('.scroll button.link >> nth=0');
await page.waitForSelector('.flowpick li a[href^="/instances/"]', { timeout: 20000 });
check(true, 'journey: a route lists its instances, linked');

await visit(page, `/journeys/technical-support?${PERIOD}`);
const fun = await api(admin, `/v1/journeys/technical-support/funnel?${Q}`);
const funRows = await page.$$eval('[aria-label="Stage funnel"] tbody tr', (trs) => trs.map((tr) => [0, 1, 4, 5, 6].map((k) => tr.children[k].textContent)));
check(fun.stages.length > 0 && JSON.stringify(funRows) === JSON.stringify(fun.stages.map((st) => [st.stage, String(st.reached), String(st.open), String(st.sla_breached), String(st.sla_at_risk)])),
	'journey: the stage funnel as the API counts it', { funRows, stages: fun.stages });
// friction and consistency (docs/insight.md): the API's ranking and spreads
const fr = await api(admin, `/v1/journeys/technical-support/friction?${Q}`);
const frRows = await page.$$eval('[aria-label="Friction points"] tbody tr', (trs) => trs.map((tr) => [0, 3, 4, 6].map((k) => tr.children[k].textContent)));
check(fr.friction.length > 3 && JSON.stringify(frRows) === JSON.stringify(fr.friction.map((x) => [String(x.rank), String(x.customers), `${(x.share * 100).toFixed(1)}%`, String(x.occurrences)])),
	`journey: the ${fr.friction.length} friction points ranked as the API, with customers and share`, { frRows, friction: fr.friction.slice(0, 5) });
const ch = await api(admin, `/v1/journeys/technical-support/channels?${Q}`);
const chRows = await page.$$eval('[aria-label="Entry channels"] tbody tr', (trs) => trs.map((tr) => [0, 1].map((k) => tr.children[k].textContent)));
check(ch.channels.length > 1 && JSON.stringify(chRows) === JSON.stringify(ch.channels.map((c) => [c.channel, String(c.instances)])),
	'journey: the instances per entry channel as the API counts them', { chRows, channels: ch.channels });
const flagged = await page.$$eval('[data-spread].flag', (els) => els.map((e) => e.dataset.spread));
const want = [['resolution', 'resolution_rate'], ['recontact', 'recontact_rate'], ['CSAT', 'csat']].filter(([, k]) => ch.spread[k].flagged).map(([n]) => n);
check(want.length > 0 && JSON.stringify(flagged) === JSON.stringify(want), 'journey: the demo\'s spread across entry channels is flagged where the API flags it', { flagged, spread: ch.spread });

await visit(page, `/value?${PERIOD}`);
const val = await api(admin, `/v1/value?${Q}`);
const valRows = await page.$$eval('[aria-label="Value at stake"] tbody tr', (trs) => trs.map((tr) => [0, 1, 2, 4].map((k) => tr.children[k].textContent)));
const valWant = val.pairs.flatMap((p) => [[p.good, p.good.side], [p.bad, p.bad.side]].map(([x]) => [String(x.customers), String(x.churned), String(x.revenue)]));
check(val.pairs[0].good.customers > 0 && val.pairs[0].bad.churned > 0 && JSON.stringify(valRows.filter((r) => r[1] !== '').map((r) => r.slice(1))) === JSON.stringify(valWant),
	'value: the three pairs with the API\'s customers, churn and revenue', { valRows, pairs: val.pairs });

// closed-loop feedback: the journey's follow-ups of the period by state, and
// the figures (compared with the API above, as every data-kpi)
{
	await visit(page, `/journeys/technical-support?${PERIOD}`);
	const fu = (await api(admin, `/v1/followups?journey=technical-support&as_of=${AS_OF}&limit=10000`)).followups
		.filter((f) => f.opened >= FROM && f.opened < `${TO}T`);
	const byState = (st) => String(fu.filter((f) => f.state === st).length);
	const shownStates = await page.$$eval('[data-followups]', (els) => els.map((e) => [e.dataset.followups, e.textContent]));
	check(fu.length > 5 && JSON.stringify(shownStates) === JSON.stringify(['open', 'overdue', 'closed'].map((st) => [st, byState(st)])),
		'journey: the follow-ups open, overdue and closed, as the API counts them', { shownStates, api: fu.length });
	const figs = await page.$$eval('[data-kpi^="technical-support.loop_closed"], [data-kpi="technical-support.followups"]', (els) => els.length);
	check(figs === 3, 'journey: the loop-closure figures are on the page', figs);
	const openRows = await page.locator('[aria-label="Open follow-ups"] tbody tr').count();
	check(openRows === fu.filter((f) => f.state !== 'closed').length, 'journey: each open follow-up listed', openRows);
	const groups = await page.$$eval('[aria-label="Negative feedback by stage and handoff"] tbody tr', (trs) => trs.reduce((n, tr) => n + Number(tr.children[2].textContent), 0));
	check(groups === fu.length, 'journey: what customers said, grouped by stage and handoff, counts every follow-up', { groups, api: fu.length });
	await visit(page, `/queue?person=${busy}&as_of=${AS_OF}`);
	const mine = (await api(admin, `/v1/followups?as_of=${AS_OF}&limit=10000`)).followups.filter((f) => f.owner === busy && f.state !== 'closed');
	const qRows = await page.locator('section[aria-label="Follow-ups"] tbody tr').count();
	check(qRows === mine.length, 'queue: the owner\'s open follow-ups', { qRows, api: mine.length });
}

await visit(page, `/instances/${inst.id}?as_of=${AS_OF}`);
const detail = await api(admin, `/v1/instances/${inst.id}?as_of=${AS_OF}`);
const verdicts = await page.$$eval('section[aria-label=Handoffs] tbody tr', (trs) => trs.map((tr) => tr.children[3].textContent));
check(JSON.stringify(verdicts) === JSON.stringify(detail.handoffs.map((x) => (x.clean ? 'clean' : 'failed'))), 'instance: its handoffs with the API\'s verdicts', verdicts);

// the data audit: the demo's sources at L1, L2 and L3, as the API measures them
await visit(page, `/audit?as_of=${AS_OF}`);
{
	const aud = await api(admin, `/v1/audit/sources?as_of=${AS_OF}`);
	const map = await api(admin, `/v1/audit/silo-map?as_of=${AS_OF}`);
	const shownLv = await page.$$eval('section[aria-label=Sources] tbody tr', (trs) => trs.map((tr) => [0, 4, 5, 7].map((k) => tr.children[k].textContent)));
	const want = aud.sources.map((x) => [x.source, x.declared_level || '–', x.measured_level || '–',
		x.disagrees ? 'declared ≠ measured' : x.touchpoint ? '' : 'not in the inventory']);
	check(JSON.stringify(shownLv) === JSON.stringify(want), 'audit: every source with its declared and measured level and flag, as the API', { shownLv, want });
	const measured = new Set(aud.sources.map((x) => x.measured_level));
	check(['L1', 'L2', 'L3'].every((l) => measured.has(l)) && aud.sources.some((x) => x.disagrees),
		'audit: the demo has sources at each measured level, and one whose declared level disagrees', [...measured]);
	const circles = await page.locator('section[aria-label="Silo map"] .chart svg path').count();
	check(circles >= map.nodes.length, `audit: the silo map draws the API's ${map.nodes.length} sources`, `${circles} paths`);
	for (const ph of ['crawl', 'walk', 'run']) {
		const listed = await page.$$eval(`.phase-${ph} li strong`, (els) => els.map((e) => e.textContent));
		const api_ = aud.roadmap.filter((r) => r.phase === ph).map((r) => r.source);
		check(api_.length > 0 && JSON.stringify(listed) === JSON.stringify(api_), `audit: the roadmap's ${ph} phase, as the API ranks it`, { listed, api_ });
	}
}

await visit(page, `/queue?person=${busy}&as_of=${AS_OF}`);
const shown = await page.$$eval('#queue tbody th a', (as) => as.map((a) => a.textContent).sort());
check(JSON.stringify(shown) === JSON.stringify(queue.items.map((q) => q.instance.id).sort()), 'queue: the owner\'s items, each linked', shown);
await page.click('#queue thead button >> text=opened');
const opened = await page.$$eval('#queue tbody tr', (trs) => trs.map((tr) => tr.children[5].textContent));
check(opened.length > 1 && JSON.stringify(opened) === JSON.stringify([...opened].sort()), `queue: ${opened.length} items sorted by a column on a click`);
{
	// the queue polls: 15 s later (on the page's clock) it asks again
	const { context: qc, page: qp } = await signIn(tokens.owner);
	await qp.clock.install();
	await visit(qp, `/queue?as_of=${AS_OF}`);
	const asked = qp.waitForRequest((r) => r.url().includes('/v1/owners/maria/queue'), { timeout: 5000 }).then(() => true, () => false);
	await qp.clock.runFor(15500);
	check(await asked, 'queue: refreshes itself after 15 s, without a reload');
	await qc.close();
}

await visit(page, `/data?${PERIOD}`);
const srcRows = await page.$$eval('section[aria-label=Sources] tbody tr', (trs) => trs.map((tr) => `${tr.children[0].textContent} ${tr.children[4].textContent}`));
const srcApi = (await api(admin, `/v1/sources?as_of=${AS_OF}&limit=1000`)).sources.map((r) => `${r.source} ${r.events}`);
check(JSON.stringify(srcRows) === JSON.stringify(srcApi), 'data: every source with its volume, as the API counts it', { srcRows, srcApi });

// ---- who sees what
{
	const { context, page: p } = await signIn(tokens.owner);
	await visit(p, `/?${PERIOD}`);
	const mine = await api(tokens.owner, `/v1/kpis?${Q}`);
	const figs = await figures(p);
	sameFigures('owner maria: her overview', figs, mine);
	const scopes = [...new Set(figs.map((f) => f.kpi.split('.')[0]).filter((s) => !s.includes(':') && s !== 'overall'))];
	check(JSON.stringify(scopes) === '["billing-dispute"]', 'owner maria: sees her journey only', scopes);
	await visit(p, `/journeys/technical-support?${PERIOD}`);
	check(await p.isVisible('.notfound') && !(await p.locator('[data-kpi]').count()), 'owner maria: another owner\'s journey page is "not found"');
	await visit(p, `/journeys/billing-dispute?${PERIOD}`);
	check(!(await p.isVisible('.notfound')), 'owner maria: her journey page opens');
	// her decision: the handoff SLA from the journey page, audited
	const before = (await api(admin, '/v1/journeys')).journeys.find((j) => j.journey === 'billing-dispute').handoff_sla;
	await p.fill('form.rules input[name=handoff_sla]', '12h');
	await Promise.all([p.waitForResponse((r) => r.request().method() === 'PATCH'), p.click('form.rules button[type=submit]')]);
	await ready(p);
	const after = (await api(admin, '/v1/journeys')).journeys.find((j) => j.journey === 'billing-dispute').handoff_sla;
	const trail = (await api(admin, '/v1/changes?journey=billing-dispute&kind=rule&limit=1')).changes[0];
	check(after === '12h' && trail.who === 'maria' && trail.via === 'api' && trail.field === 'handoff_sla' && trail.before === before && trail.after === '12h',
		'owner maria: changes her handoff SLA on the page, and the change is audited', { before, after, trail });
	// the page draws itself again after the answer (it may still show the one before): wait for the list
	await p.waitForSelector('[aria-label="Changes of the rules"] tbody tr:first-child td', { timeout: 10000 }).catch(() => {});
	await ready(p);
	const row = await p.$$eval('[aria-label="Changes of the rules"] tbody tr:first-child td', (tds) => tds.map((t) => t.textContent));
	check(row[1] === 'handoff_sla' && row[2] === before && row[3] === '12h' && row[4] === 'maria' && row[5] === 'api', 'owner maria: the page lists the change', row);
	await p.fill('form.rules input[name=handoff_sla]', 'soon');
	await Promise.all([p.waitForResponse((r) => r.request().method() === 'PATCH'), p.click('form.rules button[type=submit]')]);
	// the answer is written once its body is read, after the response: wait for it (a sanitized server is slower)
	const refused = await p.waitForSelector('form.rules [role=status]:has-text("handoff_sla must be a duration")', { timeout: 10000 }).then(() => true, () => false);
	check(refused, 'owner maria: a bad value is refused, saying why', await p.textContent('form.rules [role=status]'));
	await api(admin, '/v1/journeys/billing-dispute', { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ handoff_sla: before }) });
	// her escalations: those the API gives her, and one acknowledged on the page
	await visit(p, '/escalations');
	const open = await api(tokens.owner, '/v1/escalations?state=open&limit=500');
	const shownIds = await p.$$eval('section[aria-label="Escalations open"] tbody tr th a', (as) => as.map((a) => a.textContent));
	check(open.total > 0 && shownIds.length === open.escalations.length, 'owner maria: her open escalations, as the API lists them', { shown: shownIds.length, api: open.total });
	if (open.escalations.length) {
		const first = open.escalations[0];
		await Promise.all([p.waitForResponse((r) => r.url().endsWith(`/v1/escalations/${first.id}/ack`)),
			p.click('section[aria-label="Escalations open"] tbody tr:first-child button:has-text("acknowledge")')]);
		await ready(p);
		const now = (await api(admin, '/v1/escalations?state=acknowledged&limit=500')).escalations.find((x) => x.id === first.id);
		check(now && now.acknowledged_by === 'maria', 'owner maria: acknowledges an escalation on the page', { id: first.id, now });
	}
	// her actions: those the API gives her, and one marked done on the page
	await visit(p, '/actions');
	const myActs = (await api(tokens.owner, '/v1/actions?limit=1000')).actions.filter((a) => ['open', 'in_progress'].includes(a.status));
	check(myActs.length > 0 && await p.locator('section[aria-label="Actions"] tbody tr').count() === myActs.length, "owner maria: her open actions", myActs.length);
	await Promise.all([p.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/v1/actions/${myActs[0].id}`)),
		p.click('section[aria-label="Actions"] tbody tr:first-child button:has-text("done")')]);
	await ready(p);
	const done = await api(admin, `/v1/actions/${myActs[0].id}`);
	check(done.status === 'done', 'owner maria: marks an action done on the page', done);
	await visit(p, `/queue?as_of=${AS_OF}`);
	const hers = (await api(admin, `/v1/owners/maria/queue?as_of=${AS_OF}&limit=1000`)).items.length;
	check(await p.locator('#queue tbody tr').count() === hers, 'owner maria: her own queue');
	await context.close();
}
{
	const { context, page: p } = await signIn(tokens.agent);
	check(new URL(p.url()).pathname === '/customers', 'agent: lands on the customer 360');
	for (const path of [`/journeys/billing-dispute?${PERIOD}`, `/teams?${PERIOD}`, `/data`, `/queue?person=maria`, '/conflicts', '/audit']) {
		await visit(p, path);
		check(await p.isVisible('.notfound') && !(await p.locator('[data-kpi]').count()), `agent: cannot open the KPIs (${path.split('?')[0]} is "not found")`);
	}
	await visit(p, `/customers/${encodeURIComponent(inst.profile)}?as_of=${AS_OF}`);
	check(await p.isVisible('section[aria-label="Open instances"]'), 'agent: the customer 360 with the open work');
	// a customer whose profile was made by merges: the history on screen
	let merged = null;
	for (let i = 1; i <= 200 && !merged; i++) {
		const pr = await api(tokens.agent, `/v1/profiles/P${i}`).catch(() => null);
		if (pr && pr.merges && pr.merges.length) merged = pr;
	}
	check(merged !== null, 'the demo has a merged profile');
	if (merged) {
		await visit(p, `/customers/${merged.profile}?as_of=${AS_OF}`);
		const rows = await p.$$eval('[aria-label="Merge history"] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
		check(rows.length === merged.merges.length && rows.every((r, k) => r[0] === `#${merged.merges[k].id}` && r[1] === merged.merges[k].from
			&& r[2] === merged.merges[k].into && r[3] === merged.merges[k].identifier && r[7] === merged.merges[k].state),
			'agent: the merge history as the profile has it, each merge with its number and state', { rows, merges: merged.merges });
		check(!(await p.locator('[aria-label="Merge history"] button').count()), 'agent: no split button (admins split)');
	}
	await context.close();
}
{
	const { context, page: p } = await signIn(tokens.analyst);
	await visit(p, `/customers/${encodeURIComponent(inst.profile)}?as_of=${AS_OF}`);
	const masked = (await api(tokens.analyst, `/v1/profiles/${encodeURIComponent(inst.profile)}`)).identifiers;
	const onScreen = await p.$$eval('section[aria-label=Identity] .tag', (els) => els.map((e) => e.textContent));
	const full = (await api(admin, `/v1/profiles/${encodeURIComponent(inst.profile)}`)).identifiers;
	check(JSON.stringify(onScreen) === JSON.stringify(masked) && JSON.stringify(masked) !== JSON.stringify(full),
		'analyst: identifiers masked as the API masks them', { onScreen, masked });
	check(!(await p.textContent('main')).includes(full[0]), 'analyst: no unmasked identifier anywhere on the page');
	await visit(p, '/conflicts?state=all');
	const mine = (await api(tokens.analyst, '/v1/conflicts?limit=50')).conflicts.map((c) => c.identifier);
	const cells = await p.$$eval('[aria-label="Conflicts"] tbody tr', (trs) => trs.map((tr) => tr.children[2].textContent));
	check(mine.length > 0 && JSON.stringify(cells) === JSON.stringify(mine) && mine.every((x) => x.includes('*')),
		'analyst: the conflicts, identifiers masked as the API masks them', { cells, mine });
	check(!(await p.locator('main button:text-is("Merge")').count()), 'analyst: no resolve buttons (admins resolve)');
	await context.close();
}
{
	const { context, page: p } = await signIn(tokens.team);
	check(new URL(p.url()).pathname === '/teams/billing', 'team lead: lands on their team');
	await visit(p, `/teams/contact-center?${PERIOD}`);
	check(new URL(p.url()).pathname === '/teams/billing', 'team lead: another team\'s page takes them to their own');
	await visit(p, `/?${PERIOD}`);
	check(new URL(p.url()).pathname === '/teams/billing' && !(await p.locator('[data-kpi^="billing-dispute."]').count()), 'team lead: no journey KPIs');
	await visit(p, `/journeys/billing-dispute?${PERIOD}`);
	check(await p.isVisible('.notfound'), 'team lead: a journey page is "not found"');
	await visit(p, `/teams/billing?${PERIOD}`);
	const holds = await p.$$eval('section[aria-label="Open instances it holds"] tbody th a', (as) => as.map((a) => a.textContent).sort());
	const want = [];
	for (const j of kAll.journeys) {
		want.push(...(await api(admin, `/v1/journeys/${j.journey}/instances?state=open&holder=billing&as_of=${AS_OF}&limit=1000`)).instances.map((i) => i.id));
	}
	check(JSON.stringify(holds) === JSON.stringify(want.sort()), 'team lead: the open instances their team holds', { holds, want });
	await context.close();
}

// ---- XSS: payloads in every field of events, every page that shows them
const X = [
	'<script>alert("xss-script")</script>',
	'<img src=x onerror=alert("xss-img")>',
	'"><svg onload=alert("xss-svg")>',
	'javascript:alert("xss-url")',
	'<a href="javascript:alert(1)">x</a><iframe srcdoc="<script>alert(2)</script>">',
];
const J = '<img src=x onerror=alert("xss-journey")>'; // a journey id: no '/', it is a path segment
const xts = (m) => `2026-05-2${m}T10:00:00Z`;
const ids = { customer_id: 'XSS<svg onload=alert(3)>' };
// a link refused (another customer id holds it): a conflict whose identifier is a payload
const UX = 'U<img src=x onerror=alert("xss-conflict")>';
const events = [
	{ ts: xts(0), source: X[0], type: 'dispute.opened', journey: 'billing-dispute', team: X[1], case: X[2],
		ids: { ...ids, email: 'x<img src=x onerror=alert(4)>@example.com' }, props: { said: X[4], [X[1]]: X[3] }, consent: { [X[2]]: false } },
	{ ts: xts(1), source: X[3], type: X[1], journey: 'billing-dispute', team: X[2], links: [X[2]], outcome: 'resolved', ids,
		promise: { id: X[0], kind: X[1], due: '48h', team: X[4] } },
	{ ts: xts(2), source: X[4], type: X[0], journey: 'billing-dispute', case: X[2], ids, feedback: { csat: 1, comment: X[4] } },
	{ ts: xts(3), source: 'web', type: 'x.seen', journey: J, ids, case: X[0], team: X[4], outcome: 'contained' },
	{ ts: xts(4), source: 'web', type: 'x.other', ids: { customer_id: 'C<script>alert(6)</script>', user_id: UX } },
	{ ts: xts(5), source: 'web', type: 'x.link', ids: { ...ids, user_id: UX } },
];
const ingest = await api(admin, '/v1/events', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(events) });
check(ingest.accepted === events.length, 'XSS corpus: events with payloads in every field are accepted', ingest);
await fetch(`${env.API}/v1/events`, { method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
	body: JSON.stringify({ ts: 'never', source: X[0], type: X[1], ids: { email: X[2] } }) }); // a dead letter
const xssProfile = (await api(admin, `/v1/profiles/${encodeURIComponent('customer_id:XSS<svg onload=alert(3)>')}`)).profile;
const xssInst = (await api(admin, `/v1/journeys/billing-dispute/instances?as_of=${AS_OF}&limit=50`)).instances.find((i) => i.profile === xssProfile);
const XP = `from=2026-05-01&to=${TO}&as_of=${AS_OF}`;
const xssPages = [
	`/?${XP}`, `/journeys/billing-dispute?${XP}`, `/journeys/${encodeURIComponent(J)}?${XP}`, `/instances/${xssInst.id}?as_of=${AS_OF}`,
	`/customers/${encodeURIComponent('customer_id:XSS<svg onload=alert(3)>')}?as_of=${AS_OF}`, `/teams?${XP}`,
	`/teams/${encodeURIComponent(X[1])}?${XP}`, `/data?${XP}`, '/conflicts?state=all',
];
// With the CSP switched off in the browser, so only the page's own care
// stands between a payload and a running script.
for (const bypassCSP of [false, true]) {
	const { context, page: p } = await signIn(admin, { bypassCSP });
	for (const path of xssPages) {
		await visit(p, path);
		// what a payload would leave in the page if it became markup
		const scan = () => p.evaluate(() => {
			const found = [];
			for (const el of document.querySelectorAll('*')) {
				for (const a of el.attributes) if (/^on/i.test(a.name)) found.push(`${el.tagName} ${a.name}`);
				if (/^(IFRAME|OBJECT|EMBED|IMG)$/.test(el.tagName)) found.push(el.tagName);
				if (el.tagName === 'SCRIPT' && !el.src) found.push('inline script');
				if (el.tagName === 'A' && /^\s*javascript:/i.test(el.getAttribute('href') || '')) found.push('javascript: link');
			}
			return found;
		});
		const bad = new Set(await scan());
		// each band of a Sankey hovered: its tooltip is HTML that ECharts builds
		const bands = p.locator('.chart svg path');
		const tips = [];
		for (let i = 0; i < await bands.count(); i++) {
			await bands.nth(i).hover({ force: true, timeout: 2000 }).catch(() => {});
			for (const b of await scan()) bad.add(b);
			tips.push(await p.evaluate(() => [...document.querySelectorAll('.chart > div')].map((d) => d.textContent).join(' ')));
		}
		const text = await p.textContent('body');
		const shownAsText = [...X, J, ids.customer_id, UX].some((x) => text.includes(x));
		check(!bad.size && !p.log.length && shownAsText,
			`XSS${bypassCSP ? ' (CSP off)' : ''}: ${path.split('?')[0]} shows the payloads as text, runs nothing, opens no dialog`,
			[...bad, ...p.log, shownAsText ? '' : 'no payload shown'].join('\n'));
		if (path.startsWith('/journeys/billing-dispute')) {
			check(tips.some((t) => X.some((x) => t.includes(x))), `XSS${bypassCSP ? ' (CSP off)' : ''}: the Sankey's tooltips show the team payloads as text`, tips);
		}
	}
	await context.close();
}

// ---- identity review through the session: a merge split, conflicts resolved
{
	// a profile made by a merge, not the customer the pages above use
	let merged = null;
	for (let i = 1; i <= 300 && !merged; i++) {
		const pr = await api(admin, `/v1/profiles/P${i}/merges`).catch(() => null);
		if (pr && pr.profile !== inst.profile && pr.merges.some((m) => m.state === 'active')) merged = pr;
	}
	check(merged !== null, 'review: the demo has a profile made by a merge');
	const m = merged.merges.find((x) => x.state === 'active');
	await visit(page, `/customers/${merged.profile}?as_of=${AS_OF}`);
	await page.click(`[aria-label="Merge history"] button:text-is("Split #${m.id}")`);
	await page.click(`[aria-label="Merge history"] button:text-is("Split #${m.id}: sure?")`);
	await page.waitForFunction((id) => [...document.querySelectorAll('[aria-label="Merge history"] tbody tr')]
		.some((tr) => tr.children[0].textContent === `#${id}` && tr.children[7].textContent.startsWith('split')), m.id, { timeout: 20000 });
	await ready(page);
	const after = await api(admin, `/v1/profiles/${merged.profile}/merges`);
	check(after.merges.find((x) => x.id === m.id).state === 'split', 'review: a split through the page: the API has the merge split', after);
	const other = await api(admin, `/v1/profiles/P${m.into === merged.profile ? m.from.slice(1) : m.into.slice(1)}`).catch(() => null);
	check(other && other.profile !== merged.profile, 'review: the side split off is a profile of its own again', other);
	check(!page.log.length, 'review: the split raised no error', page.log.join('\n'));

	const open = (await api(admin, '/v1/conflicts?state=open&limit=100')).conflicts;
	await visit(page, '/conflicts');
	const listed = await page.$$eval('[aria-label="Conflicts"] tbody tr', (trs) => trs.map((tr) => tr.children[0].textContent));
	check(open.length > 1 && JSON.stringify(listed) === JSON.stringify(open.map((c) => `#${c.id}`)), 'conflicts: the open ones, newest first, as the API lists them', { listed, open: open.map((c) => c.id) });
	const first = page.locator('[aria-label="Conflicts"] tbody tr').first();
	await first.locator('button:text-is("Keep apart")').click();
	await first.locator('button:text-is("Keep apart: sure?")').click();
	await page.waitForSelector('[role=status]:has-text("kept apart")');
	const kept = (await api(admin, '/v1/conflicts?state=resolved&limit=100')).conflicts.find((c) => c.id === open[0].id);
	check(kept && kept.state === 'keep_apart' && kept.resolved_by, 'conflicts: kept apart through the page, and by whom', kept);
	// the demo's conflicts are two customer ids: a merge is refused, and the page says why
	const second = page.locator('[aria-label="Conflicts"] tbody tr').nth(1);
	await second.locator('button:text-is("Merge")').click();
	await second.locator('button:text-is("Merge: sure?")').click();
	await page.waitForSelector('[role=status]:has-text("Not done")');
	const said = await page.textContent('[role=status]:has-text("Not done")');
	check(/cannot merge: both profiles hold a different customer_id/.test(said), 'conflicts: a merge a guard rail forbids is refused, naming it', said);
	check((await api(admin, '/v1/conflicts?state=open&limit=100')).conflicts.some((c) => c.id === open[1].id), 'conflicts: ... and stays open');
}

// ---- a change made through the session: dead letters dropped and re-ingested
{
	const before = (await api(admin, '/v1/dead-letters?limit=1')).total;
	await visit(page, '/data');
	await page.click('.letter >> nth=0 >> text=Drop');
	await page.click('.letter >> nth=0 >> text=Drop it for good');
	await page.waitForSelector('.letter >> nth=0 >> text=dropped');
	const fixed = JSON.stringify({ ts: '2026-05-30T10:00:00Z', source: 'web', type: 'form.submitted', ids: { email: 'fixed@example.com' } });
	const second = page.locator('.letter').nth(1);
	await second.locator('summary').click();
	await second.locator('textarea').fill(fixed);
	await second.locator('form button').click();
	await page.waitForSelector('.letter >> nth=1 >> text=ingested');
	check(!page.log.length, 'data: dropping and re-ingesting dead letters through the session raise no error', page.log.join('\n'));
	check((await api(admin, '/v1/dead-letters?limit=1')).total === before - 2, 'data: one dead letter dropped, one fixed and ingested (the API has two fewer)');
	check((await api(admin, `/v1/profiles/${encodeURIComponent('email:fixed@example.com')}`)).events === 1, 'data: the fixed record is an event');
}

// ---- webhooks (admin): the Data page lists them with their recent
// deliveries, as the API does; a URL with markup in it stays text
{
	const xssUrl = 'http://192.0.2.1/"><svg/onload=alert("xss-hook")>';
	const secret = 'dashboard-secret-0123';
	const json = { 'Content-Type': 'application/json' };
	const made = await api(admin, '/v1/webhooks', { method: 'POST', headers: json, body: JSON.stringify({ url: xssUrl, events: ['promise.broken'], secret }) });
	await api(admin, '/v1/webhooks', { method: 'POST', headers: json, body: JSON.stringify({ url: 'http://192.0.2.2/second', events: ['collision', 'test'], secret }) });
	await api(admin, `/v1/webhooks/${made.id}/test`, { method: 'POST' });
	await visit(page, '/data');
	const urls = await page.$$eval('.hook code', (els) => els.map((e) => e.textContent));
	const apiUrls = (await api(admin, '/v1/webhooks')).webhooks.map((w) => w.url);
	check(urls.length === 2 && JSON.stringify(urls) === JSON.stringify(apiUrls), 'data: the webhooks of the API, newest first, their URLs as text', { urls, apiUrls });
	const shown = await page.$$eval('.hook tbody th', (els) => els.map((e) => e.textContent));
	const apiDeliveries = (await api(admin, `/v1/webhooks/${made.id}/deliveries?limit=10`)).deliveries.map((d) => d.delivery);
	check(apiDeliveries.length === 1 && JSON.stringify(shown) === JSON.stringify(apiDeliveries), 'data: each webhook with its recent deliveries, as the API lists them', { shown, apiDeliveries });
	const markup = await page.evaluate(() => document.querySelectorAll('[onload], main svg[onload]').length);
	check(!markup && !page.log.length && (await page.textContent('main')).includes(xssUrl), 'data: a webhook URL with markup shows as text and runs nothing', page.log.join('\n'));
	check(!(await page.textContent('body')).includes(secret), 'data: no webhook secret on the page');
	await axe(page, 'data with webhooks');
	await shots(page, 'data-webhooks');
	await page.click('.hook >> nth=0 >> text=Send a test');
	await page.waitForSelector('.hook >> nth=0 >> text=A test delivery is queued');
	check((await api(admin, `/v1/webhooks/${made.id + 1}/deliveries`)).total === 1, 'data: "Send a test" queues a test delivery through the session');
	const { context, page: p } = await signIn(tokens.analyst);
	await visit(p, '/data');
	check(!(await p.locator('section[aria-label^="Webhooks"]').count()) && await p.isVisible('section[aria-label=Sources]'),
		'analyst: the Data page shows the sources but no webhooks (the API answers 403)');
	await context.close();
}

await browser.close();
console.log(`# ${n} checks, ${failed} failed`);
process.exit(failed ? 1 : 0);
