// Log in or create an account (`login`, `register`). Two tabs, one form shown at a
// time, so that each label names exactly one control on the page.

import { h, clear, append } from '/common/dom.js';
import { field, form_messages, request_form, Refusal, show_alert, uid, format_time } from '../ui.js';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CAD', 'AUD', 'CHF', 'SEK', 'NOK', 'PLN', 'BRL', 'JPY', 'USDT'];

export function mount(ctx, root) {
  const notice = ctx.take_login_message();
  const panel = h('div', { role: 'tabpanel', id: uid('panel'), class: 'auth-panel' });
  const tabs = [
    { key: 'login', label: 'Log in', build: () => login_form(ctx) },
    { key: 'register', label: 'Register', build: () => register_form(ctx) },
  ];
  const buttons = tabs.map((t) => h('button', {
    type: 'button', role: 'tab', id: uid('tab'), 'aria-controls': panel.id,
    onclick: () => select(t.key, false),
    onkeydown: (e) => on_tab_key(e),
  }, t.label));

  function select(key, move_focus) {
    tabs.forEach((t, i) => {
      const on = t.key === key;
      buttons[i].setAttribute('aria-selected', String(on));
      buttons[i].tabIndex = on ? 0 : -1;
      if (on) {
        panel.setAttribute('aria-labelledby', buttons[i].id);
        clear(panel).append(t.build());
        if (move_focus) buttons[i].focus();
      }
    });
  }

  // Arrow keys move between tabs (the ARIA tabs pattern); Tab goes into the panel.
  function on_tab_key(e) {
    const i = buttons.indexOf(e.currentTarget);
    let next = null;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next === null) return;
    e.preventDefault();
    select(tabs[next].key, true);
  }

  append(root, h('div', { class: 'auth' },
    h('h1', null, 'Welcome'),
    h('p', { class: 'lede' }, 'Log in to play, or create an account in a minute.'),
    notice && h('p', { class: 'notice', role: 'status' }, notice),
    h('div', { class: 'card' },
      h('div', { role: 'tablist', 'aria-label': 'Log in or register', class: 'tabs' }, buttons),
      panel)));
  select('login', false);
}

function login_form(ctx) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true,
    value: ctx.session.saved_username(), autocapitalize: 'none', spellcheck: false });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const msg = form_messages();
  return request_form(msg, submit, {
    read: () => {
      if (!username.value.trim() || !password.value) throw new Refusal('Enter your username and password.');
      return [username.value.trim(), password.value];
    },
    send: async ([name, pass]) => {
      const reply = await ctx.session.login(name, pass);
      if (reply.failed_logins && reply.failed_logins.count > 0) {
        const f = reply.failed_logins;
        show_alert(`${f.count} login attempt${f.count === 1 ? '' : 's'} with a wrong password since your last login, the last at ${format_time(f.last_at_us)}. If that was not you, change your password.`, 'warning');
      }
    },
    // A wrong password is retyped, not added to.
    failed: () => password.select(),
  },
  field('Username', username),
  field('Password', password));
}

function register_form(ctx) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true,
    minLength: 3, maxLength: 32, pattern: '[A-Za-z0-9._\\-]{3,32}', autocapitalize: 'none', spellcheck: false });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password',
    required: true, minLength: 8, maxLength: 128 });
  const currency = h('select', { name: 'currency' }, CURRENCIES.map((c) => h('option', { value: c }, c)));
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email' });
  const country = h('input', { name: 'country', autocomplete: 'country', maxLength: 2,
    autocapitalize: 'characters', class: 'short' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create account');
  const msg = form_messages();
  return request_form(msg, submit, {
    read: () => {
      const fields = {
        username: username.value.trim(),
        password: password.value,
        currency: currency.value,
      };
      if (email.value.trim()) fields.email = email.value.trim();
      if (country.value.trim()) fields.country = country.value.trim().toUpperCase();
      const problem = check_register(fields);
      if (problem) throw new Refusal(problem);
      return fields;
    },
    send: (fields) => ctx.session.register(fields),
  },
  field('Username', username, '3 to 32 letters, digits, dots, underscores or hyphens.'),
  field('Password', password, 'At least 8 characters.'),
  field('Currency', currency, 'Your account’s money; it cannot be changed later.'),
  field('Email (optional)', email),
  field('Country (optional)', country, 'Two letters, for example DE or MT. Some bonuses need it.'));
}

// The server checks all of this too; checking first saves the player a round trip
// and names the field.
function check_register(f) {
  if (!/^[A-Za-z0-9._-]{3,32}$/.test(f.username)) {
    return 'A username has 3 to 32 characters: letters, digits, dot, underscore or hyphen.';
  }
  const bytes = new TextEncoder().encode(f.password).length;
  if (bytes < 8 || bytes > 128) return 'A password needs 8 to 128 characters.';
  if (f.country && !/^[A-Z]{2}$/.test(f.country)) return 'A country is two letters, for example DE or MT.';
  return '';
}
