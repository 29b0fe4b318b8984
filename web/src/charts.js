// SPDX-License-Identifier: Apache-2.0
// The pictures, drawn by Apache ECharts (only the parts used, as SVG).
// ECharts tooltip formatters return HTML: every string from the data goes
// through esc() there.  Labels are drawn as text, never parsed.
import { SankeyChart } from 'echarts/charts';
import { TooltipComponent } from 'echarts/components';
import { format, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { h } from './dom.js';

use([SankeyChart, TooltipComponent, SVGRenderer]);

export const esc = (v) => format.encodeHTML(String(v));

export const CLEAN = '#2e7d32';
export const FAILED = '#c62828';

// A chart in a container that follows its width; disposed when the page
// goes (signal).
function chart(label, height, option, signal) {
	const el = h('div', { class: 'chart', role: 'img', 'aria-label': label });
	el.style.height = `${height}px`;
	requestAnimationFrame(() => {
		if (signal.aborted) return;
		const c = init(el, null, { renderer: 'svg' });
		c.setOption(option);
		const ro = new ResizeObserver(() => c.resize());
		ro.observe(el);
		signal.addEventListener('abort', () => { ro.disconnect(); c.dispose(); });
		if (option.onClick) c.on('click', option.onClick);
	});
	return el;
}

const REASONS = [['context_lost', 'context lost'], ['late', 'late'], ['customer_repeated', 'customer repeated']];

// The handoff flow: senders on the left, receivers on the right (so a flow
// back, contact center → field service → contact center, stays drawable),
// a band per route and verdict: width = handoffs, green clean, red failed.
export function sankey(flows, { signal, onClick, label }) {
	const nodes = new Map();
	const node = (side, team) => {
		const name = `${side}\u0000${team}`;
		if (!nodes.has(name)) {
			nodes.set(name, { name, team, depth: side === 'from' ? 0 : 1, label: { position: side === 'from' ? 'right' : 'left' } });
		}
		return name;
	};
	const links = [];
	for (const f of flows) {
		const source = node('from', f.from), target = node('to', f.to);
		if (f.clean) links.push({ source, target, value: f.clean, flow: f, verdict: 'clean', lineStyle: { color: CLEAN } });
		if (f.failed) links.push({ source, target, value: f.failed, flow: f, verdict: 'failed', lineStyle: { color: FAILED } });
	}
	const tooltip = (p) => {
		if (p.dataType === 'node') return `${esc(p.data.team)}: ${p.value} handoffs`;
		const f = p.data.flow;
		const head = `${esc(f.from)} → ${esc(f.to)}: ${p.data.value} ${p.data.verdict}`;
		if (p.data.verdict === 'clean') return `${head}<br>case travelled, no repeat, within the SLA`;
		return `${head}<br>${REASONS.filter(([k]) => f[k]).map(([k, t]) => `${t}: ${f[k]}`).join('<br>')}<br><i>click: the instances</i>`;
	};
	return chart(label, Math.max(220, 60 * Math.max(...[0, 1].map((d) => [...nodes.values()].filter((n) => n.depth === d).length))), {
		animation: false,
		tooltip: { trigger: 'item', confine: true, formatter: tooltip },
		series: [{
			type: 'sankey', data: [...nodes.values()], links, nodeAlign: 'justify', layoutIterations: 0,
			left: 8, right: 8, top: 8, bottom: 8, nodeWidth: 14, nodeGap: 14, draggable: false,
			emphasis: { focus: 'adjacency' },
			itemStyle: { color: '#455a64', borderWidth: 0 },
			lineStyle: { opacity: 0.45, curveness: 0.5 },
			label: { formatter: (p) => p.data.team, color: '#1b1f24', fontSize: 13, overflow: 'truncate', width: 160 },
			labelLayout: { hideOverlap: true },
		}],
		onClick: (p) => { if (p.dataType === 'edge' && onClick) onClick(p.data.flow, p.data.verdict); },
	}, signal);
}
