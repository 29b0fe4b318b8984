// SPDX-License-Identifier: Apache-2.0
// The dashboard: a single page that routes on the client.  The server
// answers index.html for every page path; this script asks who is signed in
// (GET /v1/session), draws the header with the pages the role may see, and
// renders the page the URL names (pages/index.js is the route table).
// Links to this site are followed without a reload.
import { ApiError, get, signInFirst } from './api.js';
import { h, replace } from './dom.js';
import { period } from './period.js';
import { routes } from './pages/index.js';
import { failure, notFound } from './pages/notfound.js';

let session = null;
let current = null; // the AbortController of the page shown

function match(pathname) {
	for (const r of routes) {
		const m = r.re.exec(pathname);
		if (m) return { route: r, params: (m.groups ? Object.fromEntries(Object.entries(m.groups).map(([k, v]) => [k, decodeURIComponent(v)])) : {}) };
	}
	return null;
}

const allowed = (r) => !r.roles || (session && r.roles.includes(session.role));

function header() {
	const top = document.getElementById('top');
	const here = location.pathname;
	const links = routes.filter((r) => r.nav && allowed(r)).map((r) => {
		const active = r.nav === '/' ? here === '/' : here.startsWith(r.nav);
		return h('li', null, h('a', { href: r.nav + keepQuery(), 'aria-current': active ? 'page' : null }, r.title));
	});
	replace(top,
		h('a', { class: 'brand', href: '/' }, 'baton'),
		session ? h('nav', { 'aria-label': 'pages' }, h('ul', null, links)) : null,
		session ? h('div', { class: 'who' },
			h('span', null, session.name || session.person || session.role, ' ',
				h('span', { class: 'role' }, session.role + (session.team ? ` · ${session.team}` : ''))),
			h('form', { method: 'post', action: '/logout' }, h('button', { type: 'submit', class: 'link' }, 'Sign out'))) : null);
}

// the period and as_of travel with the links of the header
function keepQuery() {
	const q = new URLSearchParams();
	const now = new URLSearchParams(location.search);
	for (const k of ['from', 'to', 'as_of']) if (now.get(k)) q.set(k, now.get(k));
	const t = q.toString();
	return t ? `?${t}` : '';
}

export function go(url, { replace: rep = false } = {}) {
	if (rep) history.replaceState(null, '', url);
	else history.pushState(null, '', url);
	render();
}

async function render() {
	if (current) current.abort();
	current = new AbortController();
	const signal = current.signal;
	const main = document.getElementById('main');
	const found = match(location.pathname);
	if (!session && location.pathname !== '/login') return signInFirst();
	main.removeAttribute('data-ready');
	header();
	const query = new URLSearchParams(location.search);
	const ctx = {
		params: found ? found.params : {}, query, session, signal, main, go,
		period: period(query),
		title: (t) => { document.title = `${t} · baton`; },
	};
	replace(main, h('p', { class: 'loading', role: 'status' }, 'Loading…'));
	try {
		if (!found || !allowed(found.route)) return notFound(ctx);
		if (!ctx.period) return notFound(ctx, 'The period in the address is not a date.');
		const to = found.route.redirect && found.route.redirect(ctx);
		if (to) return go(to, { replace: true });
		await found.route.render(ctx);
	} catch (e) {
		if (signal.aborted) return;
		if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return notFound(ctx);
		failure(ctx, e);
	} finally {
		if (!signal.aborted) main.setAttribute('data-ready', '1');
	}
}

document.addEventListener('click', (e) => {
	const a = e.target.closest('a[href]');
	if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
	const url = new URL(a.href, location.href);
	if (url.origin !== location.origin || url.pathname.startsWith('/v1/') || url.hash) return;
	e.preventDefault();
	go(url.pathname + url.search);
	document.getElementById('main').focus();
});
window.addEventListener('popstate', render);

async function start() {
	if (location.pathname !== '/login') {
		try {
			session = await get('/v1/session');
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			return; // 401: get() went to the sign-in page
		}
	}
	render();
}
start();
