// SPDX-License-Identifier: Apache-2.0
// What a page shows when there is nothing it may show: the API answered 404
// or 403 (another owner's journey, a role without the right), or the path
// names no page.  Both look the same, so a page does not tell whether
// something exists that the reader may not see.
import { h, replace } from '../dom.js';

export function notFound(ctx, why) {
	ctx.title('Not found');
	replace(ctx.main, h('div', { class: 'notfound' },
		h('h1', null, 'Not found'),
		h('p', null, why || 'There is no such page, or it is not one your role may see.'),
		h('p', null, h('a', { href: '/' }, 'Back to the start'))));
}

export function failure(ctx, e) {
	ctx.title('Error');
	replace(ctx.main, h('div', { class: 'notfound', role: 'alert' },
		h('h1', null, 'Something went wrong'),
		h('p', null, String(e && e.message ? e.message : e)),
		h('p', null, h('a', { href: location.pathname + location.search }, 'Try again'))));
}
