// SPDX-License-Identifier: Apache-2.0
// Building the page.  Everything from the API is text: h() puts strings in
// with text nodes only (never innerHTML), and accepts links only to paths of
// this site, so an event's `javascript:` URL can never become a link.

const SVG = 'http://www.w3.org/2000/svg';

function fill(el, attrs, children) {
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false) continue;
		if (k === 'on') {
			for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
		} else if (k === 'href' && !/^[/?#]/.test(String(v))) {
			throw new Error(`not a link of this site: ${v}`);
		} else {
			el.setAttribute(k, v === true ? '' : String(v));
		}
	}
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false) continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

// h('a', {href: '/x', class: 'y'}, 'text', child...)
export const h = (tag, attrs, ...children) => fill(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => fill(document.createElementNS(SVG, tag), attrs, children);
// children appended to an element that exists
export const build = (el, ...children) => fill(el, null, children);

// a path of this site from its parts, each part encoded: path('journeys', id)
export const path = (...parts) => '/' + parts.map((p) => encodeURIComponent(p)).join('/');

export function replace(el, ...children) {
	el.replaceChildren();
	return fill(el, null, children);
}

// A table in a region that scrolls sideways on a narrow screen (focusable,
// so a keyboard can scroll it too).  cols: [{label, sort?}], rows: arrays of
// cells (strings or nodes).
export function table(caption, cols, rows, opts = {}) {
	const head = h('tr', null, cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)));
	const body = rows.map((r) =>
		h('tr', null, r.map((cell, i) => h(i === 0 && !opts.plainFirst ? 'th' : 'td', {
			scope: i === 0 && !opts.plainFirst ? 'row' : null, class: cols[i] && cols[i].num ? 'num' : null,
		}, cell))));
	return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption },
		h('table', null, h('caption', null, caption), h('thead', null, head), h('tbody', null, body)));
}

export const section = (title, ...children) =>
	h('section', { 'aria-label': title }, h('h2', null, title), ...children);

export const note = (text) => h('p', { class: 'note' }, text);
export const empty = (text) => h('p', { class: 'empty' }, text);

// '2026-05-25T12:28:57.979Z' → '2026-05-25 12:28' (UTC, as the API)
export const when = (ts) => (ts ? String(ts).replace('T', ' ').slice(0, 16) : '–');

// a list of words as small labels
export const tags = (words, cls = 'tag') => h('span', { class: 'tags' }, (words || []).map((w) => h('span', { class: cls }, w)));

// A button for a change that is hard to take back: the first click turns it
// into the question (sure), the second does it.
export function twice(label, sure, fn, cls = 'secondary') {
	const b = h('button', { type: 'button', class: cls, on: { click: (e) => {
		if (b.dataset.sure) return fn(e);
		b.dataset.sure = '1';
		b.textContent = sure;
		b.className = 'danger';
	} } }, label);
	return b;
}
