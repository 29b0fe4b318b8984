// SPDX-License-Identifier: Apache-2.0
// Value at stake (docs/insight.md): churn and revenue after successful and
// failed journeys, kept and broken promises, clean and failed handoffs.  An
// owner's token sees the outcomes of their journeys.
import { get } from '../api.js';
import { h, replace, section } from '../dom.js';
import { valuePanel } from '../insight.js';
import { controls } from '../period.js';

export default {
	path: '/value',
	nav: '/value',
	title: 'Value',
	roles: ['admin', 'analyst', 'owner'],
	async render(ctx) {
		ctx.title('Value at stake');
		const p = ctx.period;
		const v = await get('/v1/value', { from: p.from, to: p.to, as_of: p.as_of, journey: ctx.query.get('journey') }, { signal: ctx.signal });
		replace(ctx.main,
			h('h1', null, 'Value at stake'),
			controls(ctx),
			section('After good and bad outcomes', valuePanel(v)));
	},
};
