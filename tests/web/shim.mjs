// SPDX-License-Identifier: Apache-2.0
// A stand-in for the dashboard half of `baton serve` while that half is being
// built on main (sign-in, /v1/session, the pages and /assets with the CSP):
// it serves a built dashboard folder and passes /v1 and /metrics on to a
// real `baton serve` with the signed-in token.  Tokens and who they are come
// from a JSON file {token: {role, person, team, name}}.  Goes away once
// `baton serve --web-dir` answers all of it.
//   node tests/web/shim.mjs PORT API_URL WEB_DIR SESSIONS.json
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [port, api, dir, sessionsFile] = process.argv.slice(2);
const who = JSON.parse(readFileSync(sessionsFile, 'utf8'));
const sessions = new Map();
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
	+ "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const PAGES = /^\/($|login$|journeys\/[^/]+$|instances\/[^/]+$|customers(\/[^/]+)?$|queue$|teams(\/[^/]+)?$|data$)/;

const cookie = (req) => (/(?:^|;\s*)bt_session=([^;]+)/.exec(req.headers.cookie || '') || [])[1];
const body = (req) => new Promise((ok) => { const c = []; req.on('data', (d) => c.push(d)); req.on('end', () => ok(Buffer.concat(c))); });

createServer(async (req, res) => {
	const url = new URL(req.url, 'http://x');
	const p = url.pathname;
	res.setHeader('X-Content-Type-Options', 'nosniff');
	if (req.method === 'POST' && p === '/login') {
		const token = new URLSearchParams((await body(req)).toString()).get('token') || '';
		if (!who[token]) return res.writeHead(303, { Location: '/login?failed=1' }).end();
		const id = randomBytes(16).toString('hex');
		sessions.set(id, token);
		return res.writeHead(303, { Location: '/', 'Set-Cookie': `bt_session=${id}; HttpOnly; SameSite=Strict; Path=/` }).end();
	}
	if (req.method === 'POST' && p === '/logout') {
		sessions.delete(cookie(req));
		return res.writeHead(303, { Location: '/login', 'Set-Cookie': 'bt_session=; Max-Age=0; Path=/' }).end();
	}
	if (p.startsWith('/v1/') || p === '/metrics') {
		const token = sessions.get(cookie(req));
		if (!token) return res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"unauthorized","detail":"sign in"}');
		if (p === '/v1/session') return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(who[token]));
		const headers = { Authorization: `Bearer ${token}` };
		if (req.headers['content-type']) headers['Content-Type'] = req.headers['content-type'];
		const r = await fetch(api + req.url, { method: req.method, headers, body: req.method === 'POST' ? await body(req) : undefined });
		return res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') || 'application/json' }).end(Buffer.from(await r.arrayBuffer()));
	}
	const asset = /^\/assets\/([\w.-]+)$/.exec(p);
	let file = asset ? asset[1] : PAGES.test(p) ? 'index.html' : null;
	try {
		const data = readFileSync(join(dir, file));
		const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html; charset=utf-8';
		res.writeHead(200, { 'Content-Type': type, 'Content-Security-Policy': CSP }).end(data);
	} catch {
		res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
	}
}).listen(Number(port), '127.0.0.1');
