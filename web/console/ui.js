// The pieces every screen is made of: headings, panels, tables with headers,
// labelled fields, badges, a confirm step, and periodic refresh. Real elements
// (button, input, label, table, dialog) so that the keyboard and screen readers
// work without extra code.

import { h, clear } from '/common/dom.js';
import { parse_minor } from '/common/money.js';
import { is_abort } from './api.js';
import { show_error } from './errors.js';

let next_id = 0;
export function uid(prefix = 'f') {
  next_id += 1;
  return `${prefix}-${next_id}`;
}

// A screen's title; the router focuses it after navigation so that screen readers
// announce where the operator landed.
export function page(title, ...children) {
  return h('section', { class: 'page' },
    h('h1', { tabindex: '-1', class: 'page-title' }, title), ...children);
}

export function panel(title, ...children) {
  const id = uid('p');
  return h('section', { class: 'panel', 'aria-labelledby': id },
    h('h2', { id }, title), ...children);
}

export function toolbar(...children) {
  return h('div', { class: 'toolbar' }, ...children);
}

export function link(href, text, attrs = {}) {
  return h('a', { href, ...attrs }, text);
}

export function badge(text, kind = '') {
  return h('span', { class: ['badge', kind && `badge-${kind}`] }, text);
}

// Status words and the colour they get; the word itself is always shown, so the
// colour is never the only signal.
const status_kinds = {
  active: 'ok', verified: 'ok', paid: 'ok', confirmed: 'ok', approved: 'ok', cleared: 'ok',
  converted: 'ok', up: 'ok', self: 'ok', allow: 'ok',
  locked: 'bad', rejected: 'bad', failed: 'bad', declined: 'bad', deny: 'bad', down: 'bad',
  self_excluded: 'bad', refused: 'bad', forfeited: 'bad',
  review: 'warn', pending: 'warn', open: 'warn', cooling_off: 'warn', paused: 'warn',
  requested: 'warn', sent: 'warn', expired: 'muted', cancelled: 'muted', ended: 'muted',
  unverified: 'muted',
};
export function status_badge(status) {
  return badge(String(status || '—').replace(/_/g, ' '), status_kinds[status] || '');
}

// columns: [{label, cell: row => Node|string, num: bool, class}]
// A caption names the table for screen readers; `caption_hidden` keeps it out of
// sight when a visible heading already says it.
export function table({ caption, caption_hidden = false, columns, rows, empty = 'Nothing to show.', row_attrs }) {
  const head = h('thead', null, h('tr', null,
    columns.map((c) => h('th', { scope: 'col', class: [c.num && 'num', c.class] }, c.label))));
  const body = h('tbody', null, rows.length === 0
    ? h('tr', null, h('td', { colSpan: columns.length, class: 'empty' }, empty))
    : rows.map((r) => h('tr', row_attrs ? row_attrs(r) : null, columns.map((c, i) => {
      const content = c.cell(r);
      return i === 0 && c.row_header
        ? h('th', { scope: 'row', class: [c.num && 'num', c.class] }, content)
        : h('td', { class: [c.num && 'num', c.class] }, content);
    }))));
  return h('div', { class: 'table-wrap' },
    h('table', null, caption && h('caption', { class: caption_hidden && 'sr-only' }, caption), head, body));
}

// A definition list of [term, value] pairs: the account's facts, a case's facts.
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

// A labelled control. `control` is an input/select/textarea element; its id is made
// here so that the label is tied to it.
export function field(label, control, hint) {
  const id = control.id || uid('f');
  control.id = id;
  let hint_el = null;
  if (hint) {
    hint_el = h('span', { class: 'hint', id: id + '-hint' }, hint);
    control.setAttribute('aria-describedby', id + '-hint');
  }
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint_el);
}

export function select(options, value, attrs = {}) {
  return h('select', attrs, options.map((o) => {
    const [v, text] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: String(v) === String(value) }, text);
  }));
}

export function button(text, onclick, attrs = {}) {
  return h('button', { type: 'button', onclick, ...attrs }, text);
}

// Runs `fn` with the button disabled (no double submits of a money movement),
// reporting a failure in the live region. Resolves fn's value, or undefined on error.
export async function busy(btn, what, fn) {
  if (btn) btn.disabled = true;
  try {
    return await fn();
  } catch (e) {
    if (!is_abort(e)) show_error(e, what);
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}

// An amount typed into a confirm dialog, in minor units of `currency`. A malformed
// one is reported (announced, under "Amount") and gives undefined, so that the
// caller stops before any request: the dialog has closed, and the operator starts
// the action again.
export function dialog_amount(text, currency) {
  try {
    return parse_minor(text, currency);
  } catch (e) {
    show_error(e, 'Amount');
    return undefined;
  }
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'muted loading' }, text);
}

