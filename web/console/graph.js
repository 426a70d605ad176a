// A linked-account group (GET /v1/players/{id}/links) drawn as inline SVG: one node
// per account on a circle, in ascending id order, so the same group always looks
// the same; one edge per linked pair, labelled with what links them.
//
// Nodes are SVG links (<a href>): focusable with Tab, opened with Enter or a click,
// and named for screen readers. The SVG is a group (not an image) so that those
// links stay reachable; the screen prints the same links as a table.

import { s, svg_root } from './svg.js';

// The API's identifier kinds, in the words an operator uses (docs/risk.md).
export const link_kind_words = {
  device: 'device',
  instrument: 'payment instrument',
  address: 'address',
  registration: 'mailbox',
};

export const nodes_max = 40; // beyond this a circle is unreadable; the table has all

// Pairs linked more than once (a device and an address) become one edge.
export function edges_of(links) {
  const pairs = new Map();
  for (const l of links) {
    const key = `${l.from}-${l.to}`;
    if (!pairs.has(key)) pairs.set(key, { from: l.from, to: l.to, reasons: [] });
    pairs.get(key).reasons.push({ kind: l.kind, value: l.value });
  }
  return [...pairs.values()];
}

// id -> [x, y, ux, uy]: the node's centre and the unit vector pointing away from
// the circle's centre, along which its name is written (clear of the edges).
function layout(group, width, height) {
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.min(width, height) / 2 - 46;
  const at = new Map();
  group.forEach((id, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / group.length;
    const [ux, uy] = group.length === 1 ? [0, 1] : [Math.cos(a), Math.sin(a)];
    at.set(id, [cx + (group.length === 1 ? 0 : r * ux), cy + (group.length === 1 ? 0 : r * uy), ux, uy]);
  });
  return at;
}

function edge(e, at, show_label) {
  const [x1, y1] = at.get(e.from);
  const [x2, y2] = at.get(e.to);
  const kinds = [...new Set(e.reasons.map((r) => r.kind))];
  const text = kinds.map((k) => link_kind_words[k] || k).join(' + ');
  const detail = e.reasons.map((r) => `${link_kind_words[r.kind] || r.kind} ${r.value}`).join('; ');
  return s('g', { class: `edge ${kinds.length > 1 ? 'multi' : 'kind-' + kinds[0]}` },
    s('title', null, `Player ${e.from} and player ${e.to}: ${detail}`),
    s('line', { x1, y1, x2, y2 }),
    show_label && s('text', { class: 'edge-label', x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, 'text-anchor': 'middle' }, text));
}

function node(id, at, { focus_id, names, href }) {
  const [x, y, ux, uy] = at.get(id);
  const anchor = Math.abs(ux) < 0.3 ? 'middle' : ux > 0 ? 'start' : 'end';
  const name = names.get(id);
  const label = `Player ${id}${name ? ' ' + name : ''}${id === focus_id ? ' (this player)' : ''}`;
  return s('a', { href: href(id), class: `node${id === focus_id ? ' focus' : ''}`, 'aria-label': label, 'data-player': id },
    s('title', null, label),
    s('circle', { cx: x, cy: y, r: 17 }),
    s('text', { class: 'node-id', x, y: y + 4, 'text-anchor': 'middle' }, `#${id}`),
    name && s('text', { class: 'node-name', x: x + ux * 24, y: y + uy * 26 + 4, 'text-anchor': anchor }, name));
}

// group: ascending ids; links: [{from, to, kind, value}]; names: Map id -> username.
export function link_graph({ player_id, group, links, names, href, width = 560, height = 380 }) {
  const shown = group.slice(0, nodes_max);
  const at = layout(shown, width, height);
  const edges = edges_of(links).filter((e) => at.has(e.from) && at.has(e.to));
  const show_labels = edges.length <= 24;
  const kinds = [...new Set(links.map((l) => l.kind))];
  return svg_root({
    width,
    height,
    role: 'group',
    cls: 'graph',
    title: `Linked accounts of player ${player_id}`,
    desc: `${group.length} account${group.length === 1 ? '' : 's'} and ${edges.length} linked pair${edges.length === 1 ? '' : 's'}` +
      (kinds.length ? `, linked by ${kinds.map((k) => link_kind_words[k] || k).join(', ')}.` : '.') +
      (group.length > shown.length ? ` Only the first ${shown.length} are drawn; the table lists all.` : ''),
  },
  s('g', { class: 'edges', 'aria-hidden': 'true' }, edges.map((e) => edge(e, at, show_labels))),
  s('g', { class: 'nodes' }, shown.map((id) => node(id, at, { focus_id: player_id, names, href }))));
}
