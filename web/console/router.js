// Screens by location.hash ("#/players/42/timeline"): links are plain links, Back
// works, and a screen can be bookmarked or pasted into a ticket.
//
// Each navigation aborts the previous screen's AbortSignal, which stops its
// refresh timers and its calls in flight, so that a screen left behind never
// writes into the next one.

import { clear } from '/common/dom.js';

const routes = []; // [{re, keys, render}]
let current = null; // AbortController of the screen shown
let main = null;
let after_render = () => {};

// route('/players/:id', render): render(params, ctx) -> Node | Promise<Node>
export function route(pattern, render) {
  const keys = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, k) => {
    keys.push(k);
    return '([^/]+)';
  }) + '/?$');
  routes.push({ re, keys, render });
}

export function start(main_el, on_render) {
  main = main_el;
  after_render = on_render || after_render;
  window.addEventListener('hashchange', show);
  return show();
}

export function stop() {
  window.removeEventListener('hashchange', show);
  if (current) current.abort();
  current = null;
}

export function go(path) {
  if (location.hash === '#' + path) show();
  else location.hash = path;
}

export function path() {
  return location.hash.replace(/^#/, '') || '/';
}

async function show() {
  if (current) current.abort();
  const controller = new AbortController();
  current = controller;
  const p = path();
  let match = null;
  for (const r of routes) {
    const m = r.re.exec(p);
    if (m) {
      match = { r, params: Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])])) };
      break;
    }
  }
  if (!match) {
    location.replace('#/overview');
    return;
  }
  const node = await match.r.render(match.params, { signal: controller.signal, path: p });
  if (controller.signal.aborted) return; // the operator already went elsewhere
  clear(main).append(node);
  after_render(p);
}