// An error in place of content that could not be loaded (also announced).
export function failed(e, what) {
  const text = show_error(e, what);
  return h('p', { class: 'inline-error' }, text);
}

// Fills `node` with what `load` renders, or with the error. Aborts are silent: the
// operator went elsewhere.
export async function fill(node, what, load) {
  try {
    const content = await load();
    clear(node).append(...[].concat(content).filter(Boolean));
  } catch (e) {
    if (is_abort(e)) return;
    clear(node).append(failed(e, what));
  }
}

// Calls fn every `ms` until `signal` aborts; a call never overlaps the previous one
// (a slow server gets fewer polls, not a pile of them).
export function every(ms, fn, signal) {
  let timer = 0;
  const tick = async () => {
    if (signal.aborted) return;
    try {
      await fn();
    } catch (e) {
      if (!is_abort(e)) show_error(e);
    }
    if (!signal.aborted) timer = setTimeout(tick, ms);
  };
  timer = setTimeout(tick, ms);
  signal.addEventListener('abort', () => clearTimeout(timer));
}

// The confirm step of every write that matters: a modal <dialog> (focus stays in it,
// Escape cancels) with a summary of what will happen and the fields the API needs,
// typically a reason. Resolves the fields' values, or null when cancelled.
//
// fields: [{name, label, type: 'text'|'number'|'textarea'|'select'|'radio', options,
//           value, required, maxlength, min, max, step, inputmode, hint}]
export function confirm_dialog({ title, summary, confirm_label, danger = false, fields = [] }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const controls = {};
    const title_id = uid('dlg');
    const inputs = fields.map((f) => dialog_field(f, controls));
    const form = h('form', { class: 'dialog-form' },
      h('h2', { id: title_id }, title),
      summary && h('div', { class: 'dialog-summary' }, summary),
      inputs,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, confirm_label),
        h('button', { type: 'button', onclick: () => finish(null) }, 'Cancel')));
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': title_id }, form);
    let done = false;
    // A link in the summary (a player) leaves the screen: the question goes with it.
    const on_leave = () => finish(null);
    function finish(value) {
      if (done) return;
      done = true;
      window.removeEventListener('hashchange', on_leave);
      dialog.close();
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(value);
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const values = {};
      for (const [name, read] of Object.entries(controls)) values[name] = read();
      finish(values);
    });
    dialog.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      finish(null);
    });
    window.addEventListener('hashchange', on_leave);
    document.body.append(dialog);
    dialog.showModal();
    const first = form.querySelector('input, select, textarea');
    if (first) first.focus();
  });
}

function dialog_field(f, controls) {
  if (f.type === 'radio') {
    const name = uid('r');
    const radios = f.options.map(([v, text]) => {
      const input = h('input', { type: 'radio', name, value: v, checked: v === f.value, required: f.required });
      return h('label', { class: 'radio' }, input, ' ', text);
    });
    controls[f.name] = () => {
      const on = radios.map((l) => l.querySelector('input')).find((i) => i.checked);
      return on ? on.value : '';
    };
    return h('fieldset', { class: 'field' }, h('legend', null, f.label), radios);
  }
  let control;
  if (f.type === 'textarea') {
    control = h('textarea', { rows: 3, required: f.required, maxLength: f.maxlength || 512 });
    control.value = f.value ?? '';
  } else if (f.type === 'select') {
    control = select(f.options, f.value, { required: f.required });
  } else {
    control = h('input', {
      type: f.type || 'text', required: f.required, maxLength: f.maxlength || 512,
      min: f.min, max: f.max, step: f.step, inputMode: f.inputmode, value: f.value ?? '',
    });
  }
  if (f.required && f.type !== 'select') {
    // `required` alone accepts spaces; the API wants a real reason (1 to 512 bytes).
    const check = () => control.setCustomValidity(control.value.trim() ? '' : `Enter the ${f.label.toLowerCase()}.`);
    control.addEventListener('input', check);
    check();
  }
  controls[f.name] = () => control.value.trim();
  return field(f.label, control, f.hint);
}

// A form whose submit is handled here (the page's CSP forbids real form submission).
export function form(onsubmit, ...children) {
  return h('form', {
    class: 'form',
    onsubmit: (ev) => {
      ev.preventDefault();
      onsubmit(ev);
    },
  }, ...children);
}
