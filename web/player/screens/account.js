// The account: who is logged in, the session's expiry (with a manual `refresh`),
// the `kyc` status, and the device fingerprint this browser sends.

import { h, clear, append } from '/common/dom.js';
import { busy, form_messages, section, status_badge, format_time } from '../ui.js';
import { device_id } from '../fingerprint.js';

export function mount(ctx, root) {
  const facts = h('dl', { class: 'facts wide' });
  const kyc_box = h('div');
  const msg = form_messages();
  const fp = h('code', { class: 'hash' }, '…');
  const refresh = h('button', {
    type: 'button', class: 'secondary',
    onclick: () => busy(refresh, async () => {
      try {
        const r = await ctx.session.refresh_now();
        msg.ok(`Session extended until ${format_time(r.expires_at_us)}.`);
      } catch (e) {
        msg.error(e);
      }
    }),
  }, 'Extend session');

  root.append(
    h('h1', null, 'Account'),
    section('You', facts, ...msg.nodes, h('div', { class: 'actions' }, refresh)),
    section('Identity verification', kyc_box),
    section('This device', h('p', null, 'Fingerprint sent when you log in: ', fp),
      h('p', { class: 'hint' }, 'A hash of your browser’s properties, used to protect your account. It is stored only in this browser.')));

  function draw() {
    const s = ctx.store.state.session;
    if (!s) return;
    clear(facts).append(
      h('dt', null, 'Username'), h('dd', null, s.username),
      h('dt', null, 'Player id'), h('dd', null, String(s.player_id)),
      h('dt', null, 'Currency'), h('dd', null, s.currency),
      h('dt', null, 'Session expires'), h('dd', null, format_time(s.expires_at_us)));
  }

  function draw_kyc() {
    const k = ctx.store.state.kyc;
    if (!k) return;
    append(clear(kyc_box), h('p', null, 'Status: ', status_badge(k.status), k.level ? ` (level ${k.level})` : ''),
      k.reason && h('p', { class: 'hint' }, k.reason),
      k.updated_us ? h('p', { class: 'hint' }, `Updated ${format_time(k.updated_us)}`) : null);
  }

  device_id().then((id) => { fp.textContent = id; }).catch(() => { fp.textContent = 'unavailable'; });
  const off = [
    ctx.store.subscribe(['session'], draw),
    ctx.store.subscribe(['kyc'], draw_kyc),
    ctx.on_ready(async () => {
      try {
        ctx.store.set({ kyc: await ctx.session.request('kyc') });
      } catch (e) {
        msg.error(e);
      }
    }),
  ];
  draw();
  return () => off.forEach((f) => f());
}
