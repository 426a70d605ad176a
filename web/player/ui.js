// Small pieces every screen uses: labelled fields, a form's own error line, busy
// buttons, request forms, the polite announcer, dates, status badges and the
// confirm dialog.

import { h, clear } from '/common/dom.js';
import { parse_minor } from '/common/money.js';
import { message_for } from './errors.js';

let id_counter = 0;
export function uid(prefix) {
  id_counter += 1;
  return `${prefix}-${id_counter}`;
}

// A label and its control, with an optional hint tied by aria-describedby.
export function field(label_text, control, hint) {
  if (!control.id) control.id = uid('f');
  let hint_el = null;
  if (hint) {
    hint_el = h('small', { class: 'hint', id: uid('hint') }, hint);
    control.setAttribute('aria-describedby', hint_el.id);
  }
  return h('div', { class: 'field' }, h('label', { for: control.id }, label_text), control, hint_el);
}

// A form's message line. `role=alert` makes a screen reader read an error at once,
// next to the control that caused it; success messages use a polite status line.
export function form_messages() {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const status = h('p', { class: 'form-status', role: 'status' });
  return {
    nodes: [error, status],
    error(e) {
      status.textContent = '';
      error.textContent = typeof e === 'string' ? e : message_for(e);
      error.hidden = false;
    },
    ok(text) {
      error.hidden = true;
      error.textContent = '';
      status.textContent = text;
    },
    clear() {
      error.hidden = true;
      error.textContent = '';
      status.textContent = '';
    },
  };
}

// Runs `work` with the button marked busy, so that a double click cannot send a
// request twice. The button is not `disabled`: a disabled button loses keyboard
// focus, and a player spinning with Enter would have to find it again every time.
export async function busy(button, work) {
  if (button.getAttribute('aria-busy') === 'true') return undefined;
  button.setAttribute('aria-busy', 'true');
  button.setAttribute('aria-disabled', 'true');
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
    button.removeAttribute('aria-disabled');
  }
}

// A mistake in what the player typed, found before anything is sent. `control`,
// when given, is where the mistake is, so the form puts the focus there.
export class Refusal extends Error {
  constructor(message, control = null) {
    super(message);
    this.control = control;
  }
}

// `parse(control.value)`, with any refusal tied to `control`: every reader of a
// typed value (parse_minor, a stake or limit check) throws a plain Error.
export function read_control(control, parse) {
  try {
    return parse(control.value);
  } catch (err) {
    throw new Refusal(err.message, control);
  }
}

// A money amount to move (a deposit, a withdrawal) in minor units: zero or less
// would only come back refused by the server, so it is refused here first.
export function amount_above_zero(control, currency) {
  return read_control(control, (text) => {
    const minor = parse_minor(text, currency);
    if (minor <= 0) throw new Error('Enter an amount above zero.');
    return minor;
  });
}

// The submit handler of every form that sends one request. `read()` turns the
// controls into the request's input before anything is sent, throwing a Refusal
// on a mistake; `send(input)` runs with the button busy (one request at a time),
// and its failure goes to the form's error line, then to `failed(err)` for any
// repair (selecting the password again). The page never submits for real.
export function on_submit(msg, submit, { read = () => undefined, send, failed = () => {} }) {
  return (e) => {
    e.preventDefault();
    msg.clear();
    let input;
    try {
      input = read();
    } catch (err) {
      msg.error(err.message);
      if (err.control) err.control.focus();
      return;
    }
    busy(submit, async () => {
      try {
        await send(input);
      } catch (err) {
        msg.error(err);
        failed(err);
      }
    });
  };
}

// The usual request form: its children stacked, then the message lines next to
// the button so that a screen reader meets the error where the player acted.
// `handlers` are on_submit's.
export function request_form(msg, submit, handlers, ...children) {
  return h('form', { class: 'stack', noValidate: true, onsubmit: on_submit(msg, submit, handlers) },
    ...children,
    ...msg.nodes,
    h('div', { class: 'actions' }, submit));
}

// The page's polite live region (index.html), for results and balance changes.
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  // Emptying first makes the same sentence twice in a row be read twice.
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 30);
}

// Errors that belong to no form (a push, the connection, the session) go to the
// page's alert region with a dismiss button.
export function show_alert(text, kind = 'error') {
  const region = document.getElementById('alerts');
  if (!region) return;
  clear(region);
  const close = h('button', { type: 'button', class: 'link-button', onclick: () => clear(region) }, 'Dismiss');
  region.append(h('div', { class: ['alert', `alert-${kind}`] }, h('p', null, text), close));
}

export function clear_alert() {
  const region = document.getElementById('alerts');
  if (region) clear(region);
}

export function format_time(us) {
  if (!us) return '—';
  const d = new Date(Math.floor(us / 1000));
  return d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

export function time_el(us) {
  if (!us) return h('span', null, '—');
  const d = new Date(Math.floor(us / 1000));
  return h('time', { dateTime: d.toISOString() }, format_time(us));
}

export function format_duration_s(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${s % 60} s`;
  return `${s} s`;
}

const STATUS_TONE = {
  confirmed: 'good', paid: 'good', verified: 'good', active: 'good', converted: 'good', settled: 'good',
  pending: 'wait', created: 'wait', requested: 'wait', review: 'wait', approved: 'wait', sent: 'wait', open: 'wait',
  declined: 'bad', failed: 'bad', expired: 'bad', rejected: 'bad', cancelled: 'bad', forfeited: 'bad',
  rolled_back: 'bad', unverified: 'wait',
};

export function status_badge(status) {
  const tone = STATUS_TONE[status] || 'neutral';
  return h('span', { class: ['badge', `badge-${tone}`] }, String(status).replace(/_/g, ' '));
}

// A modal dialog asking to confirm; resolves true or false. The native <dialog>
// keeps focus inside, closes on Escape and gives focus back to the opener.
export function confirm_dialog({ title, body, confirm_label, cancel_label = 'Cancel', danger = false }) {
  return new Promise((resolve) => {
    const title_id = uid('dlg');
    const ok = h('button', { type: 'submit', value: 'ok', class: danger ? 'danger' : 'primary' }, confirm_label);
    const cancel = h('button', { type: 'submit', value: 'cancel', class: 'secondary' }, cancel_label);
    const dialog = h('dialog', { 'aria-labelledby': title_id, class: 'dialog' },
      h('form', { method: 'dialog' },
        h('h2', { id: title_id }, title),
        ...(Array.isArray(body) ? body : [body]).map((p) => (typeof p === 'string' ? h('p', null, p) : p)),
        h('div', { class: 'actions' }, cancel, ok)));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// A section with its heading, labelled by it for the landmark list.
export function section(title, ...children) {
  const id = uid('sec');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

// A table that stacks into labelled rows on narrow screens (styles.css uses
// data-label); `rows` are arrays of cells (nodes or text).
export function table(caption, headers, rows, { empty = 'Nothing yet.', hide_caption = false } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('table', { class: 'data' },
    h('caption', { class: hide_caption ? 'visually-hidden' : null }, caption),
    h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.map((cells) =>
      h('tr', null, cells.map((c, i) => h('td', { 'data-label': headers[i] }, c))))));
}
