// Address rules (docs/risk.md, "Edge protection"): ranges whose player connections
// are refused (deny) or spared the deny rules and registration velocity limits
// (allow). Effective at once; admins change them.

import { h, clear } from '/common/dom.js';
import { api, is_abort } from '../api.js';
import { can } from '../auth.js';
import { show_status } from '../errors.js';
import { time_us } from '../format.js';
import { busy, button, confirm_dialog, failed, field, form, loading, page, panel, select, status_badge, table } from '../ui.js';

function rules_table(rules, redraw) {
  const columns = [
    { label: 'Range', cell: (r) => r.cidr, class: 'mono', row_header: true },
    { label: 'Action', cell: (r) => status_badge(r.action) },
    { label: 'Note', cell: (r) => r.note || '—' },
    { label: 'Set by', cell: (r) => r.created_by || '—' },
    { label: 'Set (UTC)', cell: (r) => time_us(r.created_us), class: 'nowrap' },
  ];
  if (can('risk.address')) {
    columns.push({
      label: 'Remove',
      cell: (r) => {
        const b = button('Remove', () => remove(r, b, redraw), { class: 'small danger', 'aria-label': `Remove the rule for ${r.cidr}` });
        return b;
      },
    });
  }
  return table({ caption: 'Address rules', caption_hidden: true, columns, rows: rules, empty: 'No address rule.' });
}

async function remove(rule, btn, redraw) {
  const ok = await confirm_dialog({
    title: `Remove the rule for ${rule.cidr}`,
    summary: `The ${rule.action} rule stops applying at once.`,
    confirm_label: 'Remove rule',
    danger: true,
  });
  if (!ok) return;
  const res = await busy(btn, 'Removing the rule', () => api('DELETE', '/v1/risk/addresses', { query: { cidr: rule.cidr } }));
  if (res) {
    show_status(`Rule for ${rule.cidr} removed.`);
    redraw();
  }
}

function add_form(redraw) {
  const cidr = h('input', { required: true, placeholder: '203.0.113.0/24', autocomplete: 'off' });
  const action = select([['deny', 'deny'], ['allow', 'allow']], 'deny');
  const note = h('input', { maxLength: 500 });
  const submit = h('button', { type: 'submit' }, 'Save rule');
  return form(async () => {
    const body = { cidr: cidr.value.trim(), action: action.value };
    if (note.value.trim()) body.note = note.value.trim();
    const res = await busy(submit, 'Saving the rule', () => api('POST', '/v1/risk/addresses', { body }));
    if (res) {
      show_status(`${res.action} rule saved for ${res.cidr}.`);
      cidr.value = '';
      note.value = '';
      redraw();
    }
  },
  h('div', { class: 'grid-fields' },
    field('Range (CIDR or one address)', cidr), field('Action', action), field('Note (optional)', note)),
  h('div', { class: 'actions' }, submit));
}

export function addresses_screen(_params, { signal }) {
  const holder = h('div', null, loading());
  const redraw = () => api('GET', '/v1/risk/addresses', { signal })
    .then((res) => clear(holder).append(rules_table(res.rules || [], redraw)))
    .catch((e) => !is_abort(e) && clear(holder).append(failed(e, 'Reading the address rules')));
  redraw();
  return page('Address rules',
    h('p', { class: 'muted' }, 'Deny: player connections from the range are refused before the handshake. Allow: never refused by a deny rule and spared the registration velocity limits.'),
    panel('Rules', holder),
    can('risk.address') && panel('Add or replace a rule', add_form(redraw)));
}
