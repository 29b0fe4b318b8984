// SPDX-License-Identifier: Apache-2.0
// The dashboard's only way to data: the public HTTP API (docs/api.md), with
// the session cookie the sign-in set.  Errors become ApiError with the
// API's status, code and detail; 401 means the session ended: back to the
// sign-in page.

// to the sign-in page, which comes back here once signed in
export const signInFirst = () => location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);

export class ApiError extends Error {
	constructor(status, code, detail) {
		super(detail || code || `HTTP ${status}`);
		this.status = status;
		this.code = code;
	}
}

// '?a=1&b=2' from an object, leaving out empty values
export function qs(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params || {})) if (v !== null && v !== undefined && v !== '') q.set(k, v);
	const t = q.toString();
	return t ? `?${t}` : '';
}

function raise(status, body) {
	if (status === 401 && location.pathname !== '/login') signInFirst();
	throw new ApiError(status, body && body.error, body && body.detail);
}

// not JSON: the status says it
const fail = async (res) => raise(res.status, await res.json().catch(() => null));

// GET a JSON document.  With etag ({value}), sends If-None-Match and answers
// null when nothing changed (304).
export async function get(path, params, { signal, etag } = {}) {
	const headers = { Accept: 'application/json' };
	if (etag && etag.value) headers['If-None-Match'] = etag.value;
	const res = await fetch(path + qs(params), { headers, signal, credentials: 'same-origin' });
	if (res.status === 304) return null;
	if (!res.ok) return fail(res);
	if (etag) etag.value = res.headers.get('ETag');
	return res.json();
}

export async function getText(path, { signal } = {}) {
	const res = await fetch(path, { signal, credentials: 'same-origin' });
	if (!res.ok) return fail(res);
	return res.text();
}

// Every item of a paged list (`next` followed), at most `max`.
export async function all(path, params, key, { signal, max = 100000 } = {}) {
	const items = [];
	let cursor = (params && params.cursor) || null;
	do {
		const page = await get(path, { ...params, limit: Math.min(1000, max), cursor }, { signal });
		items.push(...page[key]);
		cursor = page.next;
	} while (cursor && items.length < max);
	return items;
}

// A state-changing call (POST, DELETE), with a JSON body or none.  The
// browser adds the Origin header the server checks against cross-site
// requests.  A 400 is an answer (the record is still not an event), not a
// failure.
export async function send(method, path, body, { signal } = {}) {
	const init = { method, signal, credentials: 'same-origin', headers: { Accept: 'application/json' } };
	if (body !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = typeof body === 'string' ? body : JSON.stringify(body);
	}
	const res = await fetch(path, init);
	const answer = await res.json().catch(() => null);
	if (!res.ok && res.status !== 400) raise(res.status, answer);
	return { status: res.status, answer };
}

// A call the role may not make (403) answers null: the page shows what it may.
export const orNull = (promise) => promise.catch((e) => {
	if (e instanceof ApiError && e.status === 403) return null;
	throw e;
});
