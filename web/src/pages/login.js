// SPDX-License-Identifier: Apache-2.0
// Sign-in: a plain form the browser posts to /login (the server checks the
// token, sets the session cookie and sends the browser on to `next`, the
// page that sent the reader here, or /).  A refused token comes back here
// with ?failed=1.
import { h, replace } from '../dom.js';

export default {
	path: '/login',
	title: 'Sign in',
	render(ctx) {
		ctx.title('Sign in');
		const failed = ctx.query.get('failed');
		// where to go once signed in: a path of this site (the server checks too)
		const next = ctx.query.get('next');
		replace(ctx.main, h('div', { class: 'login' },
			h('h1', null, 'Sign in to baton'),
			failed ? h('p', { class: 'error', role: 'alert' }, 'That token was not accepted: it is unknown, revoked or mistyped.') : null,
			h('form', { method: 'post', action: '/login' },
				next && /^\/(?!\/)/.test(next) ? h('input', { type: 'hidden', name: 'next', value: next }) : null,
				h('label', { for: 'token' }, 'API token'),
				h('input', { id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'current-password', spellcheck: 'false', 'aria-describedby': 'token-help' }),
				h('p', { id: 'token-help', class: 'note' }, 'Paste the token you were given (baton token create). The dashboard shows what its role may see.'),
				h('button', { type: 'submit' }, 'Sign in'))));
		ctx.main.querySelector('input').focus();
	},
};
