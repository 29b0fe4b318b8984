// SPDX-License-Identifier: Apache-2.0
// The pictures, drawn by Apache ECharts (only the parts used, as SVG).
// ECharts tooltip formatters return HTML: every string from the data goes
// through esc() there.  Labels are drawn as text, never parsed.
import { GraphChart, SankeyChart } from 'echarts/charts';
import { TooltipComponent } from 'echarts/components';
import { format, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { h } from './dom.js';

use([GraphChart, SankeyChart, TooltipComponent, SVGRenderer]);

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

export const LEVEL_COLOR = { L1: FAILED, L2: '#ef6c00', L3: CLEAN };

// The silo map (docs/audit.md): a node per source, sized by its events and
// coloured by its measured level; an edge per two sources that share
// customers, as wide as how many.  Sources in a circle, in the API's order.
export function siloMap(map, { signal, label }) {
	const maxEv = Math.max(1, ...map.nodes.map((n) => n.events));
	const maxW = Math.max(1, ...map.edges.map((e) => e.profiles));
	const data = map.nodes.map((n) => ({
		name: n.source, node: n, symbolSize: 12 + 38 * Math.sqrt(n.events / maxEv),
		itemStyle: { color: LEVEL_COLOR[n.measured_level] || '#9e9e9e' },
	}));
	const links = map.edges.map((e) => ({ source: e.a, target: e.b, value: e.profiles, lineStyle: { width: 1 + 9 * e.profiles / maxW } }));
	const tooltip = (p) => {
		if (p.dataType === 'edge') return `${esc(p.data.source)} – ${esc(p.data.target)}: ${p.data.value} customers in common`;
		const n = p.data.node;
		return `${esc(n.source)}: ${n.events} events, ${n.linked} linked<br>measured ${esc(n.measured_level || '–')}, declared ${esc(n.declared_level || '–')}`;
	};
	return chart(label, 420, {
		animation: false,
		tooltip: { trigger: 'item', confine: true, formatter: tooltip },
		series: [{
			type: 'graph', layout: 'circular', circular: { rotateLabel: false }, data, links,
			left: 60, right: 60, top: 30, bottom: 30,
			label: { show: true, position: 'right', formatter: (p) => p.data.name, color: '#1b1f24', fontSize: 13 },
			lineStyle: { color: '#78909c', opacity: 0.6, curveness: 0.2 },
			emphasis: { focus: 'adjacency' },
		}],
	}, signal);
}
